"""The borrower says what a file proves (证明目的) and holds (内容摘要) from its timeline entry, in Chromium."""

import pytest

from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import client_for, upload
from tests.frontend.test_pwa import open_case

pytestmark = pytest.mark.browser


def _touch_size(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).first.bounding_box()
    return box["width"], box["height"]


@pytest.mark.parametrize(("locale", "link", "saved"), [("zh-CN", "填写证明目的和内容摘要", "已保存。"),
                                                       ("en-GB", "Say what it proves", "Saved.")])
def test_it_lets_the_borrower_describe_a_file_from_its_timeline_entry(live_server, transactional_db, phone_factory,
                                                                       case, borrower, locale, link, saved):
    item = upload(client_for(borrower), case, samples.png(), name="Screenshot_1.png").json()
    phone = phone_factory(locale)
    page = phone.sign_in()
    open_case(phone, case)

    entry = page.locator(f"li.entry.file[data-sha256='{item['sha256']}'] a.describe-link")
    assert entry.inner_text() == link
    assert _touch_size(page, "a.describe-link")[1] >= 44
    entry.click()
    page.wait_for_selector("form.describe")
    page.fill("textarea[name=purpose]", "证明催收方 23:10 发来威胁短信")
    page.fill("textarea[name=summary]", "短信截图，显示号码 13800138000 和全文")
    assert _touch_size(page, "form.describe button[type=submit]")[1] >= 44
    page.click("form.describe button[type=submit]")
    page.wait_for_selector("form.describe .msg.ok")

    assert page.locator("form.describe .msg.ok").inner_text() == saved
    stored = EvidenceItem.objects.get(id=item["id"])
    assert (stored.purpose, stored.summary) == ("证明催收方 23:10 发来威胁短信", "短信截图，显示号码 13800138000 和全文")
    page.reload()
    page.wait_for_selector("form.describe")
    assert page.input_value("textarea[name=purpose]") == "证明催收方 23:10 发来威胁短信"
    phone.shot(f"describe-{locale}")
    assert phone.errors == [] and phone.foreign_requests() == []
