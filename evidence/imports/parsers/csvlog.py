"""Our documented call-log / message CSV: a header row naming the columns (English or Chinese).

Columns, in any order: kind, direction, number, time (required); duration_s, body, name.
A row that cannot be used is skipped with a warning; a file that is not such a CSV fails.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import BinaryIO
from zoneinfo import ZoneInfo

from evidence.imports.parsers.base import MAX_FIELD_CHARS, ImportContext, ParsedEvent
from evidence.imports.parsers.text import decode_head, decoded_lines, first_line, local_time
from evidence.imports.problems import ImportFailed

name = "csv"
label = "Call log / message CSV"
mime = "text/csv"

REQUIRED = ("kind", "direction", "number", "time")
COLUMNS = {
    "kind": "kind", "类型": "kind",
    "direction": "direction", "方向": "direction",
    "number": "number", "号码": "number",
    "time": "time", "时间": "time",
    "duration_s": "duration_s", "时长": "duration_s",
    "body": "body", "内容": "body",
    "name": "name", "姓名": "name",
}  # fmt: skip
KINDS = {
    "call": ("call", "phone"), "电话": ("call", "phone"),
    "sms": ("message", "sms"), "message": ("message", "sms"), "短信": ("message", "sms"),
    "mms": ("message", "mms"),
    "wechat": ("message", "wechat"), "微信": ("message", "wechat"),
}  # fmt: skip
DIRECTIONS = {
    "in": "in", "out": "out", "missed": "missed", "rejected": "rejected", "blocked": "blocked",
    "voicemail": "voicemail",
    "呼入": "in", "来电": "in", "接收": "in", "收到": "in",
    "呼出": "out", "去电": "out", "发送": "out",
    "未接": "missed", "拒接": "rejected", "拦截": "blocked", "语音信箱": "voicemail",
}  # fmt: skip
MESSAGE_STATUS = {"in": "received", "out": "sent"}  # a message has no other direction

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_MS = re.compile(r"\d{13}")
_SECONDS = re.compile(r"\d+")
_CLOCK_DURATION = re.compile(r"(?:(\d+):)?(\d+):([0-5]\d)")  # H:MM:SS or MM:SS


def detect(head: bytes) -> bool:
    """Whether the first non-blank line is a CSV header naming the required columns."""
    text = decode_head(head)
    if text is None:
        return False
    return looks_like_header(first_line(text))


def looks_like_header(line: str) -> bool:
    """Whether one line of text is our CSV header (also used by other formats to step aside)."""
    try:
        titles = next(csv.reader([line]), [])
    except csv.Error:
        return False
    return set(REQUIRED) <= {COLUMNS.get(_normal(title)) for title in titles}


def parse(stream: BinaryIO, context: ImportContext) -> Iterator[ParsedEvent]:
    """One event per usable row; the first non-blank row is the header."""
    columns: dict[str, int] | None = None
    width = rows = produced = 0
    for line_no, row in _records(decoded_lines(stream, context)):
        _check_field_sizes(row, line_no)
        if columns is None:
            columns, width = _columns(row), len(row)
            continue
        rows += 1
        if rows > context.max_records:
            raise ImportFailed("too_many_records", limit=context.max_records)
        event = _event(row, columns, width, f"line {line_no}", context)
        if event is not None:
            produced += 1
            yield event
    if not produced:
        raise ImportFailed("no_records")


def parse_time(value: str, zone: ZoneInfo) -> datetime | None:
    """Epoch milliseconds, local 'YYYY-MM-DD HH:MM[:SS]', or ISO 8601; None if unreadable."""
    value = value.strip()
    if _EPOCH_MS.fullmatch(value):
        return (EPOCH + timedelta(milliseconds=int(value))).astimezone(zone)
    local = local_time(value, zone)
    if local is not None or len(value) <= 10:  # a date alone does not say when
        return local
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def parse_duration(value: str) -> int | None:
    """Seconds from '75', '1:02:03' or '02:03'; 0 when empty; None if unreadable."""
    value = value.strip()
    if not value:
        return 0
    if _SECONDS.fullmatch(value):
        return int(value)
    match = _CLOCK_DURATION.fullmatch(value)
    if match is None:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _records(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, fields) for each non-blank CSV record."""
    # csv needs the line ends back to keep newlines inside quoted fields; strict, so that an
    # unclosed quote fails instead of silently swallowing the rest of the file.
    reader = csv.reader((line + "\n" for _, line in lines), strict=True)
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


def _normal(title: str) -> str:
    return title.strip().lower()


def _columns(header: list[str]) -> dict[str, int]:
    """Column name → index, from the header row; fails naming the required columns missing."""
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        column = COLUMNS.get(_normal(title))
        if column is not None:
            found.setdefault(column, index)
    missing = [column for column in REQUIRED if column not in found]
    if missing:
        raise ImportFailed("csv_header", missing=", ".join(missing))
    return found


def _event(row: list[str], columns: dict[str, int], width: int, position: str, context) -> ParsedEvent | None:
    """The event a data row describes, or None (after a skip warning) if it cannot be used."""
    if len(row) != width:
        return _skipped(context, "wrong number of columns", position)
    fields = {column: row[index].strip() for column, index in columns.items()}
    kind_channel = KINDS.get(fields["kind"].lower())
    direction = DIRECTIONS.get(fields["direction"].lower())
    occurred_at = parse_time(fields["time"], context.zone)
    if kind_channel is None:
        return _skipped(context, "unknown kind", position)
    if direction is None:
        return _skipped(context, "unknown direction", position)
    if occurred_at is None:
        return _skipped(context, "unreadable time", position)
    kind, channel = kind_channel
    common = {
        "occurred_at": occurred_at,
        "position": position,
        "number": fields["number"],
        "contact_name": fields.get("name", ""),
        "body": fields.get("body", ""),
    }
    if kind == "message":
        if direction not in MESSAGE_STATUS:
            return _skipped(context, "a message can only be in or out", position)
        return ParsedEvent(kind, channel, direction, status=MESSAGE_STATUS[direction], **common)
    duration = parse_duration(fields.get("duration_s", ""))
    if duration is None:
        return _skipped(context, "unreadable duration", position)
    return ParsedEvent(kind, channel, direction, duration_s=duration, **common)


def _skipped(context: ImportContext, reason: str, position: str) -> None:
    context.skip(reason=reason, position=position)
    return None
