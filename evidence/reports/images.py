"""Exhibit pictures in the PDF: the original bytes, drawn the way img2pdf draws them.

A screenshot or photo is evidence: the PDF must carry the very bytes whose SHA-256 is listed,
not a re-encoded copy. img2pdf makes each picture a PDF image as it is (a PNG's compressed IDAT
data, a JPEG's whole file; only an alpha channel is split off as a soft mask), and pikepdf copies
that image into its exhibit page (exhibit_pages.py) and draws it turned the way the camera meant
(EXIF orientation): no picture is ever decoded or re-encoded.

Memory stays flat with the pictures' size and number: each one is converted into its own small
PDF in a scratch folder, and the finished report reads their data from there when it is written.
"""

import resource
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image

PX_MM = 25.4 / 96  # CSS pixel in mm: a picture's natural size at 96 dpi
MAX_ENLARGE = 2.0  # a small picture may grow to twice its natural size, no more (it gets blurry)
SWAPPED = {5, 6, 7, 8}  # EXIF orientations that show the stored width as the height


@dataclass(frozen=True)
class Placement:
    """The size a picture is shown at on its page, in mm, and how the camera turned it."""

    box_w: float
    box_h: float
    orientation: int  # EXIF orientation 1-8 (1 for a PNG)


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


class PictureImages:
    """Pictures drawn into pages of one PDF. Each picture is first made a one-page PDF by img2pdf in
    the scratch folder; its image is copied into the page from there when the PDF is saved, so these
    small PDFs stay open until then (raising the open-files limit when a case has very many)."""

    def __init__(self, pdf: pikepdf.Pdf, scratch: Path):
        self.pdf, self.scratch, self.carriers = pdf, scratch, []

    def __enter__(self) -> "PictureImages":
        return self

    def __exit__(self, *exc) -> None:
        for carrier in self.carriers:
            carrier.close()

    def draw(self, page: pikepdf.Page, path: str, orientation: int, x: float, y: float, w: float, h: float) -> bytes:
        """Copy the picture's image into `page` and return the operators that draw it upright in the
        rectangle x, y, w, h (PDF points)."""
        _room_for(len(self.carriers) + 1)
        out = self.scratch / f"picture-{len(self.carriers)}.pdf"
        with open(out, "wb") as file:  # not turned by img2pdf: the matrix below turns it
            img2pdf.convert(path, outputstream=file, rotation=img2pdf.Rotation.none)
        carrier = pikepdf.open(out)
        self.carriers.append(carrier)
        resources = carrier.pages[0].Resources.XObject
        image = self.pdf.copy_foreign(resources[next(iter(resources.keys()))])
        name = page.add_resource(image, pikepdf.Name.XObject, prefix="Exhibit")
        matrix = " ".join(f"{value:.4f}" for value in orientation_matrix(orientation, x, y, w, h))
        return f"q {matrix} cm {name} Do Q".encode()


def _room_for(files: int) -> None:
    """Make sure this process may hold `files` more files open (plus a margin for everything else)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = files + 256
    if needed > soft:
        if hard != resource.RLIM_INFINITY and needed > hard:
            raise RuntimeError(f"{files} pictures need more open files than this process may have ({hard})")
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(needed, min(soft * 2, hard)) if hard != resource.RLIM_INFINITY
                                                    else max(needed, soft * 2), hard))
