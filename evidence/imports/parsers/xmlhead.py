"""What an XML export is, read the way an XML parser reads it, and its bytes as UTF-8.

Real backups start with more than a declaration: SMS Backup & Restore writes a comment
naming its version and an `<?xml-stylesheet?>` instruction before the root, some tools add
a BOM, and a few phones write UTF-16. A pattern over the first bytes cannot know them all,
so the root element is found by expat itself, over the first bytes transcoded to UTF-8:
any number of comments, processing instructions, blank lines and a BOM may come first.

A DOCTYPE is reported, never read: exports never carry one, and the import refuses it.
"""

import codecs
import re
from dataclasses import dataclass, field
from xml.parsers import expat

from evidence.imports.problems import ImportFailed

CHUNK_BYTES = 1 << 20
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# UTF-16 without a BOM still starts with "<?" or "<!": one of its two bytes is NUL.
_NO_BOM = ((b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))
_LAST_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)[^<]*\Z")
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
# Declared names we trust enough to decode with; anything else is read as UTF-8 (and fails
# there with the line of the first bad byte, as before).
_DECLARED_CODECS = {
    "utf-8": "utf-8", "utf8": "utf-8", "us-ascii": "utf-8", "ascii": "utf-8",
    "gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030",
    "iso-8859-1": "latin-1", "latin-1": "latin-1", "windows-1252": "cp1252",
    "utf-16": "utf-16", "utf-16le": "utf-16-le", "utf-16be": "utf-16-be",
}  # fmt: skip
# The names shown to the user in the "read as" warning.
ENCODING_NAMES = {"utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE", "gb18030": "GBK (GB18030)",
                  "latin-1": "ISO-8859-1", "cp1252": "Windows-1252"}


@dataclass
class XmlRoot:
    """The root element of an XML file, as the parser met it."""

    name: str
    attrs: dict = field(default_factory=dict)
    doctype: bool = False  # the name came from a DOCTYPE, which the import will refuse
    encoding: str = "utf-8"


def xml_encoding(head: bytes) -> tuple[str, int]:
    """(Python codec, BOM length) for an XML file's first bytes."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    for start, encoding in _NO_BOM:
        if head.startswith(start):
            return encoding, 0
    declared = _DECLARED.match(head)
    if declared:
        name = declared.group(1).decode("ascii").lower()
        return _DECLARED_CODECS.get(name, "utf-8"), 0
    return "utf-8", 0


_LATE_DECLARATION = re.compile(r"\A(\s+)(<\?xml\s[^>]*\?>)")
_LATE_DECLARATION_BYTES = re.compile(rb"\A(\s+)(<\?xml\s[^>]*\?>)")


def blank_late_declaration(text):
    """Blank out an XML declaration that blank lines push off the start (str or UTF-8 bytes).

    XML allows nothing before the declaration, yet some tools write an empty line first.
    Spaces of the same length keep every line and column where they were.
    """
    pattern = _LATE_DECLARATION if isinstance(text, str) else _LATE_DECLARATION_BYTES
    match = pattern.match(text)
    if match is None:
        return text
    space = " " if isinstance(text, str) else b" "
    return text[: match.end(1)] + space * len(match.group(2)) + text[match.end():]


class _Found(Exception):
    pass


def xml_root(head: bytes) -> XmlRoot | None:
    """The root element in the first bytes of a file; None if they are not the start of XML."""
    encoding, bom = xml_encoding(head)
    # A bad byte after the root is the parser's to report, with its line; it does not change
    # what the file is.
    text = blank_late_declaration(codecs.getincrementaldecoder(encoding)("replace").decode(head[bom:], final=False))
    if not text.lstrip().startswith("<"):
        return None
    parser = expat.ParserCreate("UTF-8")  # the transcoded bytes, whatever the declaration says

    def start(name, attrs):
        raise _Found(XmlRoot(name, dict(attrs), encoding=encoding))

    def doctype(name, *_):
        raise _Found(XmlRoot(name, doctype=True, encoding=encoding))

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(text.encode("utf-8"), False)
    except _Found as found:
        return found.args[0]
    except expat.ExpatError:
        return None
    # No error, no element: the bytes end inside the root's start tag (a file cut short, or
    # a root with very many attributes). Everything before it was a well-formed prolog.
    opened = _LAST_TAG.search(text)
    return XmlRoot(opened.group(1), encoding=encoding) if opened else None


class Utf8Reader:
    """A binary stream read as UTF-8 bytes: UTF-16 and declared legacy encodings transcoded.

    UTF-8 files pass through untouched (expat skips a UTF-8 BOM itself). Lines stay where
    they were, so positions in errors and sources still point into the original file.
    """

    def __init__(self, stream, chunk_size: int = CHUNK_BYTES):
        self.stream = stream
        self.chunk_size = chunk_size
        head = stream.read(chunk_size)
        self.encoding, bom = xml_encoding(head[:4096])
        self.bytes_read = len(head)
        self._decoder = None if self.encoding == "utf-8" else codecs.getincrementaldecoder(self.encoding)()
        self._first = False  # decoded text still to come whose start may need blanking
        if self._decoder is None:
            self._pending = head[:bom] + blank_late_declaration(head[bom:])
        else:
            self._pending = head[bom:]
            self._first = True
        self._lines = 0  # line breaks passed, for the line of a bad byte

    @property
    def transcoded(self) -> bool:
        return self._decoder is not None

    def read(self, size: int = -1) -> bytes:
        while True:
            if self._pending is not None:
                data, self._pending = self._pending, None
            else:
                data = self.stream.read(self.chunk_size)
                self.bytes_read += len(data)
            if self._decoder is None:
                return data
            try:
                text = self._decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                good = error.object[: error.start].decode(self.encoding, "ignore")
                raise ImportFailed("bad_encoding", encoding=ENCODING_NAMES.get(self.encoding, self.encoding),
                                   line=self._lines + good.count("\n") + 1) from None
            self._lines += text.count("\n")
            if self._first and text:
                text, self._first = blank_late_declaration(text), False
            if text or not data:  # a chunk can end inside a character: then read on
                return text.encode("utf-8")
