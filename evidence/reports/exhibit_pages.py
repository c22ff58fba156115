"""The exhibit pages, assembled the way img2pdf assembles pages, and joined to the text pages.

WeasyPrint lays out the text pages only (cover, summary, findings, exhibit list, logs, custody,
method). Each picture then gets a page of its own at the end, built here without any layout
engine: the picture drawn from its original bytes (images.py), a caption drawn as a small text
layer (textlayer.py: number, title, times, source, size, SHA-256), the running title and the
footer. Then the joins a reader relies on: every page's "page N / M" (N of all pages), the
exhibit list's page column, links from the list and the findings to each picture's page, a
bookmark per picture, and page labels that name a picture's page by its exhibit number.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from .images import PictureImages, place
from .page import CONTENT_H, CONTENT_W, PT_PER_MM, PT_PER_PX
from .textlayer import ASCENT, Canvas, Face

A4 = (210 * PT_PER_MM, 297 * PT_PER_MM)
TOP, RIGHT, BOTTOM, LEFT = (m * PT_PER_MM for m in (16, 14, 20, 14))  # report.css @page margins
TITLE_PT, META_PT, HASH_PT, NOTE_PT, FOOT_PT, HEAD_PT = 14.0, 9.0, 8.0, 8.5, 9.0, 8.0
INK, GREY, BLUE, RED, RULE = "#1c2329", "#5a6570", "#1f4e79", "#a61b1b", "#c8cdd2"


@dataclass(frozen=True)
class Picture:
    """One picture exhibit as its page shows it (all strings already in the report's language)."""

    number: str
    anchor: str  # the id the text pages link to (#exhibit-E-001)
    title: str
    lines: tuple[str, ...]  # times; source, kind and size
    sha256: str
    warning: str  # "" when the file was verified
    path: str


@dataclass(frozen=True)
class Words:
    """The fixed words of these pages, in the report's language."""

    running_title: str
    footer_hash: str
    page: str  # "第 {n} 页 / 共 {total} 页"
    original: str  # the note under each caption: the picture is the original file
    bookmark: str  # the bookmark above the pictures' bookmarks


@dataclass(frozen=True)
class TextPages:
    """What the laid-out text pages tell: links to pictures and the exhibit list's page cells."""

    count: int
    height_px: float
    links: tuple[tuple[int, str, tuple[float, float, float, float]], ...]  # page, anchor, CSS px rectangle
    pagerefs: dict[str, tuple[int, tuple[float, float, float, float]]]  # anchor -> page, rectangle of its cell


def append(source: Path, out_path: Path, pictures: list[Picture], text: TextPages, words: Words,
           scratch: Path) -> None:
    """Write `source` (the text pages) to `out_path` with the picture pages after them and the joins."""
    total = text.count + len(pictures)
    first = text.count  # page index of the first picture
    face = Face(_characters(pictures, words))
    with pikepdf.open(source) as pdf, PictureImages(pdf, scratch) as images:
        font = face.embed(pdf)
        for n, picture in enumerate(pictures):
            page = pdf.add_blank_page(page_size=A4)
            canvas = Canvas(face)
            _caption_page(canvas, images, page, picture, words, number=first + n + 1, total=total)
            _finish(page, canvas, font)
        page_of = {p.anchor: first + n for n, p in enumerate(pictures)}
        for index in range(text.count):  # the text pages' numbers and their page column
            page, canvas = pdf.pages[index], Canvas(face)
            canvas.text(A4[0] - RIGHT, BOTTOM / 2 - FOOT_PT / 3, words.page.format(n=index + 1, total=total),
                        FOOT_PT, "#2b333b", align="right")
            for anchor, (at, (x1, _y1, x2, y2)) in text.pagerefs.items():
                if at == index and anchor in page_of:
                    size = 10.5
                    canvas.text(((x1 + x2) / 2) * PT_PER_PX + face.width(str(page_of[anchor] + 1), size) / 2,
                                A4[1] - y2 * PT_PER_PX, str(page_of[anchor] + 1), size, BLUE,
                                align="right")
            _finish(page, canvas, font)
        for index, anchor, rect in text.links:
            if anchor in page_of:
                _link(pdf, pdf.pages[index], rect, pdf.pages[page_of[anchor]])
        for anchor, (index, rect) in text.pagerefs.items():
            if anchor in page_of:
                _link(pdf, pdf.pages[index], rect, pdf.pages[page_of[anchor]])
        if pictures:
            _bookmarks(pdf, pictures, first, words)
            _labels(pdf, {first + n: p.number for n, p in enumerate(pictures)})
        pdf.save(out_path)


def _characters(pictures: list[Picture], words: Words) -> str:
    """Every character the layer may draw, for the font's subset."""
    parts = [words.running_title, words.footer_hash, words.page, words.original, "0123456789"]
    for p in pictures:
        parts += [p.number, p.title, *p.lines, p.sha256, p.warning]
    return "".join(parts)


def _caption_page(canvas: Canvas, images: "PictureImages", page: pikepdf.Page, p: Picture, words: Words,
                  number: int, total: int) -> None:
    """Running title, caption, the picture in a thin frame, and the footer."""
    face = canvas.face
    width = CONTENT_W * PT_PER_MM
    canvas.text(LEFT, A4[1] - TOP / 2 - HEAD_PT / 3, words.running_title, HEAD_PT, GREY)
    y = A4[1] - TOP
    badge = face.width(p.number, TITLE_PT) + 4 * PT_PER_MM
    lines = face.wrap(p.title, TITLE_PT, width - badge - 1.5 * PT_PER_MM)
    step = TITLE_PT * 1.3
    canvas.rect(LEFT, y - step + 1, badge, step - 1, fill=BLUE)
    canvas.text(LEFT + 2 * PT_PER_MM, y - ASCENT * TITLE_PT - 1, p.number, TITLE_PT, "#ffffff")
    for k, line in enumerate(lines):
        x = LEFT + badge + 1.5 * PT_PER_MM if k == 0 else LEFT
        canvas.text(x, y - ASCENT * TITLE_PT - 1 - k * step, line, TITLE_PT, INK)
    y -= step * len(lines) + 1.5 * PT_PER_MM
    rows = [(line, META_PT, INK) for text in p.lines for line in face.wrap(text, META_PT, width)]
    rows += [(line, HASH_PT, GREY) for line in face.wrap(f"SHA-256 {p.sha256}", HASH_PT, width)]
    rows += [(line, NOTE_PT, GREY) for line in face.wrap(words.original, NOTE_PT, width)]
    rows += [(line, 9.5, RED) for line in face.wrap(p.warning, 9.5, width)] if p.warning else []
    for line, size, color in rows:
        canvas.text(LEFT, y - ASCENT * size, line, size, color)
        y -= size * 1.4
    y -= 2 * PT_PER_MM
    room = (y - BOTTOM) / PT_PER_MM
    spot = place(p.path, CONTENT_W, min(room, CONTENT_H))
    w, h = spot.box_w * PT_PER_MM, spot.box_h * PT_PER_MM
    x = LEFT + (width - w) / 2
    canvas.ops.append(images.draw(page, p.path, spot.orientation, x, y - h, w, h))
    canvas.rect(x - 0.25, y - h - 0.25, w + 0.5, h + 0.5, stroke=RULE)  # over the picture's edge: always seen
    canvas.text(LEFT, BOTTOM / 2 - HEAD_PT / 3, words.footer_hash, HEAD_PT, GREY)
    canvas.text(A4[0] - RIGHT, BOTTOM / 2 - FOOT_PT / 3, words.page.format(n=number, total=total), FOOT_PT,
                "#2b333b", align="right")


def _finish(page: pikepdf.Page, canvas: Canvas, font: pikepdf.Object) -> None:
    """Put the canvas on the page, over what is there, with the layer's font."""
    page.add_resource(font, pikepdf.Name.Font, pikepdf.Name(canvas.font))
    if "/Contents" in page.obj:
        page.contents_add(b"q\n", prepend=True)  # whatever the page left in the graphics state ends here
        page.contents_add(b"\nQ\n" + canvas.stream())
    else:
        page.obj.Contents = page.obj.owner.make_stream(canvas.stream())


def _link(pdf: pikepdf.Pdf, page: pikepdf.Page, rect: tuple[float, float, float, float],
          target: pikepdf.Page) -> None:
    """A link annotation over `rect` (CSS px on `page`) to the top of `target`."""
    x1, y1, x2, y2 = rect
    height = float(page.mediabox[3])
    annotation = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Border=pikepdf.Array([0, 0, 0]),
        Rect=pikepdf.Array([x1 * PT_PER_PX, height - y2 * PT_PER_PX, x2 * PT_PER_PX, height - y1 * PT_PER_PX]),
        Dest=pikepdf.Array([target.obj, pikepdf.Name.XYZ, 0, A4[1], 0]),
    ))
    if "/Annots" not in page.obj:
        page.obj.Annots = pikepdf.Array()
    page.obj.Annots.append(annotation)


