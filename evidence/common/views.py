from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import defaults

from evidence.accounts.forms import ThrottledAuthenticationForm


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "login.html"


@login_required
def signed_in(request):
    """Where the web sign-in leads: a lawyer to what is shared with them, anyone else to the phone app."""
    return redirect("shared-list-page" if getattr(request.user, "role", None) == "lawyer" else "/")


def bad_request(request, exception=None):
    """400 for a request Django refuses before any view (a Host it does not serve, a malformed
    header): JSON on the API, like every other API error; the plain page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "bad_request", "detail": _("The request could not be processed.")}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    """404 for a URL no view serves (e.g. /api/cases/not-a-uuid/): JSON on the API, like the 404 of a
    view; the plain page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "not_found", "detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
