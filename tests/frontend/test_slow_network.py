"""On a slow 3G connection (WebPageTest's "3G Slow": 400 kbit/s each way, 400 ms round trips) the
app still opens from nothing, signs in and sends a screenshot with its progress bar moving. Nothing
here is timed: a screen that never came would fail the test."""

import hashlib

import pytest

from evidence.intake.models import EvidenceItem
from tests import samples
from tests.frontend.test_pwa import file_payload

pytestmark = pytest.mark.browser
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


def test_on_slow_3g_the_app_opens_signs_in_and_sends_a_screenshot(live_server, transactional_db, phone, case):
    cdp = phone.context.new_cdp_session(phone.page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    phone.context.set_default_timeout(60_000)
    arrived = []
    phone.page.on("response", lambda response: arrived.append(response.url))

    page = phone.sign_in()
    page.click(f"a[href='#/case/{case.id}']")
    page.wait_for_selector("main h1")
    page.click(f"a[href='#/case/{case.id}/upload']")
    page.wait_for_selector("label[for=pick-gallery]")
    shot = samples.png(200, 300, noise=True)  # ~180 kB of noise: a few seconds at 400 kbit/s
    page.set_input_files("#pick-gallery", [file_payload("slow.png", shot)])

    phone.wait_js("[...document.querySelectorAll('.file-row progress')].some(p => p.value > 0 && p.value < 100)", 60)
    phone.wait_js("document.querySelectorAll('.file-row[data-state=done]').length === 1", 120)
    assert EvidenceItem.objects.filter(case=case, sha256=hashlib.sha256(shot).hexdigest()).exists()
    assert phone.foreign_requests() == [] and phone.errors == []
