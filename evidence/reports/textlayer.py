"""Text drawn straight into PDF pages: the exhibit pages' captions, the logs, every page's number.

The fonts are the report's own (Noto Sans CJK SC, Noto Sans Mono CJK SC), each cut down
with fontTools to the characters the layer draws and embedded whole-subset (a CID-keyed CFF under
a Type0 font, Identity-H), with a ToUnicode map so that copying, searching and pdftotext read the
text back as written. A character no font has is drawn as the font's empty box and marked with
its ActualText, so that it still reads back as itself.
"""

import functools
import hashlib
import itertools
import logging
import re

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont, TTLibError

from .logtable import MONO_FILES

SANS_FAMILY = "Noto Sans CJK SC"
SANS_FILES = MONO_FILES  # the same collection holds the sans and the mono faces
BOLD_STROKE = 0.035  # of the size: the outline's stroke that makes a regular face read as bold
ASCENT = 0.88  # of the em above the baseline, for placing a line by its top
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)  # it tells each table it cut at INFO
# A Latin word (kept whole on a line when it fits), spaces, or one other character.
TOKENS = re.compile(r"[^\s\u2e80-\U0010ffff]+|\s+|.", re.S)


@functools.cache
def _face_location(family: str, files: tuple[str, ...]) -> tuple[str, int] | None:
    """(file, index in the collection) of `family` in the first of `files` that has it; None when none has."""
    for path in files:
        try:
            if not path.endswith(".ttc"):
                if TTFont(path, lazy=True)["name"].getDebugName(1) == family:
                    return path, -1
                continue
            for index, font in enumerate(TTCollection(path, lazy=True).fonts):
                if font["name"].getDebugName(1) == family:
                    return path, index
        except (OSError, TTLibError, KeyError):
            continue
    return None


class Face:
    """A font cut down to the characters of `text`: widths, encoding and the PDF font, which pages
    name `resource`."""

    def __init__(self, text: str, family: str = SANS_FAMILY, files: tuple[str, ...] = SANS_FILES,
                 resource: str = "/Caption"):
        self.resource = resource
        location = _face_location(family, files)
        if location is None:
            raise RuntimeError(f"the report font {family} is not installed (Debian: fonts-noto-cjk)")
        path, index = location
        font = TTFont(path, fontNumber=max(index, 0), lazy=True)
        options = subset.Options()
        options.layout_features, options.name_IDs, options.notdef_outline, options.hinting = [], ["*"], True, False
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "VVAR", "DSIG"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes={ord(char) for char in text} | {0x20})
        subsetter.subset(font)
        advances, scale = font["hmtx"], 1000 / font["head"].unitsPerEm
        self.cids: dict[int, int] = {}
        self.widths: dict[int, int] = {0: round(advances[".notdef"][0] * scale)}
        for code, glyph in font.getBestCmap().items():
            if glyph.startswith("cid"):
                cid = int(glyph[3:])
                self.cids[code] = cid
                self.widths[cid] = round(advances[glyph][0] * scale)
        self.cff = font["CFF "].compile(font)
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(repr(sorted(self.cids)).encode()).digest()[:6])
        self.name = f"{tag}+{font['name'].getDebugName(6) or 'NotoSansCJKsc-Regular'}"

    def advance(self, char: str) -> int:
        """Width of one character in 1/1000 em (the missing-glyph box for one the font lacks)."""
        return self.widths[self.cids.get(ord(char), 0)]

    def width(self, text: str, size: float) -> float:
        """Width of `text` at `size` pt, in pt."""
        return sum(map(self.advance, text)) * size / 1000

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """`text` in lines no wider than `width` pt: breaks at spaces and between Chinese characters,
        inside a Latin word (a hash, a file name) only when it is longer than a line."""
        lines, line, used = [], "", 0.0
        for token in TOKENS.findall(text):
            if token.isspace():
                if line:
                    line, used = line + " ", used + self.width(" ", size)
                continue
            step = self.width(token, size)
            if used + step > width and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0.0
            if step <= width:
                line, used = line + token, used + step
                continue
            for char in token:  # longer than a line: broken where the line is full
                step = self.width(char, size)
                if used + step > width and line:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + char, used + step
        if line.strip() or not lines:
            lines.append(line.rstrip())
        return lines

    def encode(self, text: str) -> bytes:
        """`text` as the font's two-byte codes (CIDs), as a PDF hex string."""
        return b"<" + "".join(f"{self.cids.get(ord(char), 0):04x}" for char in text).encode() + b">"

    def show(self, text: str) -> bytes:
        """Operators that show `text`: runs of characters the font lacks as its box, each such run
        marked with its ActualText."""
        if all(ord(char) in self.cids for char in text):
            return self.encode(text) + b" Tj"
        out = []
        for missing, run in itertools.groupby(text, key=lambda char: ord(char) not in self.cids):
            run = "".join(run)
            if missing:
                actual = "feff" + run.encode("utf-16-be").hex()
                out.append(b"/Span <</ActualText <" + actual.encode() + b">>> BDC " + self.encode(run) + b" Tj EMC")
            else:
                out.append(self.encode(run) + b" Tj")
        return b" ".join(out)

    def embed(self, pdf: pikepdf.Pdf) -> pikepdf.Object:
        """The Type0 font for pages of `pdf`."""
        file = pikepdf.Stream(pdf, self.cff)
        file.Subtype = pikepdf.Name.CIDFontType0C
        widths = pikepdf.Array()
        for cid in sorted(self.widths):
            widths.extend([cid, pikepdf.Array([self.widths[cid]])])
        descriptor = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/" + self.name), Flags=4,
            FontBBox=pikepdf.Array([-1000, -300, 3000, 1100]), ItalicAngle=0, Ascent=880, Descent=-120,
            CapHeight=733, StemV=80, FontFile3=pdf.make_indirect(file),
        ))
        cid_font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType0, BaseFont=pikepdf.Name("/" + self.name),
            CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"),
                                             Supplement=0),
            FontDescriptor=descriptor, W=widths, DW=1000,
        ))
        return pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/" + self.name),
            Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=pikepdf.Array([cid_font]),
            ToUnicode=pdf.make_indirect(pikepdf.Stream(pdf, self._to_unicode())),
        ))

    def _to_unicode(self) -> bytes:
        """The CMap from each CID back to its character (UTF-16BE, surrogate pairs beyond the BMP)."""
        pairs = sorted((cid, chr(code).encode("utf-16-be").hex()) for code, cid in self.cids.items())
        body = []
        for start in range(0, len(pairs), 100):  # at most 100 entries per bfchar block
            chunk = pairs[start:start + 100]
            body.append(f"{len(chunk)} beginbfchar\n" + "\n".join(f"<{cid:04x}> <{utf16}>" for cid, utf16 in chunk)
                        + "\nendbfchar")
        return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                + "\n".join(body) + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode()


