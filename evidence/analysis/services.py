"""Findings and chart numbers for a case, kept current as its facts change."""

from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from evidence.analysis import engine
from evidence.analysis.facts import EventFact, PassageFact, ThirdPartyFact
from evidence.analysis.models import Analysis
from evidence.analysis.rulesets import load_ruleset
from evidence.cases.models import Case
from evidence.events.models import Event
from evidence.ocr.models import RecognizedText, Review, TextStatus
from evidence.twins.fingerprint import message_key
from evidence.twins.models import Twin

EMPTY_CHARTS = {"calls_per_day": [], "contacts_by_hour": [0] * 24, "top_numbers": [],
                "night_contacts": None, "totals": {"events": 0, "collection_contacts": 0, "calls": 0, "messages": 0}}


def _facts(case: Case) -> tuple[list[EventFact], dict[str, str], list[ThirdPartyFact]]:
    """The case's events, labels and third-party contacts as plain facts, in three queries."""
    rows = Event.objects.filter(case=case).order_by().values_list(
        "id", "kind", "channel", "direction", "occurred_at", "number_normalized", "duration_s", "body", "note",
        "source_item_id",
    ).iterator(chunk_size=10_000)
    events = [
        EventFact(id=str(id_), kind=kind, channel=channel, direction=direction, occurred_at=occurred_at,
                  number=number, duration_s=duration_s, text=body if kind == "message" else note,
                  manual=source_item_id is None)
        for id_, kind, channel, direction, occurred_at, number, duration_s, body, note, source_item_id in rows
    ]
    labels = dict(case.number_labels.values_list("number", "role"))
    third_parties = [
        ThirdPartyFact(id=str(c.id), contacted_at=c.contacted_at, relation=c.relation, channel=c.channel,
                       disclosed_debt=c.disclosed_debt, after_refusal=c.after_refusal)
        for c in case.third_party_contacts.all()
    ]
    return events, labels, third_parties


# What the other side wrote (their bubbles), and text read from pictures that are not chats; never
# the borrower's own bubbles, a time separator, or a passage the borrower dismissed.
READ_SIDES = ("theirs", "unknown")


def _passages(case: Case) -> list[PassageFact]:
    """The machine-read passages of the case's pictures that keyword rules read.

    The same screenshot kept twice (a JPEG copy, a crop: twins) holds the same messages; a passage
    already read in an earlier twin is counted once, from the first picture that holds it.
    """
    out = []
    rows = RecognizedText.objects.filter(case=case, status=TextStatus.DONE).select_related("item").only(
        "passages", "reviews", "item__id", "item__occurred_at", "item__received_at")
    twins: dict = {}
    for item_id, other_id in Twin.objects.filter(case=case).values_list("item_id", "other_id"):
        twins.setdefault(item_id, set()).add(other_id)
    kept: dict = {}  # item id -> the passages' texts counted from it
    for record in sorted(rows, key=lambda r: (r.item.received_at, str(r.item_id))):
        when = record.item.occurred_at or record.item.received_at
        earlier = [kept[other] for other in twins.get(record.item_id, ()) if other in kept]
        mine = kept[record.item_id] = set()
        for passage in record.passages:
            review = record.reviews.get(str(passage["n"]))
            key = message_key(passage["text"])
            if passage["side"] not in READ_SIDES or review == Review.DISMISSED:
                continue
            mine.add(key)
            if any(key in texts for texts in earlier):
                continue
            out.append(PassageFact(id=f"{record.item_id}#{passage['n']}", item_id=str(record.item_id),
                                   n=passage["n"], occurred_at=when, text=passage["text"], side=passage["side"],
                                   time_shown=passage.get("time", ""), confirmed=review == Review.CONFIRMED))
    return out


def case_analyse(*, case_id) -> Analysis | None:
    """Evaluate the case's rule set over all its facts and store the result; None if the case is gone.

    Reruns are harmless: the same facts give the same findings, and a result computed from
    an older revision never replaces a newer one.
    """
    case = Case.objects.filter(id=case_id).first()
    if case is None:
        return None
    revision = case.revision
    ruleset = load_ruleset(case.jurisdiction)
    zone = ZoneInfo(case.timezone)
    values = {"revision": revision, "computed_at": timezone.now(), "findings": [], "collectors": [],
              "charts": EMPTY_CHARTS, "ruleset": "", "ruleset_version": ""}
    if ruleset is not None:
        events, labels, third_parties = _facts(case)
        result = engine.analyse(events=events, labels=labels, third_parties=third_parties, ruleset=ruleset, zone=zone,
                                passages=_passages(case))
        values.update(
            findings=[finding.as_dict() for finding in result.findings],
            collectors=result.collectors,
            charts=engine.charts(events=events, labels=labels, ruleset=ruleset, zone=zone,
                                 collectors=result.collectors),
            ruleset=ruleset.id, ruleset_version=ruleset.version,
        )
    with transaction.atomic():
        stored = Analysis.objects.select_for_update().filter(case=case).first()
        if stored is not None and stored.revision > revision:
            return stored  # a newer run already stored a newer result
        analysis, _ = Analysis.objects.update_or_create(case=case, defaults=values)
    return analysis


def finding_event_ids(case: Case, rule: str) -> list[str] | None:
    """The events behind the case's current finding for `rule`; None if the rule did not fire."""
    return next((finding["event_ids"] for finding in analysis_current(case).findings if finding["rule"] == rule), None)


def analysis_current(case: Case) -> Analysis:
    """The stored analysis if it matches the case's facts and rule set, else a fresh one computed now."""
    stored = Analysis.objects.filter(case=case).first()
    ruleset = load_ruleset(case.jurisdiction)
    # A new rule-set version (a corrected citation, a changed threshold) must reach the next report
    # even when the case's facts have not changed since the last run.
    if stored is not None and stored.revision == case.revision and stored.ruleset_version == (
            ruleset.version if ruleset else ""):
        return stored
    return case_analyse(case_id=case.id)
