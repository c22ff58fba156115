"""Comparing a stored picture with the case's others: idempotent, rerun-safe."""

from celery import shared_task

from evidence.intake.models import EvidenceItem
from evidence.twins.services import twins_refresh

_RETRY = dict(autoretry_for=(OSError,), retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=5)


@shared_task(**_RETRY)
def find_twins(item_id: str) -> int | None:
    """Flag the pictures of the item's case that are the same screenshot (never merge them)."""
    item = EvidenceItem.objects.filter(id=item_id).first()
    if item is None:
        return None
    return len(twins_refresh(item=item))
