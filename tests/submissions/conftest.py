import pytest
from django.test import TestCase

from tests import samples
from tests.conftest import upload


def make_bundle(api, case, *, finished: bool = True, **body) -> dict:
    """Ask for a bundle; when `finished`, its build job runs (eagerly) on commit, else it stays queued."""
    body = {"purpose": "authority", "authority": "cn-12378", **body}
    if not finished:
        response = api.post(f"/api/cases/{case.id}/bundles/", body, format="json")
    else:
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = api.post(f"/api/cases/{case.id}/bundles/", body, format="json")
    assert response.status_code == 202, response.json()
    return api.get(f"/api/bundles/{response.json()['id']}/").json()


@pytest.fixture
def bundle(api, case) -> dict:
    """A finished bundle of a case with one screenshot."""
    upload(api, case, samples.png(), name="催收短信.png")
    made = make_bundle(api, case)
    assert made["status"] == "done", made
    return made


def record(api, bundle, *, language: str = "en", **body):
    """POST a submission of the bundle (to 12378 by phone unless the body says otherwise)."""
    return api.post(f"/api/bundles/{bundle['id']}/submissions/",
                    {"authority": "cn-12378", "channel": "hotline", **body}, format="json", HTTP_ACCEPT_LANGUAGE=language)
