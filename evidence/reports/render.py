"""Lay a ReportContent out as an A4 PDF with WeasyPrint.

Everything shown is turned into strings here (times in the case's zone, sizes, labels in the
report's language), so the template only places text; numbers never pass through Django's
localisation, which would need settings and could change with the site's locale.
"""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.template import Context, Engine
from PIL import ImageFile
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import charts
from .content import CustodyRow, Exhibit, FindingRow, ReportContent, TimelineRow
from .images import install_png_passthrough, place, title_lines
from .labels import LABELS, labels_for, normalise

# Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, which would let a
# truncated picture through the upload checks in the same worker. Our pictures were checked
# whole on arrival, so the report does not need it: put it back.
ImageFile.LOAD_TRUNCATED_IMAGES = False

HERE = Path(__file__).resolve().parent
ENGINE = Engine(dirs=[str(HERE / "templates")], autoescape=True)
STYLESHEET = HERE / "static_report" / "report.css"
HEX64 = re.compile(r"[0-9a-f]{64}")
# The exhibit page's content box (A4 less the @page margins in report.css), in mm.
CONTENT_W, CONTENT_H = 182.0, 261.0
EXHIBIT_HEADER_MM = 34.0  # number, times, source and SHA-256 lines above a picture
TITLE_PT = 14.0
# WeasyPrint must keep pictures as they are: no re-encoding, no downsampling, no EXIF rotation.
IMAGE_OPTIONS = {"optimize_images": False, "jpeg_quality": None, "dpi": None}


def render_report(content: ReportContent, out_path: str | Path) -> None:
    """Write the report for `content` as a PDF file at `out_path`."""
    install_png_passthrough()
    html = build_html(content)
    document = HTML(string=html, base_url=str(HERE), url_fetcher=URLFetcher(allowed_protocols={"file"})).render(
        font_config=FontConfiguration(), stylesheets=[CSS(filename=str(STYLESHEET))], **IMAGE_OPTIONS
    )
    document.write_pdf(str(out_path), **IMAGE_OPTIONS)


def build_html(content: ReportContent) -> str:
    """The report as one HTML document (WeasyPrint input)."""
    return ENGINE.get_template("reports/report.html").render(Context(context(content), autoescape=True))


def context(content: ReportContent) -> dict:
    """Template variables: all strings, lists and dicts, already in the report's language and zone."""
    language = normalise(content.language)
    labels = labels_for(language)
    clock = Clock(content.timezone)
    if not HEX64.fullmatch(content.evidence_set_sha256 or ""):
        raise ValueError("evidence_set_sha256 must be 64 lowercase hex digits")
    images = [e for e in content.exhibits if e.image_path]
    others = [e for e in content.exhibits if not e.image_path]
    return {
        "lang": language,
        "L": labels,
        "footer_page": _css_page_counter(labels),
        "footer_hash": f"SHA-256 {content.evidence_set_sha256[:16]}…",
        "c": content,
        "cover": _cover(content, labels, clock),
        "summary": _summary(content.charts or {}, labels),
        "findings": [_finding(f, labels, clock) for f in content.findings],
        "exhibit_list": [_exhibit(e, labels, clock) for e in content.exhibits],
        "times_in": labels["times_in"].format(zone=content.timezone, offset=clock.offsets()),
        "calls_note": content.calls_note,
        "messages_note": content.messages_note,
        "calls": [_call(r, labels, clock) for r in content.calls],
        "messages": [_message(r, labels, clock) for r in content.messages],
        "others": [_exhibit(e, labels, clock) for e in others],
        "pictures": [_picture(e, labels, clock, first=(i == 0 and not others)) for i, e in enumerate(images)],
        "custody": [_custody(r, clock) for r in content.custody],
    }


