from rest_framework.test import APIClient

from tests.conftest import PASSWORD


def _login(username, password, ip="198.51.100.7", language="en"):
    return APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, format="json",
        REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE=language,
    )


def test_a_borrower_gets_a_token_that_opens_the_api(borrower):
    response = _login("wang", PASSWORD)

    assert response.status_code == 200
    assert response.json()["role"] == "borrower"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/cases/").status_code == 200


def test_a_wrong_password_is_refused_in_the_callers_language(borrower):
    response = _login("wang", "wrong", language="zh-CN")

    assert response.status_code == 400
    assert response.json()["error"] == "bad_credentials"
    assert response.json()["detail"] == "用户名或密码错误。"


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(borrower, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert _login("wang", "guess", ip="198.51.100.20").status_code == 400

    response = _login("wang", PASSWORD, ip="198.51.100.21")

    assert response.status_code == 429
    assert response.json()["error"] == "too_many_failed_logins"


def test_one_address_trying_many_accounts_is_throttled(db, settings):
    settings.LOGIN_FAILURE_LIMIT = 2  # the per-address limit is four times this
    for n in range(8):
        _login(f"nobody{n}", "guess", ip="198.51.100.30")

    assert _login("someone-else", "guess", ip="198.51.100.30").status_code == 429
    assert _login("someone-else", "guess", ip="198.51.100.31").status_code == 400


def test_the_web_sign_in_form_logs_in_and_shares_the_throttle(client, borrower, settings):
    response = client.post("/login/", {"username": "wang", "password": PASSWORD}, REMOTE_ADDR="198.51.100.40")
    assert response.status_code == 302
    assert client.get("/").status_code == 200

    settings.LOGIN_FAILURE_LIMIT = 1
    client.logout()
    client.post("/login/", {"username": "li", "password": "x"}, REMOTE_ADDR="198.51.100.41")
    response = client.post("/login/", {"username": "li", "password": "x"}, REMOTE_ADDR="198.51.100.41", HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many failed sign-ins" in response.content.decode()


def test_a_login_without_a_password_names_the_missing_field(db):
    response = APIClient().post("/api/auth/token/", {"username": "wang"}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert list(response.json()["fields"]) == ["password"]
