"""The sweeper: every job still waiting for a worker is sent again, so none is lost.

A job is lost when its message never reached the broker (the broker was down when the upload,
import or bundle was stored), when the broker lost it, or when the worker running it died (its
heartbeat stops: evidence.common.heartbeat). Every job is idempotent and claims
its run by attempt, so sending one twice costs a little work and changes nothing.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from evidence.common.jobs import job_kinds, job_send
from evidence.intake.models import EvidenceItem, Verification
from evidence.intake.services import processing_enqueue
from evidence.ocr.services import READABLE_TYPES
from evidence.ocr.tasks import recognise_text


def _due(kind: str, job_id) -> bool:
    """Whether this job was not sent again recently (at most once per JOB_RESEND_AFTER)."""
    try:
        return cache.add(f"sweep:{kind}:{job_id}", 1, timeout=settings.JOB_RESEND_AFTER)
    except Exception:  # noqa: BLE001 - a cache that is down must not stop the sweep
        return True


@shared_task
def sweep_jobs() -> dict:
    """Send again what has waited longer than JOB_STALE_AFTER seconds; {kind: number sent}."""
    before = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER)
    sent = {}
    # Every long job (imports, bundles, …): queued and never picked up, or running with a worker
    # that stopped beating (it died).
    for kind in job_kinds():
        sent[f"{kind.name}s"] = 0
        for job_id in kind.stale(before).values_list("pk", flat=True)[:1000]:
            if _due(kind.name, job_id) and kind.send(job_id):
                sent[f"{kind.name}s"] += 1
    # An item whose first check never ran: its verify, metadata and thumbnail jobs were never queued.
    sent["items"] = 0
    unchecked = EvidenceItem.objects.filter(verification=Verification.PENDING, received_at__lt=before)
    for item_id in unchecked.values_list("id", flat=True)[:1000]:
        if _due("item", item_id):
            processing_enqueue(item_id)
            sent["items"] += 1
    # A picture whose text was never read: its job was lost, or the worker reading it died.
    sent["texts"] = 0
    unread = (EvidenceItem.objects.filter(mime__in=list(READABLE_TYPES), received_at__lt=before)
              .exclude(verification=Verification.PENDING)
              .filter(Q(recognized_text__isnull=True) | Q(recognized_text__status="pending")))
    for item_id in unread.values_list("id", flat=True)[:1000]:
        if _due("text", item_id) and job_send(recognise_text, str(item_id)):
            sent["texts"] += 1
    return sent
