"""Work done on an original after it is stored: re-check, read metadata, make a thumbnail.

Each step is idempotent and only ever writes derived data: the original is read, never
changed.
"""

import io
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import mutagen
from django.conf import settings
from django.utils import timezone
from PIL import ExifTags, Image, ImageOps

from evidence.custody.services import custody_record
from evidence.intake.models import EvidenceItem, TimeSource, Verification
from evidence.intake.sniffing import IMAGE_TYPES
from evidence.storage.backends import get_storage, local_original, sha256_of_stream

log = logging.getLogger(__name__)

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
KEPT_FROM_INTAKE = ("filename",)  # metadata keys evidence_ingest set from the upload, not the bytes


def original_verify(*, item: EvidenceItem) -> str:
    """Re-hash the stored original and record whether it still matches."""
    storage = get_storage()
    if not storage.exists(item.sha256):
        result = Verification.MISSING
    else:
        with storage.open(item.sha256) as original:
            digest, size = sha256_of_stream(original)
        result = Verification.OK if (digest, size) == (item.sha256, item.size) else Verification.MISMATCH
    item.verification = result
    item.verified_at = timezone.now()
    item.save(update_fields=["verification", "verified_at"])
    custody_record(action="evidence.verified", case_id=item.case_id, item_id=item.id, sha256=item.sha256, details={"result": result})
    if result != Verification.OK:
        log.error("evidence %s: stored original %s", item.id, result)
    return result


def metadata_extract(*, item: EvidenceItem) -> dict:
    """Read capture time, device and location from the original into item.metadata."""
    if item.mime in IMAGE_TYPES or item.mime.startswith(("audio/", "video/")):
        with local_original(get_storage(), item.sha256) as original:
            path = str(original)
            metadata = _image_metadata(path) if item.mime in IMAGE_TYPES else _media_metadata(path)
    else:
        metadata = {}
    # What intake read from the file name is not in the bytes: re-reading them must not lose it.
    metadata = {**{key: item.metadata[key] for key in KEPT_FROM_INTAKE if key in item.metadata}, **metadata}
    item.metadata = metadata
    item.has_sensitive_metadata = "gps" in metadata
    fields = ["metadata", "has_sensitive_metadata"]
    captured = _capture_time(metadata, item.case.timezone)
    # A capture time written by the camera beats a file date the phone reported or a time in
    # the file's name, but never a time the borrower typed on purpose. No capture time
    # changes nothing: a recording keeps the time its name gave.
    if captured and item.occurred_at_source in (TimeSource.UNKNOWN, TimeSource.CLIENT, TimeSource.FILENAME):
        item.occurred_at, item.occurred_at_source = captured, TimeSource.EXIF
        fields += ["occurred_at", "occurred_at_source"]
    item.save(update_fields=fields)
    return metadata


def thumbnail_make(*, item: EvidenceItem) -> str:
    """Write a WebP thumbnail of a picture to derived storage; returns its name or ''."""
    if item.mime not in IMAGE_TYPES:
        return ""
    storage = get_storage()
    name = f"thumbnails/{item.sha256}.webp"
    if not storage.derived_exists(name):
        size = settings.THUMBNAIL_SIZE
        with local_original(storage, item.sha256) as path, Image.open(path, formats=[IMAGE_TYPES[item.mime]]) as image:
            image.draft("RGB", (size, size))
            image = ImageOps.exif_transpose(image)
            image.thumbnail((size, size))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "WEBP", quality=80)
        storage.put_derived(name, buffer.getvalue())
    if item.thumbnail != name:
        item.thumbnail = name
        item.save(update_fields=["thumbnail"])
    return name


def _image_metadata(path: str) -> dict:
    with Image.open(path) as image:
        metadata: dict = {"width": image.width, "height": image.height, "format": image.format}
        exif = image.getexif()
    base = {ExifTags.TAGS.get(tag, str(tag)): value for tag, value in exif.items()}
    details = {ExifTags.TAGS.get(tag, str(tag)): value for tag, value in exif.get_ifd(_EXIF_IFD).items()}
    for key in ("Make", "Model", "Software", "DateTime"):
        if base.get(key):
            metadata[key.lower()] = _text(base[key])
    for key in ("DateTimeOriginal", "OffsetTimeOriginal", "DateTimeDigitized"):
        if details.get(key):
            metadata[key[0].lower() + key[1:]] = _text(details[key])
    gps = exif.get_ifd(_GPS_IFD)
    if gps:
        # Kept as evidence (it can place the phone), but flagged: sharing it exposes where
        # the borrower lives.
        metadata["gps"] = {ExifTags.GPSTAGS.get(tag, str(tag)): _jsonable(value) for tag, value in gps.items()}
    return metadata


def _media_metadata(path: str) -> dict:
    try:
        media = mutagen.File(path)
    except Exception:  # mutagen raises many types for files it half understands
        log.info("no readable audio metadata in %s", path, exc_info=True)
        return {}
    if media is None or media.info is None:
        return {}
    metadata = {"duration_s": round(float(getattr(media.info, "length", 0) or 0), 3)}
    for attribute in ("bitrate", "sample_rate", "channels"):
        if getattr(media.info, attribute, None):
            metadata[attribute] = int(getattr(media.info, attribute))
    return metadata


def _capture_time(metadata: dict, case_timezone: str) -> datetime | None:
    raw = metadata.get("dateTimeOriginal")
    if not raw:
        return None
    try:
        naive = datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = metadata.get("offsetTimeOriginal", "")
    try:
        if offset:
            return datetime.fromisoformat(naive.isoformat() + offset.strip())
    except ValueError:
        pass
    # EXIF times carry no zone unless OffsetTimeOriginal is set: read them in the case's.
    return naive.replace(tzinfo=ZoneInfo(case_timezone))


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return str(value).strip("\x00 ")[:200]


def _jsonable(value):
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    try:
        return float(value) if not isinstance(value, (int, str)) else value
    except (TypeError, ValueError):
        return str(value)
