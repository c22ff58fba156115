"""Post-upload jobs. Each takes an item id, exits quietly if the item is gone, and can rerun."""

from celery import shared_task

from evidence.intake import processing
from evidence.intake.integrity import storage_verify
from evidence.intake.models import EvidenceItem

_RETRY = dict(autoretry_for=(OSError,), retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=5)


def _load(item_id: str) -> EvidenceItem | None:
    return EvidenceItem.objects.select_related("case").filter(id=item_id).first()


@shared_task(**_RETRY)
def verify_original(item_id: str) -> str | None:
    """Re-hash the stored original and mark the item verified (or not)."""
    if item := _load(item_id):
        return processing.original_verify(item=item)
    return None


@shared_task(**_RETRY)
def extract_metadata(item_id: str) -> None:
    """Read EXIF capture time, device and GPS (flagged sensitive) from the original."""
    if item := _load(item_id):
        processing.metadata_extract(item=item)


@shared_task(**_RETRY)
def make_thumbnail(item_id: str) -> None:
    """Make a WebP thumbnail for a picture in derived storage."""
    if item := _load(item_id):
        processing.thumbnail_make(item=item)


@shared_task
def verify_storage_task() -> bool:
    """The periodic storage integrity check (see the beat schedule)."""
    return storage_verify().ok
