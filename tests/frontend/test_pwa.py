"""The borrower's phone app (frontend/public/), in real Chromium on an emulated Pixel 7.

What a borrower would notice: sign in, see the case, upload with progress, files kept while
offline and sent later (once), files shared from the gallery, the app installable and working
offline, both languages, accessibility, no third-party requests, and the quick exit.
"""

import hashlib
import io
import json
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import PASSWORD, client_for
from tests.exports import call, calls_xml

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PUBLIC = Path(__file__).resolve().parents[2] / "frontend" / "public"


def wait_until(check, timeout: float = 10.0, step: float = 0.1):
    """Poll `check` (an ORM query, say) until it is truthy; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def file_payload(name: str, data: bytes, mime: str = "image/png") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def open_case(phone, case):
    page = phone.page
    page.click(f"a[href='#/case/{case.id}']")
    page.wait_for_selector("ol.timeline > li")
    return page


def test_sign_in_open_the_case_and_upload_two_files_with_progress(live_server, transactional_db, phone, case):
    page = phone.sign_in()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("main h1").inner_text() == "我的案件"
    assert page.locator(".case-card").inner_text().startswith("某某贷 催收")
    phone.shot("case-list")

    open_case(phone, case)
    page.click(f"a[href='#/case/{case.id}/upload']")
    page.wait_for_selector("label[for=pick-gallery]")
    first, second = samples.png(), samples.png(420, 320, noise=True)

    # A slow upload (about 3G), so the progress bars are seen moving.
    cdp = phone.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40, "downloadThroughput": 400_000, "uploadThroughput": 120_000})
    page.set_input_files("#pick-gallery", [file_payload("催收短信.png", first), file_payload("call-log.png", second)])
    phone.wait_js("[...document.querySelectorAll('.file-row progress')].some(p => p.value > 0 && p.value < 100)")
    phone.shot("upload-progress")
    phone.wait_js("document.querySelectorAll('.file-row[data-state=done]').length === 2", timeout=20)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    rows = page.locator(".file-row")
    assert [rows.nth(i).locator("progress").evaluate("p => p.value") for i in range(2)] == [100, 100]
    assert [rows.nth(i).locator(".pct").inner_text() for i in range(2)] == ["100%", "100%"]
    assert rows.nth(0).locator(".state").inner_text() == "已保存 ✓"
    browser_hashes = [rows.nth(i).get_attribute("data-sha256") for i in range(2)]
    assert browser_hashes == [hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()]
    stored = set(EvidenceItem.objects.filter(case=case).values_list("sha256", flat=True))
    assert stored == set(browser_hashes)

    page.click(f"a[href='#/case/{case.id}']")
    page.wait_for_selector("ol.timeline > li.file")
    shown = page.locator("ol.timeline > li.file")
    assert shown.count() == 2
    assert {shown.nth(i).get_attribute("data-sha256") for i in range(2)} == set(browser_hashes)
    assert "催收短信.png" in page.locator("ol.timeline").inner_text()
    phone.wait_js("[...document.querySelectorAll('img.thumb')].every(i => i.src.startsWith('blob:'))")
    phone.shot("timeline")

    assert phone.foreign_requests() == []
    assert phone.errors == []


def test_files_chosen_offline_wait_survive_a_reload_and_are_sent_once_online(live_server, transactional_db, phone_factory, case):
    phone = phone_factory("en-US")
    page = phone.sign_in()
    open_case(phone, case)
    phone.wait_for_service_worker()
    page.click(f"a[href='#/case/{case.id}/upload']")
    page.wait_for_selector("label[for=pick-gallery]")
    data = samples.png(90, 60)
    sha = hashlib.sha256(data).hexdigest()

    phone.context.set_offline(True)
    page.set_input_files("#pick-gallery", [file_payload("threat.png", data)])
    page.wait_for_selector(".file-row[data-state=waiting]")
    assert "Waiting to be sent" in page.locator(".file-row .state").inner_text()
    assert page.locator("#queue-status").inner_text().startswith("1 file waiting to be sent")

    page.reload()  # offline: the service worker serves the app
    page.wait_for_selector("main h1")
    assert page.locator("main h1").inner_text() == "Add evidence"
    page.wait_for_selector("#queue-status a.waiting")
    assert "1 file waiting to be sent" in page.locator("#queue-status").inner_text()
    page.click("#nav a[href='#/queue']")
    page.wait_for_selector("li.file-row:has-text('threat.png')")
    phone.shot("queue")
    assert not EvidenceItem.objects.filter(case=case).exists()

    phone.context.set_offline(False)
    sent = wait_until(lambda: EvidenceItem.objects.filter(case=case, sha256=sha).exists())
    assert sent, "the queued file never reached the server"
    page.wait_for_selector("main p.msg.ok")  # "Every file has been sent."
    assert page.locator("#queue-status").is_hidden()
    assert phone.page.evaluate("ELCore.db.count('queue')") == 0

    # The same file again: the server knows it (200), nothing is stored twice.
    page.click("#nav a[href='#/cases']")
    page.wait_for_selector(".case-card")
    page.goto(f"{phone.base}/#/case/{case.id}/upload")
    page.wait_for_selector("label[for=pick-gallery]")
    page.set_input_files("#pick-gallery", [file_payload("threat-again.png", data)])
    page.wait_for_selector(".file-row[data-state=done]")
    assert page.locator(".file-row .state").inner_text() == "Already saved (same file) ✓"
    assert EvidenceItem.objects.filter(case=case).count() == 1
    assert phone.foreign_requests() == []


SHARE_FROM_PAGE = """async ([name, bytes]) => {
  const form = new FormData();
  form.append('title', 'From the gallery');
  form.append('files', new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
  const answer = await fetch('/share-target/', { method: 'POST', body: form });
  return { status: answer.status, url: answer.url, redirected: answer.redirected };
}"""


def test_files_shared_to_the_app_are_queued_and_reach_the_last_opened_case(live_server, transactional_db, phone, case):
    page = phone.sign_in()
    open_case(phone, case)
    phone.wait_for_service_worker()
    data = samples.png(33, 77)

    answer = page.evaluate(SHARE_FROM_PAGE, ["shared-from-gallery.png", list(data)])
    # The service worker answered 303 to the app (without it, the server would answer 404).
    assert (answer["status"], answer["url"]) == (200, f"{phone.base}/")
    page.goto(f"{phone.base}/#/shared-files")
    page.wait_for_selector("main h1:has-text('分享来的文件')")

    item = wait_until(lambda: EvidenceItem.objects.filter(case=case, sha256=hashlib.sha256(data).hexdigest()).first())
    assert item is not None and item.original_name == "shared-from-gallery.png"
    page.wait_for_selector("main p.msg.ok:has-text('分享来的文件都已发送')")
    assert phone.foreign_requests() == []


def test_the_app_is_installable_its_icons_are_real_and_the_service_worker_controls_it(live_server, transactional_db, phone):
    finished = []
    phone.context.on("requestfinished", lambda request: finished.append(request))
    page = phone.open()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # What a first visit costs on a slow network: every byte received, service worker's included.
    received = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished)
    assert received <= 100 * 1024, f"{received} bytes on the first load"
    manifest_response = page.request.get(f"{phone.base}/manifest.webmanifest")
    manifest = json.loads(manifest_response.body())
    assert manifest["name"] == "证据柜 Evidence Locker" and manifest["short_name"] == "证据柜"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    share = manifest["share_target"]
    assert share["action"] == "/share-target/" and share["method"] == "POST" and share["enctype"] == "multipart/form-data"
    assert share["params"]["files"][0]["name"] == "files"

    sizes = {}
    for icon in manifest["icons"]:
        body = page.request.get(phone.base + icon["src"]).body()
        image = Image.open(io.BytesIO(body))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.setdefault(icon["sizes"], set()).add(icon.get("purpose", "any"))
    assert {"192x192", "512x512"} <= set(sizes)
    assert any("maskable" in purposes for purposes in sizes.values())

    cdp = phone.context.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    assert parsed["errors"] == [], parsed["errors"]
    assert parsed["url"] == f"{phone.base}/manifest.webmanifest"

    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_selector("main h1")
    assert page.evaluate("navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL") == f"{phone.base}/sw.js"
    sw = (PUBLIC / "sw.js").read_text()
    assert page.evaluate("caches.keys()") == [re.search(r"'(el-shell-[0-9a-f]+)'", sw).group(1)]


def test_every_shell_file_is_cached_by_the_service_worker_under_an_up_to_date_version():
    """A file missing from sw.js's SHELL would be missing offline; a shell changed without a new
    cache name would never reach phones that already have the app."""
    sw = (PUBLIC / "sw.js").read_text()
    for path in PUBLIC.glob("*"):
        if path.suffix in {".js", ".css", ".html", ".webmanifest"} and path.name not in {"sw.js", "index.html"}:
            assert f"'/{path.name}'" in sw, f"{path.name} is not in sw.js SHELL"
    result = subprocess.run([sys.executable, str(PUBLIC.parent / "stamp_shell.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_language_follows_the_phone_and_the_switch_sticks(live_server, transactional_db, phone_factory):
    chinese = phone_factory("zh-CN")
    page = chinese.open()
    assert page.locator("main h1").inner_text() == "登录"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("label[for]").first.inner_text() == "用户名"
    chinese.shot("sign-in")

    page.click("#lang-switch")
    page.wait_for_selector("main h1:has-text('Sign in')")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#lang-switch").inner_text() == "中文"
    page.reload()
    page.wait_for_selector("main h1")
    assert page.locator("main h1").inner_text() == "Sign in"
    assert page.locator("html").get_attribute("lang") == "en"

    english = phone_factory("en-US")
    page = english.open()
    assert page.locator("main h1").inner_text() == "Sign in"
    assert page.locator("#quick-exit").inner_text() == "Quick exit"


def test_server_errors_come_back_in_the_apps_language(live_server, transactional_db, phone_factory, borrower):
    page = phone_factory("en-US").open()
    page.fill("input[name=username]", "wang")
    page.fill("input[name=password]", "wrong password")
    page.click("main form button[type=submit]")
    english = page.locator("main .msg.error").inner_text()
    page.click("#lang-switch")
    page.fill("input[name=username]", "wang")
    page.fill("input[name=password]", "wrong password")
    page.click("main form button[type=submit]")
    page.wait_for_selector("main .msg.error")
    chinese = page.locator("main .msg.error").inner_text()
    assert english != chinese
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
    assert chinese.isascii() is False and english.isascii()


def test_import_a_call_log_and_read_the_findings_and_charts(live_server, transactional_db, phone, case):
    shanghai = ZoneInfo("Asia/Shanghai")
    nights = [datetime(2026, 11, day, 23, minute, tzinfo=shanghai) for day in range(2, 6) for minute in range(0, 60, 8)]
    export = calls_xml(*(call(moment, 3, "17100001234", 0) for moment in nights))
    page = phone.sign_in()
    open_case(phone, case)
    page.click(f"a[href='#/case/{case.id}/import']")
    page.wait_for_selector("label[for=pick-export]")
    page.set_input_files("#pick-export", [file_payload("calls.xml", export, "text/xml")])
    page.wait_for_selector(".import-status.status-done")
    assert "通话 32" in page.locator(".import-status.status-done").inner_text()

    # Label the number: collection contacts are what the rules count.
    page.click(f"a[href='#/case/{case.id}']")
    page.click(f"a[href='#/case/{case.id}/numbers']")
    page.wait_for_selector("form.label-form")
    card = page.locator("ul.numbers > li").first
    assert "来电 32 · 去电 0" in card.inner_text()  # missed calls: placed by the other side
    card.locator("select[name=role]").select_option("collector")
    card.locator("button[type=submit]").click()
    card.locator(".msg.ok").wait_for()

    page.click(f"a[href='#/case/{case.id}']")
    page.click(f"a[href='#/case/{case.id}/findings']")
    page.wait_for_selector("li.finding")
    text = page.locator("main").inner_text()
    assert "夜间催收" in text  # the CN night rule, titled in the reader's language
    assert page.locator("ul.totals").inner_text().startswith("32")
    bars = page.locator("svg.chart").first.locator("rect")
    assert bars.count() == 4  # four evenings
    assert page.locator("svg.chart").nth(1).locator("rect.night").count() == 10  # 22:00–08:00
    phone.shot("findings")
    page.locator("li.finding").first.scroll_into_view_if_needed()
    phone.shot("findings-rules")


def axe_serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_sign_in_case_list_and_timeline_have_no_serious_accessibility_violations(live_server, transactional_db, phone, case):
    page = phone.open()
    assert axe_serious(page) == []
    phone.sign_in()
    assert axe_serious(page) == []
    page.locator("details.create summary").click()
    assert axe_serious(page) == []
    client_for(case.owner).post(f"/api/cases/{case.id}/calls/", {"number": "13800138000", "direction": "missed", "started_at": "2026-11-02T23:10"}, format="json")
    open_case(phone, case)
    assert axe_serious(page) == []
    page.click(f"a[href='#/case/{case.id}/upload']")
    page.wait_for_selector("label[for=pick-gallery]")
    page.set_input_files("#pick-gallery", [file_payload("a.png", samples.png())])
    page.wait_for_selector(".file-row[data-state=done]")
    assert axe_serious(page) == []
    # Landmarks and touch targets
    assert page.locator("header").count() == 1 and page.locator("main").count() == 1 and page.locator("nav#nav").count() == 1
    small = page.evaluate("""[...document.querySelectorAll('button, a, select, input:not([type=file]):not([type=checkbox]), label.pick')]
        .filter(e => e.offsetParent !== null).map(e => [e.textContent.trim() || e.name, e.getBoundingClientRect().height])
        .filter(([, height]) => height < 44)""")
    assert small == []


def test_quick_exit_leaves_for_a_neutral_page_with_no_way_back(live_server, transactional_db, phone, case):
    page = phone.page
    page.goto(f"{phone.base}/healthz")  # whatever the phone showed before the app
    page = phone.sign_in()
    open_case(phone, case)
    page.click(f"a[href='#/case/{case.id}/upload']")
    page.wait_for_selector("label[for=pick-gallery]")

    page.click("#quick-exit")
    page.wait_for_url(f"{phone.base}/quick-exit.html")
    assert page.title() == "笔记 Notes"
    assert page.locator("#main, #quick-exit").count() == 0
    page.go_back()
    page.wait_for_load_state()
    assert "/quick-exit.html" in page.url or page.url.endswith("/healthz")
    assert "#/" not in page.url and page.locator("#quick-exit").count() == 0


def test_discreet_mode_renames_the_page_and_swaps_its_icon(live_server, transactional_db, phone, case):
    page = phone.sign_in()
    assert "证据柜" in page.title()
    page.click("#nav a[href='#/settings']")
    page.check("input[name=discreet]")
    assert page.title() == "笔记 Notes"
    assert page.locator("#brand").inner_text() == "笔记 Notes"
    assert page.locator("#favicon").get_attribute("href") == "/icons/notes-192.png"
    page.click("#nav a[href='#/cases']")
    page.wait_for_selector(".case-card")
    assert page.title() == "笔记 Notes"  # every screen, not only settings
    page.reload()
    page.wait_for_selector("main h1")
    assert page.title() == "笔记 Notes"


def test_signing_out_warns_about_unsent_files_and_forgets_the_token(live_server, transactional_db, phone, case):
    page = phone.sign_in()
    open_case(phone, case)
    page.click(f"a[href='#/case/{case.id}/upload']")
    page.wait_for_selector("label[for=pick-gallery]")
    phone.context.set_offline(True)
    page.set_input_files("#pick-gallery", [file_payload("unsent.png", samples.png(12, 12))])
    page.wait_for_selector(".file-row[data-state=waiting]")
    page.click("#nav a[href='#/settings']")
    page.click("button:has-text('退出登录')")
    assert "1 个文件没有发送" in page.locator(".confirm [role=alert]").inner_text()
    assert page.evaluate("ELCore.db.get('kv', 'token')")  # nothing happened yet
    page.click("button:has-text('删除并退出')")
    page.wait_for_selector("main h1:has-text('登录')")
    assert page.evaluate("ELCore.db.get('kv', 'token')") is None
    assert page.evaluate("ELCore.db.count('queue')") == 0
    assert page.evaluate("ELCore.db.count('cache')") == 0
    phone.context.set_offline(False)


def test_signing_out_online_signs_this_device_out_on_the_server_too(live_server, transactional_db, phone, case):
    from rest_framework.test import APIClient

    page = phone.sign_in()
    open_case(phone, case)
    kept = page.evaluate("ELCore.db.get('kv', 'token')")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {kept}")
    assert client.get("/api/cases/").status_code == 200
    page.click("#nav a[href='#/settings']")
    page.click("button:has-text('退出登录')")
    page.wait_for_selector("main h1:has-text('登录')")
    assert client.get("/api/cases/").status_code == 401  # the token no longer works anywhere


def test_a_lawyer_signed_in_on_the_web_lands_on_what_is_shared_not_in_the_app(live_server, transactional_db, phone, lawyer):
    page = phone.page
    page.goto(f"{phone.base}/login/")
    page.fill("input[name=username]", lawyer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_url(f"{phone.base}/shared/")


def test_a_lawyer_signing_in_to_the_app_is_pointed_to_the_web_sign_in(live_server, transactional_db, phone, lawyer):
    page = phone.open()
    page.fill("input[name=username]", lawyer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("main .msgs a[href='/login/?next=/shared/']")
    assert page.evaluate("ELCore.db.get('kv', 'token')") is None  # the app keeps no lawyer's token


def test_open_a_case_type_in_a_call_build_share_revoke_submit_and_invite(live_server, transactional_db, phone_factory, borrower, lawyer):
    from evidence.cases.models import Case
    from evidence.sharing.models import Share

    phone = phone_factory("en-US")
    page = phone.sign_in()
    assert page.locator("details.create").get_attribute("open") is not None  # no case yet: the form is open
    page.fill("input[name=title]", "QuickLoan collectors")
    page.select_option("select[name=jurisdiction]", "CN")
    page.fill("input[name=app]", "QuickLoan")
    page.click("details.create button[type=submit]")
    page.wait_for_selector("main h1:has-text('QuickLoan collectors')")
    case = Case.objects.get(owner=borrower)
    assert (case.jurisdiction, case.lending_app, case.timezone) == ("CN", "QuickLoan", "Asia/Shanghai")

    page.click(f"a[href='#/case/{case.id}/record']")
    page.fill("input[name=number]", "138 0013 8000")
    page.fill("input[name=started_at]", "2026-11-02T23:40")
    page.locator("form").first.locator("button[type=submit]").click()
    page.locator("form").first.locator(".msg.ok").wait_for()

    page.click(f"a[href='#/case/{case.id}']")
    page.wait_for_selector("ol.timeline > li.call")
    assert "2026-11-02 23:40" in page.locator("ol.timeline > li.call").inner_text()  # the case's time zone

    page.click(f"a[href='#/case/{case.id}/upload']")  # a bundle needs at least one file
    page.set_input_files("#pick-camera", [file_payload("photo.jpg", samples.jpeg(), "image/jpeg")])
    page.wait_for_selector(".file-row[data-state=done]")
    page.click(f"a[href='#/case/{case.id}']")
    page.click(f"a[href='#/case/{case.id}/bundles']")
    page.click("main form button[type=submit]")  # for a lawyer, in English
    page.wait_for_selector("button:has-text('Download the report (PDF)')")
    assert page.locator(".progress .pct").inner_text() == "100%"
    with page.expect_download() as download:
        page.click("button:has-text('Download the report (PDF)')")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"

    page.fill("input[name=lawyer]", lawyer.username)
    page.click("button:has-text('Share')")
    page.wait_for_selector("li.share:has-text('active')")
    page.click("li.share button.small:has-text('Revoke')")
    page.click("li.share button:has-text('Yes, revoke')")
    page.wait_for_selector("li.share:has-text('revoked')")
    assert Share.objects.get().revoked_at is not None

    page.fill("input[name=reference]", "12378-20261103-0042")
    page.click("button:has-text('Save the complaint')")
    page.wait_for_selector("section:has(#su-h) li.card:has-text('12378-20261103-0042')")

    page.click("a:has-text('Reports, sharing, complaints')")
    page.click(f"a[href='#/case/{case.id}']")
    page.click(f"a[href='#/case/{case.id}/invite']")
    page.fill("input[name=name]", "Mum")
    page.click("main form button[type=submit]")
    link = page.locator(".invite-link input").input_value()
    assert link.startswith(f"{phone.base}/invite/")
    assert phone.foreign_requests() == []


def test_sign_up_in_the_app_lands_on_the_empty_case_list_and_a_taken_name_is_refused(live_server, transactional_db, phone, borrower):
    import hashlib

    from evidence.accounts.models import ApiToken, Role, User

    page = phone.open()
    page.click("main a[href='#/signup']")
    page.wait_for_selector("main h1:has-text('注册账户')")
    inputs = page.locator("main form input")
    assert inputs.count() == 4
    for i in range(inputs.count()):  # every input has its own label
        assert page.locator(f"label[for='{inputs.nth(i).get_attribute('id')}']").inner_text()
    assert "律师打开" in page.locator("main form").inner_text()  # what the e-mail is for
    small = page.evaluate("""[...document.querySelectorAll('main button, main a, main input')]
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map(e => e.textContent || e.name)""")
    assert small == []
    assert axe_serious(page) == []
    phone.shot("sign-up", full_page=True)

    def submit(username, password, again, email=""):
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.fill("input[name=password_again]", again)
        page.fill("input[name=email]", email)
        page.click("main form button[type=submit]")
        return page.locator("main form [role=alert]")

    # The two passwords are compared in the browser: nothing reaches the server.
    assert submit("xiao.chen", PASSWORD, PASSWORD + "!").inner_text() == "两次输入的密码不一样。"
    assert not User.objects.filter(username="xiao.chen").exists()

    # The server's own words, in the app's language.
    assert submit("wang", PASSWORD, PASSWORD).inner_text() == "用户名“wang”已被占用，请换一个。"
    phone.shot("sign-up-taken")
    assert User.objects.filter(username__iexact="wang").count() == 1

    submit("xiao.chen", PASSWORD, PASSWORD, "chen@example.org")
    page.wait_for_selector("main .list:not([aria-busy])")
    assert page.locator("main h1").inner_text() == "我的案件"
    assert page.locator("main .list").inner_text() == "还没有案件。先建一个案件，再添加证据。"
    user = User.objects.get(username="xiao.chen")
    assert (user.role, user.email) == (Role.BORROWER, "chen@example.org")
    kept = page.evaluate("ELCore.db.get('kv', 'token')")  # kept as a sign-in keeps it; the server keeps its hash
    assert ApiToken.objects.filter(user=user, key_sha256=hashlib.sha256(kept.encode()).hexdigest()).exists()
    assert page.evaluate("ELCore.db.get('kv', 'username')") == "xiao.chen"
    page.reload()  # still signed in
    page.wait_for_selector("main .list:not([aria-busy])")
    assert page.locator("main h1").inner_text() == "我的案件"
    assert phone.errors == []


def test_the_access_log_names_the_lawyer_who_opened_the_shared_report(live_server, transactional_db, phone, case, lawyer):
    from tests.conftest import upload
    from tests.sharing.conftest import make_bundle, share

    owner = client_for(case.owner)
    upload(owner, case, samples.png())
    bundle = make_bundle(owner, case)
    shared = share(owner, bundle, lawyer.username)
    assert shared.status_code == 201, shared.json()
    opened = client_for(lawyer).get(f"/api/shared/{shared.json()['id']}/report.pdf")
    assert opened.status_code == 200
    b"".join(opened.streaming_content)

    page = phone.sign_in()
    page.goto(f"{phone.base}/#/case/{case.id}/bundle/{bundle['id']}")
    card = page.locator("li.share")
    card.wait_for()
    assert "查看 1 次" in card.inner_text()
    card.locator("button:has-text('查看记录')").click()
    entry = card.locator("ul.log > li")
    entry.wait_for()
    assert entry.count() == 1
    assert f" · {lawyer.username} · " in entry.inner_text()
    assert phone.errors == []
