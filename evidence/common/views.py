from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from evidence.accounts.forms import ThrottledAuthenticationForm
from evidence.cases.selectors import cases_visible_to


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "login.html"


@login_required
def home(request):
    if getattr(request.user, "role", None) == "lawyer":
        return redirect("shared-list-page")  # a lawyer has no cases of their own, only what is shared
    return render(request, "home.html", {"cases": cases_visible_to(request.user)})
