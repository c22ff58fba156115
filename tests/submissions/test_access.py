"""Only the owner borrower reaches submissions: anyone else gets 404, an anonymous caller 401."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.custody.models import CustodyEvent
from evidence.submissions.models import Submission, SubmissionUpdate
from tests import samples
from tests.conftest import client_for
from tests.submissions.conftest import record


@pytest.fixture
def submission(api, bundle) -> dict:
    return record(api, bundle).json()


def _endpoints(case, bundle, submission):
    """(method, path, body, status for the owner)."""
    return [
        ("get", f"/api/bundles/{bundle['id']}/submissions/", None, 200),
        ("post", f"/api/bundles/{bundle['id']}/submissions/", {"authority": "cn-nifa", "channel": "email"}, 201),
        ("get", f"/api/cases/{case.id}/submissions/", None, 200),
        ("get", f"/api/submissions/{submission['id']}/", None, 200),
        ("post", f"/api/submissions/{submission['id']}/updates/", {"status": "answered"}, 201),
        ("post", f"/api/submissions/{submission['id']}/updates/", "receipt", 201),
    ]


def _call(client, method, path, body):
    if body == "receipt":
        form = {"status": "acknowledged", "receipt": SimpleUploadedFile("回执.pdf", samples.pdf())}
        return client.post(path, form, format="multipart")
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, format="json")


@pytest.mark.parametrize("who", ["other_borrower", "lawyer"])
def test_anyone_but_the_owner_gets_404_on_every_submissions_endpoint(request, case, bundle, submission, who):
    client = client_for(request.getfixturevalue(who))
    events = CustodyEvent.objects.count()

    for method, path, body, _ in _endpoints(case, bundle, submission):
        response = _call(client, method, path, body)
        assert response.status_code == 404, (who, method, path, response.status_code)
        assert response.json()["error"] == "not_found"
    assert (Submission.objects.count(), SubmissionUpdate.objects.count()) == (1, 1)
    assert CustodyEvent.objects.count() == events


def test_an_anonymous_caller_gets_401_on_every_submissions_endpoint(case, bundle, submission):
    client = client_for(None)

    for method, path, body, _ in _endpoints(case, bundle, submission):
        response = _call(client, method, path, body)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["error"] == "not_authenticated"


def test_the_owner_reaches_every_submissions_endpoint(api, case, bundle, submission):
    for method, path, body, wanted in _endpoints(case, bundle, submission):
        response = _call(api, method, path, body)
        assert response.status_code == wanted, (method, path, response.status_code, response.json())
