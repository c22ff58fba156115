"""The lawyer's web pages (read-only) and the invitation sign-up page, in zh-Hans or English."""

from datetime import datetime

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from evidence.analysis.support import findings_with_support
from evidence.common.errors import EvidenceError
from evidence.events.models import Direction, MessageStatus
from evidence.intake.models import Kind
from evidence.reports.labels import labels_for
from evidence.reports.wording import position_words
from evidence.sharing import api, selectors, services
from evidence.sharing.models import Access

TIMELINE_PAGE = 100


def _open_share(request, share_id):
    return get_object_or_404(selectors.shares_open_to(request.user), id=share_id)


def _in_language(texts: dict) -> str:
    """A {"zh-Hans": ..., "en": ...} text in the page's language."""
    return texts.get("en" if (get_language() or "").startswith("en") else "zh-Hans") or next(iter(texts.values()), "")


def _direction(event: dict) -> str:
    """Received / sent for a message, the call's own words for a call, in the page's language."""
    if event["kind"] == "message":
        return str(MessageStatus.RECEIVED.label if event["direction"] == "in" else MessageStatus.SENT.label)
    return str(Direction(event["direction"]).label) if event["direction"] in Direction.values else event["direction"]


def _when(value):
    """A finding's ISO time as a datetime, so the page shows it in the case's time zone."""
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return value


@login_required
@require_GET
def shared_list(request):
    return render(request, "sharing/shared_list.html", {"shares": selectors.shares_open_to(request.user)})


@login_required
@require_GET
def shared_page(request, share_id):
    share = _open_share(request, share_id)
    services.access_record(share=share, what=Access.What.OPENED, request=request)
    events = Paginator(selectors.shared_events(share).order_by("occurred_at", "id"), TIMELINE_PAGE)
    page = events.get_page(request.GET.get("page"))
    exhibits = list(selectors.shared_items(share).order_by("occurred_at", "received_at", "sha256"))
    # A call's recording is played only when it is one of the bundle's frozen exhibits: the page
    # shows what was shared, and every play goes through the exhibit URL, which logs the access.
    recordings = {item.id: item for item in exhibits if item.kind == Kind.RECORDING}
    recorded = {call.recording_id: call for call in selectors.shared_events(share).filter(
        recording_id__in=list(recordings))}
    words = labels_for(get_language() or "en")
    findings = [
        {"rule": f["rule"], "title": _in_language(f["title"]), "summary": _in_language(f["summary"]),
         "count": f["count"], "first_at": _when(f["first_at"]), "last_at": _when(f["last_at"]), "citation": f["citation"],
         "total": f["support"]["total"], "per_day": f["support"]["per_day"],
         "events": [{**e, "at": _when(e["at"]), "direction_label": _direction(e),
                     "where": position_words(e["source"]["position"], words)} for e in f["support"]["events"]]}
        for f in findings_with_support(share.case, share.bundle.findings)
    ]
    return render(request, "sharing/shared_page.html", {
        "share": share, "case": share.case, "bundle": share.bundle, "findings": findings, "page": page,
        "rows": [(event, recordings.get(event.recording_id)) for event in page],
        "exhibits": [(item, recorded.get(item.id)) for item in exhibits],
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
    return render(request, "sharing/invitation.html", {
        "summary": api.invitation_summary(invitation), "error": error, "values": values})
