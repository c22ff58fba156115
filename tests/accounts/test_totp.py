"""Two-factor sign-in with an authenticator app (TOTP).

The codes are computed from the secret the API hands out, the way an authenticator app does.
The clock that django-otp checks codes against is frozen and moved by hand, so that "the next
code" means one 30-second step later and no test depends on when it runs.
"""

import time
from base64 import b32decode
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp import models as totp_models
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from evidence.custody.models import CustodyEvent
from tests.conftest import PASSWORD, client_for


class Clock:
    def __init__(self):
        self.now = float(int(time.time()) // 30 * 30 + 10)  # well inside one 30-second step

    def time(self) -> float:
        return self.now

    def next_step(self) -> None:
        self.now += 30


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    # django-otp's TOTP device reads `time.time()` through its module's `time` name.
    monkeypatch.setattr(totp_models, "time", clock)
    return clock


def code(secret: str, clock: Clock) -> str:
    """What the authenticator app shows now."""
    totp = TOTP(b32decode(secret))
    totp.time = clock.now
    return f"{totp.token():06d}"


def wrong_code(secret: str, clock: Clock) -> str:
    return "000000" if code(secret, clock) != "000000" else "111111"


def let_back_off_pass(user) -> None:
    """django-otp's back-off after a wrong code runs on the real clock: pretend that try was a while ago."""
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=1))


