from zoneinfo import available_timezones

from evidence.cases.models import DEFAULT_TIMEZONES, Case
from evidence.custody.services import custody_record


def timezone_is_known(name: str) -> bool:
    return name in _TIMEZONES


_TIMEZONES = frozenset(available_timezones())


def case_create(
    *,
    owner,
    title: str,
    jurisdiction: str,
    timezone: str = "",
    lender: str = "",
    lending_app: str = "",
    collection_agency: str = "",
    request=None,
) -> Case:
    """Open a case for a borrower; the time zone defaults to the jurisdiction's."""
    case = Case.objects.create(
        owner=owner,
        title=title,
        jurisdiction=jurisdiction,
        timezone=timezone or DEFAULT_TIMEZONES[jurisdiction],
        lender=lender,
        lending_app=lending_app,
        collection_agency=collection_agency,
    )
    custody_record(action="case.created", actor=owner, request=request, case_id=case.id, details={"title": title})
    return case