class Clock:
    """Formats aware datetimes in the case's zone; adds the UTC offset to each time where the zone has DST."""

    def __init__(self, zone: str):
        self.name = zone
        self.zone = ZoneInfo(zone)
        year = datetime.now().year
        jan, jul = (datetime(year, m, 1, tzinfo=self.zone).utcoffset() for m in (1, 7))
        self.dst = jan != jul

    def time(self, at: datetime | None) -> str:
        """'2026-03-04 22:15:09', with ' +01:00' when the offset can change during the year."""
        if at is None:
            return ""
        local = at.astimezone(self.zone)
        text = local.strftime("%Y-%m-%d %H:%M:%S")
        return f"{text} {offset(local)}" if self.dst else text

    def with_zone(self, at: datetime) -> str:
        """'2026-11-29 13:22:05 UTC+08:00 (Asia/Shanghai)', for times that stand alone."""
        local = at.astimezone(self.zone)
        return f"{local:%Y-%m-%d %H:%M:%S} UTC{offset(local)} ({self.name})"

    def day(self, at: datetime | None) -> str:
        """'2026-03-04' in the zone."""
        return at.astimezone(self.zone).strftime("%Y-%m-%d") if at else ""

    def offsets(self) -> str:
        """'UTC+08:00', or both offsets of a zone with DST."""
        year = datetime.now().year
        found = sorted({offset(datetime(year, m, 1, tzinfo=self.zone)) for m in (1, 7)})
        return " / ".join(f"UTC{o}" for o in found)


def offset(local: datetime) -> str:
    """'+08:00' from an aware datetime."""
    raw = local.strftime("%z")
    return f"{raw[:3]}:{raw[3:]}"


def _css_page_counter(labels: dict) -> str:
    """CSS `content` for 'page N / M' in the report's language (labels are ours: no quotes inside)."""
    return f'"{labels["page_before"]}" counter(page) "{labels["page_between"]}" counter(pages) "{labels["page_after"]}"'


def _cover(content: ReportContent, labels: dict, clock: Clock) -> list[tuple[str, str]]:
    """Label/value lines of the cover page, in order."""
    start = clock.day(content.period_start) or labels["not_given"]
    end = clock.day(content.period_end) or labels["open_end"]
    authority = content.authority or labels["authority_default"]
    purpose = labels["purposes"].get(content.purpose, content.purpose).format(authority=authority)
    if content.purpose != "authority" and content.authority:
        purpose = f"{purpose}（{content.authority}）" if labels is LABELS["zh-Hans"] else f"{purpose} ({content.authority})"
    return [
        (labels["case"], content.case_title),
        (labels["borrower"], content.borrower_name or labels["not_given"]),
        (labels["lender"], content.lender or labels["not_given"]),
        (labels["lending_app"], content.lending_app or labels["not_given"]),
        (labels["collection_agency"], content.collection_agency or labels["not_given"]),
        (labels["period"], f"{start} — {end}"),
        (labels["jurisdiction"], f'{labels["jurisdictions"].get(content.jurisdiction, content.jurisdiction)} ({content.jurisdiction})'),
        (labels["purpose"], purpose),
        (labels["generated_at"], clock.with_zone(content.generated_at)),
    ]


def _summary(data: dict, labels: dict) -> dict:
    """Totals, the night count and the three charts (each "" when empty)."""
    totals = data.get("totals") or {}
    calls_svg, unit = charts.calls_chart(data.get("calls_per_day") or [])
    night = data.get("night_contacts")
    night_text = labels["night_none"]
    if night:
        night_text = labels["night"].format(
            start=night["from"], end=night["to"], count=night["count"], days=len(night.get("by_day") or [])
        )
    top = data.get("top_numbers") or []
    return {
        "totals": [
            (labels["events"], str(totals.get("events", 0))),
            (labels["calls_total"], str(totals.get("calls", 0))),
            (labels["messages_total"], str(totals.get("messages", 0))),
            (labels["collection_contacts"], str(totals.get("collection_contacts", 0))),
        ],
        "night": night_text,
        "calls_title": labels["calls_per"][unit],
        "calls_svg": calls_svg,
        "hours_svg": charts.hours_chart(data.get("contacts_by_hour") or [], night),
        "numbers_svg": charts.numbers_chart(top, labels["roles"]),
        "inferred": any(t.get("inferred_collector") for t in top),
        "colors": charts.COLORS,
    }


