"""A short excerpt around a match, with the match's place in it, for an app to mark without HTML.

Offsets count Unicode code points (Python's str indices; in JavaScript, `Array.from(excerpt)`),
so an emoji before the match does not shift the mark.
"""

import re

WIDTH = 40  # characters of context around the first match, both sides together
ELLIPSIS = "…"
_SPACES = re.compile(r"\s")


def pattern_of(query: str) -> re.Pattern:
    return re.compile(re.escape(query), re.IGNORECASE)


def find(text: str, pattern: re.Pattern) -> tuple[int, int] | None:
    match = pattern.search(text)
    return match.span() if match else None


def excerpt(text: str, pattern: re.Pattern, width: int = WIDTH) -> tuple[str, list[list[int]]]:
    """(excerpt, [[start, end], ...]): about `width` characters around the first match, "…" where cut.

    Line breaks and tabs read as spaces (one for one, so offsets stay true). Every match that lies
    whole inside the excerpt is marked. A text the pattern does not match gives its start, unmarked.
    """
    flat = _SPACES.sub(" ", text)
    span = find(flat, pattern)
    if span is None:
        start, end = 0, min(len(flat), width)
    else:
        first, last = span
        room = max(0, width - (last - first))
        start = max(0, first - room // 2)
        end = min(len(flat), last + room - (first - start))
        start = max(0, min(start, end - (last - first) - room))  # near the end: take more before
    while start < end and flat[start] == " ":
        start += 1
    while end > start and flat[end - 1] == " ":
        end -= 1
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(flat.rstrip()) else ""
    shift = len(prefix) - start
    marks = [[m.start() + shift, m.end() + shift] for m in pattern.finditer(flat, start, end) if m.end() > m.start()]
    return prefix + flat[start:end] + suffix, marks
