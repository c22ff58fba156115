"""`Authorization: Token <key>`: the key is looked up by its hash (evidence.accounts.tokens).

Kept apart from the rest: DRF imports this module while it loads its own settings, so it may
import only DRF's authentication and the models.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from evidence.accounts.models import ApiToken
from evidence.accounts.tokens import digest, token_expires_at

TOUCH_EVERY = timedelta(minutes=5)  # how often last_used_at is written: not on every request


class TokenExpired(exceptions.AuthenticationFailed):
    default_code = "token_expired"

    def __init__(self, days: int):
        super().__init__(_("This sign-in has expired after %(days)s days without use. Sign in again.") % {"days": days})


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_sha256=digest(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed()
        now = timezone.now()
        if token_expires_at(token) < now:
            token.delete()
            raise TokenExpired(days=settings.TOKEN_DAYS)
        if now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
