"""What a borrower noticed on a Pixel 7 in Chinese and English, each checked where it showed.

A case made a moment ago is in the offline list; no "null" on a case without files; an outgoing call
is never called 来电 and a number's counts say who placed what, the same on every screen; one
language per screen; chart labels inside their frame and every day drawn; the phone's hash of an
export; a submission's note; only the case's own authorities; a time zone by its name; dates that
read one way; no e-mail notice without an e-mail address; discreet mode that gives nothing away.
"""

import hashlib
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from evidence.cases.services import case_create
from tests import samples
from tests.conftest import client_for, import_export, upload
from tests.exports import call, calls_xml, sms, sms_xml
from tests.frontend.test_pwa import file_payload, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
MUM = "13900139000"
COLLECTOR = "17100001234"


def label(api, case, number, role="collector"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert api.post(f"/api/cases/{case.id}/labels/", {"number": number, "role": role}, format="json").status_code in (200, 201)


def saved(phone, url: str, js_test: str):
    """Until the phone's saved copy of `url` passes `js_test` (a function of the saved answer)."""
    return phone.wait_js(f"ELCore.db.get('cache', {url!r}).then(c => Boolean(c && ({js_test})(c.data)))")


def body_text(page) -> str:
    return page.locator("body").inner_text()


# The saved (offline) copies follow every change the app makes.

def test_offline_the_list_shows_the_case_made_a_moment_ago_and_the_case_what_was_added(
        live_server, transactional_db, phone, borrower):
    from evidence.cases.models import Case

    page = phone.sign_in()
    phone.wait_for_service_worker()
    assert page.locator("details.create").get_attribute("open") is not None  # no case yet
    page.fill("input[name=title]", "某某贷 催收")
    page.click("details.create button[type=submit]")
    page.wait_for_selector("main h1:has-text('某某贷 催收')")
    page.wait_for_selector("ol.timeline > li")
    case = Case.objects.get(owner=borrower)

    # Typed in and uploaded from the phone: the case's saved copies follow.
    page.click(f"a[href='#/case/{case.id}/record']")
    page.fill("input[name=number]", COLLECTOR)
    page.fill("input[name=started_at]", "2026-11-02T23:40")
    page.locator("form").first.locator("button[type=submit]").click()
    page.locator("form").first.locator(".msg.ok").wait_for()
    page.click(f"a[href='#/case/{case.id}']")
    page.click(f"a[href='#/case/{case.id}/upload']")
    page.set_input_files("#pick-gallery", [file_payload("催收短信.png", samples.png())])
    page.wait_for_selector(".file-row[data-state=done]")
    saved(phone, f"/api/cases/{case.id}/timeline/?page_size=30", "d => d.count === 2")
    saved(phone, "/api/cases/", "d => d.results[0].counts.evidence === 1")

    phone.context.set_offline(True)
    page.goto(f"{phone.base}/#/cases")  # the app opens from the phone
    page.wait_for_selector("main .list:not([aria-busy]) a.case-card")
    text = page.locator("main").inner_text()
    assert "某某贷 催收" in text and "1 份证据" in text
    assert "还没有案件" not in text
    assert re.search(r"现在离线：显示的是 \d{4}-\d\d-\d\d \d\d:\d\d 保存的内容。", text)
    # Opening a case needs the server: the form says so instead of failing with 连不上服务器.
    page.locator("details.create summary").click()
    assert page.locator("details.create button[type=submit]").is_disabled()
    assert "联网后才能新建案件" in page.locator("details.create").inner_text()
    phone.shot("case-list-offline")

    page.click(f"a[href='#/case/{case.id}']")
    page.wait_for_selector("ol.timeline > li.call")
    assert page.locator("ol.timeline > li").count() == 2
    assert "截图 1" in page.locator("main").inner_text()
    phone.context.set_offline(False)
    assert phone.errors == []


# No "null" (nor "undefined", "NaN") on any screen of a case without files, in either language.

def test_no_screen_of_a_case_without_files_shows_null_or_undefined(live_server, transactional_db, phone, case):
    page = phone.sign_in()
    # Each screen with what it shows last, once everything it asked the server for has come.
    screens = [("", "ol.timeline > li"), ("/upload", "label[for=pick-gallery]"), ("/record", "main form.card"),
               ("/import", "label[for=pick-export]"), ("/numbers", "ul.numbers > li"),
               ("/findings", "section[aria-labelledby=fi-h]"), ("/bundles", "main ul.cards > li"),
               ("/invite", "main form.card"), ("/finding/no-such-rule", "main h1.gone")]
    for language in ("zh-Hans", "en"):
        for screen, last in screens:
            page.goto(f"{phone.base}/#/case/{case.id}{screen}")
            page.wait_for_selector(last)
            text = body_text(page)
            assert not re.search(r"\b(null|undefined|NaN)\b", text), f"{language} {screen or 'case'}: {text}"
            page.goto(f"{phone.base}/#/queue")  # away, so the next screen's selector is its own
        if language == "zh-Hans":
            page.click("#lang-switch")
            page.wait_for_selector("html[lang=en]")
    assert phone.errors == []


# One naming of calls and messages; counts that say who placed what, the same on every screen.

def _mum_and_a_collector(api, case):
    start = datetime(2026, 11, 2, 23, 5, tzinfo=SHANGHAI)
    _, job = import_export(api, case, calls_xml(
        *(call(start + timedelta(hours=n), 2, MUM, 60, contact_name="妈妈") for n in range(3)),  # the borrower calls Mum
        call(start - timedelta(hours=5), 1, MUM, 30, contact_name="妈妈"),
        *(call(start + timedelta(days=d), 3, COLLECTOR, 0) for d in range(4))), name="calls.xml")
    assert job["status"] == "done", job
    _, job = import_export(api, case, sms_xml(sms(start, 1, COLLECTOR, "还钱"), sms(start, 2, COLLECTOR, "别再打了")))
    assert job["status"] == "done", job
    label(api, case, COLLECTOR)


def test_an_outgoing_call_is_never_an_incoming_one_and_every_screen_counts_alike(
        live_server, transactional_db, phone_factory, case, borrower):
    _mum_and_a_collector(client_for(borrower), case)
    phone = phone_factory("zh-CN")
    page = phone.sign_in()
    open_case(phone, case)
    outgoing = page.locator("ol.timeline li.entry.call.dir-out").first
    assert outgoing.locator(".what").inner_text().startswith("通话 · 呼出")
    assert "来电" not in page.locator("ol.timeline").inner_text()
    assert page.locator("ol.timeline li.entry.call.dir-missed .what").first.inner_text().startswith("通话 · 未接")
    assert page.locator("ol.timeline li.entry.message.dir-out .what").first.inner_text() == "短信 · 发出"
    phone.shot("timeline-directions")

    page.click(f"a[href='#/case/{case.id}/numbers']")
    mum = page.locator("ul.numbers > li", has_text="妈妈")
    mum.wait_for()
    assert mum.locator(".counts").inner_text() == "来电 1 · 去电 3 · 收到信息 0 · 发出信息 0"
    collector = page.locator("ul.numbers > li", has_text=COLLECTOR)
    assert collector.locator(".counts").inner_text() == "来电 4 · 去电 0 · 收到信息 1 · 发出信息 1"
    phone.shot("numbers-counts")

    page.click(f"a[href='#/case/{case.id}']")
    page.click(f"a[href='#/case/{case.id}/findings']")
    page.wait_for_selector("ol.top li")
    assert page.locator("section.charts h3").inner_text() == "打来电话、发来信息最多的号码"
    top = page.locator("ol.top").inner_text()
    assert "+8613900139000 — 来电 1 · 收到信息 0" in top  # as the numbers screen's 来电 and 收到信息
    assert "+8617100001234 — 来电 4 · 收到信息 1" in top
    totals = page.locator("ul.totals").inner_text()
    assert "8 次通话（来电和去电）" in totals and "2 条信息（收到和发出）" in totals
    assert "5 次催收方联系（来电和信息）" in totals  # only what the collector placed
    assert page.locator("figure.chart-box figcaption").first.inner_text() == "催收方每天联系的次数（来电和信息）"

    english = phone_factory("en-US")
    page = english.sign_in()
    open_case(english, case)
    assert page.locator("ol.timeline li.entry.call.dir-out .what").first.inner_text().startswith("Call · Outgoing")
    assert page.locator("ol.timeline li.entry.message.dir-in .what").first.inner_text() == "SMS · Received"
    # The app's own words for directions are the server's (GET /api/meta/), word for word.
    words = page.evaluate("""async () => {
      const i18n = await import('/i18n.js');
      const meta = await (await fetch('/api/meta/')).json();
      const out = [];
      for (const group of ['call_direction', 'message_direction']) {
        for (const row of meta[group]) {
          for (const lang of ['zh-Hans', 'en']) {
            await i18n.setLang(lang);
            out.push([group, row.value, lang, row.label[lang], i18n.label(group, row.value)]);
          }
        }
      }
      await i18n.setLang('en');
      return out;
    }""")
    assert [w for w in words if w[3] != w[4]] == []
    assert english.errors == [] and phone.errors == []


# One language per screen: the server's password words, and whatever is shown during a switch.

def test_a_weak_password_is_refused_in_one_language_and_a_switch_redraws_the_bars_too(
        live_server, transactional_db, phone, case):
    page = phone.open("#/signup")
    page.wait_for_selector("main h1:has-text('注册账户')")
    for name, value in (("username", "xiao.chen"), ("password", "1234567"), ("password_again", "1234567")):
        page.fill(f"input[name={name}]", value)
    page.click("main form button[type=submit]")
    refusal = page.locator("main form [role=alert]")
    refusal.wait_for()
    text = refusal.inner_text()
    assert text.startswith("请设置更安全的密码：") and "密码至少要有 8 个字符" in text
    assert not re.search(r"[A-Za-z]", text), text

    page.click("#lang-switch")
    page.wait_for_selector("main h1:has-text('Create an account')")
    for name, value in (("username", "xiao.chen"), ("password", "1234567"), ("password_again", "1234567")):
        page.fill(f"input[name={name}]", value)
    page.click("main form button[type=submit]")
    english = page.locator("main form [role=alert]")
    english.wait_for()
    assert english.inner_text().startswith("Choose a stronger password: This password is too short.")
    assert not CJK.search(english.inner_text())
    page.click("#lang-switch")
    page.wait_for_selector("main h1:has-text('注册账户')")

    # A file waiting offline: its bar above the screen follows the switch with everything else.
    page = phone.sign_in()
    page.goto(f"{phone.base}/#/case/{case.id}/upload")
    page.wait_for_selector("label[for=pick-gallery]")
    phone.context.set_offline(True)
    page.set_input_files("#pick-gallery", [file_payload("threat.png", samples.png(20, 20))])
    page.wait_for_selector("#queue-status a.waiting")
    assert page.locator("#queue-status").inner_text() == "1 个文件等待发送 · 离线"
    page.click("#lang-switch")
    page.wait_for_selector("main h1:has-text('Add evidence')")
    assert page.locator("#queue-status").inner_text() == "1 file waiting to be sent · offline"
    chrome = page.locator("header").inner_text() + page.locator("#nav").inner_text() + page.locator("#queue-status").inner_text()
    assert CJK.findall(chrome) == list("中文")  # only the switch back, written in its own language
    main = page.locator("main").inner_text().replace("某某贷 催收", "")  # the case's own title stays as written
    assert not CJK.search(main), main
    page.click("#nav a[href='#/settings']")
    page.click("main button:has-text('Switch to 中文')")
    page.wait_for_selector("main h1:has-text('设置')")
    assert page.locator("#queue-status").inner_text() == "1 个文件等待发送 · 离线"
    phone.context.set_offline(False)


# Charts: every label inside the frame, none on another; every day drawn, and said how many.

LABELS_OUTSIDE = """() => [...document.querySelectorAll('svg.chart')].flatMap((svg) => {
  const [, , width, height] = svg.getAttribute('viewBox').split(' ').map(Number);
  return [...svg.querySelectorAll('text')].map((t) => [t.textContent, t.getBBox()])
    .filter(([, b]) => b.x < 0 || b.y < 0 || b.x + b.width > width || b.y + b.height > height)
    .map(([text, b]) => `${text} at ${Math.round(b.x)}..${Math.round(b.x + b.width)} of ${width}`);
})"""
LABELS_OVERLAPPING = """() => [...document.querySelectorAll('svg.chart')].flatMap((svg) => {
  const boxes = [...svg.querySelectorAll('text.lab')].map((t) => [t.textContent, t.getBBox()]);
  return boxes.flatMap(([a, p], i) => boxes.slice(i + 1).filter(([, q]) => p.x < q.x + q.width && q.x < p.x + p.width)
    .map(([b]) => `${a} / ${b}`));
})"""


def test_charts_keep_their_labels_inside_and_draw_every_day_saying_how_many(
        live_server, transactional_db, phone_factory, case, borrower):
    api = client_for(borrower)
    start = datetime(2026, 9, 1, 23, 5, tzinfo=SHANGHAI)
    days = [*range(40), 45]  # 40 evenings, five quiet days, one more: 46 days from first to last
    _, job = import_export(api, case, calls_xml(*(call(start + timedelta(days=d), 3, COLLECTOR, 0) for d in days)))
    assert job["status"] == "done", job
    label(api, case, COLLECTOR)

    for locale, note in (("zh-CN", "共 46 天：2026-09-01 至 2026-10-16"), ("en-US", "46 days: 2026-09-01 to 2026-10-16")):
        phone = phone_factory(locale)
        page = phone.sign_in()
        page.goto(f"{phone.base}/#/case/{case.id}/findings")
        page.wait_for_selector("svg.chart")
        per_day = page.locator("figure.chart-box").first
        assert per_day.locator("rect").count() == 46  # the quiet days too: gaps, not a silent cut
        assert per_day.locator(".chart-note").inner_text().startswith(note)
        assert page.evaluate(LABELS_OUTSIDE) == []
        assert page.evaluate(LABELS_OVERLAPPING) == []
        # It opens on the latest days: the last day's label is in view inside the box.
        latest = per_day.locator("text.lab", has_text="10-16")
        box, frame = latest.bounding_box(), per_day.locator(".chart-scroll").bounding_box()
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        if locale == "zh-CN":
            phone.shot("findings-every-day")
        assert phone.errors == []

    # A short run fits the screen: no scrolling, labels still inside.
    short = case_create(owner=borrower, title="短", jurisdiction="CN")
    _, job = import_export(api, short, calls_xml(*(call(start + timedelta(days=d), 3, COLLECTOR, 0) for d in range(4))))
    label(api, short, COLLECTOR)
    page.goto(f"{phone.base}/#/case/{short.id}/findings")
    page.wait_for_selector("svg.chart")
    assert page.locator(".chart-scroll").count() == 0
    assert page.evaluate(LABELS_OUTSIDE) == [] and page.evaluate(LABELS_OVERLAPPING) == []
    labels = page.locator("figure.chart-box").first.locator("text.lab").evaluate_all("ts => ts.map(t => t.textContent)")
    assert sorted(labels) == ["09-01", "09-02", "09-03", "09-04"]


# The phone hashes an export like any file: "cannot hash" only when it really cannot.

def test_an_import_shows_the_hash_the_phone_computed(live_server, transactional_db, phone, case):
    export = calls_xml(call(datetime(2026, 11, 2, 23, 0, tzinfo=SHANGHAI), 3, COLLECTOR, 0))
    page = phone.sign_in()
    page.goto(f"{phone.base}/#/case/{case.id}/import")
    page.set_input_files("#pick-export", [file_payload("calls.xml", export, "text/xml")])
    row = page.locator(".file-row")
    row.locator(".hash code").wait_for()
    assert row.get_attribute("data-sha256") == hashlib.sha256(export).hexdigest()
    assert row.locator(".hash").inner_text().startswith("SHA-256 " + hashlib.sha256(export).hexdigest()[:12])
    assert "哈希" not in row.locator(".hash").inner_text()
    page.wait_for_selector(".import-status.status-done")


# A bundle's screen: the submission's note, the case's own authorities, e-mail notices.

def test_a_bundle_offers_only_its_places_authorities_keeps_the_note_and_notifies_only_with_an_email(
        live_server, transactional_db, phone, case, borrower):
    from tests.sharing.conftest import make_bundle

    api = client_for(borrower)
    upload(api, case, samples.png(), name="催收短信.png")
    bundle = make_bundle(api, case)
    us = case_create(owner=borrower, title="QuickLoan", jurisdiction="US", timezone="America/New_York")

    page = phone.sign_in()
    page.goto(f"{phone.base}/#/case/{case.id}/bundles")
    page.wait_for_selector("select[name=authority]", state="attached")
    offered = page.locator("select[name=authority] option").evaluate_all("os => os.map(o => o.value)")
    assert offered == ["cn-12378", "cn-nifa", "cn-12321", "cn-police", "cn-12315", "generic"]
    page.goto(f"{phone.base}/#/case/{us.id}/bundles")
    page.wait_for_selector("main p.meta:has-text('QuickLoan')")
    page.wait_for_selector("select[name=authority]", state="attached")
    assert page.locator("select[name=authority] option").evaluate_all("os => os.map(o => o.value)") == ["us-cfpb", "generic"]

    page.goto(f"{phone.base}/#/case/{case.id}/bundle/{bundle['id']}")
    submit = page.locator("section:has(#su-h) form.card")
    submit.wait_for()
    assert submit.locator("select[name=authority] option").evaluate_all("os => os.map(o => o.value)") == [
        "cn-12378", "cn-nifa", "cn-12321", "cn-police", "cn-12315", "generic"]
    notify = page.locator("input[name=notify]")
    phone.wait_js("!document.querySelector('input[name=notify]').disabled")  # wang has an e-mail address
    assert notify.is_checked()

    submit.locator("input[name=reference]").fill("12378-20261103-0042")
    submit.locator("input[name=note]").fill("电话里说 15 个工作日内答复")
    submit.locator("button[type=submit]").click()
    card = page.locator("li.submission")
    card.wait_for()
    assert "备注: 电话里说 15 个工作日内答复" in card.inner_text()
    assert submit.locator("input[name=note]").input_value() == "" and submit.locator("input[name=reference]").input_value() == ""
    card.locator("summary").click()
    assert "北京时间 (UTC+08:00)" in card.inner_text()
    phone.shot("submission-note", full_page=True)

    borrower.email = ""
    borrower.save(update_fields=["email"])
    page.reload()
    page.wait_for_selector("#notify-hint:not([hidden])")
    assert not notify.is_checked() and notify.is_disabled()
    assert page.locator("#notify-hint").inner_text() == "您的账户没有邮箱，所以无法通知您。"
    assert notify.get_attribute("aria-describedby") == "notify-hint"
    assert phone.errors == []


# A time zone by its name; dates that read one way in both languages.

def test_a_case_names_its_time_zone_and_every_date_reads_year_month_day(
        live_server, transactional_db, phone_factory, case, borrower):
    api = client_for(borrower)
    api.post(f"/api/cases/{case.id}/calls/", {"number": COLLECTOR, "direction": "missed", "started_at": "2026-11-02T23:40"}, format="json")
    us = case_create(owner=borrower, title="QuickLoan", jurisdiction="US", timezone="America/New_York")
    api.post(f"/api/cases/{us.id}/calls/", {"number": "2125550100", "direction": "in", "started_at": "2026-11-02T09:15"}, format="json")
    for locale, zone in (("zh-CN", "北京时间 (UTC+08:00)"), ("en-US", "Beijing time (UTC+08:00)")):
        phone = phone_factory(locale)
        page = phone.sign_in()
        open_case(phone, case)
        header = page.locator("main > p.meta").first.inner_text()
        assert zone in header and "Asia/Shanghai" not in body_text(page)
        assert "2026-11-02 23:40" in page.locator("ol.timeline > li.call").inner_text()
        page.click(f"a[href='#/case/{case.id}/record']")
        page.wait_for_selector("main form.card")
        assert zone in page.locator("main form.card").first.inner_text()

        page.goto(f"{phone.base}/#/case/{us.id}")
        page.wait_for_selector("ol.timeline > li.call")
        header = page.locator("main > p.meta").first.inner_text()
        assert re.search(r"\(UTC-0[45]:00\)", header) and "America/New_York" not in header, header
        assert "2026-11-02 09:15" in page.locator("ol.timeline > li.call").inner_text()
        assert not re.search(r"\d\d/\d\d/\d{4}", body_text(page))
        assert phone.errors == []


# Discreet mode: nothing on screen tells what the app is for.

def test_discreet_mode_hides_what_the_app_is_and_the_way_out_still_works(
        live_server, transactional_db, phone, case):
    page = phone.sign_in()
    page.click("#nav a[href='#/settings']")
    page.check("input[name=discreet]")
    page.click("#nav a[href='#/cases']")
    page.wait_for_selector("main .list:not([aria-busy]) a.case-card")
    shown = body_text(page)
    for giveaway in ("证据柜", "快速离开", "某某贷", "催收", "案件", "证据"):
        assert giveaway not in shown, f"{giveaway!r} on screen in discreet mode: {shown}"
    assert page.locator("#quick-exit").inner_text() == "关闭"
    assert re.search(r"笔记 \d{4}-\d\d-\d\d", page.locator("a.case-card").inner_text())
    phone.shot("discreet-list")

    page.click("a.case-card")
    page.wait_for_selector("ol.timeline > li")
    header = page.locator("header").inner_text() + page.locator("#nav").inner_text() + page.locator("main h1").inner_text()
    assert "某某贷" not in body_text(page) and "快速离开" not in header and "证据柜" not in header
    page.reload()  # from the first moment on
    page.wait_for_selector("main h1")
    assert page.locator("#quick-exit").inner_text() == "关闭" and page.title() == "笔记 Notes"

    page.click("#quick-exit")
    page.wait_for_url(f"{phone.base}/quick-exit.html")
    assert page.title() == "笔记 Notes"


def test_the_app_learns_who_is_signed_in_and_their_email_address(live_server, transactional_db, phone, borrower):
    """GET /api/auth/me/: what the share form asks before offering an e-mail notice."""
    page = phone.sign_in()
    assert page.evaluate("async () => (await import('/api.js')).me()") == {
        "username": "wang", "role": "borrower", "email": "wang@example.org"}
