"""The rules engine: turns a call/message log into findings and chart data.

Every threshold, time window and keyword list lives in rules/*.toml (loaded and validated by
rulesets.py). This code only knows the generic checks below, so one engine serves every
jurisdiction and a rule change is a data change.

Who is a collector
  A number labelled collector or lender. A number labelled with any other role never is.
  An unlabelled number becomes an *inferred* collector when an incoming message from it
  matches the rule set's `collection` keywords. Hidden numbers ("") never are.
  A *collection contact* is an event from a collector's number, or an event the borrower
  typed in by hand (manual) whose number is not labelled with a non-collector role.
  Keyword rules read collectors and all unlabelled numbers, hidden ones included.
  Events are sorted by (occurred_at, id); local days and minutes come from the `zone` given.

[[rule]] vocabulary
  id, kind, title {zh-Hans, en}, summary {zh-Hans, en}, citation, confidence (P|S|M|UNCONFIRMED),
  threshold_text {zh-Hans, en}, check, and the check's parameters:

  [rule.select]         which events the check looks at; every key is optional
    kinds       ["call", "message"]                      (default: both)
    channels    ["phone", "sms", "mms", "wechat", ...]   (default: all)
    directions  a list of raw directions, or one named set:
                "any" (default); "placed_by_collector" = in, missed, rejected, blocked, voicemail
                (never "out", which the borrower placed); and, for kinds = ["call"] only:
                "answered" = in with duration > 0; "unanswered" = placed by the collector and
                not answered; "connected" = in or out with duration > 0
    collection  true = collection contacts only
    keywords    names of [keywords] lists; keeps incoming messages and call notes (from
                collectors or unlabelled numbers, never from a number labelled self, relative…)
                whose text contains any word of any named list (plain substring, any case)
    window      {from = "HH:MM", to = "HH:MM"} local time, half-open [from, to), may wrap midnight
  [rule.conversation]   (after_conversation only) a second selection with the same keys
  [rule.threshold]      integer parameters: more_than, days, period_days, n, reachable_hours
  conditions            (third_party only) any of disclosed_debt, after_refusal, borrower_reachable
  [rule.letter]         (optional; the engine ignores it) how complaint letters state the finding:
                        fact (a sentence with {count} {days} {most} {events} {third} {first} {last}),
                        ask (what to stop), basis (instruments, confirmed citations only; an entry
                        may be {text, from, until} with dates for a law's text in force then)
  A top-level [unconfirmed] {zh-Hans, en} says once what the citations still lack (report only).

  check
    each                every selected event is a breach
    per_day             local calendar days whose selected count > more_than
    rolling_days        any `days` consecutive local days whose selected count > more_than
    after_conversation  selected events later than a conversation event and on a local date within
                        the period_days days that start on the conversation's date (day 1)
    at_least            all selected events, once there are at least n of them
    third_party         third-party contacts meeting any condition ("borrower_reachable": an answered
                        collection call, or the borrower's own call or message to a collector, within
                        reachable_hours before the contact), plus the selected events, if any
"""

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from evidence.analysis.facts import (
    COLLECTOR_ROLES,
    EventFact,
    Log,
    PassageFact,
    ThirdPartyFact,
    prepare_log,
    sort_events,
)
from evidence.analysis.rulesets import Rule, RuleSet, Selection

EXAMPLES = 10
TOP_NUMBERS = 10


@dataclass(slots=True)
class Finding:
    """A rule that fired, with everything a report needs to show and cite it."""

    rule: str
    ruleset: str
    ruleset_version: str
    jurisdiction: str
    kind: str
    title: dict
    summary: dict
    citation: str
    confidence: str
    threshold: dict
    threshold_text: dict
    count: int
    first_at: datetime
    last_at: datetime
    event_ids: list[str]
    examples: list[str]
    third_party_ids: list[str]
    third_party_reasons: dict[str, list[str]]  # third-party id -> the conditions it met
    windows: list[dict]
    note: dict
    # Passages machine-read from pictures that keyword rules matched, and whether any of them
    # is still unconfirmed by the borrower (then the finding rests partly on a machine's reading).
    passages: list[dict] = field(default_factory=list)
    machine_read: bool = False

    def as_dict(self) -> dict:
        """JSON-ready: datetimes as ISO strings in UTC with a Z."""
        data = asdict(self)
        data["first_at"], data["last_at"] = _iso(self.first_at), _iso(self.last_at)
        return data


