"""Bundles: ask for a signed report and packet, follow the job, download the files; verify a packet."""


from http import HTTPStatus

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from evidence.cases.selectors import cases_visible_to, cases_writable_by, scoped_to_visible_cases
from evidence.common.errors import EvidenceError
from evidence.common.jobs import problem_text
from evidence.common.limits import jobs_in_flight_check
from evidence.custody.services import custody_record
from evidence.intake.streaming import StreamingUploadMixin
from evidence.reports.models import Authority, Bundle, BundleStatus, Purpose
from evidence.reports.services import bundle_files, bundle_request, download_name
from evidence.reports.verify import verify_packet
from evidence.storage.backends import get_storage
from evidence.storage.responses import StoredFileResponse


class NotReady(EvidenceError):
    status_code = HTTPStatus.CONFLICT
    code = "not_ready"
    message = _("The bundle is not finished yet (%(status)s, %(progress)s%%).")


class BundleInput(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    authority = serializers.ChoiceField(choices=Authority.choices, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=["zh-Hans", "en"], default="zh-Hans")
    borrower_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                          help_text="How the report names you; leave empty to stay unnamed.")

    def validate(self, values):
        if values["purpose"] == Purpose.AUTHORITY and not values["authority"]:
            raise serializers.ValidationError({"authority": _("Choose the authority the packet is for.")})
        if values["purpose"] != Purpose.AUTHORITY:
            values["authority"] = ""
        return values


class BundleOutput(serializers.Serializer):
    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    purpose = serializers.CharField()
    authority = serializers.CharField()
    language = serializers.CharField()
    status = serializers.ChoiceField(choices=BundleStatus.choices)
    progress = serializers.IntegerField(help_text="0–100, never going back")
    error = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    evidence_set_sha256 = serializers.CharField()
    report_sha256 = serializers.CharField()
    packet_sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    report_url = serializers.SerializerMethodField()
    packet_url = serializers.SerializerMethodField()
    report_name = serializers.SerializerMethodField(help_text="the file name the report downloads as")
    packet_name = serializers.SerializerMethodField(help_text="'证据包-<case>-<bundle short id>-<local date>.zip'")

    def get_report_name(self, bundle) -> str:
        return download_name(bundle, "report.pdf")

    def get_packet_name(self, bundle) -> str:
        return download_name(bundle, "packet.zip")

    def get_error(self, bundle) -> str | None:
        return problem_text("bundle", bundle.error) or None

    def get_items(self, bundle) -> int:
        return len(bundle.items)

    def _url(self, bundle, name) -> str | None:
        if bundle.status != BundleStatus.DONE:
            return None
        return reverse(name, args=[bundle.id], request=self.context.get("request"))

    def get_report_url(self, bundle) -> str | None:
        return self._url(bundle, "bundle-report")

    def get_packet_url(self, bundle) -> str | None:
        return self._url(bundle, "bundle-packet")


class CaseBundlesApi(APIView):
    """Ask for a signed report and packet of the case's evidence as it is now (202), or list them."""

    @extend_schema(responses=BundleOutput(many=True))
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        return Response(BundleOutput(case.bundles.all(), many=True, context={"request": request}).data)

    @extend_schema(request=BundleInput, responses={202: BundleOutput})
    def post(self, request, case_id):
        case = get_object_or_404(cases_writable_by(request.user), id=case_id)
        jobs_in_flight_check(request.user, Bundle, _("packets"))
        form = BundleInput(data=request.data)
        form.is_valid(raise_exception=True)
        bundle = bundle_request(case=case, requested_by=request.user, request=request, **form.validated_data)
        bundle.refresh_from_db()
        return Response(BundleOutput(bundle, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


def _visible_bundle(request, bundle_id) -> Bundle:
    return get_object_or_404(scoped_to_visible_cases(Bundle.objects.all(), request.user), id=bundle_id)


class BundleDetailApi(APIView):
    """A bundle's status, progress (0–100), error and hashes."""

    @extend_schema(responses=BundleOutput)
    def get(self, request, bundle_id):
        return Response(BundleOutput(_visible_bundle(request, bundle_id), context={"request": request}).data)


class _BundleFileApi(APIView):
    file_name: str
    content_type: str

    def get(self, request, bundle_id):
        bundle = _visible_bundle(request, bundle_id)
        if bundle.status != BundleStatus.DONE:
            raise NotReady(status=bundle.status, progress=bundle.progress)
        name = bundle_files(bundle)[self.file_name]
        custody_record(action="bundle.downloaded", request=request, case_id=bundle.case_id,
                       sha256=name.split("/")[1].split(".")[0], details={"bundle": str(bundle.id), "file": self.file_name})
        response = StoredFileResponse(get_storage().open_derived(name), as_attachment=True,
                                filename=download_name(bundle, self.file_name),
                                content_type=self.content_type)
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-transform"
        return response


@extend_schema_view(get=extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}))
class BundleReportApi(_BundleFileApi):
    """The signed report PDF."""

    file_name, content_type = "report.pdf", "application/pdf"


@extend_schema_view(get=extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY}))
class BundlePacketApi(_BundleFileApi):
    """The packet: report, manifest, originals, records, signed and timestamped hashes."""

    file_name, content_type = "packet.zip", "application/zip"


class PacketVerifyForm(serializers.Serializer):
    file = serializers.FileField()


class PacketCheck(serializers.Serializer):
    check = serializers.CharField()
    ok = serializers.BooleanField(allow_null=True)
    detail = serializers.CharField()


class PacketVerifyApi(StreamingUploadMixin, APIView):
    """Check a packet someone sent you: the same checks as `manage.py verify_packet`."""

    @extend_schema(request={"multipart/form-data": PacketVerifyForm}, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        with self.received_file(request) as upload:
            checks = verify_packet(upload.temporary_file_path())
        rows = [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in checks]
        return Response({"ok": all(c.ok is not False for c in checks), "sha256": upload.sha256, "checks": rows})
