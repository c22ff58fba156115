"""Reading a case's calls, messages and files in one time order."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Count, F, Max, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from evidence.cases.models import Case, NumberLabel
from evidence.events.models import Direction, Event
from evidence.intake.models import EvidenceItem, Kind

TIMELINE_TYPES = ("call", "message", "file")


@dataclass(frozen=True)
class TimelineFilter:
    types: tuple[str, ...] = TIMELINE_TYPES
    number: str = ""  # normalised
    since: datetime | None = None
    until: datetime | None = None
    direction: str = ""
    channel: str = ""


# Findings live in the analysis app, above this one: it registers how to read a finding's
# events (AnalysisConfig.ready), so the timeline can show them without importing it.
_finding_resolvers: list = []


def finding_resolver_register(resolver) -> None:
    """resolver(case, rule) -> the finding's event ids, or None when the case has no such finding."""
    if resolver not in _finding_resolvers:
        _finding_resolvers.append(resolver)


def finding_event_ids(case: Case, rule: str) -> list[str] | None:
    for resolver in _finding_resolvers:
        ids = resolver(case, rule)
        if ids is not None:
            return ids
    return None


def events_matching(events: QuerySet, where: TimelineFilter) -> QuerySet:
    """The events of a query that pass the timeline's number, direction, channel and time filters."""
    if where.number:
        events = events.filter(number_normalized=where.number)
    if where.direction:
        events = events.filter(direction=where.direction)
    if where.channel:
        events = events.filter(channel=where.channel)
    if where.since:
        events = events.filter(occurred_at__gte=where.since)
    if where.until:
        events = events.filter(occurred_at__lt=where.until)
    return events


def timeline_of_events(case: Case, ids: list[str], where: TimelineFilter, chunk: int = 900) -> list[tuple]:
    """(id, at, kind) of the given events that match the filter, oldest first.

    A finding can hold tens of thousands of events, more than one query may name (SQLite and
    PostgreSQL both cap a statement's parameters), so they are read in chunks and ordered here.
    """
    rows = []
    for start in range(0, len(ids), chunk):
        events = Event.objects.filter(case=case, id__in=ids[start:start + chunk], kind__in=where.types)
        rows += events_matching(events, where).values_list("id", "occurred_at", "kind")
    return sorted(rows, key=lambda row: (row[1], row[0]))


def timeline_files(case: Case) -> QuerySet[EvidenceItem]:
    """Files that stand on their own in the timeline: not exports, not pictures inside messages."""
    return case.evidence_items.filter(imported_from__isnull=True).exclude(kind=Kind.EXPORT)


def timeline_entries(case: Case, where: TimelineFilter) -> QuerySet:
    """(id, at, type) of every matching entry, oldest first, as one query for paging.

    Calls and messages come from one indexed table; files are merged in with UNION ALL.
    """
    parts = []
    event_types = [t for t in ("call", "message") if t in where.types]
    if event_types:
        events = events_matching(Event.objects.filter(case=case, kind__in=event_types), where)
        parts.append(events.order_by().annotate(at=F("occurred_at")).values_list("id", "at", "kind"))
    if "file" in where.types and not (where.number or where.direction or where.channel):
        files = timeline_files(case).annotate(at=Coalesce("occurred_at", "received_at"))
        if where.since:
            files = files.filter(at__gte=where.since)
        if where.until:
            files = files.filter(at__lt=where.until)
        parts.append(files.order_by().annotate(type=Value("file", CharField())).values_list("id", "at", "type"))
    if not parts:
        return Event.objects.none().values_list("id", "occurred_at", "kind")
    query = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    return query.order_by("at", "id")


def labels_by_number(case: Case, numbers) -> dict[str, NumberLabel]:
    return {label.number: label for label in case.number_labels.filter(number__in=set(numbers))}


def numbers_overview(case: Case) -> list[dict]:
    """Every number in the case's calls and messages, busiest first, with its label.

    `calls` and `messages` count both directions; the `_in` counts are what the other side placed
    (a call answered, missed, rejected, blocked or left on voicemail; a message received), the
    `_out` counts what the borrower placed. The charts' top numbers count the `_in` side only
    (evidence/analysis/engine.py _top_numbers), so the two agree on it.
    """
    placed_by_borrower = Q(direction=Direction.OUT)
    rows = (
        Event.objects.filter(case=case)
        .values("number_normalized")
        .annotate(
            calls=Count("id", filter=Q(kind="call")),
            messages=Count("id", filter=Q(kind="message")),
            calls_in=Count("id", filter=Q(kind="call") & ~placed_by_borrower),
            calls_out=Count("id", filter=Q(kind="call") & placed_by_borrower),
            messages_in=Count("id", filter=Q(kind="message") & ~placed_by_borrower),
            messages_out=Count("id", filter=Q(kind="message") & placed_by_borrower),
            first_at=Min("occurred_at"),
            last_at=Max("occurred_at"),
            any_name=Max("contact_name"),
        )
        .order_by("-calls", "-messages", "number_normalized")
    )
    labels = {label.number: label for label in case.number_labels.all()}
    result = []
    for row in rows:
        label = labels.get(row["number_normalized"])
        result.append({
            "number": row["number_normalized"],
            "contact_name": row["any_name"] or "",
            "calls": row["calls"],
            "messages": row["messages"],
            "calls_in": row["calls_in"],
            "calls_out": row["calls_out"],
            "messages_in": row["messages_in"],
            "messages_out": row["messages_out"],
            "first_at": row["first_at"],
            "last_at": row["last_at"],
            "role": label.role if label else None,
            "name": label.name if label else "",
        })
    return result
