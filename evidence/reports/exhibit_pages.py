"""The exhibit pages, assembled the way img2pdf assembles pages, and everything joined into one PDF.

WeasyPrint lays out the text pages only (cover, summary, findings, exhibit list, other exhibits,
submissions, method, certification). The logs' pages (calls, messages, custody: log_pages.py) are
drawn and put in their places among them. Each picture then gets a page of its own at the end,
built here without any layout engine: the picture drawn from its original bytes (images.py), a
caption drawn as a small text layer (textlayer.py: number, title, times, source, size, SHA-256),
the running title and the footer. Then the joins a reader relies on: every page's "page N / M"
(N of all pages), the exhibit list's page column, links from the list and the findings to each
picture's page and each log row, bookmarks for the logs and each picture, and page labels that
name a picture's page by its exhibit number.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from . import log_pages
from .images import PictureImages, place
from .log_pages import LogSection
from .logtable import MONO_FAMILY
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
    """What the laid-out text pages tell: links to what is drawn here, the exhibit list's page cells,
    and where the exhibits laid out with the text are."""

    count: int
    height_px: float
    links: tuple[tuple[int, str, tuple[float, float, float, float]], ...]  # page, anchor, CSS px rectangle
    pagerefs: dict[str, tuple[int, tuple[float, float, float, float]]]  # anchor -> page, rectangle of its cell
    anchors: dict[str, int] = field(default_factory=dict)  # exhibit anchor -> page, of exhibits among the text


def append(source: Path, out_path: Path, pictures: list[Picture], text: TextPages, words: Words,
           scratch: Path, logs: list[tuple[int, LogSection]] = ()) -> None:
    """Write `source` (the text pages) to `out_path` with the logs' pages among them, the picture
    pages after them, and the joins.

    logs: each log with the index of the text page it goes before, in the report's order.
    """
    sans, mono = log_pages.characters([section for _, section in logs])
    faces = log_pages.Faces(sans=Face(_characters(pictures, words) + sans),
                            mono=Face(mono, family=MONO_FAMILY, resource="/Log"))
    drawn = [(before, log_pages.section_pages(section, faces)) for before, section in logs]
    total = text.count + sum(len(pages) for _, pages in drawn) + len(pictures)
    first = total - len(pictures)  # page index of the first picture

    def final(index: int) -> int:
        """Where text page `index` ends up, after the logs' pages before it."""
        return index + sum(len(pages) for before, pages in drawn if before <= index)

    with pikepdf.open(source) as pdf, PictureImages(pdf, scratch) as images:
        fonts = {face.resource: face.embed(pdf) for face in (faces.sans, faces.mono)}
        destinations, sections = {}, []
        at = 0
        for before, pages in drawn:
            for log_page in pages:
                page = pikepdf.Page(pdf.make_indirect(pikepdf.Dictionary(
                    Type=pikepdf.Name.Page, MediaBox=pikepdf.Array([0, 0, *A4]))))
                pdf.pages.insert(before + at, page)
                index = before + at
                at += 1
                page = pdf.pages[index]
                _frame(log_page.canvas, words, number=index + 1, total=total)
                _finish(pdf, page, log_page.canvas, fonts)
                destinations |= {anchor: (page, y) for anchor, y in log_page.destinations}
                if log_page.bookmark:
                    sections.append((log_page.bookmark, index))
        for n, picture in enumerate(pictures):
            page = pdf.add_blank_page(page_size=A4)
            canvas = Canvas(faces.sans)
            _caption_page(canvas, images, page, picture, words)
            _frame(canvas, words, number=first + n + 1, total=total)
            _finish(pdf, page, canvas, fonts)
        page_of = {p.anchor: first + n for n, p in enumerate(pictures)}
        page_of |= {anchor: final(index) for anchor, index in text.anchors.items()}
        for index in range(text.count):  # the text pages' numbers and their page column
            at = final(index)
            page, canvas = pdf.pages[at], Canvas(faces.sans)
            canvas.text(A4[0] - RIGHT, BOTTOM / 2 - FOOT_PT / 3, words.page.format(n=at + 1, total=total),
                        FOOT_PT, "#2b333b", align="right")
            for anchor, (on, (x1, _y1, x2, y2)) in text.pagerefs.items():
                if on == index and anchor in page_of:
                    size = 10.5
                    canvas.text(((x1 + x2) / 2) * PT_PER_PX + faces.sans.width(str(page_of[anchor] + 1), size) / 2,
                                A4[1] - y2 * PT_PER_PX, str(page_of[anchor] + 1), size, BLUE,
                                align="right")
            _finish(pdf, page, canvas, fonts)
        _name(pdf, destinations)
        for index, anchor, rect in text.links:
            if anchor in destinations:
                _link(pdf, pdf.pages[final(index)], rect, pikepdf.String(anchor))
            elif anchor in page_of:
                _link(pdf, pdf.pages[final(index)], rect, _top(pdf.pages[page_of[anchor]]))
        for anchor, (index, rect) in text.pagerefs.items():
            if anchor in page_of and anchor not in text.anchors:  # those among the text link themselves
                _link(pdf, pdf.pages[final(index)], rect, _top(pdf.pages[page_of[anchor]]))
        _bookmarks(pdf, pictures, first, words, sections)
        if pictures:
            _labels(pdf, {first + n: p.number for n, p in enumerate(pictures)})
        pdf.save(out_path)


