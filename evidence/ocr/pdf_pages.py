"""The pages of a PDF that are pictures (a scanned letter, a photographed notice), rendered to be read.

A page with a text layer of its own is not read: its words are already in the file, exact, and a
machine reading would only add mistakes. `pdftotext` tells how much text a page has; `pdftoppm`
renders a page without it, in grey, its longest side scaled to RENDER_SIDE pixels whatever size
the page claims (a hostile page 200 inches wide cannot become a gigapixel bitmap). Both are
poppler's tools (Debian's poppler-utils), run as separate processes with a time limit and a
memory limit, as tesseract is: a PDF that makes them spin or grow costs one failed reading.
"""

import re
import subprocess
import tempfile
from pathlib import Path

from evidence.ocr.engine import EngineFailed, EngineMissing, _limit_memory

RENDER_SIDE = 2400  # pixels on the longest side: a phone screenshot's height, 200 dpi on A4
TEXT_LAYER_CHARACTERS = 20  # a page with at least this many characters of its own text is not read
TOOL_TIME_LIMIT = 60  # seconds for one run of pdfinfo, pdftotext or pdftoppm
PAGES_LOOKED_AT = 200  # pages searched for scans; the rest of a longer PDF is not read


def _run(command: list[str]) -> bytes:
    try:
        done = subprocess.run(command, capture_output=True, timeout=TOOL_TIME_LIMIT, preexec_fn=_limit_memory)
    except FileNotFoundError:
        raise EngineMissing("poppler-utils (pdfinfo, pdftotext, pdftoppm) is not installed") from None
    except subprocess.TimeoutExpired:
        raise EngineFailed("ocr_timeout") from None
    if done.returncode != 0:
        raise EngineFailed("ocr_failed")
    return done.stdout


def page_count(pdf: Path) -> int:
    found = re.search(rb"^Pages:\s+(\d+)", _run(["pdfinfo", str(pdf)]), re.MULTILINE)
    if found is None:
        raise EngineFailed("ocr_failed")
    return int(found[1])


def image_pages(pdf: Path, limit: int) -> tuple[list[int], int]:
    """([page numbers without a text layer, at most limit of them], the PDF's number of pages).

    One pdftotext run over the first PAGES_LOOKED_AT pages (it ends each page with a form feed),
    not one per page: a PDF of ten thousand pages costs one run.
    """
    total = page_count(pdf)
    last = min(total, PAGES_LOOKED_AT)
    if last < 1:
        return [], total
    text = _run(["pdftotext", "-q", "-f", "1", "-l", str(last), "-enc", "UTF-8", str(pdf), "-"])
    per_page = text.split(b"\f")[:last]
    pages = [n for n, words in enumerate(per_page, start=1)
             if len(re.sub(rb"\s+", b"", words).decode("utf-8", errors="replace")) < TEXT_LAYER_CHARACTERS]
    return pages[:limit], total


def render(pdf: Path, page: int, folder: Path) -> Path:
    """The page as a grey PNG in folder, its longest side RENDER_SIDE pixels."""
    prefix = Path(tempfile.mkdtemp(dir=folder)) / "page"
    _run(["pdftoppm", "-q", "-f", str(page), "-l", str(page), "-scale-to", str(RENDER_SIDE), "-gray", "-png",
          "-singlefile", str(pdf), str(prefix)])
    return prefix.with_suffix(".png")
