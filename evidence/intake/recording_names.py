"""Reading the number and start time that phones' dialers write into call recordings' names.

The recording itself carries no number and, often, no usable date: MIUI, Huawei/Honor,
Samsung and many ROMs put both in the file name instead, in local time. What we read here
is a claim of the file name, kept apart from the bytes (see evidence_ingest), never a fact:

    通话录音_13800138000_20240615224512.wav        a prefix, the number, yyyyMMddHHmmss
    13800138000_20240615224512.amr                the number, the time
    张三(13800138000)_20240615224512.mp3          MIUI: name (or number), then (number)
    通话录音@张三(008613800138000)_20240615224512.mp3  MIUI 8 and later: prefix@, + written as 00
    张三@138 0013 8000_20240615224512.amr          Huawei EMUI 5–9: contact@number
    13800138000 2024-06-15 22-45-12.m4a           number, date and time with dashes
    13800138000 20240615224512.amr                Huawei/Honor
    张三 13800138000_20240615_224512.m4a          Huawei/Honor with a contact name
    Call recording 张三_240615_224512.m4a         Samsung: two-digit year, a name or a number

Each layout is one regular expression below, tried in order; the first that matches the
whole name wins, so a looser layout never steals a name a stricter one reads.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# A number as dialers write it: +86 / 0086, spaces and dashes inside, 5–15 digits in all
# (95188 and other service numbers are 5). Checked again by _digits() below.
_NUMBER = r"(?P<number>(?:\+|00)?\d[\d \-]{3,18}\d)"
# Words some ROMs put before everything else ("通话录音_", "录音-", "Call recording ").
_PREFIX = r"(?:(?:通话录音|电话录音|录音|call[ _]?record(?:ing)?)[ _\-]*)?"
# MIUI writes its localized word for "call" and an @ first: 通话录音@张三(13800138000)_… (Вызов@… in
# Russian), and + as 00 (see MIUI's RecordingNameUtils). Any short word before the @ is that prefix.
_MIUI_PREFIX = r"(?:[^@()\d]{1,20}@)?"
_SEP = r"[ _]"
# yyyyMMddHHmmss, with an optional _ or space between the date and the time.
_TIME_COMPACT = r"(?P<Y>\d{4})(?P<m>\d{2})(?P<d>\d{2})[ _]?(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})"
# yyyy-MM-dd HH-mm-ss (a colon is not allowed in Android file names, so dialers use - or .).
_TIME_DASHED = r"(?P<Y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})[ _](?P<H>\d{2})[\-.](?P<M>\d{2})[\-.](?P<S>\d{2})"
# Samsung: yyMMdd_HHmmss. Only after Samsung's own prefix: two-digit years are too loose alone.
_TIME_SAMSUNG = r"(?P<y>\d{2})(?P<m>\d{2})(?P<d>\d{2})_(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})"

# (what comes before the time, the separator before the time)
_BODIES = (
    (_NUMBER, _SEP),  # the number alone
    (_MIUI_PREFIX + r"(?P<label>[^()@]*?)\s*\(" + _NUMBER + r"\)", _SEP + "?"),  # MIUI: label(number), then maybe _
    (r"(?P<label>[^()@]+)@" + _NUMBER, _SEP),  # Huawei EMUI 5–9: contact@number
    (r"(?P<label>[^()]*?\D[^()]*?)" + _SEP + _NUMBER, _SEP),  # Huawei: a name, then the number
)
_LAYOUTS = tuple(
    re.compile(f"^{_PREFIX}{body}{sep}{moment}$", re.IGNORECASE)
    for body, sep in _BODIES for moment in (_TIME_COMPACT, _TIME_DASHED)
) + (
    re.compile(r"^call[ _]?recording[ _]+(?P<label>.+?)_" + _TIME_SAMSUNG + "$", re.IGNORECASE),
)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_NUMBER_ONLY = re.compile(r"^(?:\+|00)?[\d \-]+$")
# A phone clock a little ahead, or a time zone east of the case's, is not a forgery.
FUTURE_SLACK = timedelta(days=2)


@dataclass(frozen=True)
class RecordingName:
    number: str  # as written in the name (full-width digits made ASCII); "" when the name holds none (Samsung, contacts)
    name: str  # the contact's name as the dialer wrote it, "" if none
    started_at: datetime  # aware, in the case's zone: dialers write local time

    def as_metadata(self) -> dict:
        return {"number": self.number, "name": self.name, "started_at": self.started_at.isoformat()}


def recording_name_read(name: str, zone: ZoneInfo, *, now: datetime | None = None) -> RecordingName | None:
    """The number, contact name and start time a dialer wrote into a recording's file name, or None."""
    # NFKC turns full-width parentheses and digits （１３８…） into ASCII ones.
    stem = _EXTENSION.sub("", unicodedata.normalize("NFKC", name or "").strip()).strip()
    for layout in _LAYOUTS:
        match = layout.match(stem)
        if match is None:
            continue
        parts = match.groupdict()
        number, label = (parts.get("number") or "").strip(), (parts.get("label") or "").strip(" _-")
        if label and _NUMBER_ONLY.match(label):
            number, label = number or label, ""  # "13800138000(13800138000)" or Samsung's number
        if number and not 5 <= _digits(number) <= 15:
            continue
        started_at = _moment(parts, zone, now or datetime.now(zone))
        if started_at is None:
            return None
        return RecordingName(number=number, name=label, started_at=started_at)
    return None


def _digits(number: str) -> int:
    return sum(char.isdigit() for char in number)


def _moment(parts: dict, zone: ZoneInfo, now: datetime) -> datetime | None:
    """The local time in the name, or None if it cannot be a recording's (month 13, 1999, next week)."""
    year = int(parts["Y"]) if parts.get("Y") else 2000 + int(parts["y"])
    try:
        moment = datetime(year, int(parts["m"]), int(parts["d"]), int(parts["H"]), int(parts["M"]), int(parts["S"]),
                          tzinfo=zone)
    except ValueError:
        return None
    if year < 2000 or moment > now + FUTURE_SLACK:
        return None
    return moment
