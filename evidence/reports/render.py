"""Lay a ReportContent out as an A4 PDF with WeasyPrint.

Everything shown is turned into strings here (times in the case's zone, sizes, labels in the
report's language), so the template only places text; numbers never pass through Django's
localisation, which would need settings and could change with the site's locale.
"""

import array
import bisect
import functools
import itertools
import mmap
import re
import struct
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.template import Context, Engine
from django.utils.html import escape
from django.utils.safestring import mark_safe
from PIL import ImageFile
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import charts, wording
from .content import CustodyRow, Exhibit, FindingRow, ReportContent, SubmissionRow, TimelineRow
from .images import install_png_passthrough, place, title_lines
from .labels import LABELS, labels_for, normalise
from .method import method_paragraphs
from .wording import call_length, duration

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
# The logs of calls, messages and custody (see log_table): monospaced lines in table.log
# (report.css), whose font size and cell padding these must match.
LOG_FONT_PT = 9.5
LOG_PADDING_MM = 1.2
MONO_FAMILY = "Noto Sans Mono CJK SC"
MONO_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian and Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
HALF = 500  # advance of an ASCII character in MONO_FAMILY, in 1/1000 em: one column of a log line


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
        "findings": _findings(content, labels, clock),
        "exhibit_list": [_exhibit(e, labels, clock) for e in content.exhibits],
        "times_in": labels["times_in"].format(zone=content.timezone, offset=clock.offsets()),
        "calls_note": content.calls_note,
        "messages_note": content.messages_note,
        "calls": _anchored(content.calls, log_table(
            [labels[k] for k in ("time", "direction", "number", "label", "duration", "source")],
            [_call(r, labels, clock) for r in content.calls], flexible={3: None, 4: None})),
        "messages": _anchored(content.messages, log_table(
            [labels[k] for k in ("time", "direction", "number", "label", "source", "body")],
            [_message(r, labels, clock) for r in content.messages], flexible={3: 16, 4: 16, 5: None})),
        "others": [_exhibit(e, labels, clock) for e in others],
        "pictures": [_picture(e, labels, clock, first=(i == 0 and not others)) for i, e in enumerate(images)],
        "submissions": [_submission(r, labels, clock) for r in content.submissions],
        "method": method_paragraphs(content),
        "custody": log_table(
            [labels[k] for k in ("time", "custody_what", "event_hash")],
            [_custody(r, labels, clock) for r in content.custody], flexible={1: None}),
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


def _anchored(rows: list[TimelineRow], table: dict) -> dict:
    """A log whose rows carry their event's id, so that a finding can link to them."""
    return {**table, "rows": [{"id": event_anchor(r.id), "text": text} for r, text in zip(rows, table["rows"], strict=True)]}


def event_anchor(event_id: str) -> str:
    return f"event-{event_id}" if event_id else ""


def _findings(content: ReportContent, labels: dict, clock: Clock) -> list[dict]:
    exhibits = {e.item_id: e.number for e in content.exhibits}
    printed = {r.id for r in content.calls + content.messages}
    return [_finding(f, labels, clock, exhibits, printed) for f in content.findings]


