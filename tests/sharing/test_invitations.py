"""Invitation links: a lawyer without an account, and a relative the collectors also called."""

import io
import json
import re
import zipfile
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from evidence.accounts.models import User
from evidence.intake.models import EvidenceItem
from evidence.sharing.models import Invitation
from tests import samples
from tests.conftest import PASSWORD, client_for, upload
from tests.sharing.conftest import in_days, make_bundle, share

LINK = re.compile(r"https?://\S+/invite/[\w-]+/")


def test_an_invited_lawyer_gets_the_link_by_smtp_and_it_works_once(api, bundle, smtp):
    created = share(api, bundle, "counsel@lawfirm.example")
    assert created.status_code == 201 and created.json()["state"] == "invited"
    assert created.json()["email_sent"] is True
    mails = smtp.to("counsel@lawfirm.example")
    assert len(mails) == 1
    link = LINK.search(mails[0]["body"]).group(0)
    assert link == created.json()["invite_url"]
    path = "/" + link.split("/", 3)[3]

    browser = Client()
    assert browser.get(path).status_code == 200
    signed_up = browser.post(path, {"username": "zhao_lawyer", "email": "", "password": PASSWORD, "password2": PASSWORD})
    assert signed_up.status_code == 302
    landing = browser.get(signed_up["Location"])
    assert landing.status_code == 302 and landing["Location"] == "/shared/"  # a lawyer lands on what is shared
    lawyer = User.objects.get(username="zhao_lawyer")
    assert lawyer.role == "lawyer" and lawyer.email == "counsel@lawfirm.example"
    page = browser.get(landing["Location"])
    assert page.status_code == 200 and "某某贷 催收" in page.content.decode()
    assert [s["id"] for s in client_for(lawyer).get("/api/shared/").json()] == [created.json()["id"]]

    assert Client().get(path).status_code == 404  # used: never again
    token = path.rstrip("/").rsplit("/", 1)[1]
    again = Client().post(f"/api/invitations/{token}/accept/", {"username": "someone", "password": PASSWORD},
                          content_type="application/json")
    assert again.status_code == 404 and again.json()["error"] == "invitation_not_found"
    assert not User.objects.filter(username="someone").exists()


def test_an_expired_or_revoked_invitation_opens_nothing(api, bundle):
    expired = share(api, bundle, "a@lawfirm.example").json()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    token = expired["invite_url"].rstrip("/").rsplit("/", 1)[1]
    assert Client().get(f"/api/invitations/{token}/").status_code == 404

    revoked = share(api, bundle, "b@lawfirm.example").json()
    api.delete(f"/api/shares/{revoked['id']}/")
    token = revoked["invite_url"].rstrip("/").rsplit("/", 1)[1]
    assert Client().get(f"/invite/{token}/").status_code == 404


def _invitee(api, case, smtp=None, email="mum@example.org"):
    response = api.post(f"/api/cases/{case.id}/invitees/", {"name": "母亲", "relation": "relative", "email": email,
                                                            "expires_at": in_days(14)}, format="json")
    assert response.status_code == 201, response.json()
    token = response.json()["invite_url"].rstrip("/").rsplit("/", 1)[1]
    accepted = Client().post(f"/api/invitations/{token}/accept/", {"username": "mum", "password": PASSWORD},
                             content_type="application/json")
    assert accepted.status_code == 201 and accepted.json()["role"] == "invitee"
    mum = User.objects.get(username="mum")
    return response.json(), client_for(mum)


