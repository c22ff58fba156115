"""Sentences the report builds from data: custody events in words, and exhibits described by default.

The wording itself is in labels.py (per language); this module only picks a phrase and fills it in.
"""

import re
from datetime import datetime

from evidence.events.models import UNANSWERED

from .content import CustodyRow, Exhibit

HEX64 = re.compile(r"[0-9a-f]{64}")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SHORT_HASH = 12  # hex digits of a hash inside a sentence; the full value is in the exhibit list and custody.jsonl


class _Blank(dict):
    """Template values; a placeholder the event does not fill prints as "—" instead of raising."""

    def __missing__(self, key):
        return "—"


POSITION = re.compile(r"line (\d+)(?:, <\w+> \d+)?(?:, part (\d+))?")


def position_words(position: str, labels: dict) -> str:
    """'line 12, <mms> 3, part 2' -> '第 12 行，附件 2': where in an export a record is, as a reader finds it.

    A text editor's line number is enough to find a record (SMS Backup & Restore writes one per
    line); the record's ordinal stays in the packet's CSV. A position in another shape is kept.
    """
    found = POSITION.fullmatch(position or "")
    if not found:
        return position
    line, part = found.groups()
    return labels["position_line"].format(line=line) + (labels["position_part"].format(part=part) if part else "")


def source_words(exhibit: str, position: str, labels: dict) -> str:
    """'E-003 第 5 行': an event's exhibit and where in it; 'entered by hand' for an event typed in."""
    if not exhibit and not position:
        return labels["entered_by_hand"]
    return f"{exhibit} {position_words(position, labels)}".strip()


def custody_sentence(row: CustodyRow, labels: dict, clock) -> str:
    """'借款人 wang 上传了截图 E-002（SHA-256 fac3…）': who did what to which exhibit, in the report's language."""
    phrases = labels["custody_actions"]
    variant = _variant(row)
    template = phrases.get(f"{row.action}:{variant}") or phrases.get(row.action) or phrases["*"]
    values = _Blank({key: _value(key, value, labels, clock) for key, value in row.details.items()})
    item = _item(row, labels)
    sha = labels["custody_hash"].format(hash=_short(row.sha256)) if row.sha256 else ""
    values.update(actor=_actor(row, labels), item=item, hash=sha, action=row.action,
                  on=labels["custody_on"].format(item=item, hash=sha) if row.about_item else sha)
    try:
        return template.format_map(values)
    except (ValueError, IndexError, AttributeError, KeyError):  # a template broken by hand: still say something
        return phrases["*"].format_map(values)


def _variant(row: CustodyRow) -> str:
    """Which phrasing of an action fits this event ("" = the plain one)."""
    details = row.details
    if row.action == "evidence.received":
        return "from_export" if details.get("from_export") else "provided" if details.get("provided_by") else ""
    if row.action == "evidence.verified":
        return str(details.get("result", ""))
    if row.action == "evidence.described":
        return "both" if {"purpose", "summary"} <= details.keys() else "purpose" if "purpose" in details else "summary"
    if row.action == "evidence.text_reviewed":
        return str(details.get("review") or "cleared")
    if row.action == "submission.updated":
        return "receipt" if row.about_item else ""
    return ""


def _actor(row: CustodyRow, labels: dict) -> str:
    if not row.actor:
        return labels["custody_system"]
    role = labels["actor_roles"].get(row.actor_role, row.actor_role)
    return f"{role} {row.actor}".strip()


def _item(row: CustodyRow, labels: dict) -> str:
    if row.exhibit:
        kind = labels["exhibit_kinds"].get(row.exhibit_kind, row.exhibit_kind)
        return f"{kind} {row.exhibit}" if kind else row.exhibit
    return labels["custody_not_in_report"]


