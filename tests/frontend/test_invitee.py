"""An invitee (a relative or colleague the collectors also contacted) in the phone app, and a
submission's later steps: in real Chromium on an emulated Pixel 7."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import PASSWORD, client_for, upload
from tests.frontend.test_pwa import file_payload, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_invitee(borrower, case, username: str = "mama_li"):
    """The borrower invites their mother through the API; she accepts with the link's token."""
    from evidence.accounts.models import User

    answer = client_for(borrower).post(f"/api/cases/{case.id}/invitees/", {
        "name": "母亲", "relation": "relative", "expires_at": (timezone.now() + timedelta(days=30)).isoformat(),
    }, format="json")
    assert answer.status_code == 201, answer.content
    token = answer.json()["invite_url"].rstrip("/").rsplit("/", 1)[-1]
    accepted = client_for(None).post(f"/api/invitations/{token}/accept/", {"username": username, "password": PASSWORD}, format="json")
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["role"] == "invitee"
    return User.objects.get(username=username), answer.json()["id"]


def sign_in_as(phone, username: str):
    page = phone.open()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    return page


def test_an_invitee_sees_their_contribution_uploads_with_progress_and_only_sees_their_own_files(
        live_server, transactional_db, phone, borrower, case):
    borrowers_bytes = samples.png(300, 200, noise=True)
    own = upload(client_for(borrower), case, borrowers_bytes, name="借款人自己的截图.png")
    assert own.status_code == 201, own.content
    mother, invitee_id = make_invitee(borrower, case)

    page = sign_in_as(phone, mother.username)
    page.wait_for_selector("ul.contributions:not([aria-busy]) a.case-card")
    assert page.locator("main h1").inner_text() == "我可以补充的案件"
    card = page.locator("a.case-card")
    assert card.get_attribute("href") == f"#/contribution/{invitee_id}"
    text = card.inner_text()
    assert "某某贷 催收" in text and "wang 邀请您（母亲，亲属）" in text and "可以补充到" in text
    nav = page.locator("#nav").inner_text()
    assert "我的案件" not in nav and "受邀案件" in nav
    phone.shot("invitee-home")

    # The borrower's screens are not theirs: the router sends them home.
    page.evaluate(f"location.replace('#/case/{case.id}')")
    page.wait_for_selector("ul.contributions a.case-card")
    page.evaluate("location.replace('#/cases')")
    page.wait_for_selector("ul.contributions a.case-card")

    card.click()
    page.wait_for_selector("label[for=pick-gallery]")
    page.wait_for_selector("ul.mine li")
    assert "您还没有加文件" in page.locator("ul.mine").inner_text()
    data = samples.png(420, 320, noise=True)
    cdp = phone.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40, "downloadThroughput": 400_000, "uploadThroughput": 120_000})
    page.set_input_files("#pick-gallery", [file_payload("妈妈收到的短信.png", data)])
    phone.wait_js("[...document.querySelectorAll('.file-row progress')].some(p => p.value > 0 && p.value < 100)")
    phone.wait_js("document.querySelectorAll('.file-row[data-state=done]').length === 1", timeout=15)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    row = page.locator(".file-row")
    assert row.locator(".state").inner_text() == "已保存 ✓"
    assert row.get_attribute("data-sha256") == hashlib.sha256(data).hexdigest()

    item = wait_until(lambda: EvidenceItem.objects.filter(case=case, sha256=hashlib.sha256(data).hexdigest()).first())
    assert item is not None
    assert item.uploaded_by_id == mother.id
    assert item.provided_by.startswith("母亲")
    page.wait_for_selector("ul.mine li.card:has-text('妈妈收到的短信.png')")
    mine = page.locator("main").inner_text()
    assert "借款人自己的截图.png" not in mine
    assert own.json()["sha256"][:12] not in mine
    phone.shot("invitee-upload", full_page=True)

    # Bytes the case already holds from the borrower: done, "already in the case", nothing of theirs shown.
    page.set_input_files("#pick-gallery", [file_payload("again.png", borrowers_bytes)])
    phone.wait_js("document.querySelectorAll('.file-row[data-state=done]').length === 2")
    assert page.locator(".file-row").nth(1).locator(".state").inner_text() == "案件里已经有这个文件 ✓"
    assert EvidenceItem.objects.filter(case=case).count() == 2
    assert phone.foreign_requests() == []
    assert phone.errors == []


def test_a_submissions_next_step_with_a_receipt_is_added_from_the_app_and_shown_in_its_history(
        live_server, transactional_db, phone, borrower, case):
    from evidence.submissions.models import SubmissionUpdate
    from tests.submissions.conftest import make_bundle, record

    api = client_for(borrower)
    upload(api, case, samples.png(), name="催收短信.png")
    bundle = make_bundle(api, case)
    assert bundle["status"] == "done", bundle
    submitted = record(api, bundle, reference="12378-20261103-0042")
    assert submitted.status_code == 201, submitted.content

    page = phone.sign_in()
    page.evaluate(f"location.replace('#/case/{case.id}/bundle/{bundle['id']}')")
    card = page.locator("li.submission")
    card.wait_for()
    assert card.locator("ol.history li").count() == 1  # the submission itself
    card.locator("summary").click()
    card.locator("select[name=status]").select_option("acknowledged")
    card.locator("input[name=note]").fill("已受理，编号 A-77")
    receipt = samples.pdf()
    card.locator("input[name=receipt]").set_input_files([file_payload("受案回执.pdf", receipt, "application/pdf")])
    card.locator("form button[type=submit]").click()
    page.wait_for_selector("li.submission ol.history li.status-acknowledged")

    update = SubmissionUpdate.objects.select_related("receipt").get(status="acknowledged")
    assert update.note == "已受理，编号 A-77"
    assert update.receipt.sha256 == hashlib.sha256(receipt).hexdigest()
    assert update.receipt.case_id == case.id
    assert EvidenceItem.objects.filter(case=case, sha256=update.receipt.sha256).exists()
    step = page.locator("li.submission ol.history li.status-acknowledged")
    assert "已受理，编号 A-77" in step.inner_text()
    assert step.locator("[data-sha256]").get_attribute("data-sha256") == update.receipt.sha256
    shown = step.locator("time").get_attribute("datetime")
    assert abs((timezone.datetime.fromisoformat(shown) - update.at).total_seconds()) < 1
    phone.shot("submission-history", full_page=True)
    assert phone.errors == []