def _bookmarks(pdf: pikepdf.Pdf, pictures: list[Picture], first: int, words: Words) -> None:
    """One bookmark per picture page, under one for them all."""
    with pdf.open_outline() as outline:
        parent = pikepdf.OutlineItem(words.bookmark, first)
        parent.children.extend(pikepdf.OutlineItem(f"{p.number} {p.title}", first + n) for n, p in enumerate(pictures))
        outline.root.append(parent)


def _labels(pdf: pikepdf.Pdf, labels: dict[int, str]) -> None:
    """PDF page labels: pages numbered 1, 2, ... as their footers say, and each picture's page shown by
    its exhibit number, so that a viewer's page box and "go to page" speak of E-001."""
    nums: list = []
    for index in range(len(pdf.pages)):
        if index in labels:
            nums += [index, pikepdf.Dictionary(P=pikepdf.String(labels[index]))]
        elif index == 0 or index - 1 in labels:
            nums += [index, pikepdf.Dictionary(S=pikepdf.Name.D, St=index + 1)]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


class MissingAnchors(logging.Filter):
    """WeasyPrint warns of each link to an anchor it does not have; the pictures' anchors are on the
    pages added here, which link them themselves."""

    def __init__(self, anchors: set[str]):
        super().__init__()
        self.anchors = anchors

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.args and any(str(arg).lstrip("#") in self.anchors for arg in record.args))
