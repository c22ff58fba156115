"""Phone exports: send one in, then watch its import."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from evidence.cases.selectors import cases_visible_to, cases_writable_by, scoped_to_visible_cases
from evidence.common.limits import jobs_in_flight_check
from evidence.imports import parsers
from evidence.imports.models import Import
from evidence.imports.parsers import columns
from evidence.imports.problems import problem_text
from evidence.imports.services import import_map, import_receive
from evidence.intake.streaming import StreamingUploadMixin


class ImportForm(serializers.Serializer):
    file = serializers.FileField(help_text="sms.xml / calls.xml (SMS Backup & Restore), a CSV, or a WeChat export.")


class Problem(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    params = serializers.DictField()


class ImportOutput(serializers.Serializer):
    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    status = serializers.CharField()
    format = serializers.CharField()
    format_label = serializers.SerializerMethodField()
    progress = serializers.IntegerField(help_text="0–100")
    counts = serializers.DictField(help_text="{calls, messages, attachments, duplicates, skipped}")
    errors = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    original_name = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    export_item = serializers.UUIDField(source="export_item_id", allow_null=True)
    mapping = serializers.DictField(help_text="How a CSV's columns were read: {mapping, values, defaults}.")
    columns = serializers.SerializerMethodField(help_text="needs_mapping: the CSV's column titles.")
    sample = serializers.SerializerMethodField(help_text="needs_mapping: the first rows, as written.")
    suggested = serializers.SerializerMethodField(help_text="needs_mapping: {field: column} we would pick.")
    suggested_values = serializers.SerializerMethodField(
        help_text="needs_mapping: for the suggested direction and kind columns, {word in the file: meaning or null}.")
    distinct = serializers.SerializerMethodField(
        help_text="needs_mapping: {column: its distinct values}, for columns with few (words to map).")
    received_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_format_label(self, job) -> str:
        return str(parsers.format_by_name(job.format).label)

    @extend_schema(responses=Problem(many=True))
    def get_errors(self, job) -> list[dict]:
        return [_problem(problem) for problem in job.errors]

    @extend_schema(responses=Problem(many=True))
    def get_warnings(self, job) -> list[dict]:
        return [_problem(problem) for problem in job.warnings]

    def get_columns(self, job) -> list[str]:
        return job.mapping_request.get("columns", [])

    def get_sample(self, job) -> list[list[str]]:
        return job.mapping_request.get("sample", [])

    def get_suggested(self, job) -> dict:
        return job.mapping_request.get("suggested", {})

    def get_suggested_values(self, job) -> dict:
        return job.mapping_request.get("suggested_values", {})

    def get_distinct(self, job) -> dict:
        return job.mapping_request.get("distinct", {})

    def get_url(self, job) -> str:
        return reverse("import-detail", args=[job.id], request=self.context.get("request"))


def _problem(problem: dict) -> dict:
    return {"code": problem["code"], "detail": problem_text(problem), "params": problem.get("params", {})}


class CaseImportsApi(StreamingUploadMixin, APIView):
    """Send a phone export (202: it is read by a job), or list the case's imports."""

    @extend_schema(responses=ImportOutput(many=True))
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        return Response(ImportOutput(case.imports.all(), many=True, context={"request": request}).data)

    @extend_schema(request={"multipart/form-data": ImportForm}, responses={202: ImportOutput})
    def post(self, request, case_id):
        case = get_object_or_404(cases_writable_by(request.user), id=case_id)
        jobs_in_flight_check(request.user, Import, _("imports"))  # before a byte of the body is read
        with self.received_file(request) as upload:
            job = import_receive(case=case, upload=upload, created_by=request.user, request=request)
        job.refresh_from_db()  # the job may already have run (eager mode, or a fast worker)
        return Response(ImportOutput(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class ImportDetailApi(APIView):
    """An import's status, progress, counts, errors and warnings."""

    @extend_schema(responses=ImportOutput)
    def get(self, request, import_id):
        job = get_object_or_404(scoped_to_visible_cases(Import.objects.all(), request.user), id=import_id)
        return Response(ImportOutput(job, context={"request": request}).data)


class MappingInput(serializers.Serializer):
    mapping = serializers.DictField(
        help_text="{field: column title, or a list of titles (the first non-empty counts)}; fields: "
        + ", ".join(columns.FIELDS))
    values = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()), required=False, default=dict,
        help_text='The file\'s own words: {"direction": {"已接": "in", …}, "kind": {"短信": "sms", …}}.')
    defaults = serializers.DictField(child=serializers.CharField(), required=False, default=dict,
                                     help_text='{"kind": "call"|"sms"|"mms"|"wechat"|"other"} for the whole file.')

    def validate_mapping(self, mapping):
        for column in mapping.values():
            titles = column if isinstance(column, list) else [column]
            if not titles or not all(isinstance(title, str) for title in titles):
                raise serializers.ValidationError("Each field names a column title or a list of titles.")
        return {field: column for field, column in mapping.items() if column not in ("", None, [])}


class ImportMappingApi(APIView):
    """Say which column of a CSV holds what; the waiting import then runs (202)."""

    @extend_schema(request=MappingInput, responses={202: ImportOutput})
    def post(self, request, import_id):
        job = get_object_or_404(Import.objects.filter(case__in=cases_writable_by(request.user)), id=import_id)
        form = MappingInput(data=request.data)
        form.is_valid(raise_exception=True)
        job = import_map(job=job, actor=request.user, request=request, **form.validated_data)
        return Response(ImportOutput(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
