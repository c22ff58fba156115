"""Read the text of a stored picture into a RecognizedText row and a derived JSON file.

The original is only read. The derived file, `ocr/<sha256>.json`, holds every line with its
box, the engine and its version and the time it took; it is named by the picture's content, so
a rerun (a retried job, the same screenshot in two cases) reads it instead of the picture again
and gives the same passages. Delete derived files to read everything again with a newer engine.
"""

import json
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps

from evidence.cases.services import case_revise
from evidence.intake.models import EvidenceItem
from evidence.intake.sniffing import IMAGE_TYPES
from evidence.ocr import chat, engine, pdf_pages
from evidence.ocr.engine import Line
from evidence.ocr.models import RecognizedText, Review, TextStatus
from evidence.storage.backends import get_storage, local_original

log = logging.getLogger(__name__)

PDF = "application/pdf"
READABLE_TYPES = {*IMAGE_TYPES, PDF}  # screenshots and photos; a PDF's scanned pages
DERIVED_VERSION = 4  # bump when the JSON's shape or the layout rules change, to read pictures again


# Apps above this one that act once a picture's text is read (near-duplicates compare the messages),
# registered from their AppConfig.ready(); each is called with the item.
_text_read_listeners: list = []


def text_read_register(listener) -> None:
    if listener not in _text_read_listeners:
        _text_read_listeners.append(listener)


def is_readable(item: EvidenceItem) -> bool:
    return item.mime in READABLE_TYPES


def text_pending(item: EvidenceItem) -> None:
    """Say at once that a picture's text is on its way (called when the item is stored)."""
    if is_readable(item):
        RecognizedText.objects.get_or_create(item=item, defaults={"case_id": item.case_id})


def text_recognise(*, item: EvidenceItem) -> RecognizedText | None:
    """Read the picture's text (or load the earlier reading); None for items that are not pictures."""
    if not is_readable(item):
        return None
    record, _ = RecognizedText.objects.get_or_create(item=item, defaults={"case_id": item.case_id})
    if settings.OCR_ENGINE == "none":
        return _store(record, status=TextStatus.UNAVAILABLE, error="ocr_unavailable")
    storage = get_storage()
    name = f"ocr/{item.sha256}.json"
    reading = _load(storage, name)
    if reading is None:
        try:
            reading = _read(item, storage)
        except engine.EngineMissing as missing:
            log.warning("text recognition unavailable: %s", missing)
            return _store(record, status=TextStatus.UNAVAILABLE, error="ocr_unavailable")
        except engine.EngineFailed as failed:
            log.warning("text recognition of %s failed: %s", item.id, failed.code)
            return _store(record, status=TextStatus.FAILED, error=failed.code)
        storage.put_derived(name, json.dumps(reading, ensure_ascii=False, sort_keys=True).encode())
    lines = reading["lines"]
    content = "\n".join(lines[i]["text"] for i in reading["content_lines"])
    changed = record.passages != reading["passages"] or record.status != TextStatus.DONE
    record = _store(record, status=TextStatus.DONE, error="", content=content, lang=_language(content),
                    layout=reading["layout"], title=reading["title"][:200], passages=reading["passages"],
                    engine=reading["engine"], seconds=reading["seconds"], derived=name,
                    recognized_at=timezone.now())
    if changed and any(p["side"] != chat.TIME for p in reading["passages"]):
        with transaction.atomic():
            case_revise(case_id=item.case_id)  # the rules read passages: analyse again
    for listener in _text_read_listeners:
        listener(item)
    return record


def passage_review(*, record: RecognizedText, n: int, review: str | None) -> RecognizedText:
    """The borrower confirms a machine-read passage, dismisses it (the rules then skip it), or clears it."""
    reviews = dict(record.reviews)
    if review is None:
        reviews.pop(str(n), None)
    else:
        reviews[str(n)] = Review(review).value
    with transaction.atomic():
        RecognizedText.objects.filter(pk=record.pk).update(reviews=reviews)
        case_revise(case_id=record.case_id)
    record.reviews = reviews
    return record


