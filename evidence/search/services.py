"""The one write a search makes: the access record, in the custody log and (for a lawyer) the share's log."""

from evidence.custody.services import custody_record
from evidence.search.selectors import SearchScope
from evidence.sharing.models import Access
from evidence.sharing.services import access_record


def search_logged(*, scope: SearchScope, query: str, hits: int, request) -> None:
    """Who searched which case for what, and how many hits they were shown.

    A lawyer's search goes into the access log of every share it read through (the borrower
    sees it there), which also writes it to the custody log; the borrower's own into the custody log.
    """
    details = {"query": query, "hits": hits}
    if scope.shares:
        for share in scope.shares:
            access_record(share=share, what=Access.What.SEARCH, request=request, details=details)
    else:
        custody_record(action="case.searched", request=request, case_id=scope.case.id, details=details)
