"""A chat screenshot's machine-read text and its twins on the item's page, in Chromium."""

import io
from pathlib import Path

import pytest
from PIL import Image

from evidence.ocr.models import RecognizedText
from tests.conftest import client_for, upload, wait_for
from tests.ocr.chat_pictures import THREATS, chat_png

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_the_item_page_shows_the_bubbles_marked_machine_read_and_the_twin(
        live_server, transactional_db, phone, case, borrower):
    owner = client_for(borrower)
    original = chat_png("催收-王经理", THREATS)
    copy = io.BytesIO()
    Image.open(io.BytesIO(original)).convert("RGB").save(copy, "JPEG", quality=60)
    shot = upload(owner, case, original, name="Screenshot_20260501-224100.png").json()
    upload(owner, case, copy.getvalue(), name="mmexport1714574460000.jpg")
    page = phone.sign_in()
    page.goto(f"{phone.base}/#/case/{case.id}/item/{shot['id']}")
    page.wait_for_selector("ol.passages li.passage")

    assert page.locator(".twins a").all_inner_texts() == ["mmexport1714574460000.jpg"]
    assert "画面相同" in page.locator(".twins li").inner_text()
    assert "机器识读" in page.locator("p.machine-note").inner_text()
    assert page.locator("p.chat-title").inner_text() == "聊天对象：催收-王经理"
    court = page.locator("li.passage.side-theirs", has_text="法院传票已经寄出")
    assert court.locator(".who").inner_text().replace(" ", "") == "对方昨天23:05："
    assert page.locator("li.passage.side-mine .said").inner_text() == "我下周一定还"
    phone.shot("picture-text")
    page.screenshot(path=str(SCREENSHOTS / "pwa-picture-text.png"), full_page=True)

    court.locator("button", has_text="不对").click()
    page.wait_for_selector("li.passage.review-dismissed")
    n = page.locator("li.passage.review-dismissed").get_attribute("data-n")
    assert RecognizedText.objects.get(item_id=shot["id"]).reviews == {n: "dismissed"}

    def court_left_out():  # the rules are run again by a job
        findings = {f["rule"]: f for f in owner.get(f"/api/cases/{case.id}/findings/").json()}
        return "CN-I" not in findings or all(p["item_id"] != shot["id"] for p in findings["CN-I"]["passages"])

    assert wait_for(court_left_out, timeout=20)
    page.locator("li.passage.review-dismissed button", has_text="撤销").click()
    page.wait_for_selector("li.passage.review-dismissed", state="detached")
    assert phone.errors == [] and phone.foreign_requests() == []
