"""WeChat chat exports from desktop export tools (MemoTrace/留痕 and others), text or HTML.

Best effort: a message starts at a header line naming the time and the sender, and its text
runs until the next header. HTML is rendered to text lines with the stdlib parser, streaming.
"""

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import BinaryIO, NamedTuple

from django.utils.translation import gettext_lazy as _

from evidence.imports.parsers import csvlog
from evidence.imports.parsers.base import HEAD_BYTES, MAX_FIELD_CHARS, MAX_LINE_CHARS, ImportContext, ParsedEvent
from evidence.imports.parsers.text import (
    LINE_BREAK,
    LOCAL_DATE_TIME,
    decode_head,
    decoded_lines,
    first_line,
    local_time,
    peek_text,
)
from evidence.imports.problems import ImportFailed

name = "wechat"
label = _("WeChat chat export (text or HTML)")
mime = "text/plain"

SELF_NAMES = {"我", "me", "Me", "自己"}  # how export tools name the phone's owner
MAX_SENDER_CHARS = 64  # longer than any display name: such a line is text that mentions a time
DETECT_LINES = 20  # plain text: headers must show up among this many non-blank lines

_WHEN = rf"(?P<when>{LOCAL_DATE_TIME})"
_SENDER = rf"(?P<sender>.{{1,{MAX_SENDER_CHARS}}}?)"
# 张三  (2026-05-01 23:10:05), or WechatExporter's 张三 (2026-05-01 23:10:05):text
_SENDER_IN_PARENS = re.compile(rf"{_SENDER}\s*[(（]\s*{_WHEN}\s*[)）](?:\s*[:：](?P<text>.*))?")
_SENDER_THEN_TIME = re.compile(rf"{_SENDER}\s+{_WHEN}")  # 张三 2026-05-01 23:10:05
_TIME_THEN_REST = re.compile(rf"{_WHEN}\s+(?P<rest>.+)")  # 2026-05-01 23:10:05 张三[: text]
_DATE = re.compile(r"\d{4}[-/]\d{1,2}[-/]\d{1,2}")
_NOTICE = re.compile(r'"(?P<sender>[^"]{1,64})"\s+(?P<text>.+)')
# WechatExporter's first line: "张三 - 微信聊天记录" (or the English UI's "… - WeChat Chat History")
_TITLE = re.compile(r".{1,64} - (?:微信聊天记录|WeChat Chat History)")
_SENDER_SAYS = re.compile(r"(?P<sender>[^:：]+?)\s*[:：]\s*(?P<text>.*)")


def detect(head: bytes) -> bool:
    """Whether the head is a chat export: at least two message headers, in text or HTML."""
    text = decode_head(head)
    if text is None or _looks_like_xml(text) or csvlog.detect(head) or csvlog.looks_like_header(first_line(text)):
        return False
    if _is_html(text):
        renderer = _HtmlText()
        renderer.feed(text)
        renderer.close()
        lines = [line for _, line in renderer.take()]
    else:
        lines = [line for line in LINE_BREAK.split(text) if line.strip()][:DETECT_LINES]
    return sum(_read_header(line.strip()) is not None for line in lines) >= 2


def mime_for(head: bytes) -> str:
    """text/html for an HTML export, else text/plain."""
    return "text/html" if _is_html(decode_head(head) or "") else "text/plain"


def parse(stream: BinaryIO, context: ImportContext) -> Iterator[ParsedEvent]:
    """One message per header; lines outside any message are reported in one warning."""
    head, lines = peek_text(decoded_lines(stream, context))
    count = 0
    for draft in _drafts(_html_lines(lines) if _is_html(head) else lines, context):
        count += 1
        if count > context.max_records:
            raise ImportFailed("too_many_records", limit=context.max_records)
        yield draft.event()
    if not count:
        raise ImportFailed("no_records")


class _Header(NamedTuple):
    when: str
    sender: str
    text: str  # the message itself, in the one-line style


def _sender(name: str) -> str:
    """A display name as written; MemoTrace HTML-escapes names even in its text export (&amp;)."""
    return html.unescape(name.strip())


def _read_header(line: str) -> _Header | None:
    """The header a stripped line is, in any supported style, or None."""
    if not _DATE.search(line):  # most lines are message text: skip the costlier patterns
        return None
    if match := _SENDER_IN_PARENS.fullmatch(line):
        return _Header(match["when"], _sender(match["sender"]), (match["text"] or "").strip())
    if match := _SENDER_THEN_TIME.fullmatch(line):
        return _Header(match["when"], _sender(match["sender"]), "")
    match = _TIME_THEN_REST.fullmatch(line)
    if match is None:
        return None
    said = _SENDER_SAYS.fullmatch(match["rest"])
    sender, text = (said["sender"], said["text"]) if said else (match["rest"], "")
    # MemoTrace writes a system notice on the header line: 2024-06-15 22:48:00 "张三" 撤回了一条消息
    if notice := _NOTICE.fullmatch(sender.strip()):
        sender, text = notice["sender"], notice["text"]
    sender = _sender(sender)
    if not sender or len(sender) > MAX_SENDER_CHARS:
        return None
    return _Header(match["when"], sender, text.strip())


