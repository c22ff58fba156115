"""Exhibit pictures in the PDF: the original bytes, sized to fit a page, turned the way the camera meant.

A screenshot or photo is evidence: the PDF must carry the very bytes whose SHA-256 is listed,
not a re-encoded copy. WeasyPrint 70 passes JPEG through as is (unless it is asked to rotate it,
which is why the template sets `image-orientation: none` and turns pictures with CSS instead), but
it decodes every PNG and compresses the pixels again. `install_png_passthrough()` makes it copy the
PNG's compressed data (IDAT) into the PDF untouched, as img2pdf does, whenever PDF can take it.
"""

import math
import struct
from dataclasses import dataclass
from pathlib import Path

import pydyf
from PIL import Image
from weasyprint import images as wp_images

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PX_MM = 25.4 / 96  # CSS pixel in mm: what a picture's natural size means to WeasyPrint
MAX_ENLARGE = 2.0  # a small picture may grow to twice its natural size, no more (it gets blurry)

# EXIF orientation -> (CSS transform, whether width and height swap on screen).
# CSS applies the right-most function first; 5 and 7 mirror, then turn.
ORIENTATIONS = {
    1: ("", False),
    2: ("scaleX(-1)", False),
    3: ("rotate(180deg)", False),
    4: ("scaleY(-1)", False),
    5: ("rotate(-90deg) scaleX(-1)", True),
    6: ("rotate(90deg)", True),
    7: ("rotate(90deg) scaleX(-1)", True),
    8: ("rotate(-90deg)", True),
}


@dataclass(frozen=True)
class Placement:
    """Where a picture goes on its page, in mm: the box it shows in and the element before turning."""

    box_w: float
    box_h: float
    img_w: float
    img_h: float
    left: float  # of the unturned element inside the box
    top: float
    transform: str


def place(path: str, max_w: float, max_h: float) -> Placement:
    """Fit a picture in max_w x max_h mm, keeping its proportions and the camera's orientation."""
    width, height, orientation = _probe(path)
    transform, swap = ORIENTATIONS.get(orientation, ("", False))
    shown_w, shown_h = (height, width) if swap else (width, height)
    natural_w, natural_h = shown_w * PX_MM, shown_h * PX_MM
    scale = min(max_w / natural_w, max_h / natural_h, MAX_ENLARGE)
    box_w, box_h = natural_w * scale, natural_h * scale
    img_w, img_h = (box_h, box_w) if swap else (box_w, box_h)
    return Placement(
        box_w=round(box_w, 2), box_h=round(box_h, 2), img_w=round(img_w, 2), img_h=round(img_h, 2),
        left=round((box_w - img_w) / 2, 2), top=round((box_h - img_h) / 2, 2), transform=transform,
    )


def _probe(path: str) -> tuple[int, int, int]:
    """Stored pixel size and EXIF orientation, from the file's header (not Exhibit.image_size, which
    a caller might have turned already)."""
    with Image.open(path) as image:
        orientation = image.getexif().get(0x0112, 1) if image.format in ("JPEG", "MPO") else 1
        width, height = image.size
    return max(width, 1), max(height, 1), orientation


@dataclass(frozen=True)
class PngInfo:
    """What PDF needs to know to take a PNG's compressed data as it is, and where that data lies."""

    path: str
    width: int
    height: int
    depth: int
    color_type: int
    interlaced: bool
    palette: bytes
    transparent: bool
    idat: tuple[tuple[int, int], ...]  # (offset, length) of each IDAT chunk's data in the file

    def idat_bytes(self) -> bytes:
        """The joined IDAT data, read from the file now."""
        with open(self.path, "rb") as file:
            parts = []
            for offset, length in self.idat:
                file.seek(offset)
                parts.append(file.read(length))
        return b"".join(parts)


