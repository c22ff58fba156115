"""Times on the lawyer's pages: always in the case's time zone, and saying which zone that is.

A lawyer in Beijing reading a US case (or a server in UTC) must never have to guess whether
"23:10" is the collector's night or the server's clock.

    {% zoned share.expires_at case.timezone %}  2026-12-01 08:00 (Asia/Shanghai, UTC+08:00)
    {% local event.at case.timezone %}          2026-11-02 23:10:05, for a table whose note names the zone
    {% zone_note case.timezone %}               Times are local times in Asia/Shanghai (UTC+08:00).
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def offset(moment: datetime, zone: ZoneInfo) -> str:
    """'UTC+08:00', 'UTC-05:00': the zone's offset at that moment (summer time included)."""
    minutes = int(moment.astimezone(zone).utcoffset().total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zoned_text(moment: datetime | None, zone_name: str, *, seconds: bool = False) -> str:
    """'2026-12-01 08:00 (Asia/Shanghai, UTC+08:00)' in the page's language; '—' for no time."""
    if moment is None:
        return "—"
    zone = ZoneInfo(zone_name)
    local = timezone.localtime(moment, zone)
    return _("%(time)s (%(zone)s, %(offset)s)") % {
        "time": local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"), "zone": zone_name,
        "offset": offset(moment, zone)}


def _time(moment: datetime | None, text: str):
    if moment is None:
        return "—"
    return format_html('<time datetime="{}">{}</time>', moment.astimezone(UTC).isoformat(), text)


@register.simple_tag
def zoned(moment, zone_name: str, seconds: bool = False):
    """A time standing on its own: local time with the zone's name and offset."""
    return _time(moment, zoned_text(moment, zone_name, seconds=seconds))


@register.simple_tag
def local(moment, zone_name: str, seconds: bool = True):
    """A time in a table under a zone_note: local time only."""
    if moment is None:
        return "—"
    text = timezone.localtime(moment, ZoneInfo(zone_name)).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return _time(moment, text)


@register.simple_tag
def zone_note(zone_name: str, moment=None) -> str:
    """The sentence over a table of local times: which zone, which offset (both, for a zone with summer time)."""
    zone = ZoneInfo(zone_name)
    year = (moment or timezone.now()).year
    offsets = dict.fromkeys(offset(datetime(year, month, 1, 12, tzinfo=UTC), zone) for month in (1, 7))
    return _("Times are local times in %(zone)s (%(offset)s).") % {"zone": zone_name, "offset": " / ".join(offsets)}