def _value(key: str, value, labels: dict, clock) -> str:
    """A detail as a reader needs it: times in the case's zone, codes in words, hashes shortened."""
    if value is None or value == "":
        return labels["not_given"]
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, dict | list):
        return ", ".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else ", ".join(map(str, value))
    text = str(value)
    if HEX64.fullmatch(text):
        return _short(text)
    if ISO_TIME.match(text):
        try:
            return clock.time(datetime.fromisoformat(text))
        except ValueError:
            return text
    if key == "position":
        return position_words(text, labels)
    words = {
        "role": labels["roles"], "relation": labels["roles"], "authority": labels["authority_names"],
        "channel": labels["submission_channels"], "status": labels["submission_statuses"],
        "result": labels["verification_results"],
    }.get(key)
    if words:
        return words.get(text, text)
    if key == "purpose" and text in labels["purposes"]:
        return labels["purposes"][text].format(authority=labels["authority_default"])
    return text


def _short(sha256: str) -> str:
    return f"{sha256[:SHORT_HASH]}…" if len(sha256) > SHORT_HASH else sha256


def exhibit_purpose(e: Exhibit, labels: dict) -> str:
    """证明目的: the borrower's words, or what a careful person would say for this kind of file."""
    return e.purpose or labels["default_purposes"].get(e.kind, "")


def exhibit_summary(e: Exhibit, labels: dict, clock, length: str) -> str:
    """内容摘要: the borrower's words, or one made from what is known: kind, size, time, call, counts, note.

    length: the recording's or video's duration, already formatted ("1:35"), "" when unknown.
    """
    if e.summary:
        return e.summary
    kind = labels["summary_kinds"].get(e.kind, labels["exhibit_kinds"].get(e.kind, e.kind))
    parts = [kind.format(format=e.export_format or e.mime)]
    if e.image_size:
        parts.append(f"{e.image_size[0]}×{e.image_size[1]}")
    if length:
        parts.append(labels["summary_duration"].format(duration=length))
    if e.camera:
        parts.append(labels["summary_camera"].format(camera=e.camera))
    when = e.occurred_at or e.records_call_at
    if when and e.kind in labels["summary_taken"]:
        taken = labels["summary_taken"][e.kind].format(time=clock.time(when))
        source = labels["time_sources"].get(e.occurred_at_source, "") if e.occurred_at else ""
        parts.append(taken + (labels["summary_source"].format(source=source) if source else ""))
    if e.records_call_at:
        calls = labels["summary_call"]
        phrase = calls.get(e.records_call_direction) or calls["other"]
        parts.append(phrase.format(number=e.records_call_number or labels["hidden_number"],
                                   time=clock.time(e.records_call_at)))
    for what in ("message", "call"):
        if e.export_counts.get(what):
            parts.append(labels["summary_counts"][what].format(n=e.export_counts[what]))
    if e.note:
        parts.append(labels["summary_note"].format(note=e.note))
    if e.machine_text:
        quoted = labels["passage_sep"].join(passage_words(p, labels) for p in e.machine_text)
        parts.append(labels["summary_text"].format(text=quoted))
    return labels["summary_sep"].join(parts)


def passage_words(passage: dict, labels: dict) -> str:
    """对方 22:41：“再不还钱就通知你家人”: who wrote a bubble, when it shows, and what it says."""
    who = labels["passage_sides"].get(passage["side"], "")
    head = " ".join(part for part in (who, passage.get("time") or passage.get("time_shown") or "") if part)
    quoted = labels["quote"].format(text=passage["text"])
    return labels["passage_head"].format(head=head, text=quoted) if head else quoted


def call_length(direction: str, seconds: int | None, labels: dict) -> str:
    """A call's duration; "—" for a call nobody answered (a missed call has no length, not 0:00)."""
    if direction in UNANSWERED and not seconds:
        return labels["no_duration"]
    return duration(seconds or 0)


def duration(seconds: float) -> str:
    """125.4 -> '2:05'; 3725 -> '1:02:05'."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
