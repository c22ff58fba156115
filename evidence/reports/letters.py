"""The facts a complaint letter states, in plain sentences, from the case's findings.

A letter is signed by the borrower and read by a case officer, so it says what happened (when,
how often, to whom), never how the software decided: no rule ids, no confidence marks, no
caveats about citations. Those live in the report's method section. Each rule's sentence, what
to stop and the instruments it rests on are data ([rule.letter] in rules/*.toml); this module
only fills them in.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from evidence.analysis.facts import PLACED_BY_COLLECTOR
from evidence.analysis.rulesets import load_ruleset
from evidence.analysis.services import analysis_current
from evidence.cases.models import Case, ThirdPartyContact
from evidence.events.models import Event, EventKind
from evidence.reports.content import Exhibit

_CHUNK = 900  # ids per query: SQLite's older builds allow 999 variables
QUOTE_CHARS = 40

RELATIONS = {
    "zh-Hans": {"relative": "亲属", "employer": "单位", "colleague": "同事", "friend": "朋友", "other": "其他联系人"},
    "en": {"relative": "relatives", "employer": "employer", "colleague": "colleagues", "friend": "friends",
           "other": "other people"},
}
CHANNELS = {
    "zh-Hans": {"call": "打电话 {n} 次", "sms": "发短信 {n} 次", "wechat": "发微信 {n} 次", "visit": "上门 {n} 次",
                "other": "以其他方式联系 {n} 次"},
    "en": {"call": "{n} calls", "sms": "{n} texts", "wechat": "{n} WeChat messages", "visit": "{n} visits",
           "other": "{n} other contacts"},
}
EXHIBIT_KINDS = {
    "zh-Hans": {"screenshot": "截图", "photo": "照片", "recording": "通话录音", "video": "视频", "document": "文件",
                "export": "手机导出的通话/短信记录"},
    "en": {"screenshot": "screenshot", "photo": "photo", "recording": "call recording", "video": "video",
           "document": "document", "export": "phone export of calls and messages"},
}


@dataclass
class Fact:
    """One thing the collectors did, as a sentence, with what to stop and the instruments."""

    rule: str  # kept for tests and ordering; never printed
    text: str
    ask: str
    basis: list[str]
    count: int


@dataclass
class LetterFacts:
    """Everything a letter says about the case, in the letter's language."""

    language: str  # "zh-Hans" or "en"
    zone: str
    start: datetime | None  # first contact by a collector number
    end: datetime | None  # last contact by a collector number
    numbers: list[str]  # collector numbers that contacted the borrower, busiest first
    calls: int  # calls placed by collector numbers
    messages: int  # messages from collector numbers
    facts: list[Fact] = field(default_factory=list)

    @property
    def contacts(self) -> int:
        return self.calls + self.messages

    def basis(self) -> list[str]:
        """The instruments of every fact, each once, articles of one instrument together."""
        texts = list(dict.fromkeys(text for fact in self.facts for text in fact.basis))
        names = list(dict.fromkeys(_instrument(text) for text in texts))
        return sorted(texts, key=lambda text: names.index(_instrument(text)))

    def asks(self) -> list[str]:
        return list(dict.fromkeys(fact.ask for fact in self.facts if fact.ask))


def _instrument(text: str) -> str:
    """《民法典》 out of 《民法典》第一千零三十八条; the whole text when it names no 《》 title."""
    match = re.search(r"《[^》]+》", text)
    return match[0] if match else text


def letter_language(case: Case) -> str:
    """Chinese for a mainland case, English otherwise: the language of the authorities it may go to."""
    return "zh-Hans" if case.jurisdiction == "CN" else "en"