def read_png(path: str | Path) -> PngInfo | None:
    """A PNG's header, palette and where its IDAT chunks are, reading chunk headers only (a
    screenshot's pixels stay on disk); None when it is not a sound PNG."""
    header, palette, transparent, idat = None, b"", False, []
    with open(path, "rb") as file:
        if file.read(8) != PNG_SIGNATURE:
            return None
        size = file.seek(0, 2)
        pos = 8
        while pos + 8 <= size:
            file.seek(pos)
            length, kind = struct.unpack(">I4s", file.read(8))
            if pos + 12 + length > size:
                return None  # a chunk runs past the end: not a sound PNG
            if kind == b"IHDR":
                header = struct.unpack(">IIBBBBB", file.read(13))
            elif kind == b"PLTE":
                palette = file.read(min(length, 768))
            elif kind == b"tRNS":
                transparent = True
            elif kind == b"IDAT":
                idat.append((pos + 8, length))
            elif kind == b"IEND":
                break
            pos += 12 + length
    if header is None or not idat:
        return None
    width, height, depth, color_type, _, _, interlace = header
    return PngInfo(str(path), width, height, depth, color_type, interlace == 1, palette, transparent, tuple(idat))


class LazyIdat(pydyf.Object):
    """A PNG's IDAT data, read from its file only when the PDF is written, then let go: a report
    with hundreds of screenshots never holds more than one of them in memory."""

    def __init__(self, info: PngInfo):
        super().__init__()
        self.info = info

    @property
    def data(self) -> bytes:
        return self.info.idat_bytes()


def png_x_object(info: PngInfo, interpolate: bool) -> pydyf.Stream | None:
    """The PDF image for a PNG whose IDAT PDF can read directly, or None (alpha, interlace, ...)."""
    if info.interlaced or info.transparent:
        return None  # PDF has no interlaced PNG predictor; alpha must be split into a mask
    if info.color_type == 0 and info.depth in (1, 2, 4, 8, 16):
        colors, space = 1, "/DeviceGray"
    elif info.color_type == 2 and info.depth in (8, 16):
        colors, space = 3, "/DeviceRGB"
    elif info.color_type == 3 and info.palette and info.depth in (1, 2, 4, 8):
        colors = 1
        hival = len(info.palette) // 3 - 1
        space = pydyf.Array(["/Indexed", "/DeviceRGB", hival, b"<" + info.palette[: 3 * (hival + 1)].hex().encode() + b">"])
    else:
        return None
    extra = pydyf.Dictionary({
        "Type": "/XObject",
        "Subtype": "/Image",
        "Width": info.width,
        "Height": info.height,
        "ColorSpace": space,
        "BitsPerComponent": info.depth,
        "Interpolate": "true" if interpolate else "false",
        "Filter": "/FlateDecode",
        "DecodeParms": pydyf.Dictionary({
            "Predictor": 15, "Colors": colors, "BitsPerComponent": info.depth, "Columns": info.width,
        }),
    })
    return pydyf.Stream([LazyIdat(info)], extra)


def install_png_passthrough() -> None:
    """Make WeasyPrint embed local PNG files' compressed data untouched (once per process)."""
    raster = getattr(wp_images, "RasterImage", None)
    if raster is None or not hasattr(wp_images, "LazyLocalImage") or getattr(raster.get_x_object, "_passthrough", False):
        return  # another WeasyPrint: PNGs get recompressed (losslessly); test_render says so
    original = raster.get_x_object

    def get_x_object(self, interpolate, dpi_ratio):
        """Original IDAT when the picture is an unchanged local PNG at full size; else WeasyPrint's way."""
        source = getattr(self, "image_data", None)
        if self.format == "PNG" and dpi_ratio == 1 and isinstance(source, wp_images.LazyLocalImage):
            info = read_png(source._filename)
            if info and (info.width, info.height) == (self.width, self.height):
                stream = png_x_object(info, interpolate)
                if stream is not None:
                    return stream
        return original(self, interpolate, dpi_ratio)

    get_x_object._passthrough = True
    raster.get_x_object = get_x_object


def png_idat(path: str | Path) -> bytes:
    """The joined IDAT data of a PNG file (tests compare it with what the PDF holds)."""
    info = read_png(path)
    if info is None:
        raise ValueError(f"{path} is not a PNG")
    return info.idat_bytes()


def title_lines(text: str, width_mm: float, font_pt: float) -> int:
    """Rough count of lines a heading takes (wide CJK characters count as one em)."""
    em_mm = font_pt * 25.4 / 72
    ems = sum(1.0 if ord(ch) > 0x2E7F else 0.56 for ch in text)
    return max(1, math.ceil(ems * em_mm / width_mm))
