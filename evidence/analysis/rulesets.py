"""Load and validate the rule sets in rules/*.toml.

Thresholds, time windows and keyword lists live only in those files; this module checks them
strictly (a typo must fail loudly, not silently switch a rule off) and compiles the keywords.
The vocabulary is documented at the top of engine.py.
"""

import re
import string
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from evidence.analysis.facts import CHANNELS, DIRECTIONS, KINDS

RULES_DIR = Path(__file__).resolve().parent / "rules"
FILES = {"CN": "cn.toml", "US": "us.toml", "UK": "uk.toml"}
LANGS = ("zh-Hans", "en")
RULE_KINDS = frozenset({"criminal", "administrative", "civil", "regulatory", "self-regulatory", "standard"})
CONFIDENCES = frozenset({"P", "S", "M", "UNCONFIRMED"})

# check type -> (required threshold keys, optional threshold keys, needs `select`)
CHECKS = {
    "each": (set(), set(), True),
    "per_day": ({"more_than"}, set(), True),
    "rolling_days": ({"days", "more_than"}, set(), True),
    "after_conversation": ({"period_days"}, set(), True),
    "at_least": ({"n"}, set(), True),
    "third_party": (set(), {"reachable_hours"}, False),
}
# Smallest allowed value of each threshold parameter.
THRESHOLD_MIN = {"more_than": 0, "days": 1, "period_days": 1, "n": 1, "reachable_hours": 1}
CONDITIONS = ("disclosed_debt", "after_refusal", "borrower_reachable")
DIRECTION_SETS = frozenset({"any", "placed_by_collector", "answered", "unanswered", "connected"})
CALL_ONLY_SETS = frozenset({"answered", "unanswered", "connected"})

TOP_KEYS = {"ruleset", "jurisdiction", "version", "updated", "note", "unconfirmed", "night", "keywords", "rule"}
RULE_KEYS = {
    "id", "kind", "title", "summary", "citation", "confidence", "check",
    "select", "conversation", "conditions", "threshold", "threshold_text", "letter",
}  # fmt: skip
LETTER_KEYS = {"fact", "ask", "basis"}
# What a letter's fact sentence may say about a finding (filled in by evidence/reports/authorities.py).
LETTER_FIELDS = frozenset({"count", "days", "most", "events", "third", "first", "last"})
SELECT_KEYS = {"kinds", "channels", "directions", "collection", "keywords", "window"}
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class RulesetError(ValueError):
    """A rule file is missing, unreadable or breaks the vocabulary."""


@dataclass(frozen=True, slots=True)
class Window:
    """Local time of day, half-open [start, end) in minutes; end < start wraps midnight."""

    start: int
    end: int

    def contains(self, minute: int) -> bool:
        """Whether a local minute of the day falls inside."""
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def as_dict(self) -> dict:
        """{"from": "HH:MM", "to": "HH:MM"}."""
        return {"from": _hhmm(self.start), "to": _hhmm(self.end)}


@dataclass(frozen=True, slots=True)
class Selection:
    """Which events a rule looks at."""

    kinds: frozenset[str]
    channels: frozenset[str]
    directions: frozenset[str]  # raw directions and/or named sets, matched against event tags
    collection: bool
    keywords: tuple[str, ...]
    window: Window | None


@dataclass(frozen=True, slots=True)
class Basis:
    """An instrument a complaint letter names, for conduct on dates in [start, end) (None: open)."""

    text: str
    start: date | None = None
    end: date | None = None

    def applies(self, first: date, last: date) -> bool:
        """Whether conduct from `first` to `last` (local dates) falls, at least in part, in its time."""
        return (self.start is None or last >= self.start) and (self.end is None or first < self.end)