def _finding(f: FindingRow, labels: dict, clock: Clock) -> dict:
    """One broken rule, ready to print."""
    return {
        "rule": f.rule,
        "title": f.title,
        "summary": f.summary,
        "facts": [
            (labels["kind"], labels["kinds"].get(f.kind, f.kind)),
            (labels["threshold"], f.threshold),
            (labels["count"], str(f.count)),
            (labels["first"], clock.time(f.first_at)),
            (labels["last"], clock.time(f.last_at)),
            (labels["citation"], f.citation),
            (labels["confidence"], labels["confidences"].get(f.confidence, f.confidence)),
        ],
    }


def _exhibit(e: Exhibit, labels: dict, clock: Clock) -> dict:
    """An exhibit's list entry, also used for files without a picture."""
    occurred = ""
    if e.occurred_at:
        occurred = f'{clock.time(e.occurred_at)} ({labels["time_sources"].get(e.occurred_at_source, e.occurred_at_source)})'
    return {
        "number": e.number,
        "anchor": anchor(e.number),
        "title": e.title,
        "kind": labels["exhibit_kinds"].get(e.kind, e.kind),
        "source": e.source,
        "purpose": e.purpose,
        "summary": e.summary,
        "sha256": e.sha256,
        "size": f'{human_size(e.size)} ({e.size:,} {labels["bytes"]})',
        "mime": e.mime,
        "duration": duration(e.duration_s) if e.duration_s is not None else "",
        "occurred": occurred,
        "received": clock.time(e.received_at),
        "verified": e.verified,
    }


def _picture(e: Exhibit, labels: dict, clock: Clock, first: bool) -> dict:
    """An exhibit page: the list entry plus where its picture goes."""
    path = Path(e.image_path)
    if not path.is_file():
        raise FileNotFoundError(f"exhibit {e.number}: picture {path} is missing")
    header = EXHIBIT_HEADER_MM + 6.5 * (title_lines(f"{e.number} {e.title}", CONTENT_W, TITLE_PT) - 1)
    if first:
        header += 24.0  # the section heading and its introduction share the first picture's page
    if not e.verified:
        header += 7.0
    spot = place(str(path), CONTENT_W, CONTENT_H - header)
    return {
        **_exhibit(e, labels, clock),
        "src": path.resolve().as_uri(),
        # Strings, not floats: numbers in a template would go through Django's localisation.
        "box_style": f"width:{spot.box_w}mm;height:{spot.box_h}mm",
        "img_style": f"width:{spot.img_w}mm;height:{spot.img_h}mm;left:{spot.left}mm;top:{spot.top}mm"
        + (f";transform:{spot.transform}" if spot.transform else ""),
    }


def _call(r: TimelineRow, labels: dict, clock: Clock) -> tuple:
    """(time, direction, number, label, duration, source)."""
    return (
        clock.time(r.at), labels["directions"].get(r.direction, r.direction),
        r.number or labels["hidden_number"], r.label, r.detail, r.source,
    )


def _message(r: TimelineRow, labels: dict, clock: Clock) -> tuple:
    """(time, direction, number, label, body, source)."""
    direction = labels["message_directions"].get(r.direction) or labels["directions"].get(r.direction, r.direction)
    return (clock.time(r.at), direction, r.number or labels["hidden_number"], r.label, r.detail, r.source)


def _custody(r: CustodyRow, clock: Clock) -> tuple:
    """(time, action, actor, details, entry hash)."""
    return (clock.time(r.at), r.action, r.actor, r.details, r.event_hash)


def anchor(number: str) -> str:
    """HTML id of an exhibit ('E-001' -> 'exhibit-E-001'), safe in a URL fragment."""
    return "exhibit-" + re.sub(r"[^A-Za-z0-9_-]", "_", number)


def human_size(size: int) -> str:
    """1536 -> '1.5 KB'."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def duration(seconds: float) -> str:
    """125.4 -> '2:05'; 3725 -> '1:02:05'."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