def login(username: str, password: str = PASSWORD, otp_code: str | None = None, ip: str = "198.51.100.7"):
    body = {"username": username, "password": password}
    if otp_code is not None:
        body["otp_code"] = otp_code
    return APIClient().post("/api/auth/token/", body, format="json", REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")


def turn_on(client: APIClient, clock: Clock) -> str:
    """Set up and confirm an authenticator app; returns its secret. The confirming code is then used up."""
    secret = client.post("/api/auth/totp/").json()["secret"]
    assert client.post("/api/auth/totp/confirm/", {"code": code(secret, clock)}, format="json").status_code == 200
    clock.next_step()
    return secret


def test_a_lawyer_turns_it_on_and_then_signs_in_with_a_code_that_works_once(lawyer, clock):
    client = client_for(lawyer)
    assert client.get("/api/auth/totp/").json() == {"enabled": False}

    started = client.post("/api/auth/totp/")
    assert started.status_code == 201
    assert started["Cache-Control"] == "no-store"
    secret = started.json()["secret"]
    assert len(b32decode(secret)) == 20
    assert started.json()["otpauth_url"].startswith("otpauth://totp/Evidence%20Locker%3Alawyer_zhao?secret=")
    assert started.json()["qr_svg"].startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert client.get("/api/auth/totp/").json() == {"enabled": False}  # not until a code confirms it

    confirmed = client.post("/api/auth/totp/confirm/", {"code": code(secret, clock)}, format="json")
    assert confirmed.status_code == 200
    assert client.get("/api/auth/totp/").json() == {"enabled": True}
    assert CustodyEvent.objects.filter(action="account.totp_enabled", actor=lawyer).count() == 1

    without = login("lawyer_zhao")
    assert without.status_code == 400
    assert without.json()["error"] == "otp_required"
    assert "authenticator app" in without.json()["detail"]

    clock.next_step()
    with_code = login("lawyer_zhao", otp_code=code(secret, clock))
    assert with_code.status_code == 200
    assert with_code.json()["role"] == "lawyer"

    replayed = login("lawyer_zhao", otp_code=code(secret, clock))
    assert replayed.status_code == 400
    assert replayed.json()["error"] == "otp_invalid"


def test_the_code_that_confirmed_the_app_cannot_sign_in(lawyer, clock):
    client = client_for(lawyer)
    secret = client.post("/api/auth/totp/").json()["secret"]
    confirming = code(secret, clock)
    client.post("/api/auth/totp/confirm/", {"code": confirming}, format="json")

    assert login("lawyer_zhao", otp_code=confirming).json()["error"] == "otp_invalid"


def test_the_code_may_be_typed_with_the_space_apps_show(borrower, api, clock):
    secret = turn_on(api, clock)
    shown = code(secret, clock)

    assert login("wang", otp_code=f"{shown[:3]} {shown[3:]}").status_code == 200


def test_a_wrong_code_is_refused_and_counts_toward_the_failed_login_throttle(lawyer, clock, settings):
    secret = turn_on(client_for(lawyer), clock)
    settings.LOGIN_FAILURE_LIMIT = 1

    wrong = login("lawyer_zhao", otp_code=wrong_code(secret, clock))
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "otp_invalid"

    locked = login("lawyer_zhao", otp_code=code(secret, clock), ip="198.51.100.8")
    assert locked.status_code == 429
    assert locked.json()["error"] == "too_many_failed_logins"


def test_a_right_code_straight_after_a_wrong_one_waits_for_the_back_off(lawyer, clock):
    secret = turn_on(client_for(lawyer), clock)
    login("lawyer_zhao", otp_code=wrong_code(secret, clock))  # django-otp now wants a pause before the next try

    response = login("lawyer_zhao", otp_code=code(secret, clock))

    assert response.status_code == 429
    assert response.json()["error"] == "otp_throttled"
    assert "seconds" in response.json()["detail"]


def test_a_wrong_password_with_a_right_code_is_refused_without_using_up_the_code(lawyer, clock):
    secret = turn_on(client_for(lawyer), clock)

    assert login("lawyer_zhao", password="guess", otp_code=code(secret, clock)).json()["error"] == "bad_credentials"
    assert login("lawyer_zhao", otp_code=code(secret, clock)).status_code == 200


def test_turning_it_off_needs_a_current_code_and_then_the_password_is_enough_again(lawyer, clock):
    client = client_for(lawyer)
    secret = turn_on(client, clock)

    assert client.delete("/api/auth/totp/", {}, format="json").json()["error"] == "invalid"
    assert client.delete("/api/auth/totp/", {"code": "abcdef"}, format="json").json()["error"] == "otp_invalid"
    assert client.get("/api/auth/totp/").json() == {"enabled": True}

    turned_off = client.delete("/api/auth/totp/", {"code": code(secret, clock)}, format="json")

    assert turned_off.status_code == 200
    assert turned_off.json() == {"enabled": False}
    assert not TOTPDevice.objects.filter(user=lawyer).exists()
    assert CustodyEvent.objects.filter(action="account.totp_disabled", actor=lawyer).count() == 1
    assert login("lawyer_zhao").status_code == 200


def test_turning_it_off_takes_the_code_from_the_query_for_clients_that_cannot_send_a_delete_body(lawyer, clock):
    client = client_for(lawyer)
    secret = turn_on(client, clock)

    response = client.delete(f"/api/auth/totp/?code={code(secret, clock)}")

    assert response.status_code == 200
    assert client.get("/api/auth/totp/").json() == {"enabled": False}


def test_turning_it_off_when_it_is_not_on_is_refused(api):
    response = api.delete("/api/auth/totp/", {"code": "123456"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == "totp_not_enabled"


def test_a_wrong_confirming_code_leaves_it_off(lawyer, clock):
    client = client_for(lawyer)
    secret = client.post("/api/auth/totp/").json()["secret"]
    clock.next_step()
    clock.next_step()  # two steps on: the code from a minute ago is outside the allowed drift
    stale = TOTP(b32decode(secret))
    stale.time = clock.now - 60

    response = client.post("/api/auth/totp/confirm/", {"code": f"{stale.token():06d}"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == "otp_invalid"
    assert client.get("/api/auth/totp/").json() == {"enabled": False}
    assert not CustodyEvent.objects.filter(action="account.totp_enabled").exists()


def test_confirming_before_setting_up_is_refused(api):
    response = api.post("/api/auth/totp/confirm/", {"code": "123456"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == "totp_not_started"


def test_an_unconfirmed_app_does_not_block_sign_in(borrower, api):
    api.post("/api/auth/totp/")

    assert login("wang").status_code == 200


def test_setting_up_again_replaces_the_unconfirmed_app(borrower, api, clock):
    first = api.post("/api/auth/totp/").json()["secret"]
    second = api.post("/api/auth/totp/").json()["secret"]

    assert first != second
    assert TOTPDevice.objects.filter(user=borrower).count() == 1
    assert api.post("/api/auth/totp/confirm/", {"code": code(first, clock)}, format="json").status_code == 400
    let_back_off_pass(borrower)
    assert api.post("/api/auth/totp/confirm/", {"code": code(second, clock)}, format="json").status_code == 200


def test_setting_up_a_second_app_while_one_is_on_is_refused(borrower, api, clock):
    turn_on(api, clock)

    response = api.post("/api/auth/totp/")

    assert response.status_code == 400
    assert response.json()["error"] == "totp_already_enabled"
    assert TOTPDevice.objects.filter(user=borrower).count() == 1


def test_one_account_turning_it_on_does_not_touch_another(borrower, api, lawyer, clock):
    turn_on(api, clock)

    assert client_for(lawyer).get("/api/auth/totp/").json() == {"enabled": False}
    assert login("lawyer_zhao").status_code == 200


def test_the_settings_need_a_signed_in_account(db):
    assert APIClient().get("/api/auth/totp/").status_code == 401
    assert APIClient().post("/api/auth/totp/").status_code == 401
    assert APIClient().post("/api/auth/totp/confirm/", {"code": "123456"}, format="json").status_code == 401


def test_the_web_sign_in_page_asks_for_and_checks_the_code(lawyer, clock):
    secret = turn_on(client_for(lawyer), clock)
    browser = Client()  # Django's test client does not enforce CSRF
    form = {"username": "lawyer_zhao", "password": PASSWORD}

    page = browser.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Authentication code" in page
    assert 'autocomplete="one-time-code"' in page

    missing = browser.post("/login/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 200
    assert "enter the 6-digit code from your authenticator app" in missing.content.decode()

    wrong = browser.post("/login/", {**form, "otp_code": wrong_code(secret, clock)}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200
    assert "The authentication code is wrong" in wrong.content.decode()
    assert "_auth_user_id" not in browser.session

    let_back_off_pass(lawyer)
    right = browser.post("/login/", {**form, "otp_code": code(secret, clock)})
    assert right.status_code == 302
    assert browser.session["_auth_user_id"] == str(lawyer.pk)


def test_the_web_sign_in_page_still_works_with_only_a_password_for_accounts_without_an_app(borrower):
    browser = Client()

    response = browser.post("/login/", {"username": "wang", "password": PASSWORD, "otp_code": ""})

    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(borrower.pk)


def test_a_lawyer_turns_it_on_and_off_on_the_web_page(lawyer, clock):
    browser = Client()
    browser.force_login(lawyer)
    page = browser.get("/account/two-factor/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Set up an authenticator app" in page

    started = browser.post("/account/two-factor/", {"action": "start"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<svg" in started
    secret = started.split('<code class="hash">')[1].split("</code>")[0]
    wrong = browser.post("/account/two-factor/", {"action": "confirm", "code": wrong_code(secret, clock)},
                         HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'role="alert"' in wrong and not TOTPDevice.objects.filter(user=lawyer, confirmed=True).exists()
    let_back_off_pass(lawyer)
    clock.next_step()
    on = browser.post("/account/two-factor/", {"action": "confirm", "code": code(secret, clock)},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Two-factor sign-in is on" in on
    assert login("lawyer_zhao").json()["error"] == "otp_required"

    clock.next_step()
    off = browser.post("/account/two-factor/", {"action": "disable", "code": code(secret, clock)},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Two-factor sign-in is off" in off
    assert login("lawyer_zhao").status_code == 200
