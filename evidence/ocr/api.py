"""The text recognised in a picture, as part of the item's answer; the borrower's review of a passage."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.cases.selectors import cases_writable_by
from evidence.common.errors import NotFound
from evidence.custody.services import custody_record
from evidence.intake.models import EvidenceItem
from evidence.ocr.models import RecognizedText, Review, TextStatus
from evidence.ocr.services import is_readable, passage_review

ERROR_TEXT = {
    "ocr_unavailable": _("Text recognition is not installed on this server."),
    "ocr_timeout": _("Reading this picture took too long; its text was not read."),
    "ocr_failed": _("The text of this picture could not be read."),
}


class PassageOutput(serializers.Serializer):
    n = serializers.IntegerField(help_text="Its number in this picture, from the top.")
    side = serializers.ChoiceField(choices=["theirs", "mine", "time", "unknown"],
                                   help_text="theirs: the other side's bubble; mine: the phone owner's; "
                                             "time: a time shown above messages; unknown: not a chat bubble.")
    text = serializers.CharField()
    time = serializers.CharField(help_text="The visible time above it, as shown ('' if none).")
    page = serializers.IntegerField(allow_null=True, help_text="A PDF's page it was read on; null for pictures.")
    review = serializers.ChoiceField(choices=Review.choices, allow_null=True,
                                     help_text="What the borrower said of this machine reading.")


class TextOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=TextStatus.choices)
    machine_read = serializers.BooleanField(help_text="Always true: read by a program and may contain mistakes.")
    lang = serializers.CharField(help_text="zh-Hans, en, or '' when no text was found.")
    content = serializers.CharField(help_text="The text, one line per recognised line.")
    layout = serializers.CharField(help_text="chat (bubbles with sides) or text (paragraphs); '' until read.")
    title = serializers.CharField(help_text="A chat's title bar: whom the chat is with.")
    passages = PassageOutput(many=True)
    engine = serializers.CharField(help_text="The engine, its version, languages and settings.")
    seconds = serializers.FloatField(allow_null=True)
    recognized_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(help_text="Why there is no text: ocr_unavailable, ocr_timeout, ocr_failed.")
    error_text = serializers.CharField(help_text="The same, in the reader's language.")


def text_of(record: RecognizedText | None) -> dict:
    if record is None:
        record = RecognizedText(status=TextStatus.PENDING)
    return {
        "status": record.status,
        "machine_read": True,
        "lang": record.lang,
        "content": record.content,
        "layout": record.layout,
        "title": record.title,
        "passages": [{**{key: p[key] for key in ("n", "side", "text", "time")}, "page": p.get("page"),
                      "review": record.reviews.get(str(p["n"]))}
                     for p in record.passages],
        "engine": record.engine,
        "seconds": record.seconds,
        "recognized_at": record.recognized_at,
        "error": record.error,
        "error_text": str(ERROR_TEXT.get(record.error, "")),
    }


@extend_schema_field(TextOutput(allow_null=True))
class RecognizedTextField(serializers.Field):
    """`text` on an evidence item: null for items that are not pictures."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, item: EvidenceItem):
        if not is_readable(item):
            return None
        try:
            record = item.recognized_text
        except RecognizedText.DoesNotExist:
            record = None
        data = text_of(record)
        return TextOutput(data).data


class ReviewInput(serializers.Serializer):
    review = serializers.ChoiceField(choices=Review.choices, allow_null=True,
                                     help_text="confirmed: the reading is right; dismissed: the rules skip it; "
                                               "null: undo.")


class PassageReviewApi(APIView):
    """Confirm or dismiss a machine-read passage of a picture (the case's owner only)."""

    @extend_schema(request=ReviewInput, responses=TextOutput)
    def post(self, request, item_id, n):
        items = EvidenceItem.objects.filter(case__in=cases_writable_by(request.user).values("id"))
        item = get_object_or_404(items, id=item_id)
        record = RecognizedText.objects.filter(item=item, status=TextStatus.DONE).first()
        if record is None or not any(p["n"] == n for p in record.passages):
            raise NotFound()
        form = ReviewInput(data=request.data)
        form.is_valid(raise_exception=True)
        record = passage_review(record=record, n=n, review=form.validated_data["review"])
        custody_record(action="evidence.text_reviewed", actor=request.user, request=request, case_id=item.case_id,
                       item_id=item.id, sha256=item.sha256, details={"passage": n, "review": form.validated_data["review"]})
        return Response(TextOutput(text_of(record)).data)
