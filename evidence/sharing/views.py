"""The lawyer's web pages (read-only) and the invitation sign-up page, in zh-Hans or English.

What the pages print follows the signed report: numbers in E.164 with the borrower's label
("催收方 示例催收公司"), exhibits by their report number (E-003), times in the case's zone.

They find the share, check its scope and serve its files through the same selectors and
evidence.sharing.downloads as /api/shared/, and refuse as it does: 404 for a share that is not
the lawyer's (any more), 403 for a download from a view-only share, here as a page that says so.
"""

from datetime import datetime
from functools import wraps
from typing import NamedTuple

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from evidence.analysis.support import findings_with_support
from evidence.common.errors import EvidenceError, NotFound
from evidence.events.models import MESSAGE_CHANNELS, Channel, EventKind, direction_label
from evidence.intake.models import Kind
from evidence.reports.labels import labels_for
from evidence.reports.wording import call_length, position_words
from evidence.sharing import downloads, selectors, services
from evidence.sharing.models import Access
from evidence.sharing.selectors import DownloadNotAllowed

TIMELINE_PAGE = 100
BODY_CHARS = 300
PICTURES = ("image/png", "image/jpeg", "image/webp")  # what the exhibit URL serves inline


class EventWords(NamedTuple):
    what: str  # 通话, 短信, 微信 …
    how: str  # 呼入, 呼出, 未接 … for a call; 收到, 发出 for a message

    def __str__(self):
        return f"{self.what} · {self.how}"


def _direction(kind: str, channel: str, direction: str) -> EventWords:
    """The one place these pages name an event: what it was and which way it went.

    The direction comes from the events' own table for its kind (direction_label), so a message
    reads 收到/发出 and a call 呼入/呼出/未接/拒接/已拦截/语音信箱: an SMS never reads "来电".
    """
    if kind == EventKind.MESSAGE:
        what = Channel(channel).label if channel in MESSAGE_CHANNELS and channel != Channel.OTHER else EventKind.MESSAGE.label
    elif channel == Channel.WECHAT:
        what = pgettext("event", "WeChat call")
    elif channel == Channel.VISIT:
        what = Channel.VISIT.label
    else:
        what = EventKind.CALL.label
    return EventWords(str(what), direction_label(kind, direction))