def _read(item: EvidenceItem, storage) -> dict:
    if item.mime == PDF:
        return _read_pdf(item, storage)
    version = engine.engine_version()
    with local_original(storage, item.sha256) as path, Image.open(path, formats=[IMAGE_TYPES[item.mime]]) as opened:
        picture = ImageOps.exif_transpose(opened).convert("RGB")
    # Tesseract reads PNG through leptonica; HEIC, WebP and EXIF rotation are settled here.
    with tempfile.NamedTemporaryFile(dir=storage.scratch, prefix="ocr-", suffix=".png") as temp:
        readable = chat.for_reading(picture) if chat.looks_like_phone_screen(picture) else picture
        readable.save(temp, "PNG", compress_level=1)
        temp.flush()
        recognition = engine.recognise(temp.name)
    layout = chat.read_layout(recognition.lines, picture)
    return {
        "version": DERIVED_VERSION,
        "engine": version,
        "seconds": recognition.seconds,
        "width": picture.width,
        "height": picture.height,
        "lines": [line.as_dict() for line in recognition.lines],
        "layout": layout.layout,
        "title": layout.title,
        "passages": [passage.as_dict() for passage in layout.passages],
        "content_lines": layout.content_lines,
    }


def _read_pdf(item: EvidenceItem, storage) -> dict:
    """The PDF's pages without a text layer (scans, photographed letters), each rendered and read
    as paragraphs; a passage says its page. Pages with text of their own are left as they are."""
    version = engine.engine_version()
    lines, passages, content, seconds = [], [], [], 0.0
    with tempfile.TemporaryDirectory(dir=storage.scratch, prefix="ocr-pdf-") as folder:
        pdf = storage.local_copy(item.sha256, Path(folder))
        pages, total = pdf_pages.image_pages(pdf, settings.OCR_PDF_PAGES)
        for page in pages:
            rendered = pdf_pages.render(pdf, page, Path(folder))
            recognition = engine.recognise(str(rendered))
            rendered.unlink()
            seconds += recognition.seconds
            first = len(lines)
            reading = chat.paragraphs(recognition.lines)
            lines += [{**line.as_dict(), "page": page} for line in recognition.lines]
            for passage in reading.passages:
                passages.append({**passage.as_dict(), "n": len(passages) + 1, "page": page,
                                 "lines": [first + i for i in passage.lines]})
            content += [first + i for i in reading.content_lines]
    return {
        "version": DERIVED_VERSION, "engine": version, "seconds": round(seconds, 3), "width": 0, "height": 0,
        "lines": lines, "layout": "text", "title": "", "passages": passages, "content_lines": content,
        "pages": pages, "page_count": total,
    }


def _load(storage, name: str) -> dict | None:
    if not storage.derived_exists(name):
        return None
    with storage.open_derived(name) as stored:
        try:
            reading = json.load(stored)
        except ValueError:
            return None
    return reading if reading.get("version") == DERIVED_VERSION else None


def _store(record: RecognizedText, **values) -> RecognizedText:
    for key, value in values.items():
        setattr(record, key, value)
    record.save(update_fields=list(values))
    return record


def _language(text: str) -> str:
    han = sum(1 for char in text if "\u3400" <= char <= "\u9fff")
    latin = sum(1 for char in text if char.isascii() and char.isalpha())
    if not han and not latin:
        return ""
    return "zh-Hans" if han * 3 >= latin else "en"


def lines_of(record: RecognizedText) -> list[Line]:
    """The recognised lines with their boxes, from the derived file ([] if it is gone)."""
    reading = _load(get_storage(), record.derived) if record.derived else None
    if reading is None:
        return []
    return [Line(text=line["text"], box=tuple(line["box"]), confidence=line["confidence"]) for line in reading["lines"]]
