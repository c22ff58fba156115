"""The events behind a finding: what a reader checks before believing "爆通讯录 62 次".

A finding is a claim; these are its evidence. For each finding: how many events, how many on
each local day, and the first ones in time order with their time, number and label,
direction, an excerpt and where they come from (the export and its line), so that the app,
the lawyer's page and the report can show them and point at the original.
"""

from collections import Counter
from zoneinfo import ZoneInfo

from evidence.cases.models import Case
from evidence.events.models import Event
from evidence.intake.models import EvidenceItem

SHOWN = 50  # events listed under a finding; all of them are counted, per day too
EXCERPT_CHARS = 60
_CHUNK = 900  # ids per query: SQLite's older builds allow 999 variables


def finding_support(*, case: Case, finding: dict, limit: int = SHOWN, labels: dict | None = None,
                    times: dict | None = None) -> dict:
    """{total, per_day: [{day, count}], events: [first `limit` events as dicts]} for one finding.

    times: {event id (str): when} of the whole case, when the caller read it once for many findings.
    """
    ids = list(dict.fromkeys(finding.get("event_ids") or []))
    zone = ZoneInfo(case.timezone)
    found = []  # (when, id), for all of them
    if times is not None:
        found = [(times[event_id], event_id) for event_id in ids if event_id in times]
    else:
        for start in range(0, len(ids), _CHUNK):
            found += ((at, str(event_id)) for at, event_id in Event.objects.filter(
                case=case, id__in=ids[start:start + _CHUNK]).values_list("occurred_at", "id"))
    found.sort()
    per_day = Counter(moment.astimezone(zone).date().isoformat() for moment, _id in found)
    first = [event_id for _moment, event_id in found[:limit]]
    if labels is None:
        labels = {label.number: label for label in case.number_labels.all()}
    shown = Event.objects.filter(id__in=first).select_related("source_item").order_by("occurred_at", "id")
    events = [event_summary(event, labels) for event in shown]
    return {
        "total": len(found),
        "per_day": [{"day": day, "count": count} for day, count in sorted(per_day.items())],
        "events": events,
        "passages": passages_summary(case, finding.get("passages") or []),
    }


def passages_summary(case: Case, passages: list[dict]) -> list[dict]:
    """The machine-read passages behind a finding, each with the picture's file name."""
    if not passages:
        return []
    ids = {p["item_id"] for p in passages}
    names = dict(EvidenceItem.objects.filter(case=case, id__in=ids).values_list("id", "original_name"))
    names = {str(key): value for key, value in names.items()}
    return [{**p, "item_name": names.get(p["item_id"], ""), "machine_read": True} for p in passages
            if p["item_id"] in names]


def event_summary(event: Event, labels: dict) -> dict:
    """One event as a finding lists it."""
    label = labels.get(event.number_normalized)
    text = event.body if event.kind == "message" else event.note
    return {
        "id": str(event.id),
        "at": event.occurred_at.isoformat(),
        "kind": event.kind,
        "channel": event.channel,
        "direction": event.direction,
        "number": event.number_normalized,
        "role": label.role if label else "",
        "label_name": label.name if label else "",
        "duration_s": event.duration_s,
        "excerpt": _excerpt(text),
        "source": {"item": str(event.source_item_id) if event.source_item_id else None,
                   "name": event.source_item.original_name if event.source_item_id else "",
                   "position": event.source_position},
    }


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def findings_with_support(case: Case, findings: list[dict], limit: int = SHOWN) -> list[dict]:
    """The findings, each with its `support` (see finding_support)."""
    labels = {label.number: label for label in case.number_labels.all()}
    times = None
    if sum(len(finding.get("event_ids") or []) for finding in findings) > _CHUNK:
        # Findings over a phone's whole history name most of its events: read each event's time
        # once, rather than in chunks of ids for every finding.
        times = {str(event_id): at for at, event_id in
                 Event.objects.filter(case=case).values_list("occurred_at", "id").iterator(5000)}
    return [{**finding, "support": finding_support(case=case, finding=finding, limit=limit, labels=labels,
                                                   times=times)}
            for finding in findings]
