"""Streaming decoding shared by the line-based formats: encoding, line endings and limits.

A text export is UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode text"),
or, from older Chinese tools, GB18030/GBK.
The encoding is chosen once from the head; the rest is decoded strictly, chunk by chunk, so
memory stays bounded by the chunk size plus one line of at most MAX_LINE_CHARS.
"""

import codecs
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain
from typing import BinaryIO
from zoneinfo import ZoneInfo

from evidence.imports.parsers.base import HEAD_BYTES, MAX_LINE_CHARS, ImportContext
from evidence.imports.problems import ImportFailed

CHUNK_BYTES = 1024 * 1024
ENCODINGS = ("utf-8", "gb18030")  # in order of preference, when there is no BOM
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
ENCODING_NAMES = {"gb18030": "GBK (GB18030)", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}
# Only these three end a line: str.splitlines() would also cut at U+2028, \x1c… inside bodies.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# "2026-05-01 23:10[:05]" or with slashes: the local time most exports write.
LOCAL_DATE_TIME = r"\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]+\d{1,2}:\d{2}(?::\d{2})?"
_LOCAL_DATE_TIME_PARTS = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?")


def choose_encoding(head: bytes) -> str | None:
    """The encoding the head decodes in (a character cut at its end is allowed), or None."""
    return text_encoding(head)[0]


def text_encoding(head: bytes) -> tuple[str | None, int]:
    """(encoding, BOM length) of a text export's first bytes; (None, 0) if it is not text.

    A BOM decides (Excel's "Unicode text" and some phone tools write UTF-16LE with one);
    without one, UTF-8 is preferred and GB18030 (a superset of GBK) tried next.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    for encoding in ENCODINGS:
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding, 0
    return None, 0


def decode_head(head: bytes) -> str | None:
    """The head as text, for detect(); None if it is not text (undecodable or holding NUL)."""
    encoding, bom = text_encoding(head)
    if encoding is None:
        return None
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head[bom:], final=False)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def first_line(text: str) -> str:
    """The first non-blank line of a text."""
    return next((line for line in LINE_BREAK.split(text) if line.strip()), "")


def peek_text(lines: Iterable[tuple[int, str]], chars: int = HEAD_BYTES) -> tuple[str, Iterator[tuple[int, str]]]:
    """The first lines' text (about chars long), to look at, and all the lines still to read."""
    lines = iter(lines)
    taken = []
    size = 0
    for numbered in lines:
        taken.append(numbered)
        size += len(numbered[1]) + 1
        if size >= chars:
            break
    return "\n".join(line for _, line in taken), chain(taken, lines)


def local_time(value: str, zone: ZoneInfo) -> datetime | None:
    """'YYYY-MM-DD HH:MM[:SS]' (or with '/') read as local time in zone; None if not one."""
    match = _LOCAL_DATE_TIME_PARTS.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def decoded_lines(stream: BinaryIO, context: ImportContext) -> Iterator[tuple[int, str]]:
    """(1-based line number, line without its ending) for each line of a text export."""
    head = _read_head(stream)
    bytes_read = len(head)
    context.on_progress(bytes_read)
    encoding, bom = text_encoding(head[:HEAD_BYTES])
    head = head[bom:]
    if encoding is None:
        raise ImportFailed("not_utf8", line=_utf8_error_line(head[:HEAD_BYTES]))
    if encoding != "utf-8":
        context.warn("encoding_read_as", encoding=ENCODING_NAMES[encoding])
    decoder = codecs.getincrementaldecoder(encoding)()
    splitter = _LineSplitter()
    chunk = head
    while chunk:
        yield from _decode(decoder, chunk, splitter, final=False)
        chunk = stream.read(CHUNK_BYTES)
        bytes_read += len(chunk)
        if chunk:
            context.on_progress(bytes_read)
    yield from _decode(decoder, b"", splitter, final=True)
    yield from splitter.finish()


def _read_head(stream: BinaryIO) -> bytes:
    """The first chunk, at least HEAD_BYTES long unless the file is shorter (reads may be short)."""
    parts = []
    size = 0
    while size < HEAD_BYTES:
        part = stream.read(CHUNK_BYTES)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _utf8_error_line(head: bytes) -> int:
    """The line of the first invalid UTF-8 byte in a head that is text in no known encoding."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as error:
        return len(_BYTE_LINE_BREAK.findall(head, 0, error.start)) + 1
    return 1


def _decode(decoder, data: bytes, splitter: "_LineSplitter", final: bool) -> Iterator[tuple[int, str]]:
    """Decode one chunk strictly; on an error, yield the good lines before it, then fail there."""
    try:
        text = decoder.decode(data, final)
    except UnicodeDecodeError as error:
        # error.object holds the decoder's pending bytes too, so its prefix is all valid text.
        yield from _split_checked(splitter, error.object[: error.start].decode(error.encoding))
        if error.encoding.startswith("utf-16"):
            raise ImportFailed("bad_encoding", encoding=ENCODING_NAMES[error.encoding.replace("_", "-")],
                               line=splitter.line_no) from None
        raise ImportFailed("not_utf8", line=splitter.line_no) from None
    yield from _split_checked(splitter, text)


def _split_checked(splitter: "_LineSplitter", text: str) -> Iterator[tuple[int, str]]:
    """Split text into lines, failing at the line of a NUL character (binary, or UTF-16)."""
    nul = text.find("\x00")
    if nul < 0:
        yield from splitter.feed(text)
        return
    yield from splitter.feed(text[:nul])
    raise ImportFailed("nul_byte", line=splitter.line_no)


class _LineSplitter:
    """Cuts decoded text into lines, holding at most MAX_LINE_CHARS of an unfinished one."""

    def __init__(self):
        self.line_no = 1  # the line being collected
        self._parts: list[str] = []
        self._size = 0
        self._after_cr = False  # a "\r" ended the last text: a "\n" starting the next belongs to it

    def feed(self, text: str) -> Iterator[tuple[int, str]]:
        start = 1 if self._after_cr and text.startswith("\n") else 0
        if text:
            self._after_cr = text.endswith("\r")
        for match in LINE_BREAK.finditer(text, start):
            self._add(text[start : match.start()])
            yield self.line_no, self._take()
            self.line_no += 1
            start = match.end()
        self._add(text[start:])

    def finish(self) -> Iterator[tuple[int, str]]:
        """The last line, when the file does not end with a line break."""
        if self._size:
            yield self.line_no, self._take()

    def _add(self, piece: str) -> None:
        if self._size + len(piece) > MAX_LINE_CHARS:
            raise ImportFailed("line_too_long", line=self.line_no, limit=MAX_LINE_CHARS)
        if piece:
            self._parts.append(piece)
            self._size += len(piece)

    def _take(self) -> str:
        line = "".join(self._parts)
        self._parts.clear()
        self._size = 0
        return line
