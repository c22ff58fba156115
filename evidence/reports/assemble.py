"""From a bundle's frozen evidence set to the report's content and the packet's records."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image

from evidence.analysis.services import analysis_current
from evidence.analysis.support import findings_with_support
from evidence.cases.models import Case
from evidence.custody.models import CustodyEvent
from evidence.custody.selectors import custody_for_case
from evidence.custody.services import event_content
from evidence.events.models import Event, EventKind
from evidence.intake.models import EvidenceItem, Kind
from evidence.ocr.models import RecognizedText, TextStatus
from evidence.reports import sections, texts, wording
from evidence.reports.content import CustodyRow, Exhibit, FindingRow, ReportContent, TimelineRow
from evidence.reports.labels import labels_for
from evidence.reports.models import Authority, Bundle
from evidence.reports.wording import call_length
from evidence.storage.backends import get_storage
from evidence.twins.models import Twin

EMBEDDABLE = ("image/png", "image/jpeg")


def evidence_set_sha256(sha256s) -> str:
    """One hash for a set of originals: the same files give the same value, in any order.

    SHA-256 over the sorted, distinct hex digests, one per line. Anyone can recompute it
    from manifest.json (or from the originals/ folder) with standard tools.
    """
    lines = "".join(f"{sha}\n" for sha in sorted(set(sha256s)))
    return hashlib.sha256(lines.encode("ascii")).hexdigest()


def frozen_items(bundle: Bundle) -> list[EvidenceItem]:
    """The bundle's items in exhibit order: by when they happened (or arrived), then by hash."""
    ids = [entry["id"] for entry in bundle.items]
    items = list(EvidenceItem.objects.filter(id__in=ids).select_related("imported_from", "recognized_text"))
    return sorted(items, key=lambda item: (item.occurred_at or item.received_at, item.sha256))


def exhibit_numbers(items: list[EvidenceItem]) -> dict:
    return {item.id: f"E-{n:03d}" for n, item in enumerate(items, start=1)}


def report_content(bundle: Bundle, items: list[EvidenceItem], *, copies: Path,
                   custody: list[CustodyEvent] | None = None, timestamp_authority: str = "") -> ReportContent:
    """Everything the report shows, in the bundle's language.

    copies: a scratch folder of the job's, where pictures are copied when the store is not local;
    custody: the case's events as the packet's custody.jsonl holds them (read now when not given);
    timestamp_authority: who will timestamp the packet and the PDF, "" when nobody will.
    """
    case: Case = bundle.case
    language = "en" if bundle.language == "en" else "zh-hans"
    with translation.override(language):
        numbers = exhibit_numbers(items)
        recorded = recorded_calls(case, items)
        analysis = analysis_current(case)
        limit = settings.REPORT_TABLE_ROWS
        rows = timeline(case, numbers, limit)
        times = period_times(rows.span, items)
        calls_note = _table_note(rows.total_calls, limit, "calls.csv")
        messages_note = _table_note(rows.total_messages, limit, "messages.csv")
        return ReportContent(
            language=bundle.language,
            timezone=case.timezone,
            title=texts.report_title(bundle),
            case_title=case.title,
            borrower_name=bundle.borrower_name,
            lender=case.lender,
            lending_app=case.lending_app,
            collection_agency=case.collection_agency,
            jurisdiction=case.jurisdiction,
            purpose=bundle.purpose,
            authority=Authority(bundle.authority).label if bundle.authority else "",
            period_start=min(times, default=None),
            period_end=max(times, default=None),
            generated_at=bundle.created_at,
            evidence_set_sha256=bundle.evidence_set_sha256,
            charts=analysis.charts,
            findings=[_finding_row(finding, bundle.language) for finding in findings_with_support(case, analysis.findings)],
            findings_note=(analysis.findings[0]["note"].get(bundle.language, "") if analysis.findings else ""),
            ruleset=f"{analysis.ruleset} {analysis.ruleset_version}".strip(),
            exhibits=_with_twins([_exhibit(item, numbers, recorded, copies) for item in items], numbers),
            calls=rows.calls,
            messages=rows.messages,
            calls_note=calls_note,
            messages_note=messages_note,
            custody=custody_rows(custody_events(case, bundle) if custody is None else custody, items, numbers),
            certification=texts.certification(case, bundle, timestamp_authority=timestamp_authority),
            how_to_verify=texts.how_to_verify(bundle.language),
            # Frozen at the bundle's creation: a rebuilt report shows what the first run showed.
            submissions=sections.submissions_for(case, until=bundle.created_at),
        )


def _table_note(total: int, limit: int, records_name: str) -> str:
    """Long logs are printed in part; the packet's CSV, covered by the same signature, has them all."""
    if total <= limit:
        return ""
    return _("This table shows the first %(shown)s of %(total)s rows, in time order. All of them are in "
             "records/%(file)s in the packet, covered by the same signature.") % {
        "shown": limit, "total": total, "file": records_name}


