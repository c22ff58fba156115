"""Submissions: record where a finished bundle was sent, follow its status, keep the receipts."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.cases.selectors import cases_visible_to
from evidence.common.errors import EvidenceError
from evidence.intake.streaming import StreamingMultiPartParser
from evidence.intake.uploads import HashedUpload, HashingUploadHandler, UploadTooLarge
from evidence.reports.models import Authority
from evidence.submissions.models import Channel, SubmissionStatus
from evidence.submissions.selectors import (
    bundles_visible_to,
    bundles_writable_by,
    submissions_visible_to,
    submissions_writable_by,
)
from evidence.submissions.services import submission_record, submission_update


class SubmissionInput(serializers.Serializer):
    authority = serializers.ChoiceField(choices=Authority.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                      help_text="受案回执 number, 查询码, CFPB complaint id, …")
    submitted_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                             help_text="When it was sent; now if left out; never in the future.")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class UpdateInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)
    at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                   help_text="When it happened; now if left out; never in the future.")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class UpdateForm(UpdateInput):
    receipt = serializers.FileField(required=False, help_text="The receipt or answer: stored as evidence in the case.")


class ReceiptOutput(serializers.Serializer):
    id = serializers.UUIDField()
    sha256 = serializers.CharField()
    original_name = serializers.CharField()


class UpdateOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    at = serializers.DateTimeField()
    note = serializers.CharField()
    receipt = ReceiptOutput(allow_null=True)


class SubmissionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    bundle = serializers.UUIDField(source="bundle_id")
    case = serializers.UUIDField(source="case_id")
    authority = serializers.ChoiceField(choices=Authority.choices)
    authority_label = serializers.CharField(source="get_authority_display")
    channel = serializers.ChoiceField(choices=Channel.choices)
    channel_label = serializers.CharField(source="get_channel_display")
    submitted_at = serializers.DateTimeField()
    reference = serializers.CharField()
    note = serializers.CharField()
    status = serializers.ChoiceField(choices=SubmissionStatus.choices, help_text="The latest step's status, by its time.")
    status_label = serializers.CharField(source="get_status_display")
    updates = UpdateOutput(many=True, help_text="The history, oldest first; the first step is the submission itself.")
    created_at = serializers.DateTimeField()


def _shown(request, submission_id) -> dict:
    return SubmissionOutput(get_object_or_404(submissions_visible_to(request.user), id=submission_id)).data


class BundleSubmissionsApi(APIView):
    """Record that a finished bundle was submitted to an authority (201), or list its submissions."""

    @extend_schema(responses=SubmissionOutput(many=True))
    def get(self, request, bundle_id):
        bundle = get_object_or_404(bundles_visible_to(request.user), id=bundle_id)
        return Response(SubmissionOutput(submissions_visible_to(request.user).filter(bundle=bundle), many=True).data)

    @extend_schema(request=SubmissionInput, responses={201: SubmissionOutput})
    def post(self, request, bundle_id):
        bundle = get_object_or_404(bundles_writable_by(request.user), id=bundle_id)
        form = SubmissionInput(data=request.data)
        form.is_valid(raise_exception=True)
        submission = submission_record(bundle=bundle, actor=request.user, request=request, **form.validated_data)
        return Response(_shown(request, submission.id), status=status.HTTP_201_CREATED)


class CaseSubmissionsApi(APIView):
    """Every submission of the case's bundles, newest first, each with its history."""

    @extend_schema(responses=SubmissionOutput(many=True))
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        return Response(SubmissionOutput(submissions_visible_to(request.user).filter(case=case), many=True).data)


class SubmissionDetailApi(APIView):
    """One submission with its history."""

    @extend_schema(responses=SubmissionOutput)
    def get(self, request, submission_id):
        return Response(_shown(request, submission_id))


class OneReceipt(EvidenceError):
    code = "too_many_files"
    message = _("Send at most one receipt, in the form field named “receipt”.")


class ReceiptUploadHandler(HashingUploadHandler):
    """Streams the one `receipt` part through the hasher, like any original."""

    def new_file(self, field_name, *args, **kwargs):
        if field_name != "receipt" or self.temp is not None:
            raise OneReceipt()
        # The parent accepts only a part called "file"; the name decides nothing else there.
        super().new_file("file", *args, **kwargs)


class SubmissionUpdatesApi(APIView):
    """Add a step to a submission (acknowledged, answered, closed, or a correction), with an optional receipt."""

    parser_classes = [StreamingMultiPartParser, JSONParser]

    def initialize_request(self, request, *args, **kwargs):
        # Set before anything reads the body, so a receipt streams through the hasher.
        self.upload_handler = ReceiptUploadHandler(request, max_bytes=settings.UPLOAD_MAX_BYTES)
        request.upload_handlers = [self.upload_handler]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": UpdateForm, "application/json": UpdateInput},
                   responses={201: SubmissionOutput})
    def post(self, request, submission_id):
        submission = get_object_or_404(submissions_writable_by(request.user).select_related("case"), id=submission_id)
        with self._received_receipt(request) as receipt:
            form = UpdateInput(data=request.data)
            form.is_valid(raise_exception=True)
            submission_update(submission=submission, receipt_upload=receipt, actor=request.user, request=request,
                              **form.validated_data)
        return Response(_shown(request, submission.id), status=status.HTTP_201_CREATED)

    @contextmanager
    def _received_receipt(self, request) -> Iterator[HashedUpload | None]:
        """The request's `receipt`, hashed and on disk, or None; its temporary file is removed afterwards."""
        limit = settings.UPLOAD_MAX_BYTES
        declared = request.META.get("CONTENT_LENGTH") or "0"
        # Refuse an oversized body before reading it; the handler still counts what arrives.
        if declared.isdigit() and int(declared) > limit + (1 << 20):
            raise UploadTooLarge(limit_mib=limit // (1 << 20))
        try:
            yield request.FILES.get("receipt")
        finally:
            self.upload_handler.cleanup()

