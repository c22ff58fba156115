"""Writing calls and messages: typed in one at a time, or many at once from an import."""

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction

from evidence.cases.models import Case
from evidence.cases.numbers import case_region, number_normalize
from evidence.cases.services import case_revise
from evidence.custody.services import custody_record
from evidence.events.models import Event, EventKind, MessageStatus

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_ms(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def event_fingerprint(
    *, kind: str, channel: str, occurred_at: datetime, number_normalized: str, direction: str,
    duration_s: int | None, body: str,
) -> str:
    """The identity of a call or message, so the same one from two exports is kept once.

    Time is taken to the millisecond, as exports record it; the body is part of a message's
    identity, because two different texts from one number in one second both happened.
    """
    parts = (kind, channel, str(epoch_ms(occurred_at)), number_normalized, direction,
             "" if duration_s is None else str(duration_s), body)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def event_record(
    *,
    case: Case,
    kind: str,
    channel: str,
    direction: str,
    occurred_at: datetime,
    number: str = "",
    duration_s: int | None = None,
    body: str = "",
    note: str = "",
    contact_name: str = "",
    entered_by,
    request=None,
) -> tuple[Event, bool]:
    """Record a call or message the borrower typed in; (event, created).

    Typing in the same event twice gives back the first one.
    """
    normalized = number_normalize(number, case_region(case))
    if kind == EventKind.CALL and duration_s is None:
        duration_s = 0
    status = ""
    if kind == EventKind.MESSAGE:
        status = MessageStatus.SENT if direction == "out" else MessageStatus.RECEIVED
    fingerprint = event_fingerprint(
        kind=kind, channel=channel, occurred_at=occurred_at, number_normalized=normalized,
        direction=direction, duration_s=duration_s, body=body,
    )
    try:
        with transaction.atomic():
            event = Event.objects.create(
                case=case, kind=kind, channel=channel, direction=direction, status=status,
                occurred_at=occurred_at, number=number, number_normalized=normalized,
                contact_name=contact_name, duration_s=duration_s, body=body, note=note,
                entered_by=entered_by, fingerprint=fingerprint,
            )
            case_revise(case_id=case.id)
            custody_record(
                action=f"{kind}.entered", actor=entered_by, request=request, case_id=case.id,
                details={"event": str(event.id), "number": normalized, "at": occurred_at.isoformat()},
            )
    except IntegrityError:
        return Event.objects.get(case=case, fingerprint=fingerprint), False
    return event, True


def events_insert(*, case: Case, events: Iterable[Event], batch_size: int = 2000) -> int:
    """Insert many events, skipping any already in the case; returns how many were new.

    Call inside the import's transaction, with the case row locked, so the count is exact.
    """
    before = Event.objects.filter(case=case).count()
    batch: list[Event] = []
    for event in events:
        batch.append(event)
        if len(batch) >= batch_size:
            Event.objects.bulk_create(batch, ignore_conflicts=True)
            batch.clear()
    if batch:
        Event.objects.bulk_create(batch, ignore_conflicts=True)
    return Event.objects.filter(case=case).count() - before
