"""The borrower searches a case from its screen, in Chromium: hits marked, machine-read text said so."""

import pytest

from evidence.ocr.models import RecognizedText
from tests import samples
from tests.conftest import client_for, upload
from tests.frontend.test_pwa import open_case

pytestmark = pytest.mark.browser


def test_a_search_from_the_case_screen_marks_the_matches_and_opens_the_screenshot(
        live_server, transactional_db, phone, case, borrower):
    owner = client_for(borrower)
    sent = owner.post(f"/api/cases/{case.id}/messages/", {
        "channel": "sms", "direction": "in", "address": "13800138000", "sent_at": "2026-05-01T22:10:00+08:00",
        "body": "您已逾期三十天，我们将起诉到法院，后果自负"}, format="json")
    assert sent.status_code == 201
    shot = upload(owner, case, samples.png(60, 120), name="微信截图.png", occurred_at="2026-05-02T22:41:00+08:00").json()
    RecognizedText.objects.filter(item_id=shot["id"]).update(
        status="done", layout="chat", lang="zh-Hans", content="XX贷客服\n22:41\n法院传票已经寄出",
        passages=[{"n": 1, "side": "time", "text": "22:41", "time": ""},
                  {"n": 2, "side": "theirs", "text": "法院传票已经寄出", "time": "22:41"}])
    page = phone.sign_in()
    open_case(phone, case)

    page.fill("form.search-form input[name=q]", "法院")
    page.press("form.search-form input[name=q]", "Enter")
    page.wait_for_selector("ol.hits > li")

    hits = page.locator("ol.hits > li")
    assert hits.count() == 2
    assert page.locator("p.search-summary").inner_text() == "“法院”：找到 2 处"
    first, second = hits.nth(0), hits.nth(1)
    assert first.locator("p.what").inner_text() == "图中文字 · 对方"  # newest first: the screenshot
    assert first.locator("mark").all_inner_texts() == ["法院"]
    assert first.locator(".machine-note").inner_text() == "机器识读的文字，可能有错字"
    assert second.locator("p.excerpt").inner_text() == "您已逾期三十天，我们将起诉到法院，后果自负"
    assert second.locator("mark").all_inner_texts() == ["法院"] and second.locator("a").count() == 0
    phone.shot("search-zh")

    first.locator("a.describe-link").click()
    page.wait_for_selector("form.describe")
    assert f"/item/{shot['id']}" in page.url

    page.goto(f"{phone.base}/#/case/{case.id}/search?q=%E6%B3%95%E9%99%A2")
    page.wait_for_selector("ol.hits > li")  # a search is an address: it can be opened again
    page.fill("form.search-form input[name=q]", "没有这句话")
    page.press("form.search-form input[name=q]", "Enter")
    page.wait_for_selector("p.search-summary:has-text('没有找到')")
    assert page.locator("ol.hits > li").count() == 0
    assert phone.errors == [] and phone.foreign_requests() == []
