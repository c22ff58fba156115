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

from evidence.common.jobs import job_send


def _due(kind: str, job_id) -> bool:
    """Whether this job was not sent again recently (at most once per JOB_RESEND_AFTER)."""
    try:
        return cache.add(f"sweep:{kind}:{job_id}", 1, timeout=settings.JOB_RESEND_AFTER)
    except Exception:  # noqa: BLE001 - a cache that is down must not stop the sweep
        return True


@shared_task
def sweep_jobs() -> dict:
    """Send again what has waited longer than JOB_STALE_AFTER seconds; {kind: number sent}."""
    from evidence.imports.models import Import, Status
    from evidence.imports.tasks import run_import
    from evidence.intake.models import EvidenceItem, Verification
    from evidence.intake.services import processing_enqueue
    from evidence.reports.models import Bundle, BundleStatus
    from evidence.reports.tasks import build_bundle

    before = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER)
    sent = {"imports": 0, "bundles": 0, "items": 0}
    # Queued and never picked up, or running with a worker that stopped beating (it died).
    waiting_imports = Import.objects.filter(
        Q(status=Status.QUEUED, received_at__lt=before) & (Q(started_at__isnull=True) | Q(started_at__lt=before))
        | Q(status=Status.RUNNING, heartbeat_at__lt=before))
    for job_id in waiting_imports.values_list("id", flat=True)[:1000]:
        if _due("import", job_id) and job_send(run_import, str(job_id)):
            sent["imports"] += 1
    waiting_bundles = Bundle.objects.filter(Q(status=BundleStatus.QUEUED, created_at__lt=before)
                                            | Q(status=BundleStatus.RUNNING, heartbeat_at__lt=before))
    for bundle_id in waiting_bundles.values_list("id", flat=True)[:1000]:
        if _due("bundle", bundle_id) and job_send(build_bundle, str(bundle_id)):
            sent["bundles"] += 1
    # An item whose first check never ran: its verify, metadata and thumbnail jobs were never queued.
    unchecked = EvidenceItem.objects.filter(verification=Verification.PENDING, received_at__lt=before)
    for item_id in unchecked.values_list("id", flat=True)[:1000]:
        if _due("item", item_id):
            processing_enqueue(item_id)
            sent["items"] += 1
    # A picture whose text was never read: its job was lost, or the worker reading it died.
    from evidence.ocr.services import READABLE_TYPES
    from evidence.ocr.tasks import recognise_text

    sent["texts"] = 0
    unread = (EvidenceItem.objects.filter(mime__in=list(READABLE_TYPES), received_at__lt=before)
              .exclude(verification=Verification.PENDING)
              .filter(Q(recognized_text__isnull=True) | Q(recognized_text__status="pending")))
    for item_id in unread.values_list("id", flat=True)[:1000]:
        if _due("text", item_id) and job_send(recognise_text, str(item_id)):
            sent["texts"] += 1
    return sent
