"""Recompute a case's findings when its facts change."""

from celery import shared_task

from evidence.analysis.services import case_analyse
from evidence.common.jobs import job_send

_RETRY = dict(autoretry_for=(OSError,), retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=5)


@shared_task(**_RETRY)
def analyse_case(case_id: str) -> None:
    """Evaluate the rules over the case's calls, messages and third-party contacts."""
    case_analyse(case_id=case_id)


def analyse_when_revised(sender, case_id, **kwargs) -> None:
    """case_revised listener (sent after commit): queue the analysis."""
    job_send(analyse_case, str(case_id))