@dataclass(slots=True)
class AnalysisResult:
    """Findings in rule-file order, and the numbers treated as collectors."""

    findings: list[Finding]
    collectors: list[dict]

    def as_dict(self) -> dict:
        """JSON-ready."""
        return {"findings": [f.as_dict() for f in self.findings], "collectors": list(self.collectors)}


@dataclass(slots=True)
class _Outcome:
    """What a check matched: event indices in time order, windows, third-party contacts."""

    events: list[int] = field(default_factory=list)
    windows: list[dict] = field(default_factory=list)
    third: list[tuple[ThirdPartyFact, list[str]]] = field(default_factory=list)
    passages: list[PassageFact] = field(default_factory=list)


class _Context:
    """The prepared log one analysis runs on; keyword hits are computed once per list, on demand."""

    def __init__(self, log: Log, third_parties: Sequence[ThirdPartyFact], ruleset: RuleSet,
                 passages: Sequence[PassageFact] = ()):
        self.log = log
        self.passages = sorted(passages, key=lambda p: (p.occurred_at, p.id))
        self._passage_low = [p.text.lower() for p in self.passages]
        if any(t.contacted_at.tzinfo is None for t in third_parties):
            raise ValueError("third-party contacts: contacted_at must be timezone-aware")
        self.third_parties = sorted(third_parties, key=lambda t: (t.contacted_at, t.id))
        self._patterns = ruleset.patterns
        self._readable = [i for i, text in enumerate(log.low) if text]
        self._hits: dict[str, set[int]] = {}

    def keyword_hits(self, names: Sequence[str]) -> set[int]:
        """Indices of keyword-readable events matching any of the named lists."""
        out: set[int] = set()
        low = self.log.low
        for name in names:
            if name not in self._hits:
                search = self._patterns[name].search
                self._hits[name] = {i for i in self._readable if search(low[i])}
            out |= self._hits[name]
        return out

    def passages_matching(self, sel: Selection | None) -> list[PassageFact]:
        """Machine-read passages a keyword selection keeps: messages with any of its words.

        Only selections by keywords read them, and only without a time window or the
        collection condition: a picture's time and sender are not known well enough for those.
        """
        if sel is None or not sel.keywords or "message" not in sel.kinds or sel.window is not None or sel.collection:
            return []
        searches = [self._patterns[name].search for name in sel.keywords]
        return [p for p, low in zip(self.passages, self._passage_low, strict=True) if any(s(low) for s in searches)]


def find_collectors(events: Sequence[EventFact], labels: dict[str, str], ruleset: RuleSet) -> list[dict]:
    """Labelled collectors and lenders, then numbers inferred from incoming collection messages."""
    labelled = sorted(number for number, role in labels.items() if role in COLLECTOR_ROLES)
    search = ruleset.patterns["collection"].search
    inferred: set[str] = set()
    for e in events:
        number = e.number
        if (
            number
            and e.kind == "message"
            and e.direction != "out"
            and number not in labels
            and number not in inferred
            and search(e.text.lower())
        ):
            inferred.add(number)
    return [{"number": n, "source": "label"} for n in labelled] + [
        {"number": n, "source": "message"} for n in sorted(inferred)
    ]


