"""Report sections whose data live in apps above reports.

Apps lower in the stack never import higher ones, so reports cannot ask the submissions app
directly. Instead that app registers a provider here from its AppConfig.ready(); with none
registered, the report simply has no such section.
"""

from collections.abc import Callable
from datetime import datetime

from evidence.cases.models import Case
from evidence.reports.content import SubmissionRow

# provider(case=..., until=...) -> the case's submissions as recorded up to `until`.
SubmissionsProvider = Callable[..., list[SubmissionRow]]

_submissions_providers: list[SubmissionsProvider] = []


def register_submissions_provider(provider: SubmissionsProvider) -> None:
    """Add a source of submission rows; registering the same one again changes nothing."""
    if provider not in _submissions_providers:
        _submissions_providers.append(provider)


def submissions_for(case: Case, *, until: datetime) -> list[SubmissionRow]:
    """Every registered provider's rows for the case, oldest submission first."""
    rows = [row for provider in _submissions_providers for row in provider(case=case, until=until)]
    return sorted(rows, key=lambda row: (row.submitted_at, row.authority, row.reference))