def _finding_events(f: FindingRow, labels: dict, clock: Clock, exhibits: dict, printed: set) -> dict:
    """The events behind a finding as a log of their own, each row linked to its row in the logs."""
    events = f.support.get("events", [])
    rows, used = [], []
    for e in events:
        number = exhibits.get(e["source"]["item"] or "", "")
        if number and number not in used:
            used.append(number)
        source = wording.source_words(number, e["source"]["position"], labels) if e["source"]["item"] else labels["entered_by_hand"]
        directions = labels["message_directions"] if e["kind"] == "message" else {}
        direction = directions.get(e["direction"]) or labels["directions"].get(e["direction"], e["direction"])
        who = labels["roles"].get(e["role"], e["role"]) if e["role"] else ""
        detail = e["excerpt"] if e["kind"] == "message" else call_length(e["direction"], e["duration_s"], labels)
        rows.append((clock.time(datetime.fromisoformat(e["at"])), direction, e["number"] or labels["hidden_number"],
                     f'{who} {e["label_name"]}'.strip(), detail, source))
    table = log_table([labels[k] for k in ("time", "direction", "number", "label", "excerpt", "source")], rows,
                      flexible={3: 12, 4: None})
    table["rows"] = [{"href": f"#{event_anchor(e['id'])}" if e["id"] in printed else "", "text": text}
                     for e, text in zip(events, table["rows"], strict=True)]
    used.sort()
    total = f.support.get("total", 0)
    intro = labels["finding_events_all" if total <= len(events) else "finding_events"]
    return {
        "intro": intro.format(total=total, shown=len(events)),
        "table": table,
        "days": " · ".join(labels["day_count"].format(day=d["day"], count=d["count"])
                           for d in f.support.get("per_day", [])),
        "exhibits": [{"number": n, "anchor": anchor(n)} for n in used],
    }


def _finding_passages(f: FindingRow, labels: dict, exhibits: dict) -> list[dict]:
    """The machine-read passages behind a finding: which exhibit and passage, who wrote it, what it says."""
    out = []
    for p in f.support.get("passages", []):
        number = exhibits.get(p["item_id"], "")
        out.append({
            "where": labels["passage_in"].format(exhibit=number or p.get("item_name", ""), n=p["n"]),
            "anchor": anchor(number) if number else "",
            "text": wording.passage_words(p, labels),
            "note": labels["passage_confirmed" if p.get("confirmed") else "passage_unconfirmed"],
        })
    return out


def _finding(f: FindingRow, labels: dict, clock: Clock, exhibits: dict | None = None, printed: set | None = None) -> dict:
    """One broken rule, ready to print."""
    return {
        "evidence": _finding_events(f, labels, clock, exhibits or {}, printed or set()) if f.support.get("events") else None,
        "passages": _finding_passages(f, labels, exhibits or {}),
        "passages_intro": labels["finding_passages"],
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
        ],  # how far each citation was checked: one sentence in the method section, not a line per rule
    }


