"""The lawyer's web pages in real Chromium, on a 1280 px laptop and a 412 px phone (Pixel 7), in Chinese.

A lawyer signs in on /login/, lands on /shared/, opens a shared case and reads it: the page must
not scroll sideways, the records table must be readable, calls and messages must say which way
they went in the right words, numbers must be those the report prints, times must name their
zone, and a call's recording must play right there.
"""

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase
from PIL import Image, ImageDraw

from evidence.cases.models import Case
from evidence.sharing.models import Access
from tests import samples
from tests.conftest import PASSWORD, client_for, import_export, upload
from tests.exports import call, calls_xml, sms, sms_xml
from tests.frontend.conftest import ARTIFACTS
from tests.sharing.conftest import make_bundle, share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHANGHAI = ZoneInfo("Asia/Shanghai")
COLLECTOR = "0755-2345 6789"  # as the phone's call log writes it; the report prints +8675523456789
COLLECTOR_MOBILE = "171 0000 1234"
ANSWERED = datetime(2026, 11, 3, 22, 45, 5, tzinfo=SHANGHAI)
CALLED_BACK = datetime(2026, 11, 4, 9, 30, tzinfo=SHANGHAI)
RECORD_SECONDS = 2.5


def _screenshot_png() -> bytes:
    """A call-log screenshot a borrower would take (drawn, so the page shows a real picture)."""
    image = Image.new("RGB", (540, 960), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 540, 80), fill=(11, 83, 148))
    draw.text((20, 30), "Recents", fill="white")
    for row, time in enumerate(("23:50", "23:40", "23:30", "23:20", "23:10", "23:00")):
        top = 110 + row * 90
        draw.text((20, top), f"0755-2345 6789   missed   {time}", fill=(160, 0, 0))
        draw.line((20, top + 60, 520, top + 60), fill=(220, 220, 220))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def shared_case(case: Case, lawyer) -> tuple[str, dict]:
    """A case as a borrower builds it, shared with the lawyer: (share id, the uploaded recording)."""
    Case.objects.filter(id=case.id).update(lender="示例小额贷款有限公司", lending_app="示例借款 App",
                                           collection_agency="示例催收公司")
    api = client_for(case.owner)
    nights = [datetime(2026, 11, day, 23, minute, tzinfo=SHANGHAI) for day in (2, 3) for minute in range(0, 60, 10)]
    _, calls = import_export(api, case, calls_xml(
        *(call(moment, 3, COLLECTOR, 0) for moment in nights),
        call(ANSWERED, 1, COLLECTOR, 95),
        call(CALLED_BACK, 2, COLLECTOR, 40),
    ), name="calls.xml")
    assert calls["status"] == "done", calls
    _, messages = import_export(api, case, sms_xml(
        sms(datetime(2026, 11, 2, 7, 5, tzinfo=SHANGHAI), 1, "10690000123", "【示例借款】您已逾期3天，再不还款将联系您的紧急联系人和单位。"),
        sms(datetime(2026, 11, 3, 23, 12, tzinfo=SHANGHAI), 1, COLLECTOR_MOBILE, "今晚不还款，明天就去你单位。"),
        sms(datetime(2026, 11, 4, 9, 40, tzinfo=SHANGHAI), 2, COLLECTOR_MOBILE, "我已联系平台协商还款，请不要再联系我的家人。"),
    ), name="sms.xml")
    assert messages["status"] == "done", messages
    with TestCase.captureOnCommitCallbacks(execute=True):
        for number, name in ((COLLECTOR, "示例催收公司"), (COLLECTOR_MOBILE, "李某")):
            labelled = api.post(f"/api/cases/{case.id}/labels/", {"number": number, "role": "collector", "name": name},
                                format="json")
            assert labelled.status_code in (200, 201), labelled.content
    recording = upload(api, case, samples.wav(RECORD_SECONDS, noise=True),
                       name="通话录音@示例催收公司(075523456789)_20261103224512.wav").json()
    upload(api, case, _screenshot_png(), name="Screenshot_2026-11-02-23-55-10.png")
    bundle = make_bundle(api, case)
    return share(api, bundle, lawyer.username).json()["id"], recording


def sign_in(page, base: str, lawyer):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", lawyer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/shared/")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


HEADER_CELLS = """(table) => [...table.querySelectorAll('thead th')].map((th) => {
  const range = document.createRange();
  range.selectNodeContents(th);
  const style = getComputedStyle(th);
  const room = th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {text: th.innerText, room, text_width: range.getBoundingClientRect().width, lines: range.getClientRects().length};
})"""

LINES = """(cells) => cells.map((cell) => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
})"""

PLAY = """async (audio) => {
  audio.muted = true;
  await audio.play();
  if (audio.readyState < 1) await new Promise((done) => audio.addEventListener('loadedmetadata', done, {once: true}));
  audio.pause();
  audio.muted = false;
  return audio.duration;
}"""