def letter_facts(case: Case) -> LetterFacts:
    """Who contacted the borrower, from when to when, and each finding as a sentence."""
    language, zone = letter_language(case), ZoneInfo(case.timezone)
    analysis = analysis_current(case)
    collectors = [c["number"] for c in analysis.collectors]
    # Contacts the collectors made (never the borrower's own calls), by collector numbers only:
    # the period is when they harassed, not when the evidence was uploaded.
    rows = list(Event.objects.filter(case=case, number_normalized__in=collectors,
                                     direction__in=PLACED_BY_COLLECTOR).order_by("occurred_at")
                .values_list("occurred_at", "kind", "number_normalized"))
    busiest = Counter(number for _, _, number in rows)
    facts = LetterFacts(
        language=language, zone=case.timezone,
        start=rows[0][0] if rows else None, end=rows[-1][0] if rows else None,
        numbers=[number for number, _ in busiest.most_common()],
        calls=sum(1 for _, kind, _ in rows if kind == EventKind.CALL),
        messages=sum(1 for _, kind, _ in rows if kind != EventKind.CALL),
    )
    ruleset = load_ruleset(case.jurisdiction)
    quoted: set[str] = set()  # one message quoted once, even when two rules matched it
    for finding in analysis.findings:
        rule = ruleset.rule(finding["rule"]) if ruleset else None
        facts.facts.append(_fact(case, finding, rule, language, zone, quoted))
    if facts.start is None and analysis.findings:  # e.g. only calls typed in by hand
        facts.start = min(datetime.fromisoformat(f["first_at"]) for f in analysis.findings)
        facts.end = max(datetime.fromisoformat(f["last_at"]) for f in analysis.findings)
    return facts


def _fact(case: Case, finding: dict, rule, language: str, zone: ZoneInfo, quoted: set[str]) -> Fact:
    """A finding as the letter states it."""
    times = _event_times(case, finding.get("event_ids") or [])
    first = datetime.fromisoformat(finding["first_at"]).astimezone(zone).date()
    last = datetime.fromisoformat(finding["last_at"]).astimezone(zone).date()
    values = {
        "count": finding["count"],
        "events": len(finding.get("event_ids") or []),
        "third": len(finding.get("third_party_ids") or []),
        "days": len({moment.astimezone(zone).date() for moment in times}),
        "most": max((w.get("count", 0) for w in finding.get("windows") or []), default=finding["count"]),
        "first": day_text(first, language, case.jurisdiction),
        "last": day_text(last, language, case.jurisdiction),
    }
    parts = []
    if values["third"]:
        parts.append(third_party_sentence(case, finding, language))
    if rule is not None and rule.letter is not None:
        if values["events"] or not values["third"]:
            parts.append(rule.letter.fact.format(**values) + _quote(case, finding, rule, language, quoted))
        return Fact(rule=finding["rule"], text=_join(parts, language), ask=rule.letter.ask, count=finding["count"],
                    basis=[b.text for b in rule.letter.basis if b.applies(first, last)])
    title = finding["title"].get(language) or finding["title"]["en"]
    parts.append(f"{title}：{finding['count']} 次" if language == "zh-Hans" else f"{title}: {finding['count']} times")
    return Fact(rule=finding["rule"], text=_join(parts, language), ask="", basis=[], count=finding["count"])


def _join(parts: list[str], language: str) -> str:
    return ("；" if language == "zh-Hans" else "; ").join(part for part in parts if part)


def _event_times(case: Case, ids: list[str]) -> list[datetime]:
    found = []
    for start in range(0, len(ids), _CHUNK):
        found += Event.objects.filter(case=case, id__in=ids[start:start + _CHUNK]).values_list("occurred_at", flat=True)
    return found


def _quote(case: Case, finding: dict, rule, language: str, quoted: set[str]) -> str:
    """For rules that read what was written, the first message not yet quoted: officials read words."""
    if rule.select is None or not rule.select.keywords or not finding.get("event_ids"):
        return ""
    bodies = (Event.objects.filter(case=case, id__in=finding["event_ids"][:_CHUNK], kind=EventKind.MESSAGE)
              .order_by("occurred_at").values_list("body", flat=True))
    text = next((t for t in (" ".join((body or "").split()) for body in bodies) if t and t not in quoted), "")
    if not text:
        return ""
    quoted.add(text)
    if len(text) > QUOTE_CHARS:
        text = text[:QUOTE_CHARS - 1] + "…"
    return f"，例如：“{text}”" if language == "zh-Hans" else f', for example: "{text}"'


