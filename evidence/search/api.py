"""GET /api/cases/{id}/search/?q=: messages, call notes, text read in pictures and item descriptions."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import APIView

from evidence.common.errors import SearchQueryMissing, SearchQueryTooLong
from evidence.common.schema import PAGE, paginated
from evidence.search.selectors import KINDS, hits, search_rows, search_scope
from evidence.search.services import search_logged

QUERY_MAX = 100
HIT_KINDS = [(kind, kind) for kind in KINDS]  # named SearchHitKindEnum in the schema


class SearchHit(serializers.Serializer):
    """One place in the case where the query was found. Fields that do not apply are null."""

    kind = serializers.ChoiceField(choices=HIT_KINDS, help_text="message, call, screenshot_text (text read in a "
                                                            "picture, machine-read) or evidence (an item's own words).")
    id = serializers.UUIDField(help_text="The call's or message's id; for the other kinds, the item's.")
    item_id = serializers.UUIDField(allow_null=True, help_text="The evidence item to open (screenshot_text, evidence).")
    field = serializers.CharField(help_text="Where it was found: body, note, content, original_name, summary, purpose.")
    excerpt = serializers.CharField(help_text="About 40 characters around the first match, plain text, "
                                              "'…' where cut; line breaks read as spaces.")
    match = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=2, max_length=2),
        help_text="[[start, end], …]: each match inside the excerpt, in Unicode code points (JavaScript: "
                  "Array.from(excerpt)), end exclusive. Empty if the match could not be placed.")
    occurred_at = serializers.DateTimeField(help_text="When the call or message happened; for items, when the "
                                                      "picture or file was made, or received if that is unknown.")
    n = serializers.IntegerField(allow_null=True, help_text="screenshot_text: the passage (chat bubble, paragraph) "
                                                           "the match lies in, as numbered in the item's text.")
    side = serializers.CharField(allow_null=True, help_text="screenshot_text: that passage's side "
                                                            "(theirs, mine, time, unknown).")
    channel = serializers.CharField(allow_null=True, help_text="Calls and messages: sms, wechat, phone, …")
    number = serializers.CharField(allow_null=True, help_text="Calls and messages: the number as written.")
    name = serializers.CharField(allow_null=True, help_text="Items: the file's name as received.")


def query_of(request) -> str:
    query = request.query_params.get("q", "").replace("\x00", "").strip()
    if not query:
        raise SearchQueryMissing()
    if len(query) > QUERY_MAX:
        raise SearchQueryTooLong(limit=QUERY_MAX, length=len(query))
    return query


class CaseSearchApi(APIView):
    """Search one case: message bodies, call and message notes, text read in screenshots and photos
    (machine-read), and evidence items' names, notes, purposes and summaries. Newest first.

    Matching is by substring, case-insensitive, so Chinese needs no spaces: 法院 finds 起诉到法院.
    The borrower searches their own case; a lawyer, what the shares open to them show. Every
    search is written to the custody log (and to the share's access log for a lawyer).
    """

    @extend_schema(
        operation_id="cases_search_list",
        parameters=[
            OpenApiParameter("q", {"type": "string", "minLength": 1, "maxLength": QUERY_MAX}, required=True,
                             description="What to look for: 1–100 characters once spaces at either end are "
                                         "dropped (400 query_missing, query_too_long)."),
            PAGE,
        ],
        responses=paginated(SearchHit),
    )
    def get(self, request, case_id):
        scope = search_scope(request.user, case_id)
        query = query_of(request)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(search_rows(scope, query), request, view=self)
        search_logged(scope=scope, query=query, hits=paginator.page.paginator.count, request=request)
        return paginator.get_paginated_response(SearchHit(hits(page, query), many=True).data)
