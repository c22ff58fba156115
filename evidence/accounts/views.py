"""The web page where anyone signed in (a lawyer above all) turns two-factor sign-in on or off."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from evidence.accounts import services
from evidence.accounts.selectors import totp_is_enabled
from evidence.common.errors import EvidenceError


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    user, context = request.user, {}
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "start":
            enrolment = services.totp_enrol(user=user)
            context["enrolment"] = {"secret": enrolment.secret, "qr": mark_safe(enrolment.qr_svg)}  # segno's own SVG
        elif action == "confirm":
            services.totp_confirm(user=user, code=request.POST.get("code", ""), request=request)
            context["message"] = "enabled"
        elif action == "disable":
            services.totp_disable(user=user, code=request.POST.get("code", ""), request=request)
            context["message"] = "disabled"
    except EvidenceError as error:
        context["error"] = error.text()
        if action == "confirm":
            context["confirming"] = True
    context["enabled"] = totp_is_enabled(user=user)
    return render(request, "accounts/two_factor.html", context)