def analyse(
    *,
    events: Sequence[EventFact],
    labels: dict[str, str],
    third_parties: Sequence[ThirdPartyFact],
    ruleset: RuleSet,
    zone: ZoneInfo,
    passages: Sequence[PassageFact] = (),
) -> AnalysisResult:
    """Run every rule of the rule set over the log (and keyword rules over the passages read from
    pictures); return the rules that fired."""
    facts = sort_events(events)
    collectors = find_collectors(facts, labels, ruleset)
    log = prepare_log(facts, labels, zone, {c["number"] for c in collectors})
    ctx = _Context(log, third_parties, ruleset, passages)
    findings = []
    for rule in ruleset.rules:
        outcome = CHECKS[rule.check](rule, ctx)
        if outcome.events or outcome.third or outcome.passages:
            findings.append(_finding(rule, ruleset, outcome, log))
    return AnalysisResult(findings=findings, collectors=collectors)


def charts(
    *,
    events: Sequence[EventFact],
    labels: dict[str, str],
    ruleset: RuleSet,
    zone: ZoneInfo,
    collectors: Sequence[dict] | None = None,
) -> dict:
    """Chart data: collection contacts placed by collectors per day and hour, busiest numbers, nights.

    `collectors` is AnalysisResult.collectors (found again when None).
    """
    facts = sort_events(events)
    if collectors is None:
        collectors = find_collectors(facts, labels, ruleset)
    log = prepare_log(facts, labels, zone, {c["number"] for c in collectors})
    placed = {n for n, p in enumerate(log.profiles) if p.collection and "placed_by_collector" in p.tags}
    contacts = [i for i, pid in enumerate(log.profile) if pid in placed]
    hours = [0] * 24
    for i in contacts:
        hours[log.minute[i] // 60] += 1
    calls = sum(1 for f in facts if f.kind == "call")
    return {
        "calls_per_day": _calls_per_day(log, contacts),
        "contacts_by_hour": hours,
        "top_numbers": _top_numbers(log, labels, {c["number"] for c in collectors if c["source"] == "message"}),
        "night_contacts": _night_contacts(log, contacts, ruleset),
        "totals": {
            "events": len(facts),
            "collection_contacts": len(contacts),  # placed by collectors, as in calls_per_day
            "calls": calls,
            "messages": len(facts) - calls,
        },
    }


def _select(ctx: _Context, sel: Selection) -> list[int]:
    """Indices of the events a selection keeps, in time order."""
    ok = {
        pid
        for pid, p in enumerate(ctx.log.profiles)
        if p.kind in sel.kinds
        and p.channel in sel.channels
        and not sel.directions.isdisjoint(p.tags)
        and (p.collection or not sel.collection)
    }
    out = [i for i, pid in enumerate(ctx.log.profile) if pid in ok]
    if sel.keywords:
        hits = ctx.keyword_hits(sel.keywords)
        out = [i for i in out if i in hits]
    if sel.window is not None:
        contains, minute = sel.window.contains, ctx.log.minute
        out = [i for i in out if contains(minute[i])]
    return out


# --- checks --------------------------------------------------------------------------------


def _check_each(rule: Rule, ctx: _Context) -> _Outcome:
    """Every selected event (and machine-read passage)."""
    return _Outcome(events=_select(ctx, rule.select), passages=ctx.passages_matching(rule.select))


def _check_at_least(rule: Rule, ctx: _Context) -> _Outcome:
    """All selected events and passages once there are at least n of them."""
    selected, passages = _select(ctx, rule.select), ctx.passages_matching(rule.select)
    if len(selected) + len(passages) < rule.threshold["n"]:
        return _Outcome()
    return _Outcome(events=selected, passages=passages)


def _check_per_day(rule: Rule, ctx: _Context) -> _Outcome:
    """Local days with more than `more_than` selected events."""
    selected, day = _select(ctx, rule.select), ctx.log.day
    limit = rule.threshold["more_than"]
    counts = Counter(day[i] for i in selected)
    bad = {d for d, n in counts.items() if n > limit}
    windows = [{"start": _day(d), "end": _day(d), "count": counts[d]} for d in sorted(bad)]
    return _Outcome(events=[i for i in selected if day[i] in bad], windows=windows)


def _check_rolling_days(rule: Rule, ctx: _Context) -> _Outcome:
    """Any `days` consecutive local days with more than `more_than` selected events.

    Only windows starting on a day with events are tried: any other breaking window holds a
    subset of the events of the window starting on its first busy day, which then breaks too.
    """
    selected, day = _select(ctx, rule.select), ctx.log.day
    span, limit = rule.threshold["days"], rule.threshold["more_than"]
    counts = Counter(day[i] for i in selected)
    days = sorted(counts)
    prefix = [0]
    for d in days:
        prefix.append(prefix[-1] + counts[d])
    windows, covered = [], [0] * (len(days) + 1)
    j = 0
    for i, start in enumerate(days):  # two pointers: days[i:j] is the window starting at days[i]
        while j < len(days) and days[j] < start + span:
            j += 1
        total = prefix[j] - prefix[i]
        if total > limit:
            windows.append({"start": _day(start), "end": _day(start + span - 1), "count": total})
            covered[i] += 1
            covered[j] -= 1
    bad, running = set(), 0
    for i, d in enumerate(days):
        running += covered[i]
        if running:
            bad.add(d)
    return _Outcome(events=[i for i in selected if day[i] in bad], windows=windows)


def _check_after_conversation(rule: Rule, ctx: _Context) -> _Outcome:
    """Selected events later than the latest earlier conversation, within its period of local days."""
    conversations = _select(ctx, rule.conversation)
    period, ts, day = rule.threshold["period_days"], ctx.log.ts, ctx.log.day
    started = [ts[c] for c in conversations]  # sorted: the log is in time order
    matched, per_conversation = [], Counter()
    for i in _select(ctx, rule.select):
        p = bisect_left(started, ts[i])  # conversations[p - 1] is the latest strictly earlier one
        if p and day[i] - day[conversations[p - 1]] < period:  # the conversation's date is day 1
            matched.append(i)
            per_conversation[conversations[p - 1]] += 1
    windows = [
        {"start": _day(day[c]), "end": _day(day[c] + period - 1), "count": n} for c, n in per_conversation.items()
    ]
    return _Outcome(events=matched, windows=windows)


def _check_third_party(rule: Rule, ctx: _Context) -> _Outcome:
    """Third-party contacts meeting any condition, plus the selected events (e.g. threats)."""
    log = ctx.log
    reach = {n for n, p in enumerate(log.profiles) if p.collection and ("answered" in p.tags or "out" in p.tags)}
    reachable = [log.ts[i] for i, pid in enumerate(log.profile) if pid in reach]  # sorted: log is in time order
    hours = rule.threshold.get("reachable_hours", 0)
    third = []
    for contact in ctx.third_parties:
        met = {
            "disclosed_debt": contact.disclosed_debt,
            "after_refusal": contact.after_refusal,
            "borrower_reachable": _within_before(reachable, contact.contacted_at.timestamp(), hours * 3600),
        }
        reasons = [c for c in rule.conditions if met[c]]
        if reasons:
            third.append((contact, reasons))
    events = _select(ctx, rule.select) if rule.select is not None else []
    return _Outcome(events=events, third=third, passages=ctx.passages_matching(rule.select))


def _within_before(times: list[float], at: float, seconds: int) -> bool:
    """Whether any of the sorted times lies in [at - seconds, at]."""
    i = bisect_left(times, at - seconds)
    return i < len(times) and times[i] <= at


CHECKS: dict[str, Callable[[Rule, _Context], _Outcome]] = {
    "each": _check_each,
    "per_day": _check_per_day,
    "rolling_days": _check_rolling_days,
    "after_conversation": _check_after_conversation,
    "at_least": _check_at_least,
    "third_party": _check_third_party,
}


# --- output --------------------------------------------------------------------------------


def _finding(rule: Rule, ruleset: RuleSet, outcome: _Outcome, log: Log) -> Finding:
    """Assemble a Finding from what a check matched."""
    facts = [log.facts[i] for i in outcome.events]
    ids = [f.id for f in facts]
    times = ([f.occurred_at for f in facts[:1] + facts[-1:]] + [c.contacted_at for c, _ in outcome.third]
             + [p.occurred_at for p in outcome.passages])
    threshold = dict(rule.threshold)
    if rule.select is not None and rule.select.window is not None:
        threshold["window"] = rule.select.window.as_dict()
    return Finding(
        rule=rule.id,
        ruleset=ruleset.id,
        ruleset_version=ruleset.version,
        jurisdiction=ruleset.jurisdiction,
        kind=rule.kind,
        title=dict(rule.title),
        summary=dict(rule.summary),
        citation=rule.citation,
        confidence=rule.confidence,
        threshold=threshold,
        threshold_text=dict(rule.threshold_text),
        count=len(ids) + len(outcome.third) + len(outcome.passages),
        first_at=min(times),
        last_at=max(times),
        event_ids=ids,
        examples=ids[:EXAMPLES],
        third_party_ids=[c.id for c, _ in outcome.third],
        third_party_reasons={c.id: reasons for c, reasons in outcome.third},
        windows=outcome.windows,
        note=dict(ruleset.note),
        passages=[{"id": p.id, "item_id": p.item_id, "n": p.n, "text": p.text, "side": p.side, "time_shown": p.time_shown,
                   "at": _iso(p.occurred_at), "confirmed": p.confirmed} for p in outcome.passages],
        machine_read=any(not p.confirmed for p in outcome.passages),
    )


def _calls_per_day(log: Log, contacts: list[int]) -> list[dict]:
    """Per local day: calls (answered/unanswered) and messages."""
    rows: dict[int, dict] = {}
    for i in contacts:
        d, profile = log.day[i], log.profiles[log.profile[i]]
        row = rows.get(d) or rows.setdefault(
            d, {"date": _day(d), "calls": 0, "answered": 0, "unanswered": 0, "messages": 0}
        )
        if profile.kind == "call":
            row["calls"] += 1
            row["answered" if "answered" in profile.tags else "unanswered"] += 1
        else:
            row["messages"] += 1
    return [rows[d] for d in sorted(rows)]


def _top_numbers(log: Log, labels: dict[str, str], inferred: set[str]) -> list[dict]:
    """The numbers that called or wrote most, over all numbers, so the borrower sees what to label."""
    calls, messages = Counter(), Counter()
    for f in log.facts:
        if f.number and f.direction != "out":
            (calls if f.kind == "call" else messages)[f.number] += 1
    ranked = sorted(calls.keys() | messages.keys(), key=lambda n: (-(calls[n] + messages[n]), n))
    return [
        {
            "number": n,
            "role": labels.get(n),
            "inferred_collector": n in inferred,
            "calls": calls[n],
            "messages": messages[n],
        }
        for n in ranked[:TOP_NUMBERS]
    ]


def _night_contacts(log: Log, contacts: list[int], ruleset: RuleSet) -> dict:
    """Collection contacts inside the rule set's night window, per local day."""
    contains = ruleset.night.contains
    by_day = Counter(log.day[i] for i in contacts if contains(log.minute[i]))
    return {
        **ruleset.night.as_dict(),
        "count": sum(by_day.values()),
        "by_day": [{"date": _day(d), "count": by_day[d]} for d in sorted(by_day)],
    }


@lru_cache(maxsize=1 << 16)
def _day(ordinal: int) -> str:
    """Local day ordinal -> 'YYYY-MM-DD'."""
    return date.fromordinal(ordinal).isoformat()


def _iso(dt: datetime) -> str:
    """Aware datetime -> ISO 8601 in UTC with a Z."""
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")
