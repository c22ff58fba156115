from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evidence.accounts.services import (
    BadCredentials,
    LoginThrottled,
    OtpInvalid,
    OtpRequired,
    OtpThrottled,
    login_authenticate,
)


class ThrottledAuthenticationForm(AuthenticationForm):
    """The web sign-in form, sharing the API's failed-login throttle and two-factor check."""

    otp_code = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=16,
        help_text=_("Only if you turned on two-factor sign-in: the 6-digit code your authenticator app shows."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_authenticate(
                    request=self.request,
                    username=username,
                    password=password,
                    otp_code=self.cleaned_data.get("otp_code") or "",
                )
            except (BadCredentials, LoginThrottled, OtpRequired, OtpInvalid, OtpThrottled) as error:
                raise ValidationError(error.text(), code=error.code) from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