@dataclass(frozen=True, slots=True)
class Letter:
    """How complaint letters state a finding, in the jurisdiction's letter language.

    Only confirmed citations go in `basis` (an article number only where it was read): letters
    are signed by the borrower and read by officials, so caveats stay in the report.
    """

    fact: str  # a sentence with {count}, {days}, {most}, {events}, {third}, {first}, {last}
    ask: str  # what the collector must stop
    basis: tuple[Basis, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """One [[rule]] entry."""

    id: str
    kind: str
    title: dict
    summary: dict
    citation: str
    confidence: str
    check: str
    select: Selection | None
    conversation: Selection | None
    conditions: tuple[str, ...]
    threshold: dict
    threshold_text: dict
    letter: Letter | None = None


@dataclass(frozen=True, eq=False)
class RuleSet:
    """A jurisdiction's rules, keywords and notes, loaded from one TOML file."""

    id: str
    jurisdiction: str
    version: str
    updated: date
    note: dict
    night: Window
    keywords: dict[str, tuple[str, ...]]
    patterns: dict[str, re.Pattern]  # search text.lower() with these
    rules: tuple[Rule, ...]
    path: Path
    unconfirmed: dict | None = None  # {zh-Hans, en}: what the citations still lack, said once

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id, if the set has it."""
        return next((rule for rule in self.rules if rule.id == rule_id), None)


@cache
def load_ruleset(jurisdiction: str) -> RuleSet | None:
    """The rule set for CN, US or UK; None for OTHER (no automatic checks)."""
    name = FILES.get(jurisdiction)
    if name is None:
        if jurisdiction == "OTHER":
            return None
        raise RulesetError(f"no rule set for jurisdiction {jurisdiction!r}")
    ruleset = load_ruleset_file(RULES_DIR / name)
    if ruleset.jurisdiction != jurisdiction:
        raise RulesetError(f"{name}: jurisdiction is {ruleset.jurisdiction!r}, expected {jurisdiction!r}")
    return ruleset


def all_rulesets() -> list[RuleSet]:
    """Every shipped rule set, in FILES order."""
    return [load_ruleset(code) for code in FILES]


def load_ruleset_file(path: Path) -> RuleSet:
    """Read and validate one rule file (uncached)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RulesetError(f"{path.name}: {e}") from e
    return _ruleset(raw, path)


def _ruleset(raw: dict, path: Path) -> RuleSet:
    """Validate the top level, then each rule."""
    where = path.name
    _known(raw, TOP_KEYS, where)
    for key in ("ruleset", "jurisdiction", "version"):
        _text(raw.get(key), f"{where}: {key}")
    if not isinstance(raw.get("updated"), date):
        raise RulesetError(f"{where}: updated must be a TOML date")
    keywords = _keywords(raw.get("keywords"), where)
    night = raw.get("night")
    if not isinstance(night, dict):
        raise RulesetError(f"{where}: night must be a table {{from, to}}")
    rules = raw.get("rule")
    if not isinstance(rules, list) or not rules:
        raise RulesetError(f"{where}: no [[rule]] entries")
    parsed = tuple(
        _rule(entry, f"{where}: rule {entry.get('id', f'#{n + 1}')}", keywords) for n, entry in enumerate(rules)
    )
    ids = [rule.id for rule in parsed]
    if len(set(ids)) != len(ids):
        raise RulesetError(f"{where}: duplicate rule ids in {ids}")
    return RuleSet(
        id=raw["ruleset"],
        jurisdiction=raw["jurisdiction"],
        version=raw["version"],
        updated=raw["updated"],
        note=_bilingual(raw.get("note"), f"{where}: note"),
        unconfirmed=None if raw.get("unconfirmed") is None else _bilingual(raw["unconfirmed"], f"{where}: unconfirmed"),
        night=_window(night, f"{where}: night"),
        keywords=keywords,
        patterns={name: _compile(words) for name, words in keywords.items()},
        rules=parsed,
        path=path,
    )


def _rule(raw: dict, where: str, keywords: dict) -> Rule:
    """Validate one [[rule]] against its check type."""
    _known(raw, RULE_KEYS, where)
    _text(raw.get("id"), f"{where}: id")
    if raw.get("kind") not in RULE_KINDS:
        raise RulesetError(f"{where}: kind {raw.get('kind')!r} is not one of {sorted(RULE_KINDS)}")
    if raw.get("confidence") not in CONFIDENCES:
        raise RulesetError(f"{where}: confidence {raw.get('confidence')!r} is not one of {sorted(CONFIDENCES)}")
    _text(raw.get("citation"), f"{where}: citation")
    check = raw.get("check")
    if check not in CHECKS:
        raise RulesetError(f"{where}: unknown check {check!r} (known: {', '.join(CHECKS)})")
    required, optional, needs_select = CHECKS[check]
    threshold = _threshold(raw.get("threshold", {}), required, optional, where)
    select = raw.get("select")
    if needs_select and select is None:
        raise RulesetError(f"{where}: check {check!r} needs a [rule.select] table")
    conversation = raw.get("conversation")
    if (check == "after_conversation") != (conversation is not None):
        raise RulesetError(f"{where}: a [rule.conversation] table goes with check 'after_conversation' only")
    return Rule(
        id=raw["id"],
        kind=raw["kind"],
        title=_bilingual(raw.get("title"), f"{where}: title"),
        summary=_bilingual(raw.get("summary"), f"{where}: summary"),
        citation=raw["citation"],
        confidence=raw["confidence"],
        check=check,
        select=None if select is None else _selection(select, f"{where}: select", keywords),
        conversation=None if conversation is None else _selection(conversation, f"{where}: conversation", keywords),
        conditions=_conditions(raw.get("conditions"), check, threshold, where),
        threshold=threshold,
        threshold_text=_bilingual(raw.get("threshold_text"), f"{where}: threshold_text"),
        letter=None if raw.get("letter") is None else _letter(raw["letter"], f"{where}: letter"),
    )


def _letter(raw, where: str) -> Letter:
    """[rule.letter]: a fact sentence with known placeholders, a request, and a non-empty basis."""
    if not isinstance(raw, dict):
        raise RulesetError(f"{where}: must be a table {{fact, ask, basis}}")
    _known(raw, LETTER_KEYS, where)
    for key in ("fact", "ask"):
        _text(raw.get(key), f"{where}: {key}")
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(raw["fact"]) if name is not None}
    except ValueError as e:
        raise RulesetError(f"{where}: fact: {e}") from e
    if fields - LETTER_FIELDS:
        raise RulesetError(f"{where}: fact uses unknown placeholder(s) {sorted(fields - LETTER_FIELDS)} "
                           f"(known: {', '.join(sorted(LETTER_FIELDS))})")
    basis = raw.get("basis")
    if not isinstance(basis, list) or not basis:
        raise RulesetError(f"{where}: basis must be a non-empty list")
    return Letter(fact=raw["fact"], ask=raw["ask"], basis=tuple(_basis(entry, f"{where}: basis") for entry in basis))


