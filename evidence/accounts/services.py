"""Creating accounts and signing in, with failed sign-ins throttled."""

import hashlib

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from evidence.accounts.models import Role, User
from evidence.common.errors import EvidenceError


class LoginThrottled(EvidenceError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "too_many_failed_logins"
    message = _("Too many failed sign-ins. Try again in %(minutes)d minutes.")


class BadCredentials(EvidenceError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "bad_credentials"
    message = _("Wrong user name or password.")


def account_create(*, username: str, password: str, role: str, email: str = "") -> User:
    """Create an account after checking the password against the configured validators."""
    if role not in Role.values:
        raise ValueError(f"role must be one of {', '.join(Role.values)}")
    user = User(username=username, email=email, role=role)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


def _failure_keys(username: str, ip: str) -> list[tuple[str, int]]:
    # One counter per account (guessing one password from many addresses) and one per
    # address (trying many accounts), the address allowed more because of shared NATs.
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    limit = settings.LOGIN_FAILURE_LIMIT
    return [(f"login-fail:user:{name}", limit), (f"login-fail:ip:{ip}", limit * 4)]


def login_check_allowed(*, username: str, ip: str) -> None:
    for key, limit in _failure_keys(username, ip):
        if (cache.get(key) or 0) >= limit:
            raise LoginThrottled(minutes=max(1, settings.LOGIN_FAILURE_WINDOW_S // 60))


def login_record_failure(*, username: str, ip: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_S
    for key, _limit in _failure_keys(username, ip):
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def login_authenticate(*, request, username: str, password: str) -> User:
    """Authenticate, refusing at once while too many recent attempts have failed."""
    ip = client_ip(request)
    login_check_allowed(username=username, ip=ip)
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_record_failure(username=username, ip=ip)
        raise BadCredentials()
    return user


def client_ip(request) -> str:
    # REMOTE_ADDR is the peer; behind a proxy, configure the proxy to set it (e.g. gunicorn's
    # --forwarded-allow-ips) rather than trusting a client-supplied X-Forwarded-For here.
    return request.META.get("REMOTE_ADDR", "") or "unknown"
