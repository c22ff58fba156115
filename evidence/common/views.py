from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from evidence.accounts.forms import ThrottledAuthenticationForm


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "login.html"


@login_required
def signed_in(request):
    """Where the web sign-in leads: a lawyer to what is shared with them, anyone else to the phone app."""
    return redirect("shared-list-page" if getattr(request.user, "role", None) == "lawyer" else "/")
