"""The call log and messages as CSV for the packet (records/calls.csv, records/messages.csv)."""

import csv
import io
import re
from collections.abc import Iterable

from evidence.cases.models import Case
from evidence.events.models import Event, EventKind
from evidence.reports.assemble import local

# A cell that is only a phone number (+8613800138000, 10690000, +1 (212) 555-0100) is data, not a
# formula: it is written as it is, so every number in a column reads the same. Anything else that
# starts with = + - @, a tab or a carriage return gets the leading apostrophe.
PHONE_NUMBER = re.compile(r"\+?[0-9(][0-9 ()-]*")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CALL_HEADER = ["time_local", "time_utc", "direction", "channel", "number", "number_as_written", "label", "name",
               "contact_name", "duration_s", "note", "source_exhibit", "source_position", "event_id",
               "recording_exhibit"]  # appended last, so the columns before keep their places
MESSAGE_HEADER = ["time_local", "time_utc", "direction", "status", "channel", "number", "number_as_written", "label",
                  "name", "contact_name", "body", "note", "source_exhibit", "source_position", "event_id"]


def records_files(case: Case, numbers: dict) -> dict[str, bytes]:
    """Every call and message of the case, in time order, with the borrower's labels."""
    labels = {label.number: label for label in case.number_labels.all()}
    calls, messages = [], []
    for event in Event.objects.filter(case=case).order_by("occurred_at", "id").iterator(5000):
        label = labels.get(event.number_normalized)
        common = [local(event.occurred_at, case.timezone), event.occurred_at.isoformat()]
        who = [event.number_normalized, event.number, label.role if label else "", label.name if label else "",
               event.contact_name]
        source = [numbers.get(event.source_item_id, "") if event.source_item_id else "manual", event.source_position,
                  str(event.id)]
        if event.kind == EventKind.CALL:
            # The recording's exhibit only if this packet holds it; else empty, like the report.
            recording = numbers.get(event.recording_id, "") if event.recording_id else ""
            calls.append([*common, event.direction, event.channel, *who, event.duration_s, event.note, *source,
                          recording])
        else:
            messages.append([*common, event.direction, event.status, event.channel, *who, event.body, event.note,
                             *source])
    return {"calls.csv": records_csv(CALL_HEADER, calls), "messages.csv": records_csv(MESSAGE_HEADER, messages)}


def spreadsheet_cell(value) -> str:
    """The cell as text a spreadsheet shows and never runs: phone numbers as they are, formulas defused."""
    text = "" if value is None else str(value)
    if PHONE_NUMBER.fullmatch(text) and any(c.isdigit() for c in text):
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def records_csv(header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a BOM (so spreadsheet programs read Chinese correctly), formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
