"""Writing calls and messages: typed in one at a time, or many at once from an import."""

import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from evidence.cases.models import Case
from evidence.cases.numbers import case_region, number_normalize
from evidence.cases.services import case_revise
from evidence.custody.services import custody_record
from evidence.events.models import UNANSWERED, Event, EventKind, MessageStatus
from evidence.intake.models import EvidenceItem, Kind

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
    The time leads the fingerprint (13 hex digits, then 48 of the hash) so that a time-sorted
    export adds to the end of the unique index instead of all over it.
    """
    return fingerprint_of(kind, channel, epoch_ms(occurred_at), number_normalized, direction, duration_s, body)


def fingerprint_of(kind, channel, ms: int, number_normalized, direction, duration_s, body) -> str:
    """event_fingerprint() with the time already in epoch ms: the import's hot path, positional."""
    text = f"{kind}\x1f{channel}\x1f{ms}\x1f{number_normalized}\x1f{direction}\x1f{'' if duration_s is None else duration_s}\x1f{body}"
    return f"{ms & 0xFFFFFFFFFFFFF:013x}{sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:51]}"


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
            Case.objects.select_for_update().filter(id=case.id).first()  # imports check for duplicates under it
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
    if kind == EventKind.CALL and recordings_link(case=case, actor=entered_by):
        event.refresh_from_db(fields=["recording"])  # the answer shows the recording it found
    return event, True


# A dialer names the recording after the moment the call connected; the call log keeps the
# moment it started ringing (or was dialled). Two minutes covers a long ring and a phone
# clock a little off, and is still short enough that two calls from one number rarely both fit.
RECORDING_WINDOW = timedelta(minutes=2)


def recordings_link(*, case: Case, actor=None) -> int:
    """Link each recording the dialer named to the call it records; how many links were made.

    A borrower's recording whose file name gave a number (evidence_ingest keeps it in metadata["filename"])
    records the answered or placed call with the same normalised number that started within
    RECORDING_WINDOW of it, the closest first. One recording per call, one call per recording;
    a link once made is never moved, so running this again (after an upload, a call typed in,
    an import) only adds the links that have become possible.
    """
    region = case_region(case)
    with transaction.atomic():
        Case.objects.select_for_update().filter(id=case.id).first()  # one linker per case at a time
        # Only the borrower's own recordings: a relative's (provided_by) was made on another
        # phone, and the collector may have rung both at once.
        unlinked = EvidenceItem.objects.filter(
            case=case, kind=Kind.RECORDING, provided_by="", recorded_calls__isnull=True, metadata__has_key="filename")
        candidates = []
        for recording in unlinked:
            read = recording.metadata["filename"] if isinstance(recording.metadata["filename"], dict) else {}
            number, started = number_normalize(read.get("number") or "", region), _moment(read.get("started_at"))
            if not number or started is None:
                continue
            # Missed, rejected and blocked calls were never connected: nothing was recorded.
            calls = Event.objects.filter(
                case=case, kind=EventKind.CALL, recording__isnull=True, number_normalized=number,
                occurred_at__gte=started - RECORDING_WINDOW, occurred_at__lte=started + RECORDING_WINDOW,
            ).exclude(direction__in=UNANSWERED).values_list("id", "occurred_at")
            candidates += [(abs(at - started), str(call_id), str(recording.id), recording, call_id, at, started, number)
                           for call_id, at in calls]
        links, linked = [], set()
        for _distance, call_key, recording_key, recording, call_id, at, started, number in sorted(
                candidates, key=lambda candidate: candidate[:3]):
            if call_key in linked or recording_key in linked:
                continue
            # Conditional: a call that got a recording meanwhile keeps it.
            if Event.objects.filter(id=call_id, recording__isnull=True).update(recording=recording):
                linked |= {call_key, recording_key}
                links.append((recording, call_id, at, started, number))
        # Last, because appending holds the custody chain's lock until commit.
        for recording, call_id, at, started, number in links:
            custody_record(
                action="call.recording_linked", actor=actor, case_id=case.id, item_id=recording.id,
                sha256=recording.sha256, object_type="event", object_id=call_id,
                details={"event": str(call_id), "item": str(recording.id), "number": number,
                         "call_at": at.isoformat(), "recording_at": started.isoformat(),
                         "offset_s": round((started - at).total_seconds())},
            )
    return len(links)