def _characters(pictures: list[Picture], words: Words) -> str:
    """Every character the layer may draw, for the font's subset."""
    parts = [words.running_title, words.footer_hash, words.page, words.original, "0123456789"]
    for p in pictures:
        parts += [p.number, p.title, *p.lines, p.sha256, p.warning]
    return "".join(parts)


def _caption_page(canvas: Canvas, images: "PictureImages", page: pikepdf.Page, p: Picture, words: Words) -> None:
    """The caption and the picture in a thin frame."""
    face = canvas.face
    width = CONTENT_W * PT_PER_MM
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


def _frame(canvas: Canvas, words: Words, number: int, total: int) -> None:
    """What a drawn page has around its content, as the laid-out pages: the running title, the set's
    hash and the page number."""
    canvas.text(LEFT, A4[1] - TOP / 2 - HEAD_PT / 3, words.running_title, HEAD_PT, GREY)
    canvas.text(LEFT, BOTTOM / 2 - HEAD_PT / 3, words.footer_hash, HEAD_PT, GREY)
    canvas.text(A4[0] - RIGHT, BOTTOM / 2 - FOOT_PT / 3, words.page.format(n=number, total=total), FOOT_PT,
                "#2b333b", align="right")


def _finish(pdf: pikepdf.Pdf, page: pikepdf.Page, canvas: Canvas, fonts: dict[str, pikepdf.Object]) -> None:
    """Put the canvas on the page, over what is there, with the fonts it draws with."""
    for resource in canvas.faces:
        page.add_resource(fonts[resource], pikepdf.Name.Font, pikepdf.Name(resource))
    if "/Contents" in page.obj:
        page.contents_add(b"q\n", prepend=True)  # whatever the page left in the graphics state ends here
        page.contents_add(b"\nQ\n" + canvas.stream())
    else:
        page.obj.Contents = pdf.make_stream(canvas.stream())


def _top(page: pikepdf.Page) -> pikepdf.Array:
    """A destination: the top of `page`."""
    return pikepdf.Array([page.obj, pikepdf.Name.XYZ, 0, A4[1], 0])


def _name(pdf: pikepdf.Pdf, destinations: dict[str, tuple[pikepdf.Page, float]]) -> None:
    """Named destinations (the logs' rows, at their tops), beside those of the laid-out pages."""
    if not destinations:
        return
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    if "/Dests" not in pdf.Root.Names:
        pdf.Root.Names.Dests = pikepdf.NameTree.new(pdf).obj
    tree = pikepdf.NameTree(pdf.Root.Names.Dests)
    for anchor, (page, y) in destinations.items():
        tree[anchor] = pikepdf.Array([page.obj, pikepdf.Name.XYZ, 0, round(y, 2), 0])


def _link(pdf: pikepdf.Pdf, page: pikepdf.Page, rect: tuple[float, float, float, float],
          dest: pikepdf.Object) -> None:
    """A link annotation over `rect` (CSS px on `page`) to `dest`, a destination or its name."""
    x1, y1, x2, y2 = rect
    height = float(page.mediabox[3])
    annotation = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Border=pikepdf.Array([0, 0, 0]),
        Rect=pikepdf.Array([x1 * PT_PER_PX, height - y2 * PT_PER_PX, x2 * PT_PER_PX, height - y1 * PT_PER_PX]),
        Dest=dest,
    ))
    if "/Annots" not in page.obj:
        page.obj.Annots = pikepdf.Array()
    page.obj.Annots.append(annotation)


def _bookmarks(pdf: pikepdf.Pdf, pictures: list[Picture], first: int, words: Words,
               sections: list[tuple[str, int]]) -> None:
    """A bookmark for each drawn log, among the laid-out sections' (under the title's, where
    WeasyPrint put them), and one per picture page, under one for them all."""
    pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    with pdf.open_outline() as outline:
        level = outline.root
        if len(level) == 1 and level[0].children:  # the report's title, its sections under it
            level = level[0].children

        def page_of(item: pikepdf.OutlineItem) -> int:
            dest = item.destination
            if dest is None and item.action is not None:
                dest = item.action.get("/D")
            return pages.get(dest[0].objgen, 0) if isinstance(dest, pikepdf.Array) and len(dest) else 0

        for title, index in sections:
            at = next((k for k, item in enumerate(level) if page_of(item) > index), len(level))
            level.insert(at, pikepdf.OutlineItem(title, index))
        if pictures:
            parent = pikepdf.OutlineItem(words.bookmark, first)
            parent.children.extend(pikepdf.OutlineItem(f"{p.number} {p.title}", first + n)
                                   for n, p in enumerate(pictures))
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