def _finding_row(finding: dict, language: str) -> FindingRow:
    return FindingRow(
        rule=finding["rule"],
        title=finding["title"].get(language) or finding["title"]["en"],
        summary=finding["summary"].get(language) or finding["summary"]["en"],
        kind=finding["kind"],
        threshold=finding["threshold_text"].get(language) or finding["threshold_text"]["en"],
        count=finding["count"],
        first_at=datetime.fromisoformat(finding["first_at"]),
        last_at=datetime.fromisoformat(finding["last_at"]),
        citation=finding["citation"],
        confidence=finding["confidence"],
        windows=finding.get("windows", []),
        examples=finding.get("examples", []),
        support=finding.get("support", {}),
    )


def recorded_calls(case: Case, items: list[EvidenceItem]) -> dict:
    """{recording item id: (call start, number, direction)} for the report's recordings linked to a call."""
    calls = Event.objects.filter(case=case, recording_id__in=[item.id for item in items if item.kind == Kind.RECORDING])
    return {recording: (at, number, direction) for recording, at, number, direction
            in calls.values_list("recording_id", "occurred_at", "number_normalized", "direction")}


def _exhibit(item: EvidenceItem, numbers: dict, recorded: dict, copies: Path) -> Exhibit:
    """An item as the report shows it; a picture's file is a path the PDF can be made from (on an
    object store, a copy in `copies`)."""
    embeddable = item.mime in EMBEDDABLE and item.kind in (Kind.SCREENSHOT, Kind.PHOTO)
    picture = get_storage().local_copy(item.sha256, copies) if embeddable else None
    width, height = item.metadata.get("width"), item.metadata.get("height")
    if embeddable and not (width and height):  # the metadata job has not run yet
        with Image.open(picture) as image:
            width, height = image.size
    return Exhibit(
        number=numbers[item.id],
        item_id=str(item.id),
        kind=item.kind,
        title=item.original_name or Kind(item.kind).label,
        source=texts.exhibit_source(item, numbers),
        purpose=item.purpose,
        summary=item.summary,
        sha256=item.sha256,
        size=item.size,
        mime=item.mime,
        received_at=item.received_at,
        occurred_at=item.occurred_at,
        occurred_at_source=item.occurred_at_source,
        image_path=str(picture) if picture else None,
        image_size=(width, height) if width and height else None,
        duration_s=item.metadata.get("duration_s"),
        records_call_at=recorded.get(item.id, (None, ""))[0],
        records_call_number=recorded.get(item.id, (None, "", ""))[1],
        records_call_direction=recorded.get(item.id, (None, "", ""))[2],
        note=item.note if item.kind != Kind.EXPORT else "",
        camera=" ".join(dict.fromkeys(str(item.metadata.get(key, "")).strip() for key in ("make", "model"))).strip(),
        export_format=item.note if item.kind == Kind.EXPORT else "",
        export_counts=_export_counts(item) if item.kind == Kind.EXPORT else {},
        machine_text=_first_passages(item),
    )


def _with_twins(exhibits: list[Exhibit], numbers: dict) -> list[Exhibit]:
    """Name, on each exhibit, the other exhibits of this bundle that are the same picture."""
    twins = Twin.objects.filter(item_id__in=list(numbers), other_id__in=list(numbers)).values_list("item_id", "other_id")
    by_item: dict[str, list[str]] = {}
    for item_id, other_id in twins:
        by_item.setdefault(str(item_id), []).append(numbers[other_id])
    for exhibit in exhibits:
        exhibit.twins = sorted(by_item.get(exhibit.item_id, []))
    return exhibits


SUMMARY_PASSAGES = 3  # a picture's 内容摘要, when the borrower wrote none, quotes its first messages


def _first_passages(item: EvidenceItem) -> list[dict]:
    """The first meaningful passages read from a picture: bubbles and paragraphs, not time separators."""
    try:
        record = item.recognized_text
    except RecognizedText.DoesNotExist:
        return []
    if record.status != TextStatus.DONE:
        return []
    dismissed = {n for n, review in record.reviews.items() if review == "dismissed"}
    kept = [p for p in record.passages if p["side"] != "time" and str(p["n"]) not in dismissed and len(p["text"]) >= 2]
    return [{"side": p["side"], "time": p.get("time", ""), "text": p["text"]} for p in kept[:SUMMARY_PASSAGES]]


def _export_counts(item: EvidenceItem) -> dict:
    """{"call": n, "message": n}: what the timeline read from a phone export."""
    rows = item.imported_events.order_by().values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def period_times(span: tuple[datetime | None, datetime | None], items: list[EvidenceItem]) -> list[datetime]:
    """When what the report shows happened: the first and last call or message (`span`), and each
    file's own time (a screenshot's, a recording's). An export's upload is not part of the
    harassment; receipt times count only when nothing else dates the case."""
    times = [at for at in span if at] + [item.occurred_at for item in items
                                         if item.occurred_at and item.kind != Kind.EXPORT]
    return times or [item.received_at for item in items]


