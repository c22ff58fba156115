"""Any call-log or message CSV: a header row, then one call or message per row.

Phones, call-log apps and desktop tools each write their own header (号码,联系人,类型,时间,…;
Call type,Date,Duration,Number,…). A header we recognise (columns.py) imports at once; any
other stops the import at `needs_mapping`, with the columns, the first rows and a suggested
mapping, until the borrower says which column is which.

Quirks handled: a UTF-8 BOM, UTF-16 with a BOM (Excel's "Unicode text"), GBK/GB18030, `,`
`;` tab or `|` separators, CRLF, quoted fields over several lines, a trailing separator on
data rows, local times in many spellings (read in the case's zone), durations as seconds,
clock times or 1分20秒. A row that cannot be used is skipped with a warning naming why and
where; a file that is not such a CSV fails.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import chain, islice
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from evidence.imports.parsers import columns
from evidence.imports.parsers.base import MAX_FIELD_CHARS, ImportContext, ParsedEvent
from evidence.imports.parsers.text import decode_head, decoded_lines, peek_text
from evidence.imports.problems import ImportFailed, NeedsMapping

name = "csv"
label = _("Call log / message CSV")
mime = "text/csv"

DELIMITERS = (",", "\t", ";", "|")
SAMPLE_ROWS = 5  # shown to the borrower with the mapping step
SCAN_ROWS = 200  # read ahead to suggest a mapping and list a column's distinct values
DISTINCT_VALUES = 20  # a column with more distinct values is not a list of words to map
SHOWN_CHARS = 200
KIND_EVENTS = {"call": ("call", "phone"), "sms": ("message", "sms"), "mms": ("message", "mms"),
               "wechat": ("message", "wechat"), "other": ("message", "other")}
MESSAGE_STATUS = {"in": "received", "out": "sent"}  # a message has no other direction

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_MS = re.compile(r"1\d{12}")
_EPOCH_S = re.compile(r"1\d{9}")
_HALF_DAY = r"(?P<half>AM|PM|am|pm|a\.m\.|p\.m\.|上午|下午|凌晨|早上|晚上|中午)?"
_CLOCK = r"(?P<hour>\d{1,2})[:：](?P<minute>\d{2})(?:[:：](?P<second>\d{2}))?(?:[.,]\d+)?"
_YMD = re.compile(
    rf"(?P<year>\d{{4}})\s*[-/.年]\s*(?P<month>\d{{1,2}})\s*[-/.月]\s*(?P<day>\d{{1,2}})\s*日?"
    rf"[ T,]*{_HALF_DAY}\s*{_CLOCK}\s*{_HALF_DAY.replace('half', 'half2')}"
)
_DMY = re.compile(  # 15/06/2024 22:45 or 06/15/2024 10:45 PM: which is the day depends on the phone
    rf"(?P<first>\d{{1,2}})[-/.](?P<second_part>\d{{1,2}})[-/.](?P<year>\d{{4}}),?\s+{_CLOCK}\s*"
    rf"{_HALF_DAY}"
)
_SECONDS = re.compile(r"\d+")
_DECIMAL_SECONDS = re.compile(r"\d+\.\d+")
_CLOCK_DURATION = re.compile(r"(?:(\d+):)?(\d+):([0-5]\d)")  # H:MM:SS or MM:SS
_UNIT_DURATION = re.compile(
    r"(?:(\d+)\s*(?:小时|时|h|hr|hrs|hours?)\s*)?(?:(\d+)\s*(?:分钟|分|m|min|mins|minutes?)\s*)?"
    r"(?:(\d+)\s*(?:秒钟|秒|s|sec|secs|seconds?))?",
    re.I,
)
# Android's CallLog for a withheld, unknown or payphone caller, and what dialers print instead.
HIDDEN_NUMBERS = {"-1", "-2", "-3", "-4", "未知号码", "私人号码", "隐藏号码", "Unknown", "Private", "Withheld"}
NO_DURATION = {"-", "--", "未接通", "未接听", "无", "n/a", "none"}


# --- recognising the file --------------------------------------------------------------
def detect(head: bytes) -> bool:
    """Whether the head is a table with a header row that could be a call log or messages."""
    text = decode_head(head)
    return text is not None and dialect_of(text) is not None


def dialect_of(text: str, whole_rows: bool = False) -> str | None:
    """The separator the head's rows are written with, or None if it is not such a CSV.

    A header of two or more titles, the rows after it as wide, and something that makes it
    a log: a column title we know, or a column whose first values are times.
    """
    if text.lstrip()[:1] == "<":  # XML and HTML exports are not tables
        return None
    if not whole_rows:
        text = text[: text.rfind("\n") + 1] or text  # the first bytes may end mid-row
    best, best_width = None, 1
    for delimiter in DELIMITERS:
        rows = [row for row in islice(csv.reader(io.StringIO(text), delimiter=delimiter), 30) if any(row)]
        if not rows or len(rows[0]) <= best_width or not _is_header(rows[0]):
            continue
        header, data = rows[0], [_trimmed(row, len(rows[0])) for row in rows[1:]]
        if data and sum(len(row) == len(header) for row in data) * 5 < len(data) * 4:
            continue
        named = sum(columns.title_field(title) is not None or title.strip().lower() in ("类型", "type")
                    for title in header)
        timed = any(columns.looks_like("time", [row[i] for row in data if i < len(row)]) for i in range(len(header)))
        if named >= 2 or (data and timed) or columns.preset_for(header):
            best, best_width = delimiter, len(header)
    return best


def looks_like_header(line: str) -> bool:
    """Whether one line names two or more log columns we know (other formats step aside)."""
    for delimiter in DELIMITERS:
        titles = next(csv.reader([line], delimiter=delimiter), [])
        if sum(columns.title_field(title) is not None for title in titles) >= 2:
            return True
    return False


def _is_header(row: list[str]) -> bool:
    titles = [title.strip() for title in row]
    return (sum(bool(title) for title in titles) >= 2 and all(len(title) <= 60 for title in titles)
            and not any(columns.looks_like("time", [title]) for title in titles if title))


def _trimmed(row: list[str], width: int) -> list[str]:
    """A data row without the empty fields a trailing separator adds."""
    while len(row) > width and not row[-1].strip():
        row = row[:-1]
    return row


# --- reading it ------------------------------------------------------------------------
def parse(stream: BinaryIO, context: ImportContext) -> Iterator[ParsedEvent]:
    """One event per usable row; the first non-blank row is the header."""
    head, lines = peek_text(decoded_lines(stream, context))
    delimiter = dialect_of(head, whole_rows=True) or ","
    records = _records(lines, delimiter)
    try:
        header_line, header = next(records)
    except StopIteration:
        raise ImportFailed("no_records") from None
    _check_field_sizes(header, header_line)
    ahead = list(islice(records, SCAN_ROWS))
    if not ahead:
        raise ImportFailed("no_records")
    for line_no, row in ahead:
        _check_field_sizes(row, line_no)
    reader = _RowReader(header, context, delimiter, [row for _, row in ahead])
    rows = produced = 0
    for line_no, row in chain(ahead, records):
        _check_field_sizes(row, line_no)
        rows += 1
        if rows > context.max_records:
            raise ImportFailed("too_many_records", limit=context.max_records)
        event = reader.event(row, f"line {line_no}")
        if event is not None:
            produced += 1
            yield event
    if not produced:
        raise ImportFailed("no_records")


class _RowReader:
    """Reads data rows with a mapping: the borrower's, a known tool's, or one the titles make."""

    def __init__(self, header: list[str], context: ImportContext, delimiter: str, ahead: list[list[str]]):
        self.header = [title.lstrip("\ufeff").strip() for title in header]
        self.width = len(header)
        self.context = context
        mapping = context.mapping or self._known(ahead)
        if mapping is None:
            raise NeedsMapping(mapping_request(self.header, ahead, delimiter))
        context.applied_mapping = mapping
        self.fields = {field: self._indices(mapping["mapping"].get(field)) for field in columns.FIELDS}
        self.values = mapping.get("values", {})
        self.default_kind = mapping.get("defaults", {}).get("kind")
        preset = next((p for p in columns.PRESETS if p["name"] == mapping.get("preset")), {})
        self.counterpart_from_incoming = preset.get("counterpart_from_incoming", False)
        self.counterpart = ("", "")  # (number, name) of the last incoming row
        placeholders = preset.get("placeholders")
        self.placeholder_column = self._indices(placeholders["column"]) if placeholders else []
        self.placeholders = placeholders["values"] if placeholders else {}
        has_body, has_duration = bool(self.fields["body"]), bool(self.fields["duration_s"])
        # Without a kind column: a table with durations and no text is a call log, and the
        # other way round messages; with both, a row with text is a message.
        self.inferred_kind = "call" if has_duration and not has_body else "sms" if has_body and not has_duration else None

    def _known(self, ahead: list[list[str]]) -> dict | None:
        preset = columns.preset_for(self.header)
        if preset is not None:
            return {"mapping": {field: column for field, column in preset["mapping"].items()
                                if any(title in self.header for title in _as_list(column))},
                    "values": preset.get("values", {}), "defaults": preset.get("defaults", {}),
                    "preset": preset["name"]}
        suggested, complete = columns.suggest(self.header, ahead)
        return {"mapping": suggested, "values": {}, "defaults": {}} if complete else None

    def _indices(self, column) -> list[int]:
        indices = []
        for title in _as_list(column):
            if title not in self.header:
                raise ImportFailed("mapping_column_missing", column=str(title)[:60])
            indices.append(self.header.index(title))
        return indices

    def _get(self, row: list[str], field: str) -> str:
        return next((row[i].strip() for i in self.fields[field] if row[i].strip()), "")

    def event(self, row: list[str], position: str) -> ParsedEvent | None:
        row = _trimmed(row, self.width)
        if len(row) != self.width:
            return self._skip("wrong number of columns", position)
        kind_value = self._get(row, "kind")
        kind = columns.kind_of(kind_value, self.values.get("kind")) if kind_value else None
        if kind_value and kind is None:
            return self._skip("unknown kind", position)
        body = self._get(row, "body")
        if self.placeholder_column and row[self.placeholder_column[0]].strip() in self.placeholders:
            body = self.placeholders[row[self.placeholder_column[0]].strip()]
        kind = kind or self.default_kind or self.inferred_kind or ("sms" if body else "call")
        direction = columns.direction_of(self._get(row, "direction"), kind, self.values.get("direction"))
        if direction is None:
            return self._skip("unknown direction", position)
        occurred_at = parse_time(self._get(row, "time"), self.context.zone, self.context.region)
        if occurred_at is None:
            return self._skip("unreadable time", position)
        name = self._get(row, "name")
        number = self._get(row, "number") or (name if kind == "wechat" or not self.fields["number"] else "")
        if number in HIDDEN_NUMBERS:
            number = ""
        if self.counterpart_from_incoming:
            if direction == "out":
                number, name = self.counterpart
            else:
                self.counterpart = (number, name)
        event_kind, channel = KIND_EVENTS[kind]
        common = {"occurred_at": occurred_at, "position": position, "number": number, "contact_name": name,
                  "body": body}
        if event_kind == "message":
            if direction not in MESSAGE_STATUS:
                return self._skip("a message can only be in or out", position)
            return ParsedEvent(event_kind, channel, direction, status=MESSAGE_STATUS[direction], **common)
        duration = parse_duration(self._get(row, "duration_s"))
        if duration is None:
            return self._skip("unreadable duration", position)
        return ParsedEvent(event_kind, channel, direction, duration_s=duration, **common)

    def _skip(self, reason: str, position: str) -> None:
        self.context.skip(reason=reason, position=position)
        return None


def _as_list(column) -> list:
    if column is None or column == "":
        return []
    return list(column) if isinstance(column, list | tuple) else [column]


def mapping_request(header: list[str], rows: list[list[str]], delimiter: str) -> dict:
    """What the borrower sees to map the columns: titles, the first rows, a suggestion, the words used."""
    suggested, _complete = columns.suggest(header, rows)
    distinct: dict[str, list[str]] = {}
    for index, title in enumerate(header):
        values = list(dict.fromkeys(row[index].strip() for row in rows if index < len(row) and row[index].strip()))
        if 0 < len(values) <= DISTINCT_VALUES:
            distinct[title] = [value[:SHOWN_CHARS] for value in values]
    suggested_values = {}
    for field, lookup in (("direction", lambda v: columns.direction_of(v, None)), ("kind", columns.kind_of)):
        if suggested.get(field) in distinct:
            suggested_values[field] = {value: lookup(value) for value in distinct[suggested[field]]}
    return {
        "columns": header,
        "sample": [[field[:SHOWN_CHARS] for field in row[: len(header)]] for row in rows[:SAMPLE_ROWS]],
        "suggested": suggested,
        "suggested_values": suggested_values,
        "distinct": distinct,
        "delimiter": delimiter,
    }


# --- values ----------------------------------------------------------------------------
def parse_time(value: str, zone: ZoneInfo, region: str | None = None) -> datetime | None:
    """A moment from the ways exports write one; local times are read in the case's zone.

    Epoch milliseconds or seconds; 2024-06-15 22:45[:12], with / or . or 年月日, 上午/下午 or
    AM/PM; 15/06/2024 22:45 (06/15/2024 for a US case, unless the first number is over 12);
    ISO 8601 with an offset. None if unreadable.
    """
    value = value.strip()
    if _EPOCH_MS.fullmatch(value):
        return (EPOCH + timedelta(milliseconds=int(value))).astimezone(zone)
    if _EPOCH_S.fullmatch(value):
        return (EPOCH + timedelta(seconds=int(value))).astimezone(zone)
    if match := _YMD.fullmatch(value):
        return _local(int(match["year"]), int(match["month"]), int(match["day"]), match, match["half"] or match["half2"], zone)
    if match := _DMY.fullmatch(value):
        first, second = int(match["first"]), int(match["second_part"])
        month_first = (region == "US" and first <= 12) or second > 12
        month, day = (first, second) if month_first else (second, first)
        return _local(int(match["year"]), month, day, match, match["half"], zone)
    if len(value) <= 10:  # a date alone does not say when
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _local(year: int, month: int, day: int, match: re.Match, half: str | None, zone: ZoneInfo) -> datetime | None:
    hour = int(match["hour"])
    if half:
        afternoon = half.lower().startswith("p") or half in ("下午", "晚上") or (half == "中午" and hour < 11)
        if afternoon and hour < 12:
            hour += 12
        elif not afternoon and hour == 12:
            hour = 0
    try:
        return datetime(year, month, day, hour, int(match["minute"]), int(match["second"] or 0), tzinfo=zone)
    except ValueError:
        return None


def parse_duration(value: str) -> int | None:
    """Seconds from '75', '75.0', '1:02:03', '02:03', '1分20秒', '1h 2m 3s'; 0 when empty; None if unreadable."""
    value = value.strip()
    if not value or value.lower() in NO_DURATION:
        return 0
    if _SECONDS.fullmatch(value):
        return int(value)
    if _DECIMAL_SECONDS.fullmatch(value):
        return round(float(value))
    match = _CLOCK_DURATION.fullmatch(value)
    if match is not None:
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    match = _UNIT_DURATION.fullmatch(value)
    if match is not None and any(match.groups()):
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    return None


# --- records ---------------------------------------------------------------------------
def _records(lines: Iterable[tuple[int, str]], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, fields) for each non-blank CSV record."""
    # csv needs the line ends back to keep newlines inside quoted fields; strict, so that an
    # unclosed quote fails instead of silently swallowing the rest of the file.
    reader = csv.reader((line + "\n" for _, line in lines), delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_failure(error, start) from None
        if any(field.strip() for field in row):
            yield start, row


def _csv_failure(error: csv.Error, line_no: int) -> ImportFailed:
    """The csv module refuses fields beyond its own limit (above ours): that is a too-large record."""
    if str(error).startswith("field larger than field limit"):
        return ImportFailed("record_too_large", line=line_no, size=csv.field_size_limit(), limit=MAX_FIELD_CHARS)
    return ImportFailed("csv_malformed", line=line_no, reason=str(error))


def _check_field_sizes(row: list[str], line_no: int) -> None:
    longest = max(map(len, row), default=0)
    if longest > MAX_FIELD_CHARS:
        raise ImportFailed("record_too_large", line=line_no, size=longest, limit=MAX_FIELD_CHARS)
