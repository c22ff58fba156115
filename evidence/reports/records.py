"""The call log and messages as CSV for the packet (records/calls.csv, records/messages.csv)."""

import csv
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from evidence.cases.models import Case
from evidence.events.models import Event, EventKind

# A cell that is only a phone number (+8613800138000, 10690000, +1 (212) 555-0100) is data, not a
# formula: it is written as it is, so every number in a column reads the same. Anything else that
# starts with = + - @, a tab or a carriage return gets the leading apostrophe.
PHONE_NUMBER = re.compile(r"\+?[0-9(][0-9 ()-]*")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset("".join(FORMULA_STARTS))

CALL_HEADER = ["time_local", "time_utc", "direction", "channel", "number", "number_as_written", "label", "name",
               "contact_name", "duration_s", "note", "source_exhibit", "source_position", "event_id",
               "recording_exhibit"]  # appended last, so the columns before keep their places
MESSAGE_HEADER = ["time_local", "time_utc", "direction", "status", "channel", "number", "number_as_written", "label",
                  "name", "contact_name", "body", "note", "source_exhibit", "source_position", "event_id"]


EVENT_FIELDS = ("occurred_at", "kind", "direction", "status", "channel", "number_normalized", "number", "contact_name",
                "duration_s", "body", "note", "source_item_id", "source_position", "id", "recording_id")


def records_files(case: Case, numbers: dict, folder: Path) -> dict[str, "CsvFile"]:
    """Every call and message of the case, in time order, with the borrower's labels, written into
    `folder` as calls.csv and messages.csv: read as plain values and written as they come, so a
    phone's 100,000 messages are never held in memory."""
    labels = {label.number: label for label in case.number_labels.all()}
    zone = ZoneInfo(case.timezone)
    files = {"calls.csv": CsvFile(folder / "calls.csv", CALL_HEADER),
             "messages.csv": CsvFile(folder / "messages.csv", MESSAGE_HEADER)}
    calls, messages = files["calls.csv"], files["messages.csv"]
    events = Event.objects.filter(case=case).order_by("occurred_at", "id").values_list(*EVENT_FIELDS)
    for (at, kind, direction, status, channel, normalized, written, contact, duration, body, note, source_item,
         position, event_id, recording) in events.iterator(5000):
        label = labels.get(normalized)
        common = [local_time(at, zone), at.isoformat()]
        who = [normalized, written, label.role if label else "", label.name if label else "", contact]
        source = [numbers.get(source_item, "") if source_item else "manual", position, str(event_id)]
        if kind == EventKind.CALL:
            # The recording's exhibit only if this packet holds it; else empty, like the report.
            calls.row([*common, direction, channel, *who, duration, note, *source,
                       numbers.get(recording, "") if recording else ""])
        else:
            messages.row([*common, direction, status, channel, *who, body, note, *source])
    for file in files.values():
        file.close()
    return files


class CsvFile:
    """A records CSV written to a file: UTF-8 with a BOM (so spreadsheet programs read Chinese
    correctly), CRLF line ends, formulas defused; `rows` counts the rows below the header."""

    def __init__(self, path: Path, header: list[str]):
        self.path, self.rows = path, 0
        self.file = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by close()
        self.writer = csv.writer(self.file, lineterminator="\r\n")
        self.writer.writerow(header)

    def row(self, cells: list) -> None:
        self.writer.writerow([spreadsheet_cell(cell) for cell in cells])
        self.rows += 1

    def close(self) -> None:
        self.file.close()


def local_time(at: datetime, zone: ZoneInfo) -> str:
    """assemble.local for a row, without its lookups: 2026-05-01 23:10:05 +08:00."""
    text = at.astimezone(zone).isoformat(" ", "seconds")
    return f"{text[:19]} {text[19:]}"


def spreadsheet_cell(value) -> str:
    """The cell as text a spreadsheet shows and never runs: phone numbers as they are, formulas defused."""
    text = "" if value is None else str(value)
    if not text or text[0] not in FORMULA_FIRST:  # most cells: a time, a word, a message
        return text
    if PHONE_NUMBER.fullmatch(text) and any(c.isdigit() for c in text):
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text
