"""The import job: takes an import id, and can run again after a crash without harm."""

from celery import shared_task
from django.conf import settings

from evidence.imports.services import TRANSIENT_ERRORS, import_run


@shared_task(
    bind=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=5,
    soft_time_limit=settings.IMPORT_SOFT_TIME_LIMIT, time_limit=settings.IMPORT_SOFT_TIME_LIMIT + 60,
)
def run_import(self, import_id: str) -> None:
    """Parse a stored phone export into the case's calls and messages."""
    import_run(import_id=import_id, tries_left=self.max_retries - self.request.retries)
