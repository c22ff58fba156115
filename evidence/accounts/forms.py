from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from evidence.accounts.services import BadCredentials, LoginThrottled, login_authenticate


class ThrottledAuthenticationForm(AuthenticationForm):
    """The web sign-in form, sharing the API's failed-login throttle."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_authenticate(request=self.request, username=username, password=password)
            except (BadCredentials, LoginThrottled) as error:
                raise ValidationError(error.text(), code=error.code) from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
