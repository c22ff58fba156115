"""A finding opens onto the calls and messages behind it, in Chromium."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.test import TestCase

from tests.conftest import client_for, import_export
from tests.exports import call, calls_xml
from tests.frontend.test_pwa import open_case

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_finding_opens_onto_its_events_on_the_timeline(live_server, transactional_db, phone, case, borrower):
    api = client_for(borrower)
    nights = [datetime(2026, 11, day, 23, minute, tzinfo=SHANGHAI) for day in range(2, 5) for minute in range(0, 60, 6)]
    daytime = [datetime(2026, 11, 2, 12, minute, tzinfo=SHANGHAI) for minute in range(0, 30, 10)]
    _, job = import_export(api, case, calls_xml(*(call(m, 3, "17100001234", 0) for m in nights + daytime)))
    assert job["status"] == "done", job
    with TestCase.captureOnCommitCallbacks(execute=True):
        api.post(f"/api/cases/{case.id}/labels/", {"number": "17100001234", "role": "collector"}, format="json")

    page = phone.sign_in()
    open_case(phone, case)
    page.click(f"a[href='#/case/{case.id}/findings']")
    night = page.locator("li.finding", has_text="夜间").first
    night.wait_for()
    assert "每天的次数: 11-02 10 次 · 11-03 10 次 · 11-04 10 次" in night.inner_text()
    night.get_by_text("查看这 30 条记录").click()
    page.wait_for_selector("ol.timeline > li.entry")
    assert "共 30 条" in page.locator("main").inner_text()
    assert page.locator("svg.chart rect").count() == 3  # one bar a day
    phone.wait_js("document.querySelectorAll('ol.timeline > li.entry').length === 30")
    # Only night calls: the three daytime calls are not behind this finding.
    assert "12:00" not in page.locator("ol.timeline").inner_text()
    phone.shot("finding-events")
    assert phone.foreign_requests() == []
