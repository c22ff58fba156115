"""The lawyer's page plays a call's recording beside the call, through the logged exhibit URL."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import Client

from evidence.sharing.models import Access
from tests import samples
from tests.conftest import import_export, upload
from tests.exports import call, calls_xml
from tests.sharing.conftest import make_bundle, share

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECORDED_AT = datetime(2024, 6, 15, 22, 45, 12, tzinfo=SHANGHAI)


def _lawyer_page(api, case, lawyer) -> tuple[str, Client, str]:
    bundle = make_bundle(api, case)
    share_id = share(api, bundle, lawyer.username).json()["id"]
    browser = Client()
    browser.force_login(lawyer)
    response = browser.get(f"/shared/{share_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode(), browser, share_id


def test_the_lawyer_page_puts_an_audio_player_beside_the_recorded_call(api, case, lawyer):
    import_export(api, case, calls_xml(call(RECORDED_AT - timedelta(seconds=20), 1, "13800138000", 95)),
                  name="calls.xml")
    recording = upload(api, case, samples.mp3(), name="张三(13800138000)_20240615224512.mp3").json()

    html, browser, share_id = _lawyer_page(api, case, lawyer)

    url = f"/shared/{share_id}/exhibits/{recording['id']}"
    assert f'<audio controls preload="none" src="{url}">' in html
    assert "Recording of this call" in html
    # The call it records, as the report prints it: its local time, its direction, the number in E.164.
    assert "Records the call</span> " in html and "2024-06-15 22:44:52</time> · Incoming · +8613800138000" in html
    played = browser.get(url, HTTP_RANGE="bytes=0-")
    assert played.status_code == 200 and played["Content-Type"] == "audio/mpeg"
    assert Access.objects.filter(share_id=share_id, what=Access.What.ORIGINAL, item_id=recording["id"]).count() == 1


def test_the_lawyer_page_plays_no_recording_outside_the_bundle(api, case, lawyer):
    import_export(api, case, calls_xml(call(RECORDED_AT - timedelta(seconds=20), 1, "13800138000", 95)),
                  name="calls.xml")
    bundle = make_bundle(api, case)
    upload(api, case, samples.mp3(), name="张三(13800138000)_20240615224512.mp3")  # linked, but after the bundle
    share_id = share(api, bundle, lawyer.username).json()["id"]
    browser = Client()
    browser.force_login(lawyer)

    html = browser.get(f"/shared/{share_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<audio" not in html