@dataclass
class _Draft:
    """A message being collected, line by line, with its size bounded."""

    line_no: int
    sender: str
    occurred_at: datetime
    lines: list[str] = field(default_factory=list)
    size: int = 0
    blank_run: int = 0  # blank lines are kept only between text, never at the ends

    def add(self, text: str) -> None:
        if not text:
            self.blank_run += bool(self.lines)
            return
        self.size += len(text) + (self.blank_run + 1 if self.lines else 0)  # each entry adds a "\n"
        if self.size > MAX_FIELD_CHARS:  # checked first: a long blank run must not fill memory
            raise ImportFailed("record_too_large", line=self.line_no, size=self.size, limit=MAX_FIELD_CHARS)
        self.lines.extend([""] * self.blank_run + [text])
        self.blank_run = 0

    def event(self) -> ParsedEvent:
        own = self.sender.casefold() in {self_name.casefold() for self_name in SELF_NAMES}
        return ParsedEvent(
            "message", "wechat", "out" if own else "in", self.occurred_at, f"line {self.line_no}",
            number=self.sender, status="sent" if own else "received", contact_name=self.sender,
            body="\n".join(self.lines),
        )  # fmt: skip


def _drafts(lines: Iterable[tuple[int, str]], context: ImportContext) -> Iterator[_Draft]:
    """Finished messages; lines outside any (or under a header with an impossible time) are counted."""
    draft: _Draft | None = None
    unreadable, first_unreadable = 0, None
    for line_no, raw in lines:
        text = raw.strip()
        if draft is None and _TITLE.fullmatch(text):
            continue
        header = _read_header(text) if text else None
        if header is not None:
            if draft is not None:
                yield draft
            occurred_at = local_time(header.when, context.zone)
            draft = _Draft(line_no, header.sender, occurred_at) if occurred_at else None
            text = header.text if draft else text
        if draft is not None:
            draft.add(text)
        elif text:
            unreadable += 1
            first_unreadable = first_unreadable or line_no
    if draft is not None:
        yield draft
    if unreadable:
        context.warn("unreadable_lines", count=unreadable, line=first_unreadable)


def _is_html(text: str) -> bool:
    start = text.lstrip()[:HEAD_BYTES].lower()
    return start.startswith("<") and ("<html" in start or "<!doctype html" in start)


def _looks_like_xml(text: str) -> bool:
    start = text.lstrip()[:4096].lower()
    return start.startswith("<?xml") or "<smses" in start or "<calls" in start


def _html_lines(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Render HTML fed in batches of source lines (a feed per line would copy the buffer each time)."""
    renderer = _HtmlText()
    batch: list[str] = []
    size = 0
    for _line_no, line in lines:
        batch.append(line)
        size += len(line) + 1
        if size >= _HtmlText.FEED_CHARS:
            renderer.feed("\n".join(batch) + "\n")
            batch, size = [], 0
            yield from renderer.take()
    renderer.feed("\n".join(batch))
    renderer.close()
    yield from renderer.take()


class _HtmlText(HTMLParser):
    """HTML to text lines, numbered by source line, as a browser breaks them; no script, style, title."""

    FEED_CHARS = 64 * 1024
    HIDDEN = {"script", "style", "title"}
    CELLS = {"td", "th"}  # a table row stays one line: "张三 | 2026-05-01 23:10" is still a header
    BLOCKS = set(
        "address article aside blockquote dd div dl dt footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre "
        "section table tr ul".split()
    )
    _END_TAG_TAIL = 256  # enough of a skipped script's end to still find its "</script>"

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._lines: list[tuple[int, str]] = []
        self._parts: list[str] = []
        self._size = 0
        self._line_no: int | None = None  # source line of the current line's first text
        self._hidden = 0
        self._pre = 0

    def feed(self, data: str) -> None:
        super().feed(data)
        self._bound_buffer()

    def close(self) -> None:
        super().close()
        self._break()

    def take(self) -> list[tuple[int, str]]:
        """The lines finished so far, handed over once."""
        lines, self._lines = self._lines, []
        return lines

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self._break(keep_empty=True)
        elif tag in self.CELLS:
            self._append(" ", self.getpos()[0])
        elif tag in self.BLOCKS:
            self._break()
            self._pre += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self.BLOCKS:
            self._break()
            self._pre = max(0, self._pre - (tag == "pre"))

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        line_no = self.getpos()[0]
        if self._pre:
            for offset, piece in enumerate(data.split("\n")):
                if offset:
                    self._break(keep_empty=True)
                self._append(piece, line_no + offset)
            return
        leading = len(data) - len(data.lstrip())
        self._append(re.sub(r"\s+", " ", data), line_no + data.count("\n", 0, leading))

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """An unknown <![…[ is a bogus comment to browsers; the stdlib would raise AssertionError."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i, report)

    def _append(self, text: str, line_no: int) -> None:
        if self._line_no is None:
            if not text.strip():  # leading whitespace is stripped anyway: don't let it pile up
                return
            self._line_no = line_no
        self._parts.append(text)
        self._size += len(text)
        if self._size > MAX_LINE_CHARS:
            raise ImportFailed("line_too_long", line=self._line_no or line_no, limit=MAX_LINE_CHARS)

    def _break(self, keep_empty: bool = False) -> None:
        text = "".join(self._parts).strip()
        if text or keep_empty:
            self._lines.append((self._line_no or self.getpos()[0], text))
        self._parts, self._size, self._line_no = [], 0, None

    def _bound_buffer(self) -> None:
        """Keep the parser's unparsed buffer small: it holds a whole script until its end tag."""
        if self.cdata_elem and len(self.rawdata) > self.FEED_CHARS:
            drop = len(self.rawdata) - self._END_TAG_TAIL
            self.updatepos(0, drop)  # keeps getpos() counting the dropped lines
            self.rawdata = self.rawdata[drop:]
        elif len(self.rawdata) > MAX_LINE_CHARS:  # an unclosed comment or tag: not an export
            raise ImportFailed("line_too_long", line=self.getpos()[0], limit=MAX_LINE_CHARS)
