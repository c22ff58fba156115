"""The logs of calls, messages and custody: rows as monospaced lines whose columns line up.

Up to thousands of rows: a table cell costs WeasyPrint about 1.3 ms to lay out and draw, so a
row of six cells cost ~8 ms. Each row is instead one cell holding preformatted lines of a
monospaced CJK font (ASCII half an em, Chinese one em), padded with spaces so the columns line
up, and wrapped here, inside their columns: ~2 ms a row. The table keeps its header on every
page, its shading and its rows whole (report.css, table.log).
"""

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from fontTools.ttLib import TTCollection, TTFont, TTLibError

from .page import CONTENT_W

# Font size and cell padding of table.log in report.css: these must match it.
LOG_FONT_PT = 9.5
LOG_PADDING_MM = 1.2
MONO_FAMILY = "Noto Sans Mono CJK SC"
MONO_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian and Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
HALF = 500  # advance of an ASCII character in MONO_FAMILY, in 1/1000 em: one column of a log line

# A line break, spaces, a Latin word (up to a - / = , & or ?, after which a line may break), or one other character.
LOG_TOKENS = re.compile(r"\n|[^\S\n]+|[^\s\u2e80-\U0010ffff/=,&?-]*[/=,&?-]|[^\s\u2e80-\U0010ffff/=,&?-]+|\S")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # control characters but the line break: shown as spaces
NO_LINE_START = set("，。、；：？！）》】」』〕’”…·,.;:?!)]}%")


@functools.cache
def mono_widths() -> dict[int, int] | None:
    """Advance (1/1000 em) of each code point MONO_FAMILY draws, read with fontTools from the first of
    MONO_FILES that holds it (only its cmap and hmtx tables are parsed); None without (widths are then
    guessed)."""
    for path in MONO_FILES:
        try:
            fonts = TTCollection(path, lazy=True).fonts if path.endswith(".ttc") else [TTFont(path, lazy=True)]
            for font in fonts:
                if font["name"].getDebugName(1) != MONO_FAMILY:
                    continue
                advances, scale = font["hmtx"], 1000 / font["head"].unitsPerEm
                return {code: round(advances[glyph][0] * scale)
                        for code, glyph in font.getBestCmap().items() if glyph != ".notdef"}
        except (OSError, TTLibError, KeyError):
            continue
    return None


def _font_advance(char: str) -> int | None:
    widths = mono_widths()
    return widths.get(ord(char)) if widths is not None else None


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


Segment = tuple[int, str]  # (half-em column where the text starts, text)
Line = tuple[Segment, ...]


@dataclass(frozen=True)
class LogLines:
    """A log laid out in columns: its header's lines and each row's, as segments that start at a column."""

    header: tuple[Line, ...]
    rows: tuple[tuple[Line, ...], ...]


def log_lines(header: list[str], rows: list[tuple], flexible: dict, columns: int | None = None) -> LogLines:
    """The rows (and the header) wrapped inside their columns, `columns` half-em columns across
    (the log's width, log_columns(), by default)."""
    if not rows:
        return LogLines((), ())
    rows = [tuple(CONTROL.sub(" ", str(value)) for value in row) for row in rows]
    natural = [max(text_width(line) for value in column for line in value.split("\n"))
               for column in zip(header, *rows, strict=True)]
    widths, gap = column_widths([-(-w // HALF) for w in natural], flexible, columns or log_columns())
    starts = [sum(widths[:i]) + gap * i for i in range(len(widths))]

    def lines(values: tuple) -> tuple[Line, ...]:
        cells = [wrap(value, width) for value, width in zip(values, widths, strict=True)]
        return tuple(tuple((starts[i], column[k][0]) for i, column in enumerate(cells)
                           if k < len(column) and column[k][0])
                     for k in range(max(map(len, cells))))

    return LogLines(lines(tuple(header)), tuple(lines(row) for row in rows))


def log_table(header: list[str], rows: list[tuple], flexible: dict) -> dict:
    """{"header": line, "rows": [lines, ...]}: each row as HTML text lines whose columns line up in
    MONO_FAMILY, padded with spaces (for a table cell that WeasyPrint lays out)."""
    laid = log_lines(header, rows, flexible)
    if not laid.rows:
        return {"header": "", "rows": []}
    return {"header": _padded(laid.header), "rows": [_padded(row) for row in laid.rows]}


def _padded(lines: tuple[Line, ...]) -> str:
    """Segments as lines of HTML, each segment moved to its column with spaces; a character of odd
    width is made up for at the next column."""
    out = []
    for line in lines:
        parts, at = [], 0
        for start, text in line:
            spaces = max(1, round((start * HALF - at) / HALF)) if parts else start
            parts.append(" " * spaces + _markup(text))
            at += spaces * HALF + text_width(text)
        out.append("".join(parts))
    return mark_safe("\n".join(out))  # every value went through _markup


def _markup(text: str) -> str:
    """`text` as HTML, each run of characters that MONO_FAMILY lacks in a <span>: Pango draws spaces
    next to such a character in the other font, which would move the columns after them."""
    if text.isascii() or mono_widths() is None:
        return escape(text)
    foreign = [_font_advance(char) is None and not char.isspace() for char in text]
    if not any(foreign):
        return escape(text)
    runs = itertools.groupby(zip(text, foreign, strict=True), key=lambda pair: pair[1])
    return "".join(f"<span>{escape(run)}</span>" if other else escape(run)
                   for other, run in ((other, "".join(char for char, _ in pairs)) for other, pairs in runs))
