"""Creating accounts and signing in, with failed sign-ins throttled."""

import hashlib
import io
import math
import re
from base64 import b32encode
from dataclasses import dataclass
from http import HTTPStatus

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from evidence.accounts.models import ApiToken, Role, User
from evidence.accounts.selectors import totp_device_for
from evidence.accounts.tokens import tokens_end
from evidence.common.errors import EvidenceError
from evidence.custody.services import custody_record


class LoginThrottled(EvidenceError):
    status_code = HTTPStatus.TOO_MANY_REQUESTS
    code = "too_many_failed_logins"
    message = _("Too many failed sign-ins. Try again in %(minutes)d minutes.")


class BadCredentials(EvidenceError):
    status_code = HTTPStatus.BAD_REQUEST
    code = "bad_credentials"
    message = _("Wrong user name or password.")


class OtpRequired(EvidenceError):
    code = "otp_required"
    message = _("This account uses two-factor sign-in: enter the 6-digit code from your authenticator app.")


class OtpInvalid(EvidenceError):
    code = "otp_invalid"
    message = _("The authentication code is wrong or has already been used. Wait for a new code and try again.")


class OtpThrottled(EvidenceError):
    status_code = HTTPStatus.TOO_MANY_REQUESTS
    code = "otp_throttled"
    message = _("Too many wrong authentication codes. Try again in %(seconds)d seconds.")


class TotpAlreadyEnabled(EvidenceError):
    code = "totp_already_enabled"
    message = _("Two-factor sign-in is already on. Turn it off before setting up another authenticator app.")


class TotpNotStarted(EvidenceError):
    code = "totp_not_started"
    message = _("Start setting up two-factor sign-in first.")


class TotpNotEnabled(EvidenceError):
    code = "totp_not_enabled"
    message = _("Two-factor sign-in is not on.")


def account_create(*, username: str, password: str, role: str, email: str = "") -> User:
    """Create an account after checking the password against the configured validators."""
    if role not in Role.values:
        raise ValueError(f"role must be one of {', '.join(Role.values)}")
    user = User(username=username, email=email, role=role)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


class SignupClosed(EvidenceError):
    status_code = HTTPStatus.FORBIDDEN
    code = "signup_closed"
    message = _("This server does not take new accounts. Ask whoever runs it for one.")


class SignupThrottled(EvidenceError):
    status_code = HTTPStatus.TOO_MANY_REQUESTS
    code = "too_many_signups"
    message = _("Too many new accounts from this address. Try again in an hour.")


class UsernameTaken(EvidenceError):
    status_code = HTTPStatus.BAD_REQUEST
    code = "username_taken"
    message = _("The user name “%(username)s” is taken. Choose another.")


class WeakPassword(EvidenceError):
    status_code = HTTPStatus.BAD_REQUEST
    code = "weak_password"
    message = _("Choose a stronger password: %(reason)s")


# Django 5.2's MinimumLengthValidator asks for its message with "%d", while Django's own zh_Hans
# catalogue still translates only the older "%(min_length)d" wording: a short password came back
# as "请设置更安全的密码：This password is too short…". The translation lives in our catalogue;
# this is the string makemessages takes it from (the validator's own ngettext finds it there).
DJANGO_PASSWORD_MESSAGES = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
)


def account_open(*, username: str, password: str, role: str, email: str = "", request=None) -> User:
    """A new account from a sign-up or an invitation: the name free (in any letter case), the password
    strong enough, the opening in the custody log; errors a person can act on."""
    if User.objects.filter(username__iexact=username).exists():
        raise UsernameTaken(username=username)
    try:
        with transaction.atomic():
            user = account_create(username=username, password=password, role=role, email=email)
            custody_record(action="account.created", actor=user, request=request, details={"role": role})
    except ValidationError as error:
        raise WeakPassword(reason=" ".join(error.messages)) from None
    except IntegrityError:  # the same name, taken a moment ago
        raise UsernameTaken(username=username) from None
    return user


def borrower_sign_up(*, username: str, password: str, email: str = "", request=None) -> User:
    """A borrower opens their own account (when SIGNUP_OPEN), a few per address and hour."""
    if not settings.SIGNUP_OPEN:
        raise SignupClosed()
    key = f"signup:ip:{client_ip(request) if request is not None else 'none'}"
    if (cache.get(key) or 0) >= settings.SIGNUP_LIMIT_PER_HOUR:
        raise SignupThrottled()
    user = account_open(username=username, password=password, role=Role.BORROWER, email=email, request=request)
    cache.add(key, 0, timeout=3600)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
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


