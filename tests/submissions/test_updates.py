"""A submission's history: acknowledged, answered, closed, corrected; receipts kept as evidence."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from evidence.custody.models import CustodyEvent
from evidence.intake.models import EvidenceItem
from evidence.submissions.models import SubmissionUpdate
from tests import samples
from tests.submissions.conftest import record


@pytest.fixture
def submission(api, bundle) -> dict:
    return record(api, bundle, reference="12378-0042", submitted_at="2026-11-03T10:00:00+08:00").json()


def update(api, submission, *, receipt: bytes | None = None, name: str = "回执.pdf", **body):
    """POST a step the way the app does: multipart when a receipt goes with it, JSON otherwise."""
    path = f"/api/submissions/{submission['id']}/updates/"
    if receipt is None:
        return api.post(path, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    body["receipt"] = SimpleUploadedFile(name, receipt, content_type="application/octet-stream")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the receipt's verify/metadata jobs
        return api.post(path, body, format="multipart", HTTP_ACCEPT_LANGUAGE="en")


def test_a_receipt_is_kept_as_evidence_in_the_case_with_its_hash(api, case, submission, borrower):
    receipt = samples.pdf()

    response = update(api, submission, receipt=receipt, status="acknowledged", at="2026-11-05T16:30:00+08:00",
                      note="受案回执，查询码 8841")

    assert response.status_code == 201, response.json()
    shown = response.json()
    assert (shown["status"], shown["status_label"]) == ("acknowledged", "Acknowledged")
    step = shown["updates"][-1]
    item = EvidenceItem.objects.get(case=case, sha256=hashlib.sha256(receipt).hexdigest())
    assert step == {"status": "acknowledged", "status_label": "Acknowledged", "at": "2026-11-05T08:30:00Z",
                    "note": "受案回执，查询码 8841",
                    "receipt": {"id": str(item.id), "sha256": item.sha256, "original_name": "回执.pdf"}}
    assert (item.kind, item.mime, item.size, item.uploaded_by) == ("document", "application/pdf", len(receipt), borrower)
    assert "受案回执，查询码 8841" in item.note and "12378" in item.note
    listed = api.get(f"/api/cases/{case.id}/evidence/").json()["results"]
    assert item.sha256 in [entry["sha256"] for entry in listed]
    original = api.get(f"/api/evidence/{item.id}/original")
    assert b"".join(original.streaming_content) == receipt


def test_a_receipt_and_its_step_are_written_to_the_custody_log(api, case, submission):
    shown = update(api, submission, receipt=samples.png(), name="回执截图.png", status="acknowledged").json()

    item_id = shown["updates"][-1]["receipt"]["id"]
    received = CustodyEvent.objects.get(action="evidence.received", item_id=item_id)
    updated = CustodyEvent.objects.get(action="submission.updated")
    assert updated.seq > received.seq
    assert (updated.case_id, str(updated.item_id), updated.sha256) == (case.id, item_id, received.sha256)
    assert updated.details["submission"] == submission["id"] and updated.details["status"] == "acknowledged"
    assert updated.details["receipt"] == item_id


def test_the_same_receipt_sent_twice_is_one_evidence_item(api, case, submission):
    receipt = samples.pdf()
    first = update(api, submission, receipt=receipt, status="acknowledged").json()
    second = update(api, submission, receipt=receipt, status="answered").json()

    assert first["updates"][-1]["receipt"] == second["updates"][-1]["receipt"]
    assert EvidenceItem.objects.filter(case=case, sha256=hashlib.sha256(receipt).hexdigest()).count() == 1


def test_it_takes_a_step_as_json_without_a_receipt(api, submission):
    response = update(api, submission, status="answered", note="电话答复：已转交机构处理")

    assert response.status_code == 201
    assert response.json()["status"] == "answered"
    assert [step["status"] for step in response.json()["updates"]] == ["submitted", "answered"]
    assert response.json()["updates"][-1]["receipt"] is None


def test_the_history_goes_forward_and_can_be_corrected(api, submission):
    update(api, submission, status="answered", at="2026-11-10T09:00:00+08:00")
    corrected = update(api, submission, status="acknowledged", note="不是答复，只是受理").json()

    assert corrected["status"] == "acknowledged"
    assert [step["status"] for step in corrected["updates"]] == ["submitted", "answered", "acknowledged"]


def test_a_step_entered_late_for_an_earlier_day_does_not_override_a_newer_one(api, submission):
    update(api, submission, status="closed", at="2026-11-20T09:00:00+08:00")

    shown = update(api, submission, status="acknowledged", at="2026-11-05T09:00:00+08:00").json()

    assert shown["status"] == "closed"
    assert [step["status"] for step in shown["updates"]] == ["submitted", "acknowledged", "closed"]


def test_it_refuses_a_step_dated_in_the_future_and_keeps_no_receipt(api, case, submission, media_root):
    later = timezone.now() + timedelta(days=2)

    response = update(api, submission, receipt=samples.pdf(), status="answered", at=later.isoformat())

    assert response.status_code == 400
    assert response.json()["error"] == "time_in_future"
    assert "is in the future" in response.json()["detail"]
    assert SubmissionUpdate.objects.count() == 1
    assert not EvidenceItem.objects.filter(case=case, mime="application/pdf").exists()
    assert not [p for p in (media_root / "tmp").rglob("*") if p.is_file()]


def test_it_refuses_a_step_dated_before_the_submission(api, submission):
    response = update(api, submission, status="acknowledged", at="2026-11-01T09:00:00+08:00")

    assert response.status_code == 400
    assert response.json()["error"] == "time_before_submission"


def test_it_refuses_an_unknown_status(api, submission):
    response = update(api, submission, status="won")

    assert response.status_code == 400 and response.json()["error"] == "invalid"
    assert response.json()["detail"].startswith("status:")


def test_it_refuses_a_file_in_any_field_but_receipt(api, submission):
    body = {"status": "answered", "file": SimpleUploadedFile("a.pdf", samples.pdf())}

    response = api.post(f"/api/submissions/{submission['id']}/updates/", body, format="multipart")

    assert response.status_code == 400 and response.json()["error"] == "too_many_files"
    assert SubmissionUpdate.objects.count() == 1


def test_it_refuses_a_receipt_that_is_not_an_accepted_file_type(api, case, submission):
    response = update(api, submission, receipt=samples.zip_file(), name="回执.pdf", status="acknowledged")

    assert response.status_code == 415 and response.json()["error"] == "unsupported_file_type"
    assert SubmissionUpdate.objects.count() == 1
    assert not CustodyEvent.objects.filter(action="submission.updated").exists()