def test_an_invitee_adds_evidence_and_sees_only_their_own(api, case, smtp):
    owners = upload(api, case, samples.png(), name="borrower.png").json()
    invitee, mum = _invitee(api, case)
    assert "/invite/" in smtp.to("mum@example.org")[0]["body"]

    grants = mum.get("/api/contributions/").json()
    assert [g["id"] for g in grants] == [invitee["id"]] and grants[0]["case_title"] == case.title
    added = upload(mum, case, samples.jpeg(), name="催收打给我的.jpg")  # own path below
    assert added.status_code == 404  # not through the borrower's endpoint
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = mum.post(f"/api/contributions/{invitee['id']}/evidence/",
                        {"file": SimpleUploadedFile("催收打给我的.jpg", samples.jpeg()), "note": "打到我单位"},
                        format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["provided_by"].startswith("母亲")
    mine = mum.get(f"/api/contributions/{invitee['id']}/evidence/").json()
    assert [item["original_name"] for item in mine] == ["催收打给我的.jpg"]
    assert mum.get(f"/api/cases/{case.id}/").status_code == 404
    assert mum.get(f"/api/evidence/{owners['id']}/original").status_code == 404

    seen_by_owner = {item["original_name"]: item for item in api.get(f"/api/cases/{case.id}/evidence/").json()["results"]}
    assert seen_by_owner["催收打给我的.jpg"]["provided_by"].startswith("母亲")

    duplicate = mum.post(f"/api/contributions/{invitee['id']}/evidence/",
                         {"file": SimpleUploadedFile("x.png", samples.png())}, format="multipart")
    assert duplicate.status_code == 200 and duplicate.json() == {"duplicate": True, "sha256": owners["sha256"]}

    bundle = make_bundle(api, case)
    packet = zipfile.ZipFile(io.BytesIO(b"".join(api.get(bundle["packet_url"]).streaming_content)))
    manifest = json.loads(packet.read("manifest.json"))
    assert [i["provided_by"] for i in manifest["items"] if i["original_name"] == "催收打给我的.jpg"] == ["母亲 (亲属)"]  # in the language the invitee used

    assert api.delete(f"/api/invitees/{invitee['id']}/").status_code == 204
    late = mum.post(f"/api/contributions/{invitee['id']}/evidence/",
                    {"file": SimpleUploadedFile("y.png", samples.png(30, 30))}, format="multipart")
    assert late.status_code == 404
    assert EvidenceItem.objects.filter(case=case).count() == 2


def test_the_lawyer_pages_show_the_bundle_in_the_readers_language(api, bundle, lawyer):
    share_id = share(api, bundle, "lawyer_zhao").json()["id"]
    browser = Client()
    browser.force_login(lawyer)

    english = browser.get(f"/shared/{share_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = browser.get(f"/shared/{share_id}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Open the signed report (PDF)" in english and bundle["evidence_set_sha256"] in english
    assert "13800138000" in english
    assert "Open the signed report (PDF)" not in chinese and "某某贷 催收" in chinese
    assert browser.get(f"/shared/{share_id}/report.pdf").status_code == 200
    # After the web sign-in a lawyer lands on what is shared with them (`/` is the borrowers' phone app).
    assert browser.get("/signed-in/")["Location"] == "/shared/"

    api.delete(f"/api/shares/{share_id}/")
    assert browser.get(f"/shared/{share_id}/").status_code == 404


def test_a_refused_sign_up_leaves_no_account_and_the_link_still_works(api, bundle, borrower):
    token = share(api, bundle, "c@lawfirm.example").json()["invite_url"].rstrip("/").rsplit("/", 1)[1]
    accept = f"/api/invitations/{token}/accept/"

    def attempt(username, password=PASSWORD):
        return Client().post(accept, {"username": username, "password": password}, content_type="application/json",
                             HTTP_ACCEPT_LANGUAGE="en")

    taken, weak, bad_name = attempt("WANG"), attempt("counsel", "123"), attempt("a b/c")
    assert (taken.status_code, taken.json()["error"]) == (400, "username_taken")
    assert (weak.status_code, weak.json()["error"]) == (400, "weak_password")
    assert bad_name.status_code == 400 and "username" in bad_name.json()["fields"]
    assert not User.objects.filter(role="lawyer").exists()
    assert not Invitation.objects.filter(used_at__isnull=False).exists()

    mismatch = Client().post(f"/invite/{token}/", {"username": "counsel", "password": PASSWORD, "password2": "other"})
    assert mismatch.status_code == 200 and 'role="alert"' in mismatch.content.decode()
    assert not User.objects.filter(username="counsel").exists()
    # The page and the API accept through the one service, which checks the name as the API does.
    web_bad_name = Client().post(f"/invite/{token}/", {"username": "a b/c", "password": PASSWORD, "password2": PASSWORD},
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose a user name of 3 to 150 letters" in web_bad_name.content.decode()
    web_taken = Client().post(f"/invite/{token}/", {"username": "WANG", "password": PASSWORD, "password2": PASSWORD},
                              HTTP_ACCEPT_LANGUAGE="en")
    assert web_taken.status_code == 200 and 'role="alert"' in web_taken.content.decode()
    assert not User.objects.filter(role="lawyer").exists()

    assert attempt("counsel").status_code == 201  # still unused, so it works once
