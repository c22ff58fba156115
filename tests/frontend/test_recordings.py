"""A dialer-named recording plays beside its call in the phone app's timeline, in Chromium."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.custody.models import CustodyEvent
from evidence.events.models import Event
from tests import samples
from tests.conftest import client_for, import_export
from tests.exports import call, calls_xml
from tests.frontend.test_pwa import open_case

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_recording_plays_beside_the_call_it_records(live_server, transactional_db, phone, case, borrower):
    api = client_for(borrower)
    _, job = import_export(api, case, calls_xml(
        call(datetime(2024, 6, 15, 22, 45, 5, tzinfo=SHANGHAI), 1, "13800138000", 95),
        call(datetime(2024, 6, 15, 23, 30, tzinfo=SHANGHAI), 3, "13800138000", 0)))
    assert job["status"] == "done", job
    recording = samples.mp3()
    response = api.post(f"/api/cases/{case.id}/evidence/", {
        "file": SimpleUploadedFile("通话录音@张三(008613800138000)_20240615224512.mp3", recording)}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["occurred_at_source"] == "filename"
    assert Event.objects.get(case=case, direction="in").recording_id is not None

    page = phone.sign_in()
    open_case(phone, case)
    answered = page.locator("ol.timeline li.entry.call.dir-in")
    assert "通话录音" in answered.inner_text()
    assert page.locator("ol.timeline li.entry.call.dir-missed .recording").count() == 0
    answered.scroll_into_view_if_needed()
    phone.shot("call-recording")
    answered.locator(".recording button").click()
    audio = answered.locator(".recording audio")
    audio.wait_for()
    assert audio.get_attribute("src").startswith("blob:")
    phone.wait_js("document.querySelector('.recording audio').duration > 0")  # it decoded the original
    item_id = response.json()["id"]
    assert CustodyEvent.objects.filter(action="evidence.original_fetched", item_id=item_id).count() == 1
    assert phone.foreign_requests() == []
