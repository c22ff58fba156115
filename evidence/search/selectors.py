"""Search within one case: who may search it, what they see, and the hits newest first.

A borrower searches their own case, all of it. A lawyer searches a case only through the shares
open to them now, and only what those shares show: the calls and messages on record when the
bundle was made and the bundle's own evidence items (with their recognised text). Anyone else:
no such case (404), as for every other case read.
"""

from dataclasses import dataclass, field

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from evidence.cases.models import Case
from evidence.cases.selectors import cases_visible_to
from evidence.events.models import Event
from evidence.intake.models import EvidenceItem
from evidence.ocr.models import RecognizedText, TextStatus
from evidence.search import excerpts
from evidence.search.backends import SOURCES, text_condition
from evidence.sharing.selectors import shares_open_to

KINDS = ("message", "call", "screenshot_text", "evidence")


@dataclass
class SearchScope:
    """What of one case a caller may search; shares when the caller is a lawyer."""

    case: Case
    shares: list = field(default_factory=list)
    events_until: object = None  # a lawyer: events recorded up to this moment only
    item_ids: set | None = None  # a lawyer: only these items (None: every item of the case)

    def events(self) -> QuerySet[Event]:
        events = Event.objects.filter(case=self.case)
        return events if self.events_until is None else events.filter(created_at__lte=self.events_until)

    def items(self) -> QuerySet[EvidenceItem]:
        items = EvidenceItem.objects.filter(case=self.case)
        return items if self.item_ids is None else items.filter(id__in=self.item_ids)

    def texts(self) -> QuerySet[RecognizedText]:
        texts = RecognizedText.objects.filter(case=self.case, status=TextStatus.DONE)
        return texts if self.item_ids is None else texts.filter(item_id__in=self.item_ids)


def search_scope(user, case_id) -> SearchScope:
    """The caller's view of the case for searching; Http404 when they may not see it at all."""
    case = cases_visible_to(user).filter(id=case_id).first()
    if case is not None:
        return SearchScope(case=case)
    shares = list(shares_open_to(user).filter(case_id=case_id).select_related("bundle", "case"))
    if not shares:
        raise Http404
    return SearchScope(
        case=shares[0].case, shares=shares,
        events_until=max(share.bundle.created_at for share in shares),
        item_ids={entry["id"] for share in shares for entry in share.bundle.items},
    )


def search_rows(scope: SearchScope, query: str) -> QuerySet:
    """(id, at, kind) of every hit, newest first, as one query a paginator can count and slice."""
    case_id = scope.case.id
    events = (scope.events().filter(text_condition("event", query, case_id)).order_by()
              .annotate(at=F("occurred_at")).values_list("id", "at", "kind"))
    texts = (scope.texts().filter(text_condition("text", query, case_id)).order_by()
             .annotate(at=Coalesce("item__occurred_at", "item__received_at"),
                       hit=Value("screenshot_text", CharField()))
             .values_list("item_id", "at", "hit"))
    items = (scope.items().filter(text_condition("item", query, case_id)).order_by()
             .annotate(at=Coalesce("occurred_at", "received_at"), hit=Value("evidence", CharField()))
             .values_list("id", "at", "hit"))
    return events.union(texts, items, all=True).order_by("-at", "-id")


def _first_field(row, fields, pattern) -> tuple[str, str]:
    """(field, its text): the first searched field the query is found in (the first non-empty one else)."""
    for name in fields:
        text = getattr(row, name) or ""
        if excerpts.find(text, pattern):
            return name, text
    return next(((name, getattr(row, name)) for name in fields if getattr(row, name)), (fields[0], ""))


def hits(page: list[tuple], query: str) -> list[dict]:
    """The page's rows as hits: which field matched, an excerpt with the match marked, the time."""
    pattern = excerpts.pattern_of(query)
    ids = {kind: [row[0] for row in page if row[2] in kinds]
           for kind, kinds in (("event", ("call", "message")), ("text", ("screenshot_text",)), ("item", ("evidence",)))}
    events = Event.objects.in_bulk(ids["event"])
    texts = RecognizedText.objects.select_related("item").in_bulk(ids["text"])
    items = EvidenceItem.objects.in_bulk(ids["item"])
    out = []
    for row_id, at, kind in page:
        hit = {"kind": kind, "id": row_id, "item_id": None, "occurred_at": at, "n": None, "side": None,
               "channel": None, "number": None, "name": None}
        if kind in ("call", "message"):
            event = events[row_id]
            name, text = _first_field(event, SOURCES["event"].fields, pattern)
            hit.update(number=event.number or None, channel=event.channel)
        elif kind == "screenshot_text":
            record = texts[row_id]
            name, text = "content", record.content
            hit.update(item_id=record.item_id, name=record.item.original_name or None, **_passage(record, pattern))
        else:
            item = items[row_id]
            name, text = _first_field(item, SOURCES["item"].fields, pattern)
            hit.update(item_id=item.id, name=item.original_name or None)
        hit["excerpt"], hit["match"] = excerpts.excerpt(text, pattern)
        hit["field"] = name
        out.append(hit)
    return out


def _passage(record: RecognizedText, pattern) -> dict:
    """The passage (chat bubble, paragraph) the match lies in: its number and side."""
    for passage in record.passages or []:
        if isinstance(passage, dict) and excerpts.find(str(passage.get("text", "")), pattern):
            return {"n": passage.get("n"), "side": passage.get("side")}
    return {}

