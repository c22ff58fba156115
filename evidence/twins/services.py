"""Find a picture's twins in its case: by its look (the perceptual hash) and by its text (the same
messages). Only Twin rows are written; the items, their originals and their numbers never change."""

import logging

from django.db import transaction
from django.db.models import Q
from PIL import Image, ImageOps

from evidence.cases.services import case_revise
from evidence.intake.models import EvidenceItem
from evidence.intake.sniffing import IMAGE_TYPES
from evidence.ocr.models import RecognizedText, TextStatus
from evidence.storage.backends import get_storage, local_original
from evidence.twins.fingerprint import PICTURE_DISTANCE, dhash, different_messages, distance, messages_of, same_messages
from evidence.twins.models import Likeness, PictureFingerprint, Twin

log = logging.getLogger(__name__)


def fingerprint_of(item: EvidenceItem) -> PictureFingerprint | None:
    """The picture's perceptual hash, computed once from the original; None for other items."""
    if item.mime not in IMAGE_TYPES:
        return None
    existing = PictureFingerprint.objects.filter(item=item).first()
    if existing is not None:
        return existing
    with local_original(get_storage(), item.sha256) as path, Image.open(path, formats=[IMAGE_TYPES[item.mime]]) as opened:
        opened.draft("L", (SIZE_HINT, SIZE_HINT))  # a JPEG decodes at 1/8 scale: enough for 17×16
        value = dhash(ImageOps.exif_transpose(opened))
    fingerprint, _ = PictureFingerprint.objects.get_or_create(item=item, defaults={"case_id": item.case_id,
                                                                                  "dhash": value})
    return fingerprint


SIZE_HINT = 256


def _messages(records) -> dict:
    return {record.item_id: messages_of(record.passages, {n for n, r in record.reviews.items() if r == "dismissed"})
            for record in records}


def twins_refresh(*, item: EvidenceItem) -> list[Twin]:
    """Compare the picture with every other picture of its case; keep the twins found (both ways)."""
    fingerprint = fingerprint_of(item)
    if fingerprint is None:
        return []
    texts = _messages(RecognizedText.objects.filter(case_id=item.case_id, status=TextStatus.DONE)
                      .only("item_id", "passages", "reviews"))
    mine = texts.get(item.id, frozenset())
    found = []
    others = (PictureFingerprint.objects.filter(case_id=item.case_id).exclude(item_id=item.id)
              .values_list("item_id", "dhash"))
    for other_id, other_hash in others:
        theirs = texts.get(other_id, frozenset())
        apart = distance(fingerprint.dhash, other_hash)
        if apart <= PICTURE_DISTANCE and not different_messages(mine, theirs):
            found.append((other_id, Likeness.PICTURE, apart))
        elif same_messages(mine, theirs):
            found.append((other_id, Likeness.TEXT, 0))
    rows = []
    for other_id, how, apart in found:
        rows.append(Twin(case_id=item.case_id, item_id=item.id, other_id=other_id, how=how, distance=apart))
        rows.append(Twin(case_id=item.case_id, item_id=other_id, other_id=item.id, how=how, distance=apart))
    pairs = lambda twins: {(t.item_id, t.other_id, t.how) for t in twins}  # noqa: E731
    with transaction.atomic():
        current = Twin.objects.filter(Q(item=item) | Q(other=item))
        changed = pairs(current) != pairs(rows)
        current.delete()
        Twin.objects.bulk_create(rows, ignore_conflicts=True)
        if changed:
            case_revise(case_id=item.case_id)  # the rules count a message kept in twins once
    if found:
        log.info("picture %s has %d twin(s) in its case", item.id, len(found))
    return rows[::2]


def twins_refresh_after_text(item: EvidenceItem) -> None:
    """Once a picture's text is read: compare again, now by its messages too (crops)."""
    twins_refresh(item=item)
