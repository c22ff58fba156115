"""Calls and messages typed in by the borrower, the case timeline, and the numbers seen."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from evidence.cases.fields import CaseLocalDateTimeField
from evidence.cases.models import Case
from evidence.cases.numbers import case_region, number_normalize
from evidence.cases.selectors import cases_visible_to, cases_writable_by
from evidence.common.errors import EvidenceError
from evidence.common.schema import PAGE, paginated
from evidence.events.models import CALL_CHANNEL_CHOICES, MESSAGE_CHANNEL_CHOICES, Channel, Direction, Event, EventKind
from evidence.events.selectors import (
    TIMELINE_TYPES,
    TimelineFilter,
    finding_event_ids,
    labels_by_number,
    numbers_overview,
    timeline_entries,
    timeline_of_events,
)
from evidence.events.services import event_record
from evidence.intake.models import EvidenceItem


class BadTimelineFilter(EvidenceError):
    code = "bad_filter"
    message = _("The filter %(name)s=%(value)s is not valid: %(why)s")


class CallInput(serializers.Serializer):
    number = serializers.CharField(max_length=200, allow_blank=True, help_text="Empty for a hidden number.")
    direction = serializers.ChoiceField(choices=Direction.choices)
    started_at = CaseLocalDateTimeField(help_text="With an offset, or local time in the case's time zone.")
    duration_s = serializers.IntegerField(min_value=0, max_value=86400, required=False)
    channel = serializers.ChoiceField(choices=CALL_CHANNEL_CHOICES, default=Channel.PHONE)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class MessageInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=MESSAGE_CHANNEL_CHOICES)
    direction = serializers.ChoiceField(choices=[Direction.IN, Direction.OUT])
    address = serializers.CharField(max_length=200, allow_blank=True, help_text="Number, WeChat name or sender.")
    body = serializers.CharField(max_length=100_000, allow_blank=True)
    sent_at = CaseLocalDateTimeField()
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class TimelineEntry(serializers.Serializer):
    """One row of the timeline: a call, a message or a file. Fields that do not apply are null."""

    type = serializers.ChoiceField(choices=TIMELINE_TYPES)
    id = serializers.UUIDField()
    at = serializers.DateTimeField()
    channel = serializers.CharField(allow_null=True)
    direction = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    number = serializers.CharField(allow_null=True, help_text="As written in the source.")
    number_normalized = serializers.CharField(allow_null=True)
    role = serializers.CharField(allow_null=True, help_text="The borrower's label for the number.")
    contact_name = serializers.CharField(allow_null=True)
    duration_s = serializers.IntegerField(allow_null=True)
    body = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_null=True)
    source = serializers.DictField(allow_null=True, help_text="{item, position}: the export and where in it.")
    attachments = serializers.ListField(child=serializers.DictField(), allow_null=True)
    file = serializers.DictField(allow_null=True, help_text="For files: kind, sha256, name, mime, urls.")
    recording = serializers.UUIDField(allow_null=True, help_text="For calls: the recording of the call, if one was found.")
    recording_file = serializers.DictField(allow_null=True, help_text="That recording: name, mime, duration_s, url.")


def _file_summary(item: EvidenceItem, request) -> dict:
    return {
        "id": str(item.id),
        "kind": item.kind,
        "sha256": item.sha256,
        "original_name": item.original_name,
        "mime": item.mime,
        "original_url": reverse("evidence-original", args=[item.id], request=request),
        "thumbnail_url": reverse("evidence-thumbnail", args=[item.id], request=request) if item.thumbnail else None,
    }


def _recording_summary(item: EvidenceItem, request) -> dict:
    return {
        "id": str(item.id),
        "original_name": item.original_name,
        "mime": item.mime,
        "duration_s": item.metadata.get("duration_s"),  # once the metadata job has run
        "original_url": reverse("evidence-original", args=[item.id], request=request),
    }


def event_entry(event: Event, labels: dict, request) -> dict:
    label = labels.get(event.number_normalized)
    return {
        "type": event.kind,
        "id": event.id,
        "at": event.occurred_at,
        "channel": event.channel,
        "direction": event.direction,
        "status": event.status or None,
        "number": event.number,
        "number_normalized": event.number_normalized,
        "role": label.role if label else None,
        "contact_name": event.contact_name,
        "duration_s": event.duration_s,
        "body": event.body if event.kind == EventKind.MESSAGE else None,
        "note": event.note,
        "source": (
            {"item": str(event.source_item_id), "position": event.source_position}
            if event.source_item_id else {"item": None, "position": "entered by hand"}
        ),
        "attachments": [_file_summary(item, request) for item in event.attachments.all()],
        "file": None,
        "recording": event.recording_id,
        "recording_file": _recording_summary(event.recording, request) if event.recording_id else None,
    }


def file_entry(item: EvidenceItem, request) -> dict:
    empty = dict.fromkeys(("channel", "direction", "status", "number", "number_normalized", "role",
                           "contact_name", "duration_s", "body", "source", "attachments", "recording",
                           "recording_file"))
    return {**empty, "type": "file", "id": item.id, "at": item.occurred_at or item.received_at,
            "note": item.note, "file": _file_summary(item, request)}


class _ManualEntryApi(APIView):
    input_class: type[serializers.Serializer]
    kind: str

    def _record(self, request, case, values) -> tuple[Event, bool]:
        raise NotImplementedError

    def post(self, request, case_id):
        case = get_object_or_404(cases_writable_by(request.user), id=case_id)
        form = self.input_class(data=request.data, context={"case": case})
        form.is_valid(raise_exception=True)
        event, created = self._record(request, case, form.validated_data)
        labels = labels_by_number(case, [event.number_normalized])
        return Response(
            TimelineEntry(event_entry(event, labels, request)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CaseCallsApi(_ManualEntryApi):
    """Type in a call that no export holds: a WeChat voice call, a visit, a call on another phone."""

    input_class = CallInput

    @extend_schema(request=CallInput, responses={201: TimelineEntry, 200: TimelineEntry})
    def post(self, request, case_id):
        return super().post(request, case_id)

    def _record(self, request, case, values):
        return event_record(
            case=case, kind=EventKind.CALL, channel=values["channel"], direction=values["direction"],
            occurred_at=values["started_at"], number=values["number"], duration_s=values.get("duration_s"),
            contact_name=values["contact_name"], note=values["note"], entered_by=request.user, request=request,
        )


class CaseMessagesApi(_ManualEntryApi):
    """Type in a message that no export holds: a WeChat message, a letter, an email."""

    input_class = MessageInput

    @extend_schema(request=MessageInput, responses={201: TimelineEntry, 200: TimelineEntry})
    def post(self, request, case_id):
        return super().post(request, case_id)

    def _record(self, request, case, values):
        return event_record(
            case=case, kind=EventKind.MESSAGE, channel=values["channel"], direction=values["direction"],
            occurred_at=values["sent_at"], number=values["address"], body=values["body"],
            contact_name=values["contact_name"], note=values["note"], entered_by=request.user, request=request,
        )


class TimelinePagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def _parse_moment(name: str, value: str, case: Case, *, end: bool) -> datetime | None:
    """An ISO time (local to the case when it has no offset) or a date (a whole local day)."""
    if not value:
        return None
    zone = ZoneInfo(case.timezone)
    try:
        day = parse_date(value)  # a plain date: the whole local day
        moment = datetime.combine(day + timedelta(days=1) if end else day, time(0)) if day else parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise BadTimelineFilter(name=name, value=value[:40], why=_("use 2026-05-01 or 2026-05-01T22:00+08:00"))
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zone)
    return moment


class TimelineApi(APIView):
    """Every call, message and file of a case in time order, filtered and paginated."""

    @extend_schema(
        operation_id="cases_timeline_list",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, description="call, message, file; several with commas"),
            OpenApiParameter("number", OpenApiTypes.STR, description="one number, in any common spelling"),
            OpenApiParameter("since", OpenApiTypes.STR, description="from this time or date (inclusive)"),
            OpenApiParameter("until", OpenApiTypes.STR, description="before this time, or to the end of this date"),
            OpenApiParameter("direction", OpenApiTypes.STR, enum=Direction.values),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
            OpenApiParameter("finding", OpenApiTypes.STR, description="only the events behind this finding, e.g. CN-T"),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1–1000, default 100"),
            PAGE,
        ],
        responses=paginated(TimelineEntry),
    )
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        where = self._filter(request, case)
        paginator = TimelinePagination()
        rule = request.query_params.get("finding", "")
        if rule:
            ids = finding_event_ids(case, rule)
            if ids is None:
                raise BadTimelineFilter(name="finding", value=rule[:40], why=_("the case has no such finding"))
            entries = timeline_of_events(case, [str(i) for i in ids], where)
        else:
            entries = timeline_entries(case, where)
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(TimelineEntry(self._entries(case, page, request), many=True).data)

    def _filter(self, request, case) -> TimelineFilter:
        params = request.query_params
        types = tuple(t for t in params.get("kind", "").replace(" ", "").split(",") if t) or TIMELINE_TYPES
        if unknown := set(types) - set(TIMELINE_TYPES):
            raise BadTimelineFilter(name="kind", value=",".join(sorted(unknown)), why=_("use call, message or file"))
        direction, channel = params.get("direction", ""), params.get("channel", "")
        if direction and direction not in Direction.values:
            raise BadTimelineFilter(name="direction", value=direction[:40], why=", ".join(Direction.values))
        if channel and channel not in Channel.values:
            raise BadTimelineFilter(name="channel", value=channel[:40], why=", ".join(Channel.values))
        number = params.get("number", "")
        return TimelineFilter(
            types=types,
            number=number_normalize(number, case_region(case)) if number else "",
            since=_parse_moment("since", params.get("since", ""), case, end=False),
            until=_parse_moment("until", params.get("until", ""), case, end=True),
            direction=direction,
            channel=channel,
        )

    def _entries(self, case, page, request) -> list[dict]:
        """Load the page's rows in a fixed number of queries, whatever the page size."""
        event_ids = [row[0] for row in page if row[2] != "file"]
        file_ids = [row[0] for row in page if row[2] == "file"]
        events = {e.id: e for e in Event.objects.filter(id__in=event_ids).select_related("recording")
                  .prefetch_related("attachments")}
        files = {f.id: f for f in EvidenceItem.objects.filter(id__in=file_ids)}
        labels = labels_by_number(case, (e.number_normalized for e in events.values()))
        return [
            file_entry(files[row[0]], request) if row[2] == "file" else event_entry(events[row[0]], labels, request)
            for row in page
        ]


class NumberSummary(serializers.Serializer):
    number = serializers.CharField()
    contact_name = serializers.CharField()
    calls = serializers.IntegerField(help_text="Calls in both directions.")
    messages = serializers.IntegerField(help_text="Messages in both directions.")
    calls_in = serializers.IntegerField(help_text="Calls the other side placed: answered, missed, rejected, blocked, voicemail.")
    calls_out = serializers.IntegerField(help_text="Calls the borrower placed.")
    messages_in = serializers.IntegerField(help_text="Messages received.")
    messages_out = serializers.IntegerField(help_text="Messages the borrower sent.")
    first_at = serializers.DateTimeField()
    last_at = serializers.DateTimeField()
    role = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class NumbersApi(APIView):
    """Every number in the case's calls and messages, busiest first, with the borrower's label."""

    @extend_schema(responses=NumberSummary(many=True))
    def get(self, request, case_id):
        case = get_object_or_404(cases_visible_to(request.user), id=case_id)
        return Response(NumberSummary(numbers_overview(case), many=True).data)
