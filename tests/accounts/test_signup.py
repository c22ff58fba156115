"""A borrower opens their own account from the phone app."""

from rest_framework.test import APIClient

from evidence.accounts.models import User
from evidence.custody.models import CustodyEvent
from tests.conftest import PASSWORD, client_for

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _sign_up(username, password=PASSWORD, ip="198.51.100.20", **extra):
    return APIClient().post("/api/auth/signup/", {"username": username, "password": password, **extra}, format="json",
                            REMOTE_ADDR=ip, **EN)


def test_a_borrower_signs_up_and_can_open_a_case_at_once(db):
    response = _sign_up("xiaowang", email="xw@example.org")

    assert response.status_code == 201 and response.json()["role"] == "borrower"
    user = User.objects.get(username="xiaowang")
    assert user.role == "borrower" and user.check_password(PASSWORD)
    assert CustodyEvent.objects.filter(action="account.created", actor=user).exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.post("/api/cases/", {"title": "我的案子", "jurisdiction": "CN"}, format="json").status_code == 201


def test_clear_errors_for_a_taken_name_and_a_weak_password(borrower):
    taken = _sign_up("WANG")  # the fixture's "wang", in other letters
    assert taken.status_code == 400 and taken.json()["error"] == "username_taken"
    weak = _sign_up("newcomer", password="123")
    assert weak.status_code == 400 and weak.json()["error"] == "weak_password" and "short" in weak.json()["detail"]
    assert not User.objects.filter(username="newcomer").exists()


def test_sign_ups_are_limited_per_address(db, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 2
    assert _sign_up("first1").status_code == 201
    assert _sign_up("second2").status_code == 201

    third = _sign_up("third3")
    assert third.status_code == 429 and third.json()["error"] == "too_many_signups"
    assert _sign_up("other4", ip="198.51.100.99").status_code == 201


def test_a_server_can_take_no_sign_ups(db, settings, lawyer):
    settings.SIGNUP_OPEN = False

    response = _sign_up("closed")

    assert response.status_code == 403 and response.json()["error"] == "signup_closed"
    assert client_for(lawyer).get("/api/cases/").status_code == 200  # nothing else changes


def test_a_user_name_with_spaces_or_slashes_is_refused_and_nothing_is_made(db):
    response = _sign_up("a b/c")

    assert response.status_code == 400 and "username" in response.json()["fields"]
    assert not User.objects.exists()
    assert not CustodyEvent.objects.filter(action="account.created").exists()