def _basis(raw, where: str) -> Basis:
    """A string, or {text, from?, until?} with TOML dates: the instrument that applies then."""
    if isinstance(raw, str):
        _text(raw, where)
        return Basis(raw)
    if not isinstance(raw, dict):
        raise RulesetError(f"{where}: entries must be strings or tables {{text, from, until}}")
    _known(raw, {"text", "from", "until"}, where)
    _text(raw.get("text"), f"{where}: text")
    start, end = raw.get("from"), raw.get("until")
    for value in (start, end):
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            raise RulesetError(f"{where}: from and until must be TOML dates")
    if start is not None and end is not None and start >= end:
        raise RulesetError(f"{where}: from must be before until")
    return Basis(raw["text"], start, end)


def _threshold(raw, required: set, optional: set, where: str) -> dict:
    """Integer parameters the check knows, all required ones present."""
    if not isinstance(raw, dict):
        raise RulesetError(f"{where}: threshold must be a table")
    _known(raw, required | optional, f"{where}: threshold")
    missing = required - raw.keys()
    if missing:
        raise RulesetError(f"{where}: threshold is missing {sorted(missing)}")
    for key, value in raw.items():
        if type(value) is not int or value < THRESHOLD_MIN[key]:
            raise RulesetError(f"{where}: threshold {key} must be an integer >= {THRESHOLD_MIN[key]}")
    return dict(raw)


def _conditions(raw, check: str, threshold: dict, where: str) -> tuple[str, ...]:
    """The breach conditions of a third_party check."""
    if check != "third_party":
        if raw is not None:
            raise RulesetError(f"{where}: conditions go with check 'third_party' only")
        return ()
    if not isinstance(raw, list) or not raw or any(c not in CONDITIONS for c in raw):
        raise RulesetError(f"{where}: conditions must be a non-empty list of {list(CONDITIONS)}")
    if "borrower_reachable" in raw and "reachable_hours" not in threshold:
        raise RulesetError(f"{where}: condition 'borrower_reachable' needs threshold reachable_hours")
    return tuple(raw)


