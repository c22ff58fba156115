"""Reading an account's sign-in settings."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from evidence.accounts.models import User


def totp_device_for(*, user: User, confirmed: bool = True) -> TOTPDevice | None:
    """The account's authenticator-app device: the one in use, or (confirmed=False) the one being set up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).order_by("-id").first()


def totp_is_enabled(*, user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