def lawyer_page(view):
    """A lawyer's page: signed in, GET only, and the shared selectors' refusals answered as pages.

    NotFound is Django's 404 (a share that is not the lawyer's, revoked or expired, an exhibit not in
    it); DownloadNotAllowed is the 403 page saying the borrower shared the case to view only.
    """
    @wraps(view)
    def page(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404("not shared with you") from None
        except DownloadNotAllowed as refusal:
            share = refusal.share
            return render(request, "sharing/download_not_allowed.html", {
                "share": share, "case": share.case, "code": refusal.code}, status=403)

    return login_required(require_GET(page))


def _in_language(texts: dict) -> str:
    """A {"zh-Hans": ..., "en": ...} text in the page's language."""
    return texts.get("en" if (get_language() or "").startswith("en") else "zh-Hans") or next(iter(texts.values()), "")


def _when(value):
    """A finding's ISO time as a datetime, so the page shows it in the case's time zone."""
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


class _Shown:
    """What every row of a shared page needs, read once: the labels, the exhibits and their numbers."""

    def __init__(self, share):
        self.share = share
        self.words = labels_for(get_language() or "en")
        self.labels = {label.number: label for label in share.case.number_labels.all()}
        self.exhibits = selectors.shared_exhibits(share)
        self.items = {str(item.id): (number, item) for number, item in self.exhibits}

    def url(self, item_id) -> str:
        return reverse("shared-exhibit-page", args=[self.share.id, item_id])

    def who(self, number: str) -> str:
        """The borrower's label of a number, worded as the report prints it: '催收方 示例催收公司'."""
        label = self.labels.get(number)
        if label is None:
            return ""
        return f"{self.words['roles'].get(label.role, label.role)} {label.name}".strip()

    def role(self, number: str) -> str:
        label = self.labels.get(number)
        return label.role if label else ""

    def source(self, item_id, position: str) -> dict | None:
        """Where a record was read: the exhibit (linked when the share shows it) and the line in it."""
        if not item_id:
            return None
        number, item = self.items.get(str(item_id), ("", None))
        return {"exhibit": number, "name": item.original_name if item else "", "where": position_words(position, self.words),
                "url": self.url(item.id) if item else ""}

    def recording(self, item_id) -> dict | None:
        number, item = self.items.get(str(item_id), ("", None)) if item_id else ("", None)
        if item is None or item.kind != Kind.RECORDING:
            return None  # only one of the bundle's frozen exhibits: every play goes through the logged URL
        return {"exhibit": number, "name": item.original_name or item.sha256[:12], "url": self.url(item.id)}

    def row(self, *, id, at, kind, channel, direction, number, duration, text, source_item, position,
            recording=None) -> dict:
        """One call or message as the tables show it."""
        if kind == EventKind.CALL:
            detail = call_length(direction, duration, self.words)
        else:
            detail = text if len(text) <= BODY_CHARS else text[: BODY_CHARS - 1] + "…"
        return {"id": str(id), "at": at, "kind": kind, "direction": direction,
                "words": _direction(kind, channel, direction), "number": number, "who": self.who(number),
                "role": self.role(number),
                "detail": detail, "note": text if kind == EventKind.CALL else "",
                "source": self.source(source_item, position), "recording": self.recording(recording)}

    def event_row(self, event) -> dict:
        return self.row(id=event.id, at=event.occurred_at, kind=event.kind, channel=event.channel,
                        direction=event.direction, number=event.number_normalized, duration=event.duration_s,
                        text=event.body if event.kind == EventKind.MESSAGE else event.note,
                        source_item=event.source_item_id, position=event.source_position,
                        recording=event.recording_id)

    def support_row(self, event: dict) -> dict:
        return self.row(id=event["id"], at=_when(event["at"]), kind=event["kind"], channel=event["channel"],
                        direction=event["direction"], number=event["number"], duration=event["duration_s"],
                        text=event["excerpt"], source_item=event["source"]["item"],
                        position=event["source"]["position"])


def _exhibit(shown: _Shown, number: str, item, call) -> dict:
    picture = item.kind in (Kind.SCREENSHOT, Kind.PHOTO) and item.mime in PICTURES
    thumbnail = reverse("shared-thumbnail-page", args=[shown.share.id, item.id]) if picture and item.thumbnail else ""
    return {"number": number, "item": item, "url": shown.url(item.id), "name": item.original_name or item.get_kind_display(),
            "picture": picture, "preview": thumbnail or shown.url(item.id),
            "audio": item.kind == Kind.RECORDING or item.mime.startswith("audio/"),
            "call": shown.event_row(call) if call else None}


@lawyer_page
def shared_list(request):
    return render(request, "sharing/shared_list.html", {"shares": selectors.shares_open_to(request.user)})


@lawyer_page
def shared_page(request, share_id):
    share = selectors.share_open_to(request.user, share_id)
    services.access_record(share=share, what=Access.What.OPENED, request=request)
    shown = _Shown(share)
    events = selectors.shared_events(share)
    page = Paginator(events.order_by("occurred_at", "id"), TIMELINE_PAGE).get_page(request.GET.get("page"))
    recordings = [item.id for _number, item in shown.exhibits if item.kind == Kind.RECORDING]
    recorded = {call.recording_id: call for call in events.filter(recording_id__in=recordings)}
    findings = [
        {"rule": f["rule"], "title": _in_language(f["title"]), "summary": _in_language(f["summary"]),
         "count": f["count"], "first_at": _when(f["first_at"]), "last_at": _when(f["last_at"]), "citation": f["citation"],
         "total": f["support"]["total"], "per_day": f["support"]["per_day"],
         "events": [shown.support_row(e) for e in f["support"]["events"]]}
        for f in findings_with_support(share.case, share.bundle.findings)
    ]
    return render(request, "sharing/shared_page.html", {
        "share": share, "case": share.case, "bundle": share.bundle, "findings": findings, "page": page,
        "rows": [shown.event_row(event) for event in page],
        "exhibits": [_exhibit(shown, number, item, recorded.get(item.id)) for number, item in shown.exhibits],
    })


@lawyer_page
def shared_report(request, share_id):
    share = selectors.share_open_to(request.user, share_id)
    return downloads.shared_file(share, Access.What.REPORT, request=request)


@lawyer_page
def shared_packet(request, share_id):
    share = selectors.share_open_to(request.user, share_id)
    return downloads.shared_file(share, Access.What.PACKET, request=request)


@lawyer_page
def shared_exhibit(request, share_id, item_id):
    share = selectors.share_open_to(request.user, share_id)
    item = selectors.shared_item(share, item_id)
    return downloads.shared_file(share, Access.What.ORIGINAL, request=request, item=item)


@lawyer_page
def shared_thumbnail(request, share_id, item_id):
    """A picture's small preview on the shared page (rebuildable, derived; the original stays one click away).

    Not logged on its own: the page that shows it is ("opened the shared bundle"), and opening
    the picture itself is logged by the exhibit URL, naming the exhibit.
    """
    share = selectors.share_open_to(request.user, share_id)
    return downloads.shared_thumbnail(selectors.shared_item(share, item_id))


@require_http_methods(["GET", "POST"])
def invitation_page(request, token):
    try:
        invitation = services.invitation_open(token)
    except EvidenceError:
        return render(request, "sharing/invitation_gone.html", status=404)
    error, values = None, {}
    if request.method == "POST":
        values = {"username": request.POST.get("username", "").strip(), "email": request.POST.get("email", "").strip()}
        password = request.POST.get("password", "")
        if password != request.POST.get("password2"):
            error = gettext("The two passwords differ.")
        else:
            try:
                user = services.invitation_accept(token=token, request=request, password=password, **values)
            except EvidenceError as failure:
                error = failure.text()
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect("signed-in")
    case = (invitation.share or invitation.invitee).case
    return render(request, "sharing/invitation.html", {
        "summary": selectors.invitation_summary(invitation), "timezone": case.timezone, "error": error,
        "values": values})