def third_party_sentence(case: Case, finding: dict, language: str) -> str:
    """Who else the collectors contacted, how, and what made it improper, from the borrower's records."""
    contacts = list(ThirdPartyContact.objects.filter(case=case, id__in=finding.get("third_party_ids") or []))
    reasons = finding.get("third_party_reasons") or {}
    relations = list(dict.fromkeys(RELATIONS[language].get(c.relation, c.relation) for c in contacts))
    channels = Counter(c.channel for c in contacts)
    how = [CHANNELS[language].get(channel, "{n}").format(n=n) for channel, n in channels.most_common()]
    reason_count = Counter(reason for c in contacts for reason in reasons.get(str(c.id), []))
    people = len({(c.name, c.number) for c in contacts})
    if language == "zh-Hans":
        text = f"联系本人的{'、'.join(relations)}（共 {people} 人）{len(contacts)} 次（{'、'.join(how)}）"
        extra = [(every if reason_count[key] == len(contacts) else some).format(n=reason_count[key])
                 for key, some, every in (
                     ("disclosed_debt", "其中 {n} 次向对方透露了本人的欠款", "每次都向对方透露了本人的欠款"),
                     ("after_refusal", "{n} 次是在对方明确拒绝后仍继续联系", "均是在对方明确拒绝后仍继续联系"),
                     ("borrower_reachable", "{n} 次发生在本人可以联系上的时候", "当时本人都可以联系上"),
                 ) if reason_count[key]]
        return "，".join([text, *extra])
    people_text = "1 person" if people == 1 else f"{people} people"
    text = f"contacted my {', '.join(relations)} ({people_text}) {len(contacts)} times ({', '.join(how)})"
    extra = [(every if reason_count[key] == len(contacts) else some).format(n=reason_count[key])
             for key, some, every in (
                 ("disclosed_debt", "telling them about my debt {n} times", "telling them about my debt each time"),
                 ("after_refusal", "{n} times after they had asked not to be contacted",
                  "each time after they had asked not to be contacted"),
                 ("borrower_reachable", "{n} times when I could be reached myself", "while I could be reached myself"),
             ) if reason_count[key]]
    return ", ".join([text, *extra])


def day_text(day: date, language: str, jurisdiction: str = "") -> str:
    """2026年10月25日; October 25, 2026 (US); 25 October 2026 (elsewhere)."""
    if language == "zh-Hans":
        return f"{day.year}年{day.month}月{day.day}日"
    month = day.strftime("%B")
    return f"{month} {day.day}, {day.year}" if jurisdiction == "US" else f"{day.day} {month} {day.year}"


def local_day(moment: datetime | None, zone: str) -> date | None:
    return moment.astimezone(ZoneInfo(zone)).date() if moment else None


def exhibit_text(exhibit: Exhibit, language: str, zone: str, with_name: bool = True) -> str:
    """E-003  通话录音：rec.m4a（2026年11月3日 23:10 与 +86… 的通话）, a line of the letter's evidence list.

    Without the name (file names can hold names and numbers) it is the number and the kind only.
    """
    kind = EXHIBIT_KINDS[language].get(exhibit.kind, exhibit.kind)
    if not with_name:
        return f"{exhibit.number}  {kind}"
    text = f"{exhibit.number}  {kind}：{exhibit.title}" if language == "zh-Hans" else f"{exhibit.number}  {kind}: {exhibit.title}"
    if exhibit.records_call_at:
        at = exhibit.records_call_at.astimezone(ZoneInfo(zone))
        number = exhibit.records_call_number or ("隐藏号码" if language == "zh-Hans" else "a hidden number")
        text += (f"（{day_text(at.date(), language)} {at:%H:%M} 与 {number} 的通话）" if language == "zh-Hans"
                 else f" (the call with {number} on {day_text(at.date(), language)} at {at:%H:%M})")
    return text
