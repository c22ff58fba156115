"""Lay a ReportContent out as an A4 PDF with WeasyPrint.

Everything shown is turned into strings here (times in the case's zone, sizes, labels in the
report's language), so the template only places text; numbers never pass through Django's
localisation, which would need settings and could change with the site's locale.
"""

import logging
import re
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.template import Context, Engine
from PIL import ImageFile
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import charts, exhibit_pages, log_pages, wording
from .content import CustodyRow, Exhibit, FindingRow, ReportContent, SubmissionRow, TimelineRow
from .labels import LABELS, labels_for, normalise
from .logtable import log_lines, log_table
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


DRAWN = ("calls", "messages", "custody")  # the logs, drawn as a text layer (log_pages.py)
SECTIONS = ("cover", "summary", "findings", "exhibit-list", "calls", "messages", "others", "submissions",
            "custody", "method", "certification")  # in the report's order; every other one laid out from report.html


def render_report(content: ReportContent, out_path: str | Path) -> None:
    """Write the report for `content` as a PDF file at `out_path`.

    WeasyPrint lays out the text pages; the logs' pages are drawn in their places among them, and
    the pictures' pages after them, each picture drawn from its original file with its caption as
    a text layer (log_pages.py, exhibit_pages.py).
    """
    out_path = Path(out_path)
    values = context(content)
    html = ENGINE.get_template("reports/report.html").render(Context(values, autoescape=True))
    anchors = {p.anchor for p in values["pictures"]}
    anchors |= {anchor for section in values["logs"].values() for anchor, _ in section.rows if anchor}
    quiet = exhibit_pages.MissingAnchors(anchors)
    logging.getLogger("weasyprint").addFilter(quiet)
    try:
        document = HTML(string=html, base_url=str(HERE), url_fetcher=URLFetcher(allowed_protocols={"file"})).render(
            font_config=FontConfiguration(), stylesheets=[CSS(filename=str(STYLESHEET))]
        )
        links, pagerefs, starts, placed = [], {}, {}, {}
        for index, page in enumerate(document.pages):
            links += [(index, target, rect) for kind, target, rect, _ in page.links
                      if kind == "internal" and target in anchors]
            pagerefs |= {name.removeprefix("pageref-"): (index, rect) for name, rect in page.anchors.items()
                         if name.startswith("pageref-")}
            starts |= {name.removeprefix("section-"): index for name in page.anchors
                       if name.startswith("section-") and name.removeprefix("section-") not in starts}
            placed |= {name: index for name in page.anchors if name.startswith("exhibit-") and name not in placed}
        text = exhibit_pages.TextPages(count=len(document.pages), height_px=document.pages[0].height,
                                       links=tuple(links), pagerefs=pagerefs, anchors=placed)
        logs = [(_drawn_before(name, starts, len(document.pages)), values["logs"][name]) for name in DRAWN]
        with tempfile.TemporaryDirectory(dir=out_path.parent, prefix=".report-") as scratch:
            text_pdf = Path(scratch) / "text.pdf"
            document.write_pdf(text_pdf)
            del document
            exhibit_pages.append(text_pdf, out_path, values["pictures"], text, values["words"], Path(scratch),
                                 logs=logs)
    finally:
        logging.getLogger("weasyprint").removeFilter(quiet)


def _drawn_before(name: str, starts: dict[str, int], count: int) -> int:
    """Index of the laid-out page that a drawn section goes before: the first page of the next
    laid-out section (each section starts a page)."""
    following = SECTIONS[SECTIONS.index(name) + 1:]
    return next((starts[s] for s in following if s in starts), count)


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
        "footer_hash": f"SHA-256 {content.evidence_set_sha256[:16]}…",
        "c": content,
        "cover": _cover(content, labels, clock),
        "summary": _summary(content.charts or {}, labels),
        "findings": _findings(content, labels, clock),
        "exhibit_list": [_exhibit(e, labels, clock) for e in content.exhibits],
        "times_in": labels["times_in"].format(zone=content.timezone, offset=clock.offsets()),
        "calls_note": content.calls_note,
        "messages_note": content.messages_note,
        "others": [_exhibit(e, labels, clock) for e in others],
        "pictures": [_picture(e, labels, clock) for e in images],
        "words": exhibit_pages.Words(
            running_title=content.title, footer_hash=f"SHA-256 {content.evidence_set_sha256[:16]}…",
            page=labels["page_before"] + "{n}" + labels["page_between"] + "{total}" + labels["page_after"],
            original=labels["picture_original"], bookmark=labels["pictures"]),
        "submissions": [_submission(r, labels, clock) for r in content.submissions],
        "method": method_paragraphs(content),
        "logs": _logs(content, labels, clock),
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


def _logs(content: ReportContent, labels: dict, clock: Clock) -> dict[str, log_pages.LogSection]:
    """The calls', messages' and custody logs, as their drawn pages show them."""
    times_in = labels["times_in"].format(zone=content.timezone, offset=clock.offsets())

    def section(title: str, notes: list[str], header: list[str], rows: list[tuple], anchors: list[str],
                flexible: dict) -> log_pages.LogSection:
        laid = log_lines([labels[k] for k in header], rows, flexible)
        return log_pages.LogSection(title=labels[title], notes=tuple(n for n in notes if n), header=laid.header,
                                    rows=tuple(zip(anchors, laid.rows, strict=True)), empty=labels["no_rows"])

    return {
        "calls": section("calls", [times_in, content.calls_note],
                         ["time", "direction", "number", "label", "duration", "source"],
                         [_call(r, labels, clock) for r in content.calls], [event_anchor(r.id) for r in content.calls],
                         flexible={3: None, 4: None}),
        "messages": section("messages", [times_in, content.messages_note],
                            ["time", "direction", "number", "label", "source", "body"],
                            [_message(r, labels, clock) for r in content.messages],
                            [event_anchor(r.id) for r in content.messages], flexible={3: 16, 4: 16, 5: None}),
        "custody": section("custody", [f'{times_in} {labels["custody_intro"]}'],
                           ["time", "custody_what", "event_hash"],
                           [_custody(r, labels, clock) for r in content.custody], [""] * len(content.custody),
                           flexible={1: None}),
    }


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
        "picture": bool(e.image_path),
        "twins": labels["twin_of"].format(exhibits=labels["twin_sep"].join(e.twins)) if e.twins else "",
    }


def _picture(e: Exhibit, labels: dict, clock: Clock) -> exhibit_pages.Picture:
    """A picture's page: its number, title and the caption's lines."""
    path = Path(e.image_path)
    if not path.is_file():
        raise FileNotFoundError(f"exhibit {e.number}: picture {path} is missing")
    entry = _exhibit(e, labels, clock)
    times = f'{labels["occurred"]}: {entry["occurred"]} · ' if entry["occurred"] else ""
    return exhibit_pages.Picture(
        number=e.number, anchor=entry["anchor"], title=e.title, path=str(path), sha256=e.sha256,
        lines=(f'{times}{labels["received"]}: {entry["received"]}',
               f'{labels["source"]}: {entry["source"]} · {entry["kind"]} · {entry["size"]}'),
        warning="" if e.verified else labels["not_verified"],
    )


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