def _selection(raw, where: str, keywords: dict) -> Selection:
    """Validate a select/conversation table."""
    if not isinstance(raw, dict):
        raise RulesetError(f"{where}: must be a table")
    _known(raw, SELECT_KEYS, where)
    kinds = _subset(raw.get("kinds", list(KINDS)), KINDS, f"{where}: kinds")
    channels = _subset(raw.get("channels", list(CHANNELS)), CHANNELS, f"{where}: channels")
    directions = raw.get("directions", "any")
    if isinstance(directions, str):
        if directions not in DIRECTION_SETS:
            raise RulesetError(f"{where}: directions {directions!r} is not one of {sorted(DIRECTION_SETS)}")
        tags = frozenset({directions})
    else:
        tags = _subset(directions, DIRECTIONS, f"{where}: directions")
    if tags & CALL_ONLY_SETS and kinds != {"call"}:
        raise RulesetError(f'{where}: directions {sorted(tags)} need kinds = ["call"]')
    collection = raw.get("collection", False)
    if not isinstance(collection, bool):
        raise RulesetError(f"{where}: collection must be true or false")
    names = raw.get("keywords", [])
    if not isinstance(names, list):
        raise RulesetError(f"{where}: keywords must be a list of keyword list names")
    for name in names:
        if name not in keywords:
            raise RulesetError(f"{where}: keyword list {name!r} is referenced but missing from [keywords]")
    window = raw.get("window")
    return Selection(
        kinds=kinds,
        channels=channels,
        directions=tags,
        collection=collection,
        keywords=tuple(names),
        window=None if window is None else _window(window, f"{where}: window"),
    )


def _keywords(raw, where: str) -> dict[str, tuple[str, ...]]:
    """[keywords]: named lists of plain, non-blank substrings."""
    if not isinstance(raw, dict) or "collection" not in raw:
        raise RulesetError(f"{where}: [keywords] must be a table with at least a collection list")
    out = {}
    for name, words in raw.items():
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise RulesetError(f"{where}: keywords.{name} must be a non-empty list of non-blank strings")
        out[name] = tuple(words)
    return out


def _compile(words: tuple[str, ...]) -> re.Pattern:
    """One alternation per list, to search lower-cased text (much faster than re.IGNORECASE).

    Longest first, so an overlap reports the longer word.
    """
    lowered = sorted({w.lower() for w in words}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in lowered))


def _window(raw, where: str) -> Window:
    """{from = "HH:MM", to = "HH:MM"}, half-open; from > to wraps midnight."""
    if not isinstance(raw, dict):
        raise RulesetError(f"{where}: must be a table {{from, to}}")
    _known(raw, {"from", "to"}, where)
    start, end = (_minutes(raw.get(key), f"{where}: {key}") for key in ("from", "to"))
    if start == end:
        raise RulesetError(f"{where}: from and to are equal")
    return Window(start, end)


def _minutes(value, where: str) -> int:
    """'HH:MM' -> minutes after midnight."""
    match = _HHMM.match(value) if isinstance(value, str) else None
    if not match:
        raise RulesetError(f'{where}: expected "HH:MM", got {value!r}')
    return int(match[1]) * 60 + int(match[2])


def _hhmm(minutes: int) -> str:
    """Minutes after midnight -> 'HH:MM'."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _subset(values, allowed, where: str) -> frozenset[str]:
    """A non-empty list drawn from `allowed`."""
    if not isinstance(values, list) or not values or any(v not in allowed for v in values):
        raise RulesetError(f"{where}: must be a non-empty list drawn from {list(allowed)}, got {values!r}")
    return frozenset(values)


def _bilingual(value, where: str) -> dict:
    """{zh-Hans, en}, both non-empty."""
    if not isinstance(value, dict):
        raise RulesetError(f"{where}: must be a table with {' and '.join(LANGS)}")
    _known(value, set(LANGS), where)
    for lang in LANGS:
        _text(value.get(lang), f"{where}: {lang}")
    return {lang: value[lang] for lang in LANGS}


def _text(value, where: str) -> None:
    """A non-blank string."""
    if not isinstance(value, str) or not value.strip():
        raise RulesetError(f"{where} is missing or empty")


def _known(raw: dict, allowed: set, where: str) -> None:
    """No keys outside the vocabulary."""
    unknown = set(raw) - allowed
    if unknown:
        raise RulesetError(f"{where}: unknown parameter(s) {sorted(unknown)}")