def _exhibit(e: Exhibit, labels: dict, clock: Clock) -> dict:
    """An exhibit's list entry, also used for files without a picture."""
    occurred = ""
    if e.occurred_at:
        occurred = f'{clock.time(e.occurred_at)} ({labels["time_sources"].get(e.occurred_at_source, e.occurred_at_source)})'
    length = duration(e.duration_s) if e.duration_s is not None else ""
    summary = wording.exhibit_summary(e, labels, clock, length)
    if e.records_call_at and e.summary:  # a summary made here already names the call
        records = labels["records_call"].format(time=clock.time(e.records_call_at),
                                                number=e.records_call_number or labels["hidden_number"])
        summary = f"{summary}; {records}"
    return {
        "number": e.number,
        "anchor": anchor(e.number),
        "title": e.title,
        "kind": labels["exhibit_kinds"].get(e.kind, e.kind),
        "source": e.source,
        "purpose": wording.exhibit_purpose(e, labels),
        "summary": summary,
        "sha256": e.sha256,
        "size": f'{human_size(e.size)} ({e.size:,} {labels["bytes"]})',
        "mime": e.mime,
        "duration": length,
        "occurred": occurred,
        "received": clock.time(e.received_at),
        "verified": e.verified,
        "twins": labels["twin_of"].format(exhibits=labels["twin_sep"].join(e.twins)) if e.twins else "",
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


def _submission(r: SubmissionRow, labels: dict, clock: Clock) -> dict:
    """A submission to an authority: where, how, when, its reference, and each step since."""
    statuses = labels["submission_statuses"]
    facts = [
        (labels["submission_channel"], labels["submission_channels"].get(r.channel, r.channel)),
        (labels["submission_at"], clock.time(r.submitted_at)),
        (labels["submission_reference"], r.reference or labels["not_given"]),
        (labels["submission_status"], statuses.get(r.status, r.status)),
    ]
    if r.note:
        facts.append((labels["submission_note"], r.note))
    return {
        "authority": labels["authority_names"].get(r.authority, r.authority),
        "facts": facts,
        "packet": r.packet_sha256,
        "history": [{"at": clock.time(step.at), "status": statuses.get(step.status, step.status), "note": step.note,
                     "receipt": step.receipt_sha256} for step in r.history],
    }


def _call(r: TimelineRow, labels: dict, clock: Clock) -> tuple:
    """(time, direction, number, label, duration and the recording's exhibit, source)."""
    detail = f'{r.detail} {labels["recording_marker"].format(number=r.recording)}' if r.recording else r.detail
    return (
        clock.time(r.at), labels["directions"].get(r.direction, r.direction),
        r.number or labels["hidden_number"], r.label, detail, r.source,
    )


def _message(r: TimelineRow, labels: dict, clock: Clock) -> tuple:
    """(time, direction, number, label, source, body): the body last, where its lines can run freely."""
    direction = labels["message_directions"].get(r.direction) or labels["directions"].get(r.direction, r.direction)
    return (clock.time(r.at), direction, r.number or labels["hidden_number"], r.label, r.source, r.detail)


# --- the logs: calls, messages, custody ---------------------------------------------------------
# Up to thousands of rows: a table cell costs WeasyPrint about 1.3 ms to lay out and draw, so a
# row of six cells cost ~8 ms. Each row is instead one cell holding preformatted lines of a
# monospaced CJK font (ASCII half an em, Chinese one em), padded with spaces so the columns line
# up, and wrapped here, inside their columns: ~2 ms a row. The table keeps its header on every
# page, its shading and its rows whole.
# A line break, spaces, a Latin word (up to a - / = , & or ?, after which a line may break), or one other character.
LOG_TOKENS = re.compile(r"\n|[^\S\n]+|[^\s\u2e80-\U0010ffff/=,&?-]*[/=,&?-]|[^\s\u2e80-\U0010ffff/=,&?-]+|\S")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # control characters but the line break: shown as spaces
NO_LINE_START = set("，。、；：？！）》】」』〕’”…·,.;:?!)]}%")


class MonoMetrics:
    """Which characters MONO_FAMILY has and how wide they are: read from its cmap (format 12) and
    hmtx tables, a few hundred kB, rather than loading the whole 20 MB collection."""

    def __init__(self, font: memoryview, tables: dict):
        cmap = tables[b"cmap"]
        (subtables,) = struct.unpack_from(">H", font, cmap + 2)
        records = [struct.unpack_from(">HHI", font, cmap + 4 + 8 * k) for k in range(subtables)]
        sub = next(cmap + offset for platform, encoding, offset in records
                   if (platform, encoding) in ((3, 10), (0, 4), (0, 6))
                   and struct.unpack_from(">H", font, cmap + offset)[0] == 12)  # format 12: all of Unicode
        (count,) = struct.unpack_from(">I", font, sub + 12)
        groups = _big_endian("I", font[sub + 16:sub + 16 + 12 * count])
        self.starts, self.ends, self.firsts = groups[0::3], groups[1::3], groups[2::3]
        (metrics,) = struct.unpack_from(">H", font, tables[b"hhea"] + 34)
        self.advances = _big_endian("H", font[tables[b"hmtx"]:tables[b"hmtx"] + 4 * metrics])[0::2]
        (self.glyphs,) = struct.unpack_from(">H", font, tables[b"maxp"] + 4)
        self.scale = 1000 / struct.unpack_from(">H", font, tables[b"head"] + 18)[0]  # per unitsPerEm

    def advance(self, code: int) -> int | None:
        """Advance of a code point in 1/1000 em; None if the font has no glyph for it."""
        group = bisect.bisect_right(self.starts, code) - 1
        if group < 0 or code > self.ends[group]:
            return None
        glyph = self.firsts[group] + code - self.starts[group]
        if not 0 < glyph < self.glyphs:
            return None
        return round(self.advances[min(glyph, len(self.advances) - 1)] * self.scale)


def _big_endian(kind: str, data) -> array.array:
    values = array.array(kind, bytes(data))
    if sys.byteorder == "little":
        values.byteswap()
    return values


@functools.cache
def mono_metrics() -> MonoMetrics | None:
    """MONO_FAMILY's metrics from the first of MONO_FILES that holds it; None without (widths are then guessed)."""
    for path in MONO_FILES:
        try:
            with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                data = memoryview(mapped)
                try:
                    starts = [0]
                    if data[:4] == b"ttcf":  # a collection: the fonts' offsets follow its header
                        starts = struct.unpack_from(f">{struct.unpack_from('>I', data, 8)[0]}I", data, 12)
                    for start in starts:
                        (count,) = struct.unpack_from(">H", data, start + 4)
                        records = (struct.unpack_from(">4sIII", data, start + 12 + 16 * k) for k in range(count))
                        tables = {tag: offset for tag, _, offset, _ in records}
                        if _family(data, tables[b"name"]) == MONO_FAMILY:
                            return MonoMetrics(data, tables)
                finally:
                    data.release()
        except (OSError, ValueError, KeyError, StopIteration, struct.error):
            continue
    return None


def _family(font: memoryview, name: int) -> str:
    """The font's family name (name ID 1, Windows platform) from its name table at `name`."""
    count, storage = struct.unpack_from(">HH", font, name + 2)
    for k in range(count):
        platform, _, _, name_id, length, offset = struct.unpack_from(">6H", font, name + 6 + 12 * k)
        if platform == 3 and name_id == 1:
            return bytes(font[name + storage + offset:name + storage + offset + length]).decode("utf-16-be")
    return ""


@functools.cache
def _font_advance(char: str) -> int | None:
    metrics = mono_metrics()
    return metrics.advance(ord(char)) if metrics else None


def _advance(char: str) -> int:
    """Width of one character in 1/1000 em: from the font; else guessed a little wide, since another font
    draws it (one em if East Asian wide, none if it takes no room, 0.6 em otherwise)."""
    found = _font_advance(char)
    if found is not None:
        return found
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 1000 if unicodedata.east_asian_width(char) in "WF" else 600


def text_width(text: str) -> int:
    """Width of a string in 1/1000 em."""
    return len(text) * HALF if text.isascii() else sum(map(_advance, text))


def wrap(text: str, columns: int) -> list[tuple[str, int]]:
    """`text` in lines of at most `columns` half-em columns, as (line, width); breaks at spaces,
    between Chinese characters, and inside a word only when it is longer than a line."""
    limit = columns * HALF
    lines, line, used = [], [], 0

    def flush() -> None:
        nonlocal line, used
        if line and line[-1] == " ":
            line.pop()
            used -= HALF
        lines.append(("".join(line), used))
        line, used = [], 0

    for token in LOG_TOKENS.findall(text):
        if token == "\n":
            flush()
        elif token.isspace():
            if line and line[-1] != " " and used + HALF <= limit:
                line.append(" ")
                used += HALF
        elif used + (width := text_width(token)) <= limit:
            line.append(token)
            used += width
        elif (token in NO_LINE_START and len(line) > 1 and line[-1] != " "
              and text_width(line[-1]) + width <= limit):
            carried = line.pop()  # take the character before along: no line starts with a comma
            used -= text_width(carried)
            flush()
            line, used = [carried, token], text_width(carried) + width
        elif width <= limit:
            flush()
            line, used = [token], width
        else:
            if line:
                flush()
            for char in token:  # a word longer than the column: broken where the line is full
                step = _advance(char)
                if line and used + step > limit:
                    flush()
                line.append(char)
                used += step
    if line or not lines:
        flush()
    return lines


def log_columns() -> int:
    """Half-em columns across the log: the content box less the cell's padding, one spare."""
    em_mm = LOG_FONT_PT * 25.4 / 72
    return int((CONTENT_W - 2 * LOG_PADDING_MM) / (em_mm / 2)) - 1


def column_widths(natural: list[int], flexible: dict, total: int, gap: int = 2) -> tuple[list[int], int]:
    """(widths, gap) in half-em columns.

    Fixed columns are as wide as their widest value. Flexible ones ({index: most columns, or None})
    share the rest, the one needing least first, none taking more than it needs or its share; the
    capped ones (a label and a source beside a message's text) get no more than 2/5 of it between them.
    Spare room widens the gaps, to 5 at most.
    """
    widths = list(natural)
    room = total - gap * (len(widths) - 1) - sum(w for i, w in enumerate(widths) if i not in flexible)
    capped = sorted((i for i, cap in flexible.items() if cap is not None), key=lambda i: min(natural[i], flexible[i]))
    free = sorted((i for i, cap in flexible.items() if cap is None), key=lambda i: natural[i])
    budget = room if not free else room * 2 // 5
    for n, i in enumerate(capped):
        widths[i] = max(4, min(natural[i], flexible[i], budget // (len(capped) - n)))
        budget -= widths[i]
        room -= widths[i]
    for n, i in enumerate(free):
        widths[i] = max(4, min(natural[i], room // (len(free) - n)))
        room -= widths[i]
    spare = total - sum(widths) - gap * (len(widths) - 1)
    if spare > 0 and len(widths) > 1:
        gap = min(5, gap + spare // (len(widths) - 1))
    return widths, gap


def log_table(header: list[str], rows: list[tuple], flexible: dict) -> dict:
    """{"header": line, "rows": [lines, ...]}: each row as text lines whose columns line up in MONO_FAMILY."""
    if not rows:
        return {"header": "", "rows": []}
    rows = [tuple(CONTROL.sub(" ", str(value)) for value in row) for row in rows]
    natural = [max(text_width(line) for value in column for line in value.split("\n"))
               for column in zip(header, *rows, strict=True)]
    widths, gap = column_widths([-(-w // HALF) for w in natural], flexible, log_columns())
    starts = [sum(widths[:i]) + gap * i for i in range(len(widths))]

    def lines(values: tuple) -> str:
        """The row's text lines, as HTML."""
        cells = [wrap(value, width) for value, width in zip(values, widths, strict=True)]
        out = []
        for k in range(max(map(len, cells))):
            parts, at = [], 0
            for i, column in enumerate(cells):
                text, width = column[k] if k < len(column) else ("", 0)
                if not text:
                    continue
                # Pad to the column's start; a character of odd width is made up for at the next column.
                spaces = max(1, round((starts[i] * HALF - at) / HALF)) if parts else starts[i]
                parts.append(" " * spaces + _markup(text))
                at += spaces * HALF + width
            out.append("".join(parts))
        return mark_safe("\n".join(out))  # every value went through _markup

    return {"header": lines(tuple(header)), "rows": [lines(row) for row in rows]}


def _markup(text: str) -> str:
    """`text` as HTML, each run of characters that MONO_FAMILY lacks in a <span>: Pango draws spaces
    next to such a character in the other font, which would move the columns after them."""
    if text.isascii() or mono_metrics() is None:
        return escape(text)
    foreign = [_font_advance(char) is None and not char.isspace() for char in text]
    if not any(foreign):
        return escape(text)
    runs = itertools.groupby(zip(text, foreign, strict=True), key=lambda pair: pair[1])
    return "".join(f"<span>{escape(run)}</span>" if other else escape(run)
                   for other, run in ((other, "".join(char for char, _ in pairs)) for other, pairs in runs))


def _custody(r: CustodyRow, labels: dict, clock: Clock) -> tuple:
    """(time, what happened in words, entry hash in two lines of 32 digits)."""
    return (clock.time(r.at), wording.custody_sentence(r, labels, clock),
            f"{r.event_hash[:32]}\n{r.event_hash[32:]}".strip())


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