@dataclass(frozen=True)
class Timeline:
    """The first `limit` calls and messages as the report prints them, how many there are in all,
    and when the first and last of them happened (the packet's CSVs carry every row)."""

    calls: list[TimelineRow]
    messages: list[TimelineRow]
    total_calls: int
    total_messages: int
    span: tuple[datetime | None, datetime | None]


def timeline(case: Case, numbers: dict, limit: int) -> Timeline:
    """The case's calls and messages for the report, with the borrower's labels, in time order:
    only the rows it prints are read (a case may hold a phone's 100,000 messages)."""
    labels = {label.number: label for label in case.number_labels.all()}
    words = labels_for(translation.get_language() or "en")
    events = Event.objects.filter(case=case)
    totals = events.aggregate(calls=Count("id", filter=Q(kind=EventKind.CALL)),
                              messages=Count("id", filter=~Q(kind=EventKind.CALL)),
                              first=Min("occurred_at"), last=Max("occurred_at"))

    def rows(selected) -> list[TimelineRow]:
        return [_timeline_row(values, labels, words, numbers) for values in selected.order_by("occurred_at", "id")
                .values_list(*TIMELINE_FIELDS)[:limit]]

    return Timeline(calls=rows(events.filter(kind=EventKind.CALL)), messages=rows(events.exclude(kind=EventKind.CALL)),
                    total_calls=totals["calls"], total_messages=totals["messages"],
                    span=(totals["first"], totals["last"]))


TIMELINE_FIELDS = ("occurred_at", "kind", "channel", "direction", "number_normalized", "duration_s", "body", "note",
                   "source_item_id", "source_position", "recording_id", "id")


def _timeline_row(values: tuple, labels: dict, words: dict, numbers: dict) -> TimelineRow:
    at, kind, channel, direction, number, duration, body, note, source_item, position, recording, event_id = values
    label = labels.get(number)
    return TimelineRow(
        at=at, kind=kind, channel=channel, direction=direction, number=number,
        label=(f"{words['roles'].get(label.role, label.role)} {label.name}".strip() if label else ""),
        detail=(call_length(direction, duration, words) if kind == EventKind.CALL else body)
        + (f" ({note})" if note else ""),
        source=(wording.source_words(numbers.get(source_item, ""), position, words) if source_item
                else words["entered_by_hand"]),
        # Only a recording this report holds: the mark must point at an exhibit in it.
        recording=numbers.get(recording, "") if recording else "",
        id=str(event_id),
    )


def custody_events(case: Case, bundle: Bundle | None = None) -> list[CustodyEvent]:
    """The case's custody events, in chain order: the report's log and the packet's custody.jsonl.

    With a bundle, only those up to its own request: a rebuilt bundle then shows what the first
    build showed, not the downloads and views that came after.
    """
    events = custody_for_case(case.id)
    if bundle is not None:
        requested = CustodyEvent.objects.filter(case_id=case.id, action="bundle.requested",
                                                details__bundle=str(bundle.id)).values_list("seq", flat=True).first()
        if requested is not None:
            events = events.filter(seq__lte=requested)
    return list(events)


def custody_jsonl(events: list[CustodyEvent]) -> bytes:
    """One JSON object per event, in order: exactly what its hash covers, plus the hash.

    Dropping "hash" and serialising the rest with sorted keys, no spaces and no ASCII escaping
    gives the bytes whose SHA-256 is that hash; "prev" is the hash of the event before it in
    the server's chain (which holds other cases' events too).
    """
    lines = (json.dumps({**event_content(event), "hash": event.hash}, sort_keys=True, ensure_ascii=False,
                        separators=(",", ":")) + "\n" for event in events)
    return "".join(lines).encode("utf-8")


def custody_rows(events: list[CustodyEvent], items: list[EvidenceItem], numbers: dict) -> list[CustodyRow]:
    """The events as the report words them: who, what, which exhibit, which hash."""
    kinds = {item.id: item.kind for item in items}
    by_sha256 = {item.sha256: numbers[item.id] for item in items}
    rows = []
    for event in events:
        details = dict(event.details) if isinstance(event.details, dict) else {"details": event.details}
        if details.get("from_export") in by_sha256:
            details["from_export"] = by_sha256[details["from_export"]]
        rows.append(CustodyRow(
            at=event.at, action=event.action, actor=event.actor_name, details=details, event_hash=event.hash,
            actor_role=event.actor_role, sha256=event.sha256, exhibit=numbers.get(event.item_id, ""),
            exhibit_kind=kinds.get(event.item_id, ""), about_item=event.item_id is not None,
        ))
    return rows


def local(moment: datetime, zone: str) -> str:
    """A time as the case's zone shows it, with its offset: 2026-05-01 23:10:05 +08:00."""
    value = timezone.localtime(moment, ZoneInfo(zone))
    offset = value.strftime("%z")
    return f"{value:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"
