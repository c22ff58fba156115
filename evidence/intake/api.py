from django.http import HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from evidence.cases.selectors import cases_visible_to, cases_writable_by, scoped_to_visible_cases
from evidence.common.limits import upload_rate_check
from evidence.common.schema import PAGE, paginated
from evidence.custody.services import custody_record
from evidence.intake.models import EvidenceItem, Kind, TimeSource
from evidence.intake.services import evidence_describe, evidence_ingest
from evidence.intake.streaming import StreamingUploadMixin
from evidence.storage.backends import get_storage
from evidence.storage.responses import StoredFileResponse


class UploadInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    occurred_at = serializers.DateTimeField(required=False)
    occurred_at_source = serializers.ChoiceField(
        choices=[TimeSource.CLIENT, TimeSource.USER], required=False,
        help_text="client: a time the phone knows (file date); user: typed by the borrower.",
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    purpose = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                    help_text="证明目的: what this file proves, in the borrower's words.")
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                    help_text="内容摘要: what this file holds, in the borrower's words.")
    client_sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", required=False, allow_blank=True)

    def validate_kind(self, kind: str) -> str:
        if kind == Kind.EXPORT:  # an export becomes calls and messages through its import, never a bare file
            raise serializers.ValidationError(_(
                "A phone export (call log, SMS backup, chat export) is sent to the case's imports "
                "(POST /api/cases/{id}/imports/), which reads its calls and messages, not uploaded as a file."))
        return kind


class UploadForm(UploadInput):
    file = serializers.FileField()


class DescribeInput(serializers.Serializer):
    purpose = serializers.CharField(max_length=500, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)


# Read-only parts of an item that apps above intake add to its answer (the text recognised in a
# picture, its twins), registered from their AppConfig.ready(): name -> (field factory, related name to
# join, related name to prefetch).
_output_parts: dict[str, tuple] = {}


def evidence_output_part_register(name: str, make_field, related: str = "", prefetch: str = "") -> None:
    """Add the field make_field() as `name` to every evidence item's answer."""
    _output_parts[name] = (make_field, related, prefetch)


def _joined(items):
    related = [related for _, related, _ in _output_parts.values() if related]
    prefetch = [prefetch for _, _, prefetch in _output_parts.values() if prefetch]
    items = items.select_related(*related) if related else items
    return items.prefetch_related(*prefetch) if prefetch else items


class EvidenceOutput(serializers.ModelSerializer):
    original_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceItem
        fields = [
            "id", "case", "kind", "sha256", "size", "mime", "original_name", "occurred_at",
            "occurred_at_source", "received_at", "note", "purpose", "summary", "provided_by", "verification", "verified_at",
            "has_sensitive_metadata", "metadata", "original_url", "thumbnail_url",
        ]

    def get_fields(self):
        fields = super().get_fields()
        for name, (make_field, _related, _prefetch) in _output_parts.items():
            fields[name] = make_field()
        return fields

    def get_original_url(self, item) -> str:
        return reverse("evidence-original", args=[item.id], request=self.context.get("request"))

    def get_thumbnail_url(self, item) -> str | None:
        if not item.thumbnail:
            return None
        return reverse("evidence-thumbnail", args=[item.id], request=self.context.get("request"))


class CaseEvidenceApi(StreamingUploadMixin, APIView):
    """List a case's evidence, or upload one original."""

    @extend_schema(operation_id="cases_evidence_list", parameters=[PAGE], responses=paginated(EvidenceOutput))
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(_joined(case.evidence_items.order_by("received_at", "id")), request, view=self)
        return paginator.get_paginated_response(EvidenceOutput(page, many=True, context={"request": request}).data)

    @extend_schema(request={"multipart/form-data": UploadForm}, responses={201: EvidenceOutput, 200: EvidenceOutput})
    def post(self, request, case_id):
        case = get_object_or_404(cases_writable_by(request.user), id=case_id)
        upload_rate_check(request.user)  # before a byte of the body is read
        with self.received_file(request) as upload:
            form = UploadInput(data=request.data)
            form.is_valid(raise_exception=True)
            item, created = evidence_ingest(case=case, upload=upload, uploaded_by=request.user, request=request, **form.validated_data)
        return Response(
            EvidenceOutput(item, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _visible_item(request, item_id) -> EvidenceItem:
    items = scoped_to_visible_cases(_joined(EvidenceItem.objects.select_related("case")), request.user)
    return get_object_or_404(items, id=item_id)


class EvidenceDetailApi(APIView):
    """One evidence item with its metadata and verification state."""

    @extend_schema(responses=EvidenceOutput)
    def get(self, request, item_id):
        item = _visible_item(request, item_id)
        custody_record(action="evidence.viewed", request=request, case_id=item.case_id, item_id=item.id,
                       sha256=item.sha256)
        return Response(EvidenceOutput(item, context={"request": request}).data)

    @extend_schema(request=DescribeInput, responses=EvidenceOutput)
    def patch(self, request, item_id):
        """Set 证明目的 (purpose) and 内容摘要 (summary): the case's owner only."""
        items = EvidenceItem.objects.filter(case__in=cases_writable_by(request.user).values("id"))
        item = get_object_or_404(items, id=item_id)
        form = DescribeInput(data=request.data)
        form.is_valid(raise_exception=True)
        item = evidence_describe(item=item, actor=request.user, request=request, **form.validated_data)
        return Response(EvidenceOutput(item, context={"request": request}).data)


class EvidenceOriginalApi(APIView):
    """The original bytes, exactly as received. Every fetch is written to the custody log."""

    @extend_schema(responses={
        (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The original, with the content type it "
                                                                     "was stored with."),
        304: OpenApiResponse(description="If-None-Match named this file's ETag: the bytes are the ones you have."),
    })
    def get(self, request, item_id):
        item = _visible_item(request, item_id)
        etag = f'"{item.sha256}"'
        if request.META.get("HTTP_IF_NONE_MATCH") == etag:
            return HttpResponseNotModified(headers={"ETag": etag})
        custody_record(
            action="evidence.original_fetched", request=request, case_id=item.case_id, item_id=item.id, sha256=item.sha256,
        )
        response = StoredFileResponse(
            get_storage().open(item.sha256),
            as_attachment=True,
            filename=item.original_name or f"{item.sha256[:12]}",
            content_type=item.mime,
        )
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-transform"
        # Never let a stored file run as a page on our origin (a PDF or a disguised HTML).
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class EvidenceThumbnailApi(APIView):
    """A small WebP preview of a picture, once the thumbnail job has made it."""

    @extend_schema(responses={(200, "image/webp"): OpenApiTypes.BINARY})
    def get(self, request, item_id):
        item = _visible_item(request, item_id)
        storage = get_storage()
        if not item.thumbnail or not storage.derived_exists(item.thumbnail):
            return Response({"error": "no_thumbnail", "detail": str(_("No preview yet."))}, status=status.HTTP_404_NOT_FOUND)
        response = StoredFileResponse(storage.open_derived(item.thumbnail), content_type="image/webp")
        response["Cache-Control"] = "private, max-age=86400"
        return response
