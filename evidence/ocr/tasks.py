"""Text recognition as a job after upload: idempotent, rerun-safe, bounded in time."""

from celery import shared_task
from django.conf import settings

from evidence.intake.models import EvidenceItem
from evidence.ocr.services import text_recognise

_RETRY = dict(autoretry_for=(OSError,), retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=5)


@shared_task(soft_time_limit=settings.OCR_TIME_LIMIT + 60, time_limit=settings.OCR_TIME_LIMIT + 90, **_RETRY)
def recognise_text(item_id: str) -> str | None:
    """Read a screenshot's or photo's text (Chinese and English) into its RecognizedText."""
    item = EvidenceItem.objects.filter(id=item_id).first()
    if item is None:
        return None
    record = text_recognise(item=item)
    return record.status if record else None
