"""The one small interface every export format implements.

A parser module offers `detect(head: bytes) -> bool` (is this file mine? judged on the first
64 KiB) and `parse(stream, context) -> Iterator[ParsedEvent]`. It streams: memory must not
grow with the file. It raises ImportFailed for a file it cannot read, and reports lesser
trouble with context.warn(). Register a new format in parsers/__init__.py.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HEAD_BYTES = 64 * 1024
MAX_FIELD_CHARS = 100_000  # the longest body or name we accept in one record
MAX_LINE_CHARS = 1_000_000  # text formats: a longer line is not an export


@dataclass
class ParsedAttachment:
    """A file carried inside a record (an MMS picture), already decoded to a temp file."""

    path: Path
    name: str
    content_type: str
    position: str


@dataclass
class ParsedEvent:
    kind: str  # "call" | "message"
    channel: str  # phone, sms, mms, wechat, …
    direction: str  # in, out, missed, rejected, blocked, voicemail (messages: in, out)
    occurred_at: datetime  # aware
    position: str  # where in the file: "line 12" or "line 12, <sms> 5"
    number: str = ""  # as written; "" for a hidden number
    status: str = ""  # messages: received, sent, draft, outbox, failed, queued
    contact_name: str = ""
    duration_s: int | None = None
    body: str = ""
    type_code: int | None = None
    attachments: list[ParsedAttachment] = field(default_factory=list)


@dataclass
class ImportContext:
    """What a parser needs from the import: the case's region and zone, and where to report."""

    region: str | None  # phonenumbers region for numbers without a country code
    zone: ZoneInfo  # for local times without an offset
    temp_dir: Path  # where to write decoded attachments
    on_progress: Callable[[int], None] = lambda bytes_read: None
    max_records: int = 5_000_000
    max_attachment_bytes: int = 64 * 1024 * 1024
    warnings: Counter = field(default_factory=Counter)
    warning_params: dict = field(default_factory=dict)
    skipped: int = 0
    mapping: dict | None = None  # a CSV's columns as the borrower mapped them (see columns.py)
    applied_mapping: dict | None = None  # the mapping the parser read the file with, to show and keep

    def warn(self, code: str, count: int = 1, **params) -> None:
        """Report something the user should know; repeated codes are counted, first params kept."""
        self.warnings[code] += count
        self.warning_params.setdefault(code, params)

    def skip(self, reason: str, position: str) -> None:
        """A record that cannot be used, dropped with a warning that says why and where."""
        self.skipped += 1
        self.warn("skipped_records", reason=reason, position=position)

    def problems(self) -> list[dict]:
        return [
            {"code": code, "params": {**self.warning_params.get(code, {}), "count": count}}
            for code, count in self.warnings.items()
        ]
