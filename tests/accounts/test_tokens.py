"""One token per signed-in device: listed, signed out one by one, lapsing unused, ended by a new password or by
turning two-factor sign-in on."""

from base64 import b32decode
from datetime import timedelta

from django.utils import timezone
from django_otp.oath import TOTP
from rest_framework.test import APIClient

from evidence.accounts.models import ApiToken
from tests.conftest import PASSWORD


def _sign_in(user, agent="Phone") -> APIClient:
    response = APIClient().post("/api/auth/token/", {"username": user.username, "password": PASSWORD},
                                format="json", HTTP_USER_AGENT=agent)
    assert response.status_code == 200, response.json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_each_sign_in_is_a_device_the_user_can_see_and_sign_out(borrower, other_borrower):
    phone, laptop = _sign_in(borrower, "Android phone"), _sign_in(borrower, "Laptop")
    devices = phone.get("/api/auth/tokens/").json()
    assert sorted(d["user_agent"] for d in devices) == ["Android phone", "Laptop"]
    assert [d["current"] for d in devices if d["user_agent"] == "Android phone"] == [True]
    assert not ApiToken.objects.filter(key_sha256__in=[d["prefix"] for d in devices]).exists()  # only hashes kept
    laptop_id = next(d["id"] for d in devices if d["user_agent"] == "Laptop")

    stranger = _sign_in(other_borrower)
    assert stranger.delete(f"/api/auth/tokens/{laptop_id}/").status_code == 404  # not theirs: as if it did not exist
    assert phone.delete(f"/api/auth/tokens/{laptop_id}/").status_code == 204
    assert laptop.get("/api/cases/").status_code == 401
    assert phone.get("/api/cases/").status_code == 200


def test_a_token_unused_for_token_days_must_sign_in_again(borrower, settings):
    settings.TOKEN_DAYS = 30
    phone = _sign_in(borrower)
    ApiToken.objects.filter(user=borrower).update(last_used_at=timezone.now() - timedelta(days=31))
    refused = phone.get("/api/cases/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 401 and "30 days without use" in refused.json()["detail"]
    assert not ApiToken.objects.filter(user=borrower).exists()


def test_a_new_password_ends_every_device(borrower):
    phone, laptop = _sign_in(borrower), _sign_in(borrower)
    borrower.set_password("another long passphrase 2026")
    borrower.save()
    assert phone.get("/api/cases/").status_code == 401 and laptop.get("/api/cases/").status_code == 401


def test_turning_two_factor_on_ends_every_other_device(borrower):
    phone, old_laptop = _sign_in(borrower), _sign_in(borrower)
    secret = phone.post("/api/auth/totp/").json()["secret"]
    now = f"{TOTP(b32decode(secret)).token():06d}"
    assert phone.post("/api/auth/totp/confirm/", {"code": now}, format="json").status_code in (200, 204)
    assert old_laptop.get("/api/cases/").status_code == 401  # made before two-factor: it would skip the code
    assert phone.get("/api/cases/").status_code == 200  # the device that turned it on stays signed in