def login_authenticate(*, request, username: str, password: str, otp_code: str = "") -> User:
    """Authenticate, with the app's code if the account uses one, refusing at once after too many failures."""
    ip = client_ip(request)
    login_check_allowed(username=username, ip=ip)
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_record_failure(username=username, ip=ip)
        raise BadCredentials()
    # The code is looked at only once the password is right, so that password guesses never
    # touch the device's back-off or its last used code.
    device = totp_device_for(user=user)
    if device is not None:
        if not otp_code.strip():
            raise OtpRequired()
        try:
            _totp_verify(user=user, device=device, code=otp_code)
        except (OtpInvalid, OtpThrottled):
            login_record_failure(username=username, ip=ip)
            raise
    return user


def client_ip(request) -> str:
    # REMOTE_ADDR is the peer; behind a proxy, configure the proxy to set it (e.g. gunicorn's
    # --forwarded-allow-ips) rather than trusting a client-supplied X-Forwarded-For here.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# --- Two-factor sign-in with an authenticator app (TOTP, RFC 6238) ---------------------

_DEVICE_NAME = "Authenticator app"
_CODE = re.compile(r"[0-9]{6,8}")


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str  # base32, for typing into the app by hand
    otpauth_url: str
    qr_svg: str


def totp_enrol(*, user: User) -> TotpEnrolment:
    """Start setting up an authenticator app: a new unconfirmed device replaces any earlier unconfirmed one."""
    with transaction.atomic():
        _lock_account(user)
        if totp_device_for(user=user) is not None:
            raise TotpAlreadyEnabled()
        TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=_DEVICE_NAME, confirmed=False)
    url = device.config_url
    svg = io.BytesIO()
    # make_qr: never a Micro QR code, which phone cameras do not read.
    segno.make_qr(url, error="m").save(svg, kind="svg", scale=4, xmldecl=False, nl=False)
    return TotpEnrolment(secret=b32encode(device.bin_key).decode(), otpauth_url=url, qr_svg=svg.getvalue().decode())


def totp_confirm(*, user: User, code: str, request=None) -> None:
    """Turn two-factor sign-in on once the app shows a right code for the device being set up."""
    if totp_device_for(user=user) is not None:
        raise TotpAlreadyEnabled()
    device = totp_device_for(user=user, confirmed=False)
    if device is None:
        raise TotpNotStarted()
    _totp_verify(user=user, device=device, code=code)
    with transaction.atomic():
        _lock_account(user)
        if totp_device_for(user=user) is not None:
            raise TotpAlreadyEnabled()
        # Zero rows: set up again while the code was being checked, and only the newer secret may be confirmed.
        if not TOTPDevice.objects.filter(pk=device.pk, confirmed=False).update(confirmed=True):
            raise TotpNotStarted()
        # Tokens made before would go on working without a code: all end but the one turning it on.
        current = getattr(request, "auth", None)
        tokens_end(user, keep=current if isinstance(current, ApiToken) else None)
        custody_record(action="account.totp_enabled", actor=user, request=request)


def totp_disable(*, user: User, code: str, request=None) -> None:
    """Turn two-factor sign-in off; a current code from the app proves the person still holds it."""
    device = totp_device_for(user=user)
    if device is None:
        raise TotpNotEnabled()
    _totp_verify(user=user, device=device, code=code)
    with transaction.atomic():
        _lock_account(user)
        TOTPDevice.objects.devices_for_user(user).delete()
        custody_record(action="account.totp_disabled", actor=user, request=request)


def _totp_verify(*, user: User, device: TOTPDevice, code: str) -> None:
    """Accept a code once: raises OtpThrottled during django-otp's back-off, OtpInvalid for a wrong or reused code.

    Never call this inside a transaction that the error rolls back: django-otp records the
    failure (its back-off) and the last used time step on the device row.
    """
    allowed, info = device.verify_is_allowed()
    if not allowed:
        locked_until = (info or {}).get("locked_until")
        wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
        raise OtpThrottled(seconds=max(1, math.ceil(wait)))
    code = "".join(code.split())  # apps show "123 456"
    # verify_token locks the row and only accepts a time step after the last accepted one,
    # so a code cannot be used twice, even by two requests at the same moment.
    if not _CODE.fullmatch(code) or django_otp.verify_token(user, device.persistent_id, code) is None:
        raise OtpInvalid()


def _lock_account(user: User) -> None:
    # Serialises setting up, confirming and turning off for one account, so that it never
    # ends up with two devices in use.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
