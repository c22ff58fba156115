"""Reading the custody log."""

from django.db.models import QuerySet

from evidence.custody.models import CustodyEvent


def custody_for_case(case_id) -> QuerySet[CustodyEvent]:
    """A case's events (its items' included) in the order they happened.

    The caller has already found the case through cases_visible_to(); a case id alone
    carries no permission.
    """
    return CustodyEvent.objects.filter(case_id=case_id).order_by("seq")
