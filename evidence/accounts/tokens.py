"""API tokens: issued at each sign-in, checked on each request, ended on the events that must end them.

- A sign-in (or sign-up, or an accepted invitation) issues a new token for that device.
- A token unused for TOKEN_DAYS days no longer works ("sign in again").
- Changing the password ends every token of the account (whoever changed it signs in again).
- Turning two-factor sign-in on ends every token but the one that turned it on: a token made
  before it would otherwise go on working without a code.
- `GET /api/auth/tokens/` lists the account's devices; `DELETE /api/auth/tokens/{id}/` signs one out.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from evidence.accounts.models import ApiToken, User


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(user: User, request=None) -> str:
    """A new token for one device; only its hash is kept, the key is shown this once."""
    key = secrets.token_hex(20)
    agent = (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:200]
    ApiToken.objects.create(user=user, key_sha256=digest(key), prefix=key[:8], user_agent=agent,
                            last_used_at=timezone.now())
    return key


def tokens_end(user: User, *, keep: ApiToken | None = None) -> int:
    """End the user's tokens (all, or all but `keep`); how many ended."""
    tokens = ApiToken.objects.filter(user=user)
    if keep is not None:
        tokens = tokens.exclude(pk=keep.pk)
    return tokens.delete()[0]


def token_expires_at(token: ApiToken):
    return token.last_used_at + timedelta(days=settings.TOKEN_DAYS)


@receiver(pre_save, sender=User)
def _end_tokens_on_new_password(sender, instance: User, raw=False, **kwargs):
    """A changed password ends every token (Django ends the sessions itself)."""
    if raw or instance.pk is None:
        return
    before = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if before is not None and before != instance.password:
        ApiToken.objects.filter(user_id=instance.pk).delete()