def _browser(chromium, phone_factory, width: int):
    """A 412 px Pixel 7 or a 1280 px laptop, in Chinese, in a zone that is not the case's."""
    if width == 412:
        phone = phone_factory("zh-CN", timezone_id="Europe/Berlin")
        return phone.context, phone.page
    context = chromium.new_context(locale="zh-CN", timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.mark.parametrize("width", [1280, 412])
def test_a_lawyer_reads_a_shared_case_on_a_laptop_and_a_phone(chromium, phone_factory, live_server, case, lawyer, width):
    share_id, recording = shared_case(case, lawyer)
    context, page = _browser(chromium, phone_factory, width)
    ARTIFACTS.mkdir(exist_ok=True)
    requests, errors = [], []
    context.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{live_server.url}/login/")
    page.wait_for_selector("main h1")
    assert no_sideways_scroll(page)
    login_button = page.locator("main form button[type=submit]").bounding_box()
    assert login_button["height"] >= 44  # a real button, not the browser's tiny default
    page.screenshot(path=str(ARTIFACTS / f"lawyer-login-{width}.png"), full_page=True, scale="css")
    sign_in(page, live_server.url, lawyer)

    # The list: who is signed in, until when each share runs, in the case's zone.
    header = page.locator("header.site").inner_text()
    assert lawyer.username in header and "律师" in header and "退出登录" in header
    card = page.locator("a.share-card").inner_text()
    assert "某某贷 催收" in card and "Asia/Shanghai" in card and "UTC+08:00" in card
    assert no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / f"lawyer-list-{width}.png"), full_page=True, scale="css")

    page.click("a.share-card")
    page.wait_for_url(f"{live_server.url}/shared/{share_id}/")
    page.wait_for_selector("#records table.records")
    note = page.locator(".share-note").inner_text()
    assert "Asia/Shanghai" in note and "UTC+08:00" in note and "wang" in note
    for details in page.locator("details").all():  # the findings' own record tables too
        details.locator("summary").click()
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")

    records = page.locator("#records table.records")
    if width == 1280:
        assert records.bounding_box()["width"] > 1000
        for cell in records.evaluate(HEADER_CELLS):
            assert cell["lines"] == 1 and cell["room"] >= cell["text_width"] - 0.5, cell
        lines = records.locator("td.c-type").evaluate_all(LINES)
        assert set(lines) == {1}, lines  # 类型 stays on one line: never one character per line

    # Which way each went, in its own words; a message is never a 来电.
    called_back = records.locator("tr.call.dir-out")
    assert called_back.count() == 1
    assert "呼出" in called_back.inner_text() and "来电" not in called_back.inner_text()
    received, sent = records.locator("tr.message.dir-in"), records.locator("tr.message.dir-out")
    assert received.count() == 2 and sent.count() == 1
    assert all("收到" in text and "来电" not in text for text in received.all_inner_texts())
    assert "发出" in sent.inner_text() and "去电" not in sent.inner_text()
    assert "呼入" in records.locator("tr.call.dir-in").inner_text()
    assert "未接" in records.locator("tr.call.dir-missed").first.inner_text()

    # Numbers as the report prints them, with the borrower's label beside them.
    text = page.locator("main").inner_text()
    assert "0755-2345 6789" not in text and "171 0000 1234" not in text
    assert "+8675523456789" in called_back.inner_text() and "催收方 示例催收公司" in called_back.inner_text()
    assert "+8617100001234" in sent.inner_text() and "催收方 李某" in sent.inner_text()
    assert "10690000123" in received.first.inner_text()
    assert "时间均为 Asia/Shanghai（UTC+08:00）当地时间" in text
    assert "2026-11-03 22:45:05" in records.locator("tr.call.dir-in").inner_text()  # Shanghai's clock, not Berlin's

    # The recording plays beside its call, through the exhibit URL that logs the access.
    exhibit_url = f"/shared/{share_id}/exhibits/{recording['id']}"
    audio = records.locator("tr.call.dir-in .recording audio")
    assert audio.get_attribute("src") == exhibit_url and audio.get_attribute("preload") == "none"
    audio.scroll_into_view_if_needed()
    duration = audio.evaluate(PLAY)
    assert abs(duration - RECORD_SECONDS) < 0.1, duration
    assert Access.objects.filter(share_id=share_id, what=Access.What.ORIGINAL, item_id=recording["id"]).exists()

    # Pictures show inline (a preview) and open full size.
    picture = page.locator("li.exhibit.kind-screenshot a.preview")
    assert picture.get_attribute("href").startswith(f"/shared/{share_id}/exhibits/")
    assert picture.locator("img").get_attribute("loading") == "lazy"
    picture.scroll_into_view_if_needed()
    assert picture.locator("img").evaluate(
        "(img) => img.complete ? img.naturalWidth : new Promise((done) => img.addEventListener('load', () => done(img.naturalWidth)))") > 0

    page.evaluate("document.querySelectorAll('details').forEach((details) => { details.open = false; }); window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"lawyer-case-{width}.png"), full_page=True, scale="css")
    assert errors == []  # no script error, no Content-Security-Policy violation
    assert all(url.startswith(live_server.url) for url in requests), requests
    context.close()
    kept = {1280: {"lawyer-login-1280": "lawyer-login", "lawyer-list-1280": "lawyer-list",
                   "lawyer-case-1280": "lawyer-case-1280"}, 412: {"lawyer-case-412": "lawyer-case-412"}}[width]
    for shot, name in kept.items():  # 256 colours are plenty for a page of text, at a third of the size
        with Image.open(ARTIFACTS / f"{shot}.png") as image:
            image.convert("RGB").quantize(256).save(SCREENSHOTS / f"{name}.png", optimize=True)
