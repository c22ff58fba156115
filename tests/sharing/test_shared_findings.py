"""The lawyer sees each finding with the events behind it, on the page and in the API."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.test import Client, TestCase

from tests.conftest import client_for, import_export
from tests.exports import call, calls_xml
from tests.sharing.conftest import make_bundle, share

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_lawyer_sees_each_findings_events_with_their_source(api, case, lawyer):
    nights = [datetime(2026, 11, 2, 23, minute, tzinfo=SHANGHAI) for minute in range(0, 60, 10)]
    _, job = import_export(api, case, calls_xml(*(call(m, 3, "17100001234", 0) for m in nights)), name="calls.xml")
    with TestCase.captureOnCommitCallbacks(execute=True):
        api.post(f"/api/cases/{case.id}/labels/", {"number": "17100001234", "role": "collector", "name": "王某"},
                 format="json")
    bundle = make_bundle(api, case)
    share_id = share(api, bundle, "lawyer_zhao").json()["id"]

    findings = client_for(lawyer).get(f"/api/shared/{share_id}/findings/").json()["findings"]
    night = next(f for f in findings if f["rule"] == "CN-T")
    assert night["support"]["total"] == 6
    assert night["support"]["per_day"] == [{"day": "2026-11-02", "count": 6}]
    assert night["support"]["events"][0]["source"]["position"] == "line 5, <call> 1"

    browser = Client()
    browser.force_login(lawyer)
    page = browser.get(f"/shared/{share_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The 6 records behind it" in page
    assert "2026-11-02: 6" in page
    assert "2026-11-02 23:00:00" in page and 'calls.xml</a> <span class="where">line 5</span>' in page
    # The number as the report prints it, E.164 with the borrower's label beside it.
    assert '<span class="number">+8617100001234</span> <span class="role role-collector">collector 王某</span>' in page
    assert f"/shared/{share_id}/exhibits/{job['export_item']}" in page  # the source opens the export itself
    assert ">Missed<" in page
