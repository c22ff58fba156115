"""Exhibit pictures in the PDF: the original bytes, drawn the way img2pdf draws them.

A screenshot or photo is evidence: the PDF must carry the very bytes whose SHA-256 is listed,
not a re-encoded copy. WeasyPrint lays out each exhibit page, its caption (number, title, times,
source, SHA-256) and the footer, around an empty slot the size of the picture; `draw_pictures`
then puts each picture in its slot. img2pdf makes the picture a PDF image as it is (a PNG's
compressed IDAT data, a JPEG's whole file; only an alpha channel is split off as a soft mask),
and pikepdf copies that image into the report's page and draws it turned the way the camera
meant (EXIF orientation), so no picture is ever decoded, laid out or re-encoded by WeasyPrint.

Memory stays flat with the pictures' size and number: each one is converted into its own small
PDF in a scratch folder, and the finished report reads their data from there when it is written.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image

from .page import PT_PER_PX

PX_MM = 25.4 / 96  # CSS pixel in mm: a picture's natural size at 96 dpi
MAX_ENLARGE = 2.0  # a small picture may grow to twice its natural size, no more (it gets blurry)
SWAPPED = {5, 6, 7, 8}  # EXIF orientations that show the stored width as the height
# Pictures drawn per pass: each pass keeps its pictures' small PDFs open until it is written.
PASS_SIZE = 200


@dataclass(frozen=True)
class Placement:
    """The size a picture is shown at on its page, in mm, and how the camera turned it."""

    box_w: float
    box_h: float
    orientation: int  # EXIF orientation 1-8 (1 for a PNG)


@dataclass(frozen=True)
class Slot:
    """Where one picture goes in the laid-out report: page index and rectangle in PDF points."""

    path: str
    page: int
    x: float
    y: float  # of the bottom-left corner, PDF style
    width: float
    height: float
    orientation: int


def place(path: str, max_w: float, max_h: float) -> Placement:
    """Fit a picture in max_w x max_h mm, keeping its proportions and the camera's orientation."""
    width, height, orientation = _probe(path)
    shown_w, shown_h = (height, width) if orientation in SWAPPED else (width, height)
    natural_w, natural_h = shown_w * PX_MM, shown_h * PX_MM
    scale = min(max_w / natural_w, max_h / natural_h, MAX_ENLARGE)
    return Placement(box_w=round(natural_w * scale, 2), box_h=round(natural_h * scale, 2), orientation=orientation)


def _probe(path: str) -> tuple[int, int, int]:
    """Stored pixel size and EXIF orientation, from the file's header (not Exhibit.image_size, which
    a caller might have turned already)."""
    with Image.open(path) as image:
        orientation = image.getexif().get(0x0112, 1) if image.format in ("JPEG", "MPO") else 1
        width, height = image.size
    return max(width, 1), max(height, 1), orientation if orientation in range(1, 9) else 1


def slot_of(path: str, orientation: int, page: int, anchor: tuple[float, float, float, float],
            page_height_px: float) -> Slot:
    """A Slot from WeasyPrint's anchor rectangle (x1, y1, x2, y2 in CSS px from the page's top left)."""
    x1, y1, x2, y2 = anchor
    return Slot(path=path, page=page, x=x1 * PT_PER_PX, y=(page_height_px - y2) * PT_PER_PX,
                width=(x2 - x1) * PT_PER_PX, height=(y2 - y1) * PT_PER_PX, orientation=orientation)


def orientation_matrix(orientation: int, x: float, y: float, w: float, h: float) -> tuple[float, ...]:
    """The `cm` matrix that draws an image (PDF's unit square, its first row at the top) upright in
    the rectangle x, y, w, h, for each EXIF orientation (2, 4, 5, 7 mirror; 3, 6, 8 turn)."""
    return {
        1: (w, 0, 0, h, x, y),
        2: (-w, 0, 0, h, x + w, y),
        3: (-w, 0, 0, -h, x + w, y + h),
        4: (w, 0, 0, -h, x, y + h),
        5: (0, -h, -w, 0, x + w, y + h),
        6: (0, -h, w, 0, x, y + h),
        7: (0, h, w, 0, x, y),
        8: (0, h, -w, 0, x + w, y),
    }[orientation]


def draw_pictures(source: Path, out_path: Path, slots: Iterable[Slot], scratch: Path,
                  labels: dict[int, str] | None = None) -> None:
    """Write `source` (WeasyPrint's PDF) to `out_path` with every picture drawn in its slot, and the
    page labels (page index -> label, e.g. an exhibit's number) set."""
    slots = list(slots)
    current = source
    for start in range(0, max(len(slots), 1), PASS_SIZE):
        batch = slots[start:start + PASS_SIZE]
        last = start + PASS_SIZE >= len(slots)
        target = out_path if last else scratch / f"pictures-{start}.pdf"
        carriers = []
        try:
            with pikepdf.open(current) as pdf:
                for n, slot in enumerate(batch, start):
                    carrier = pikepdf.open(_carrier(slot.path, scratch / f"picture-{n}.pdf"))
                    carriers.append(carrier)
                    _draw(pdf, pdf.pages[slot.page], carrier, slot)
                if last:
                    _label_pages(pdf, labels or {})
                pdf.save(target)
        finally:
            for carrier in carriers:
                carrier.close()
        if current != source:
            current.unlink()
        current = target


def _carrier(path: str, out: Path) -> Path:
    """A one-page PDF of the picture as img2pdf makes it: the original stream, never re-encoded
    (but an alpha channel, which PDF keeps apart). Not turned: _draw turns it."""
    with open(out, "wb") as file:
        img2pdf.convert(path, outputstream=file, rotation=img2pdf.Rotation.none)
    return out


def _draw(pdf: pikepdf.Pdf, page: pikepdf.Page, carrier: pikepdf.Pdf, slot: Slot) -> None:
    """Copy the carrier's image into the page and draw it in the slot."""
    resources = carrier.pages[0].Resources.XObject
    image = pdf.copy_foreign(resources[next(iter(resources.keys()))])
    name = page.add_resource(image, pikepdf.Name.XObject, prefix="Exhibit")
    matrix = " ".join(f"{value:.4f}" for value in orientation_matrix(slot.orientation, slot.x, slot.y,
                                                                     slot.width, slot.height))
    page.contents_add(b"q\n", prepend=True)  # whatever WeasyPrint left in the graphics state ends here
    page.contents_add(f"\nQ q {matrix} cm {name} Do Q\n".encode())


def _label_pages(pdf: pikepdf.Pdf, labels: dict[int, str]) -> None:
    """PDF page labels: pages numbered 1, 2, ... as their footers say, and each labelled page (an
    exhibit's) shown by its label, so a viewer's page box and "go to page" speak of E-001."""
    if not labels:
        return
    nums: list = []
    for index in range(len(pdf.pages)):
        if index in labels:
            nums += [index, pikepdf.Dictionary(P=pikepdf.String(labels[index]))]
        elif index == 0 or index - 1 in labels:
            nums += [index, pikepdf.Dictionary(S=pikepdf.Name.D, St=index + 1)]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def title_lines(text: str, width_mm: float, font_pt: float) -> int:
    """Rough count of lines a heading takes (wide CJK characters count as one em)."""
    em_mm = font_pt * 25.4 / 72
    ems = sum(1.0 if ord(ch) > 0x2E7F else 0.56 for ch in text)
    return max(1, math.ceil(ems * em_mm / width_mm))

