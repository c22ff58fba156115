"""The bundle job: takes a bundle id; a rerun after a crash starts over and finishes once."""

from celery import shared_task

from evidence.reports.services import TRANSIENT_ERRORS, bundle_build


@shared_task(bind=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=5, retry_backoff_max=300, retry_jitter=True,
             max_retries=5)
def build_bundle(self, bundle_id: str) -> None:
    """Verify the originals, render and sign the report, write and sign the packet."""
    bundle_build(bundle_id=bundle_id, tries_left=self.max_retries - self.request.retries)
