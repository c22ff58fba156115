"""Owner, another borrower, a lawyer and an anonymous caller on every endpoint.

A borrower sees only their own cases; anyone else gets 404 (401 without credentials), so
that nobody can even learn that a case exists.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.custody.models import CustodyEvent
from tests import samples
from tests.conftest import client_for, import_export, upload
from tests.exports import sms, sms_xml

CALL = {"number": "13800138000", "direction": "missed", "started_at": "2026-05-01T23:00:00+08:00"}
MESSAGE = {"channel": "sms", "direction": "in", "address": "13800138000", "body": "还钱", "sent_at": "2026-05-01T23:00"}
THIRD_PARTY = {"name": "母亲", "relation": "relative", "contacted_at": "2026-05-02T09:00", "channel": "call"}


@pytest.fixture
def item(api, case):
    """An upload, an import, a label and a third-party contact in the owner's case."""
    uploaded = upload(api, case, samples.png()).json()
    export = sms_xml(sms(datetime(2026, 5, 1, 22, 30, tzinfo=ZoneInfo("Asia/Shanghai")), 1, "13800138000", "逾期"))
    _, job = import_export(api, case, export)
    label = api.post(f"/api/cases/{case.id}/labels/", {"number": "13900139000", "role": "collector"}, format="json")
    third = api.post(f"/api/cases/{case.id}/third-parties/", THIRD_PARTY, format="json")
    return {"id": uploaded["id"], "import": job["id"], "label": label.json()["id"], "third": third.json()["id"]}


def _endpoints(case, item):
    """(method, path, body, status for the owner)."""
    base = f"/api/cases/{case.id}"
    return [
        ("get", f"{base}/", None, 200),
        ("get", f"{base}/evidence/", None, 200),
        ("get", f"/api/evidence/{item['id']}/", None, 200),
        ("get", f"/api/evidence/{item['id']}/original", None, 200),
        ("get", f"/api/evidence/{item['id']}/thumbnail", None, 200),  # jobs ran eagerly
        ("post", f"{base}/evidence/", "upload", 201),
        ("get", f"{base}/imports/", None, 200),
        ("get", f"/api/imports/{item['import']}/", None, 200),
        ("post", f"{base}/imports/", "import", 202),
        ("post", f"{base}/calls/", CALL, 201),
        ("post", f"{base}/messages/", MESSAGE, 201),
        ("get", f"{base}/timeline/", None, 200),
        ("get", f"{base}/numbers/", None, 200),
        ("get", f"{base}/labels/", None, 200),
        ("post", f"{base}/labels/", {"number": "13700137000", "role": "collector"}, 201),
        ("delete", f"{base}/labels/{item['label']}/", None, 204),
        ("get", f"{base}/third-parties/", None, 200),
        ("post", f"{base}/third-parties/", THIRD_PARTY, 201),
        ("delete", f"{base}/third-parties/{item['third']}/", None, 204),
        ("get", f"{base}/findings/", None, 200),
        ("get", f"{base}/charts/", None, 200),
        ("get", f"{base}/analysis/", None, 200),
    ]


def _call(client, method, path, body):
    if body == "upload":
        return client.post(path, {"file": SimpleUploadedFile("x.jpg", samples.jpeg())}, format="multipart")
    if body == "import":
        export = sms_xml(sms(datetime(2026, 5, 2, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")), 1, "10690000", "还款"))
        return client.post(path, {"file": SimpleUploadedFile("sms.xml", export)}, format="multipart")
    if isinstance(body, dict):
        return getattr(client, method)(path, body, format="json")
    return getattr(client, method)(path)


@pytest.mark.parametrize("who", ["other_borrower", "lawyer"])
def test_anyone_but_the_owner_gets_404_everywhere(request, case, item, who):
    client = client_for(request.getfixturevalue(who))
    for method, path, body, _ in _endpoints(case, item):
        response = _call(client, method, path, body)
        assert response.status_code == 404, (who, method, path, response.status_code)
        assert response.json()["error"] == "not_found"


def test_an_anonymous_caller_gets_401_everywhere(case, item):
    client = client_for(None)
    for method, path, body, _ in _endpoints(case, item):
        response = _call(client, method, path, body)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["error"] == "not_authenticated"


def test_the_owner_reaches_every_endpoint(api, case, item):
    for method, path, body, wanted in _endpoints(case, item):
        response = _call(api, method, path, body)
        assert response.status_code == wanted, (method, path, response.status_code)


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
