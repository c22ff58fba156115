"""The facts the analysis reads (calls and messages, third-party contacts), and the prepared log.

Pure Python, no database: the Django glue loads the facts; this module and the engine compute on them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from math import floor
from operator import attrgetter
from zoneinfo import ZoneInfo

KINDS = ("call", "message")
CHANNELS = ("phone", "sms", "mms", "wechat", "visit", "letter", "email", "other")
# Seen from the borrower's phone: only "out" was started by the borrower.
DIRECTIONS = ("in", "out", "missed", "rejected", "blocked", "voicemail")
UNANSWERED = frozenset({"missed", "rejected", "blocked", "voicemail"})
PLACED_BY_COLLECTOR = UNANSWERED | {"in"}

ROLES = ("collector", "lender", "self", "relative", "employer", "colleague", "friend", "other")
# A number labelled with one of these is a collector's; any other label means it is not.
COLLECTOR_ROLES = frozenset({"collector", "lender"})

RELATIONS = ("relative", "employer", "colleague", "friend", "other")


@dataclass(frozen=True, slots=True)
class EventFact:
    """One call or message, from an export or typed in by the borrower."""

    id: str  # uuid as str
    kind: str  # "call" | "message"
    channel: str  # phone, sms, mms, wechat, visit, letter, email, other
    direction: str  # in, out, missed, rejected, blocked, voicemail (messages: in/out)
    occurred_at: datetime  # aware, UTC
    number: str  # normalised number or sender name; "" = hidden number
    duration_s: int | None  # calls
    text: str  # message body, or the borrower's note on a call
    manual: bool  # typed in by the borrower (not from an export)


@dataclass(frozen=True, slots=True)
class PassageFact:
    """A passage machine-read from a picture: the other side's chat bubble in a screenshot, or a
    paragraph of a photo. Keyword rules read it beside the messages; nothing counts it as a contact.
    """

    id: str  # "<item id>#<n>"
    item_id: str
    n: int  # its number in the picture, from the top
    occurred_at: datetime  # aware: when the picture was taken, else when it arrived
    text: str
    side: str  # "theirs" (the other side's chat bubble) or "unknown" (a paragraph of a picture)
    time_shown: str  # the time visible above it in the chat, as shown ("" if none)
    confirmed: bool  # the borrower confirmed the reading (dismissed ones are not facts at all)


@dataclass(frozen=True, slots=True)
class ThirdPartyFact:
    """A collector's contact with someone other than the borrower, as the borrower recorded it."""

    id: str
    contacted_at: datetime  # aware
    relation: str  # relative, employer, colleague, friend, other
    channel: str
    disclosed_debt: bool
    after_refusal: bool  # the person had already asked not to be contacted


Labels = dict[str, str]  # number -> role


# --- the prepared log: what every rule needs, computed once ---------------------------------

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class Profile:
    """What rule selections look at, shared by all events alike in these respects."""

    kind: str
    channel: str
    tags: frozenset[str]
    collection: bool


@dataclass(slots=True)
class Log:
    """Events in time order as columns (index i = the i-th event), so 100k events stay cheap.

    Columns, not one object per event: fewer allocations and far less garbage-collector work.
    """

    facts: list[EventFact]
    ts: list[float]  # UTC timestamp
    day: list[int]  # local calendar day (date ordinal)
    minute: list[int]  # local minute of the day
    profile: list[int]  # index into profiles
    low: list[str]  # lower-cased text when keyword rules may read it, else ""
    profiles: list[Profile]


def sort_events(events: Sequence[EventFact]) -> list[EventFact]:
    """Time order, ties broken by id so results do not depend on input order."""
    out = sorted(events, key=attrgetter("occurred_at"))  # one datetime key: much faster than (time, id)
    start = 0
    for i in range(1, len(out) + 1):
        if i == len(out) or out[i].occurred_at != out[start].occurred_at:
            if i - start > 1:
                out[start:i] = sorted(out[start:i], key=attrgetter("id"))
            start = i
    return out


def prepare_log(facts: list[EventFact], labels: Labels, zone: ZoneInfo, collector_numbers: set[str]) -> Log:
    """Columns for sorted facts: local day and minute, profile, text for keyword rules.

    A collection contact: a number labelled collector or lender; never a number with another label;
    an unlabelled number in collector_numbers (inferred); or an event typed in by hand (manual).
    """
    clock = _Clock(zone)
    lo = hi = offset = 0
    profiles: dict[tuple, int] = {}  # (kind, channel, direction, talked, collection) -> profile index
    log = Log(facts, [], [], [], [], [], [])
    for f in facts:
        if f.occurred_at.tzinfo is None:
            raise ValueError(f"event {f.id}: occurred_at must be timezone-aware")
        ts = f.occurred_at.timestamp()
        second = floor(ts)
        if not lo <= second < hi:
            lo, hi, offset = clock.span(second)
        local = second + offset
        role = labels.get(f.number)
        if role is not None:
            collection = role in COLLECTOR_ROLES
        else:
            collection = f.manual or (f.number != "" and f.number in collector_numbers)
        # Keyword rules read incoming messages and call notes from collectors and unlabelled numbers.
        readable = f.text and (role is None or role in COLLECTOR_ROLES) and (f.kind == "call" or f.direction != "out")
        key = (f.kind, f.channel, f.direction, (f.duration_s or 0) > 0, collection)
        pid = profiles.get(key)
        if pid is None:
            pid = profiles[key] = len(profiles)
            log.profiles.append(Profile(f.kind, f.channel, _tags(f.kind, f.direction, key[3]), collection))
        log.ts.append(ts)
        log.day.append(local // 86400 + _EPOCH_ORDINAL)
        log.minute.append(local % 86400 // 60)
        log.profile.append(pid)
        log.low.append(f.text.lower() if readable else "")
    return log


def _tags(kind: str, direction: str, talked: bool) -> frozenset[str]:
    """The direction names (raw and named sets, see engine.py) an event answers to."""
    tags = {"any", direction}
    if direction in PLACED_BY_COLLECTOR:
        tags.add("placed_by_collector")
    if kind == "call":
        if direction == "in" and talked:
            tags.add("answered")
        elif direction != "out":
            tags.add("unanswered")
        if talked and direction in ("in", "out"):
            tags.add("connected")
    return frozenset(tags)


class _Clock:
    """The zone's UTC offset over spans of time; events come sorted, so spans rarely change."""

    def __init__(self, zone: ZoneInfo):
        self.zone = zone

    def span(self, ts: int) -> tuple[int, int, int]:
        """(start, end, offset): the UTC day, else hour, else second around ts with one offset.

        Zones change offset at most once a day, so equal offsets at both ends mean no change between.
        """
        for size in (86400, 3600):
            start = ts - ts % size
            offset = self._offset(start)
            if offset == self._offset(start + size - 1):
                return start, start + size, offset
        return ts, ts + 1, self._offset(ts)

    def _offset(self, ts: int) -> int:
        """The zone's UTC offset in seconds at a UTC timestamp."""
        return int(datetime.fromtimestamp(ts, self.zone).utcoffset().total_seconds())