def rgb(color: str) -> str:
    """'#1f4e79' as PDF fill operands."""
    return " ".join(f"{int(color[i:i + 2], 16) / 255:.3f}" for i in (1, 3, 5))


class Canvas:
    """Drawing operations for one page, in PDF points (origin at the bottom left)."""

    def __init__(self, face: Face):
        self.face, self.ops = face, []
        self.faces: dict[str, Face] = {}  # resource name -> face, of the faces drawn with

    def text(self, x: float, y: float, text: str, size: float, color: str = "#1c2329", align: str = "left",
             face: Face | None = None, bold: bool = False) -> None:
        """One line with its baseline at y, in `face` (the canvas's own by default); `align="right"`
        ends it at x. Bold is the face's outlines filled and stroked a little (a heading's few
        characters are not worth a second font)."""
        if not text:
            return
        face = face or self.face
        self.faces[face.resource] = face
        if align == "right":
            x -= face.width(text, size)
        weight = f"2 Tr {rgb(color)} RG {size * BOLD_STROKE:.3f} w " if bold else ""
        op = (f"BT {face.resource} {size:g} Tf {rgb(color)} rg {weight}1 0 0 1 {x:.2f} {y:.2f} Tm ".encode()
              + face.show(text) + b" ET")
        self.ops.append(b"q " + op + b" Q" if bold else op)  # the stroke and the render mode end with it

    def rect(self, x: float, y: float, w: float, h: float, *, fill: str | None = None, stroke: str | None = None,
             line: float = 0.25) -> None:
        ops = [f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re"]
        if fill:
            ops.insert(0, f"{rgb(fill)} rg")
        if stroke:
            ops.insert(0, f"{rgb(stroke)} RG {line:g} w")
        ops.append("B" if fill and stroke else "f" if fill else "S")
        self.ops.append(" ".join(ops).encode())

    def stream(self) -> bytes:
        return b"q\n" + b"\n".join(self.ops) + b"\nQ\n"
