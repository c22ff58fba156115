"""Owner, another borrower, a lawyer and an anonymous caller on every endpoint.

A borrower sees only their own cases; anyone else gets 404 (401 without credentials), so
that nobody can even learn that a case exists.
"""

import pytest

from evidence.custody.models import CustodyEvent
from tests import samples
from tests.conftest import client_for, upload


@pytest.fixture
def item(api, case):
    return upload(api, case, samples.png()).json()


def _endpoints(case, item):
    return [
        ("get", f"/api/cases/{case.id}/", None),
        ("get", f"/api/cases/{case.id}/evidence/", None),
        ("get", f"/api/evidence/{item['id']}/", None),
        ("get", f"/api/evidence/{item['id']}/original", None),
        ("get", f"/api/evidence/{item['id']}/thumbnail", None),
        ("post", f"/api/cases/{case.id}/evidence/", "upload"),
    ]


def _call(client, method, path, body):
    if body == "upload":
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(path, {"file": SimpleUploadedFile("x.jpg", samples.jpeg())}, format="multipart")
    return getattr(client, method)(path)


@pytest.mark.parametrize("who", ["other_borrower", "lawyer"])
def test_anyone_but_the_owner_gets_404_everywhere(request, case, item, who):
    client = client_for(request.getfixturevalue(who))
    for method, path, body in _endpoints(case, item):
        response = _call(client, method, path, body)
        assert response.status_code == 404, (who, path, response.status_code)
        assert response.json()["error"] == "not_found"


def test_an_anonymous_caller_gets_401_everywhere(case, item):
    client = client_for(None)
    for method, path, body in _endpoints(case, item):
        response = _call(client, method, path, body)
        assert response.status_code == 401, (path, response.status_code)
        assert response.json()["error"] == "not_authenticated"


def test_the_owner_reaches_every_endpoint(api, case, item):
    expected = {"thumbnail": 200, "evidence/": 201}  # thumbnail exists: jobs ran eagerly
    for method, path, body in _endpoints(case, item):
        response = _call(api, method, path, body)
        wanted = next((code for suffix, code in expected.items() if path.endswith(suffix) and (suffix != "evidence/" or body)), 200)
        assert response.status_code == wanted, (path, response.status_code)


def test_refused_reads_leave_no_trace_of_the_evidence(case, item, other_borrower):
    client_for(other_borrower).get(f"/api/evidence/{item['id']}/original")

    assert not CustodyEvent.objects.filter(action="evidence.original_fetched").exists()


def test_lists_show_only_the_callers_cases(case, other_borrower, lawyer):
    assert client_for(other_borrower).get("/api/cases/").json()["count"] == 0
    assert client_for(lawyer).get("/api/cases/").json()["count"] == 0


def test_a_deactivated_owner_is_refused(api, case, borrower):
    borrower.is_active = False
    borrower.save()

    assert api.get(f"/api/cases/{case.id}/").status_code == 401
