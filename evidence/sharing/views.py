"""The lawyer's web pages (read-only) and the invitation sign-up page, in zh-Hans or English.

What the pages print follows the signed report: numbers in E.164 with the borrower's label
("催收方 示例催收公司"), exhibits by their report number (E-003), times in the case's zone.
"""

from datetime import datetime
from typing import NamedTuple

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from evidence.analysis.support import findings_with_support
from evidence.common.errors import EvidenceError
from evidence.events.models import MESSAGE_CHANNELS, Channel, EventKind, direction_label
from evidence.intake.models import Kind
from evidence.reports.labels import labels_for
from evidence.reports.wording import call_length, position_words
from evidence.sharing import api, selectors, services
from evidence.sharing.models import Access
from evidence.storage.backends import get_storage

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


def _open_share(request, share_id):
    return get_object_or_404(selectors.shares_open_to(request.user), id=share_id)


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


@login_required
@require_GET
def shared_list(request):
    return render(request, "sharing/shared_list.html", {"shares": selectors.shares_open_to(request.user)})


@login_required
@require_GET
def shared_page(request, share_id):
    share = _open_share(request, share_id)
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


@login_required
@require_GET
def shared_report(request, share_id):
    share = _open_share(request, share_id)
    services.access_record(share=share, what=Access.What.REPORT, request=request)
    return api._bundle_file(share, "report.pdf", inline=True)


@login_required
@require_GET
def shared_packet(request, share_id):
    share = _open_share(request, share_id)
    if not share.can_download:
        raise Http404("download not allowed")
    services.access_record(share=share, what=Access.What.PACKET, request=request)
    return api._bundle_file(share, "packet.zip", inline=False)


@login_required
@require_GET
def shared_exhibit(request, share_id, item_id):
    view = api.SharedExhibitOriginalApi.as_view()
    return view(request, share_id=share_id, item_id=item_id)


@login_required
@require_GET
def shared_thumbnail(request, share_id, item_id):
    """A picture's small preview on the shared page (rebuildable, derived; the original stays one click away).

    Not logged on its own: the page that shows it is ("opened the shared bundle"), and opening
    the picture itself is logged by the exhibit URL, naming the exhibit.
    """
    share = _open_share(request, share_id)
    item = get_object_or_404(selectors.shared_items(share), id=item_id)
    storage = get_storage()
    if not item.thumbnail or not storage.derived_exists(item.thumbnail):
        raise Http404("no preview")
    response = FileResponse(storage.open_derived(item.thumbnail), content_type="image/webp")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def invitation_page(request, token):
    try:
        invitation = services.invitation_open(token)
    except EvidenceError:
        return render(request, "sharing/invitation_gone.html", status=404)
    error, values = None, {}
    if request.method == "POST":
        values = {"username": request.POST.get("username", "").strip(), "email": request.POST.get("email", "").strip()}
        form = api.AcceptInput(data={**values, "password": request.POST.get("password", "")})
        if request.POST.get("password") != request.POST.get("password2"):
            error = "mismatch"
        elif not form.is_valid():
            error = "invalid"
        else:
            try:
                user = services.invitation_accept(token=token, request=request, **form.validated_data)
            except EvidenceError as failure:
                error = failure.text()
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect("signed-in")
    case = (invitation.share or invitation.invitee).case
    return render(request, "sharing/invitation.html", {
        "summary": api.invitation_summary(invitation), "timezone": case.timezone, "error": error, "values": values})
