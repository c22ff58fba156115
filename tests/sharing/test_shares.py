"""A borrower shares a bundle with a lawyer; the lawyer reads it; the borrower sees every access and revokes."""

import hashlib
from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from evidence.custody.models import CustodyEvent
from evidence.sharing.models import Share
from tests import samples
from tests.conftest import client_for, upload
from tests.sharing.conftest import in_days, share


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_share_open_download_log_revoke_then_404_on_the_very_next_request(api, bundle, lawyer, smtp):
    created = share(api, bundle, "lawyer_zhao")
    assert created.status_code == 201, created.json()
    assert created.json()["state"] == "active" and created.json()["invite_url"] is None
    assert smtp.to(lawyer.email), "the lawyer is told by e-mail"
    share_id = created.json()["id"]
    counsel = client_for(lawyer)

    listed = counsel.get("/api/shared/").json()
    assert [s["id"] for s in listed] == [share_id]
    assert listed[0]["bundle"]["evidence_set_sha256"] == bundle["evidence_set_sha256"]
    report = counsel.get(f"/api/shared/{share_id}/report.pdf", HTTP_USER_AGENT="LawFirm/1.0")
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    assert "inline" in report["Content-Disposition"]
    assert hashlib.sha256(_body(report)).hexdigest() == bundle["report_sha256"]
    packet = counsel.get(f"/api/shared/{share_id}/packet.zip")
    assert hashlib.sha256(_body(packet)).hexdigest() == bundle["packet_sha256"]

    log = api.get(f"/api/shares/{share_id}/accesses/").json()["results"]
    assert [entry["what"] for entry in log] == ["packet", "report"]
    assert log[1]["who"] == "lawyer_zhao" and log[1]["user_agent"] == "LawFirm/1.0" and log[1]["ip"] == "127.0.0.1"
    assert counsel.get(f"/api/shares/{share_id}/accesses/").status_code == 404  # the log is the borrower's

    assert api.delete(f"/api/shares/{share_id}/").status_code == 204
    assert counsel.get(f"/api/shared/{share_id}/report.pdf").status_code == 404
    assert counsel.get(f"/api/shared/{share_id}/").status_code == 404
    assert counsel.get("/api/shared/").json() == []
    assert api.get(f"/api/shares/{share_id}/").json()["state"] == "revoked"
    actions = set(CustodyEvent.objects.filter(case_id=bundle["case"]).values_list("action", flat=True))
    assert {"share.created", "share.report", "share.packet", "share.revoked"} <= actions


def test_an_expired_share_answers_404(api, bundle, lawyer):
    share_id = share(api, bundle, "lawyer_zhao").json()["id"]
    Share.objects.filter(id=share_id).update(expires_at=timezone.now() - timedelta(seconds=1))

    counsel = client_for(lawyer)
    assert counsel.get(f"/api/shared/{share_id}/").status_code == 404
    assert counsel.get("/api/shared/").json() == []
    assert api.get(f"/api/shares/{share_id}/").json()["state"] == "expired"


