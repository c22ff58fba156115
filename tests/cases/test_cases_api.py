from evidence.cases.models import Case
from tests import samples
from tests.conftest import client_for, upload


def test_a_borrower_opens_a_case_with_the_jurisdictions_time_zone(api, borrower):
    response = api.post(
        "/api/cases/",
        {"title": "某某贷", "jurisdiction": "CN", "counterparty": {"lender": "某某小贷", "app": "某某借", "agency": "某催收"}},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["timezone"] == "Asia/Shanghai"
    assert body["counterparty"] == {"lender": "某某小贷", "app": "某某借", "agency": "某催收"}
    assert body["counts"]["evidence"] == 0
    assert Case.objects.get(id=body["id"]).owner == borrower


def test_a_plain_counterparty_string_is_the_lender(api):
    body = api.post("/api/cases/", {"title": "t", "jurisdiction": "US", "counterparty": "Acme Loans"}, format="json").json()

    assert body["counterparty"]["lender"] == "Acme Loans"
    assert body["timezone"] == "America/New_York"


def test_an_unknown_time_zone_or_jurisdiction_is_refused(api):
    response = api.post("/api/cases/", {"title": "t", "jurisdiction": "MARS", "timezone": "Mars/Olympus"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"jurisdiction", "timezone"}


def test_a_lawyer_cannot_open_a_case(lawyer):
    response = client_for(lawyer).post("/api/cases/", {"title": "t", "jurisdiction": "CN"}, format="json")

    assert response.status_code == 403
    assert response.json()["error"] == "borrowers_only"


def test_the_case_shows_item_counts_by_kind(api, case):
    upload(api, case, samples.png())
    upload(api, case, samples.jpeg())
    upload(api, case, samples.wav())

    counts = api.get(f"/api/cases/{case.id}/").json()["counts"]

    assert counts["evidence"] == 3
    assert counts["by_kind"] == {"screenshot": 1, "photo": 1, "recording": 1, "video": 0, "document": 0}


def test_anonymous_callers_cannot_list_or_open_cases(db):
    assert client_for(None).get("/api/cases/").status_code == 401
    assert client_for(None).post("/api/cases/", {"title": "t", "jurisdiction": "CN"}, format="json").status_code == 401


def test_a_malformed_counterparty_is_refused_and_no_case_is_opened(api):
    for counterparty in ({"lender": "x", "phone": "1"}, {"lender": 42}, ["a", "b"]):
        response = api.post("/api/cases/", {"title": "t", "jurisdiction": "CN", "counterparty": counterparty}, format="json")
        assert response.status_code == 400, counterparty
        assert "counterparty" in response.json()["fields"]
    assert not Case.objects.exists()
