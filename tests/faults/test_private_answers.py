"""Nothing private stays in a browser's or a proxy's cache; a refused request on the API is still JSON."""

from django.test import Client

from tests import samples
from tests.conftest import upload


def test_evidence_and_account_answers_are_never_stored(api, case, lawyer):
    item = upload(api, case, samples.png(30, 30)).json()
    for url in ("/api/cases/", f"/api/cases/{case.id}/", f"/api/evidence/{item['id']}/",
                f"/api/evidence/{item['id']}/original", f"/api/cases/{case.id}/timeline/"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
    browser = Client()
    browser.force_login(lawyer)
    assert browser.get("/shared/")["Cache-Control"] == "no-store"
    assert Client().get("/login/")["Cache-Control"] == "no-store"


def test_what_is_public_stays_cacheable(client, db):
    assert client.get("/api/meta/")["Cache-Control"] == "public, max-age=300"


def test_a_host_the_server_does_not_serve_gets_a_json_400_on_the_api(client, db, settings):
    settings.ALLOWED_HOSTS = ["evidence.example"]
    response = client.get("/api/cases/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json" and response.json()["error"] == "bad_request"
    assert "<html" not in client.get("/api/meta/", HTTP_HOST="attacker.example").content.decode().lower()