def test_without_the_download_flag_the_report_opens_but_the_packet_does_not(api, bundle, lawyer):
    share_id = share(api, bundle, "lawyer_zhao", can_download=False).json()["id"]
    counsel = client_for(lawyer)

    assert counsel.get(f"/api/shared/{share_id}/report.pdf").status_code == 200
    refused = counsel.get(f"/api/shared/{share_id}/packet.zip", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403 and refused.json()["error"] == "download_not_allowed"


def test_a_lawyer_cannot_reshare_upload_build_or_change_anything(api, case, bundle, lawyer, other_borrower):
    share(api, bundle, "lawyer_zhao")
    counsel = client_for(lawyer)

    assert share(counsel, bundle, "li").status_code == 404
    assert counsel.post(f"/api/cases/{case.id}/bundles/", {"purpose": "self"}, format="json").status_code == 404
    assert upload(counsel, case, samples.png()).status_code == 404
    assert counsel.get(f"/api/cases/{case.id}/").status_code == 404
    assert counsel.get(f"/api/bundles/{bundle['id']}/packet.zip").status_code == 404


def test_the_lawyer_sees_the_bundle_as_it_was_made_not_what_came_later(api, case, bundle, lawyer):
    share_id = share(api, bundle, "lawyer_zhao").json()["id"]
    later = upload(api, case, samples.jpeg(), name="later.jpg").json()
    api.post(f"/api/cases/{case.id}/calls/", {"number": "13900139000", "direction": "in",
                                              "started_at": "2026-05-02T07:00:00+08:00"}, format="json")
    counsel = client_for(lawyer)

    exhibits = counsel.get(f"/api/shared/{share_id}/exhibits/").json()
    assert [e["sha256"] for e in exhibits] != [] and later["sha256"] not in [e["sha256"] for e in exhibits]
    assert counsel.get(f"/api/shared/{share_id}/exhibits/{later['id']}/original").status_code == 404
    original = counsel.get(f"/api/shared/{share_id}/exhibits/{exhibits[0]['id']}/original")
    assert hashlib.sha256(_body(original)).hexdigest() == exhibits[0]["sha256"]
    numbers = [event["number"] for event in counsel.get(f"/api/shared/{share_id}/timeline/").json()["results"]]
    assert numbers == ["13800138000"]
    assert counsel.get(f"/api/shared/{share_id}/findings/").status_code == 200


def test_the_first_access_is_mailed_to_the_borrower_once(api, bundle, lawyer, borrower, smtp):
    share_id = share(api, bundle, "lawyer_zhao").json()["id"]
    counsel = client_for(lawyer)

    with TestCase.captureOnCommitCallbacks(execute=True):  # the notice goes out once the access is saved
        counsel.get(f"/api/shared/{share_id}/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        counsel.get(f"/api/shared/{share_id}/report.pdf")

    notices = smtp.to(borrower.email)
    assert len(notices) == 1 and "lawyer_zhao" in notices[0]["body"]


def test_clear_errors_for_a_share_that_cannot_be(api, bundle, other_borrower):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    unknown = api.post(f"/api/bundles/{bundle['id']}/shares/", {"lawyer": "nobody", "expires_at": in_days(3)},
                       format="json", **english)
    assert unknown.status_code == 400 and unknown.json()["error"] == "lawyer_not_found"
    assert "nobody" in unknown.json()["detail"]
    borrower_account = api.post(f"/api/bundles/{bundle['id']}/shares/", {"lawyer": "li", "expires_at": in_days(3)},
                                format="json", **english)
    # the same answer as for nobody: a share tells no one whether an account exists
    assert borrower_account.status_code == 400 and borrower_account.json()["error"] == "lawyer_not_found"
    past = api.post(f"/api/bundles/{bundle['id']}/shares/", {"lawyer": "x@example.org", "expires_at": in_days(-1)},
                    format="json", **english)
    assert past.status_code == 400 and past.json()["error"] == "bad_expiry"
    assert not Share.objects.exists()


def test_only_a_finished_bundle_can_be_shared(api, case, lawyer):
    upload(api, case, samples.png())
    # No on-commit callbacks run inside the test's transaction: the bundle stays queued.
    queued = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer"}, format="json").json()
    assert queued["status"] == "queued"
    response = share(api, {"id": queued["id"]}, "lawyer_zhao")
    assert response.status_code == 409 and response.json()["error"] == "not_ready"


def test_sharing_with_a_borrowers_address_looks_like_sharing_with_a_stranger(api, bundle, other_borrower, smtp):
    """A collector with an account must not learn whether a debtor's address has one."""
    def share_with(address: str) -> dict:
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = api.post(f"/api/bundles/{bundle['id']}/shares/", {"lawyer": address, "expires_at": in_days(3)},
                                format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    stranger, debtor = share_with("stranger@example.org"), share_with(other_borrower.email)
    assert [stranger["state"], stranger["email_sent"]] == [debtor["state"], debtor["email_sent"]] == ["invited", True]
    assert stranger["invite_url"] and debtor["invite_url"]
    assert set(stranger) == set(debtor)
    assert len(smtp.to(other_borrower.email)) == 1  # an invitation, as any address gets
