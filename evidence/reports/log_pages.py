"""The logs' pages (calls, messages, custody), drawn as a text layer instead of laid out by WeasyPrint.

A log is thousands of rows of the same shape, already wrapped into columns by logtable.log_lines,
so a page needs no layout engine: the section's heading and notes, the header row on every page,
then as many whole rows as fit, shaded one in two, each row's lines drawn at their columns in the
monospaced face. They look as report.css would draw them (the sizes below are its sizes) and
cost a fraction of a WeasyPrint table: about 1 ms a row instead of 4 to 8.

A row taller than a whole page (a very long message) is split between pages at a line; any other
row stays whole. Each row carrying an anchor becomes a named destination, so that the findings'
rows link to it.
"""

from dataclasses import dataclass, field

from .logtable import HALF, LOG_FONT_PT, LOG_PADDING_MM, Line
from .page import CONTENT_W, PT_PER_MM
from .textlayer import Canvas, Face

A4 = (210 * PT_PER_MM, 297 * PT_PER_MM)
TOP, RIGHT, BOTTOM, LEFT = (m * PT_PER_MM for m in (16, 14, 20, 14))  # report.css @page margins
WIDTH = CONTENT_W * PT_PER_MM
ASCENT, DESCENT = 1.16, 0.288  # of the em, Noto Sans (Mono) CJK's line metrics: where a baseline sits in its line
BLUE, GREY, INK, ZEBRA = "#1f4e79", "#5a6570", "#1c2329", "#eef1f4"
H2_PT, H2_LINE, H2_PAD, H2_RULE, H2_GAP = 16.0, 1.45, 1.5 * PT_PER_MM, 1.2, 3 * PT_PER_MM  # h2
NOTE_PT, NOTE_LINE, NOTE_GAP = 9.0, 1.45, 2.5 * PT_PER_MM  # p.aside
EMPTY_PT = 10.5  # p.empty
LOG_LINE, PAD, PAD_X = 1.4, 0.9 * PT_PER_MM, LOG_PADDING_MM * PT_PER_MM  # table.log th, td: line height, padding
ROW_LINE = LOG_FONT_PT * LOG_LINE


@dataclass(frozen=True)
class LogSection:
    """One log as its pages show it, all strings in the report's language."""

    title: str
    notes: tuple[str, ...]  # the paragraphs under the heading (times' zone, how many rows are printed)
    header: tuple[Line, ...]
    rows: tuple[tuple[str, tuple[Line, ...]], ...]  # (anchor or "", the row's lines)
    empty: str  # said instead of the table when there are no rows


@dataclass(frozen=True)
class Faces:
    sans: Face
    mono: Face


@dataclass
class LogPage:
    """One drawn page: its canvas, the rows' destinations (anchor, top of the row in pt) and, on a
    section's first page, the bookmark for the section."""

    canvas: Canvas
    destinations: list[tuple[str, float]] = field(default_factory=list)
    bookmark: str = ""


def characters(sections: list[LogSection]) -> tuple[str, str]:
    """(sans, mono): every character each face may draw, for the fonts' subsets."""
    sans = "".join(part for s in sections for part in (s.title, *s.notes, s.empty))
    mono = "".join(text for s in sections for lines in (s.header, *(row for _, row in s.rows))
                   for line in lines for _, text in line)
    return sans, mono


def section_pages(section: LogSection, faces: Faces) -> list[LogPage]:
    """The section's pages, each with its content drawn (running title, footer and page number are
    drawn by the caller, as on every page)."""
    pages: list[LogPage] = []
    canvas, y = _new_page(pages, faces)
    pages[0].bookmark = section.title
    y = _heading(canvas, y, section, faces)
    if not section.rows:
        canvas.text(LEFT, y - _baseline(EMPTY_PT, 1.45), section.empty, EMPTY_PT, GREY)
        return pages
    y = fresh = _header(canvas, y, section.header, faces.mono)
    half = LOG_FONT_PT * HALF / 1000
    for n, (anchor, lines) in enumerate(section.rows):
        height = len(lines) * ROW_LINE + 2 * PAD
        if y - height < BOTTOM and y < fresh:  # a row that does not fit goes to the next page, whole
            canvas, y = _new_page(pages, faces)
            y = fresh = _header(canvas, y, section.header, faces.mono)
        if anchor:
            pages[-1].destinations.append((anchor, y))
        pending = list(lines)
        while pending:
            room = max(1, int((y - BOTTOM - 2 * PAD) // ROW_LINE))
            part, pending = pending[:room], pending[room:]
            block = len(part) * ROW_LINE + 2 * PAD
            if n % 2:
                canvas.rect(LEFT, y - block, WIDTH, block, fill=ZEBRA)
            top = y - PAD
            for k, line in enumerate(part):
                baseline = top - k * ROW_LINE - _baseline(LOG_FONT_PT, LOG_LINE)
                for start, text in line:
                    canvas.text(LEFT + PAD_X + start * half, baseline, text, LOG_FONT_PT, INK, face=faces.mono)
            y -= block
            if pending:  # the rest of a row longer than a page
                canvas, y = _new_page(pages, faces)
                y = fresh = _header(canvas, y, section.header, faces.mono)
    return pages


def _new_page(pages: list[LogPage], faces: Faces) -> tuple[Canvas, float]:
    canvas = Canvas(faces.sans)
    pages.append(LogPage(canvas))
    return canvas, A4[1] - TOP


def _baseline(size: float, line_height: float) -> float:
    """Distance from the top of a line box to its baseline."""
    return (line_height - ASCENT - DESCENT) / 2 * size + ASCENT * size


def _heading(canvas: Canvas, y: float, section: LogSection, faces: Faces) -> float:
    """The h2 with its rule, then the notes; returns where the table starts."""
    line, lines = H2_PT * H2_LINE, faces.sans.wrap(section.title, H2_PT, WIDTH)
    for k, text in enumerate(lines):
        canvas.text(LEFT, y - k * line - _baseline(H2_PT, H2_LINE), text, H2_PT, BLUE, bold=True)
    y -= len(lines) * line + H2_PAD
    canvas.rect(LEFT, y - H2_RULE, WIDTH, H2_RULE, fill=BLUE)
    y -= H2_RULE + H2_GAP
    for note in section.notes:
        for text in faces.sans.wrap(note, NOTE_PT, WIDTH):
            canvas.text(LEFT, y - _baseline(NOTE_PT, NOTE_LINE), text, NOTE_PT, GREY)
            y -= NOTE_PT * NOTE_LINE
        y -= NOTE_GAP
    return y


def _header(canvas: Canvas, y: float, header: tuple[Line, ...], mono: Face) -> float:
    """The header row (blue, a blue rule under it); returns where the first row starts."""
    half = LOG_FONT_PT * HALF / 1000
    for k, line in enumerate(header):
        baseline = y - PAD - k * ROW_LINE - _baseline(LOG_FONT_PT, LOG_LINE)
        for start, text in line:
            canvas.text(LEFT + PAD_X + start * half, baseline, text, LOG_FONT_PT, BLUE, face=mono)
    y -= len(header) * ROW_LINE + 2 * PAD
    canvas.rect(LEFT, y - 1, WIDTH, 1, fill=BLUE)
    return y - 1