def _moment(value) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


class EventRow(NamedTuple):
    """One call or message ready for the bulk insert, field by field.

    events_insert() takes plain tuples in this order too: an import stages 100k rows on disk,
    and plain tuples pickle four times faster than named ones.
    """

    kind: str
    channel: str
    direction: str
    status: str
    occurred_at: datetime
    number: str
    number_normalized: str
    contact_name: str
    duration_s: int | None
    body: str
    source_position: str
    source_type_code: int | None
    fingerprint: str


_INSERT_COLUMNS = ("id", "case_id", "source_item_id", "note", "created_at", *EventRow._fields)
_KIND, _OCCURRED_AT, _FINGERPRINT = (EventRow._fields.index(name) for name in ("kind", "occurred_at", "fingerprint"))


def events_insert(*, case: Case, source_item_id, rows: Iterable[tuple]) -> Counter:
    """Insert the rows the case does not have yet; how many of each kind were new.

    Duplicates are recognised by fingerprint, against the case and within the rows, so the
    same export twice adds nothing. Call inside the import's transaction with the case row
    locked (every writer of events locks it), so the check cannot race another import.

    Not bulk_create: for 100k rows Django spent twenty times longer building SQL than the
    database spent inserting. PostgreSQL gets COPY; SQLite gets executemany.
    """
    seen = set(Event.objects.filter(case=case).values_list("fingerprint", flat=True))
    added: Counter = Counter()

    def new_rows():
        for row in rows:
            if row[_FINGERPRINT] not in seen:
                seen.add(row[_FINGERPRINT])
                added[row[_KIND]] += 1
                yield row

    fields = {field.attname: field for field in Event._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[name].column) for name in _INSERT_COLUMNS)
    table = quote(Event._meta.db_table)
    fixed = (case.id.hex, source_item_id.hex if source_item_id else None, "", timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for event_id, row in zip(_hex_ids(), new_rows(), strict=False):
                    copy.write_row((event_id, *fixed, *row))
        else:
            _insert_many(cursor, table, columns, fixed, new_rows())
    return added


_RANDOM_BITS = (1 << 80) - 1 & ~(0xF << 76) & ~(0x3 << 62)
_VERSION_BITS = 0x7 << 76 | 0x2 << 62


def _hex_ids(batch: int = 4096) -> Iterator[str]:
    """time_ordered_uuids() as 32 hex digits, the form both databases read, without a UUID object each."""
    while True:
        pool = os.urandom(10 * batch)
        head = (time.time_ns() // 1_000_000) << 80 | _VERSION_BITS
        for offset in range(0, len(pool), 10):
            yield f"{head | int.from_bytes(pool[offset:offset + 10]) & _RANDOM_BITS:032x}"


def _sqlite_time(moment: datetime) -> str:
    # Django's own adapter: SQLite keeps datetimes as naive UTC text.
    return str(moment.astimezone(UTC).replace(tzinfo=None))


def _insert_many(cursor, table, columns, fixed, rows, batch_size: int = 5000) -> None:
    fixed = (*fixed[:3], _sqlite_time(fixed[3]))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (len(fixed) + 1 + len(EventRow._fields)))})"
    batch, at = [], _OCCURRED_AT
    for event_id, row in zip(_hex_ids(), rows, strict=False):
        moment = row[at]
        # Parsers give UTC times: str() of one is the adapter's text plus "+00:00".
        text = str(moment)[:-6] if moment.tzinfo is UTC else _sqlite_time(moment)
        batch.append((event_id, *fixed, *row[:at], text, *row[at + 1:]))
        if len(batch) >= batch_size:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)
