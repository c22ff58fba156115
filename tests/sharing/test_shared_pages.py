"""What the lawyer's pages and the borrower's access log say: times in the case's zone, exhibits by name."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

from evidence.cases.services import case_create
from evidence.sharing.models import Invitation, Share
from tests import samples
from tests.conftest import client_for, upload
from tests.sharing.conftest import make_bundle, share


def _midnight_utc_in(days: int) -> datetime:
    return (timezone.now() + timedelta(days=days)).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _pages(lawyer, share_id, language="en") -> tuple[str, str]:
    browser = Client()
    browser.force_login(lawyer)
    listed = browser.get("/shared/", HTTP_ACCEPT_LANGUAGE=language)
    page = browser.get(f"/shared/{share_id}/", HTTP_ACCEPT_LANGUAGE=language)
    assert listed.status_code == page.status_code == 200
    return listed.content.decode(), page.content.decode()


def test_it_shows_the_expiry_in_the_cases_zone_with_the_zone_named_on_both_pages(api, bundle, lawyer):
    expires = _midnight_utc_in(20)  # 00:00 UTC is 08:00 in Shanghai
    share_id = share(api, bundle, lawyer.username, expires_at=expires.isoformat()).json()["id"]

    listed, page = _pages(lawyer, share_id)

    local = expires.astimezone(ZoneInfo("Asia/Shanghai"))
    assert local.hour == 8
    expected = f"{local:%Y-%m-%d} 08:00 (Asia/Shanghai, UTC+08:00)"
    assert expected in listed
    assert expected in page
    assert f"{expires:%Y-%m-%d} 00:00" not in listed + page  # never the server's UTC
    assert "CST" not in page  # nor a zone abbreviation a reader must guess at
    _, chinese = _pages(lawyer, share_id, language="zh-hans")
    assert f"{local:%Y-%m-%d} 08:00（Asia/Shanghai，UTC+08:00）" in chinese


def test_a_case_in_another_zone_shows_its_own_offset_summer_time_included(borrower, lawyer):
    case = case_create(owner=borrower, title="Collector calls", jurisdiction="US", timezone="America/New_York")
    owner = client_for(borrower)
    upload(owner, case, samples.png(40, 40), name="text.png")
    bundle = make_bundle(owner, case)
    expires = _midnight_utc_in(30)
    share_id = share(owner, bundle, lawyer.username, expires_at=expires.isoformat()).json()["id"]

    listed, page = _pages(lawyer, share_id)

    local = expires.astimezone(ZoneInfo("America/New_York"))
    hours = int(local.utcoffset().total_seconds() // 3600)
    expected = f"{local:%Y-%m-%d %H:%M} (America/New_York, UTC-{-hours:02d}:00)"
    assert expected in listed and expected in page
    assert "Times are local times in America/New_York (UTC-05:00 / UTC-04:00)." in page


def test_the_e_mail_to_the_lawyer_names_the_zone_of_the_case(api, bundle, lawyer, smtp):
    expires = _midnight_utc_in(10)
    share(api, bundle, lawyer.username, expires_at=expires.isoformat())

    body = smtp.to(lawyer.email)[0]["body"]

    local = expires.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{local:%Y-%m-%d} 08:00 (Asia/Shanghai, UTC+08:00)" in body
    assert " UTC\n" not in body and " UTC." not in body


def test_an_invitation_e_mail_gives_the_links_own_expiry_in_the_cases_zone(api, bundle, smtp, settings):
    share(api, bundle, "counsel@lawfirm.example", expires_at=_midnight_utc_in(60).isoformat())

    body = smtp.to("counsel@lawfirm.example")[0]["body"]

    link_expiry = Invitation.objects.get().expires_at  # the link lasts INVITATION_DAYS, not the share's 60 days
    assert link_expiry < timezone.now() + timedelta(days=settings.INVITATION_DAYS, minutes=1)
    local = link_expiry.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"expires on {local:%Y-%m-%d %H:%M} (Asia/Shanghai, UTC+08:00)" in body


def test_the_access_log_names_the_exhibit_the_lawyer_opened(api, case, lawyer):
    upload(api, case, samples.png(60, 90, noise=True), name="催收短信.png", occurred_at="2026-05-01T23:14:00+08:00")
    second = upload(api, case, samples.wav(0.5), name="通话录音.wav", occurred_at="2026-05-02T09:00:00+08:00").json()
    bundle = make_bundle(api, case)
    share_id = share(api, bundle, lawyer.username).json()["id"]
    browser = Client()
    browser.force_login(lawyer)

    played = browser.get(f"/shared/{share_id}/exhibits/{second['id']}")
    assert played.status_code == 200 and played["Content-Type"] in ("audio/wav", "audio/x-wav")  # what <audio> plays
    page = browser.get(f"/shared/{share_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    english = api.get(f"/api/shares/{share_id}/accesses/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    opened = next(row for row in english if row["what"] == "original")
    assert opened["item"] == second["id"]
    assert opened["exhibit"] == "E-002" and opened["item_name"] == "通话录音.wav"
    assert opened["what_text"] == "Opened exhibit E-002 (通话录音.wav)"
    # The same number as the page (and the report) give that exhibit.
    assert 'id="exhibit-E-002"' in page and "通话录音.wav" in page.split('id="exhibit-E-002"')[1].split("</li>")[0]
    page_row = next(row for row in english if row["what"] == "opened")
    assert page_row["exhibit"] is None and page_row["what_text"] == "Opened the shared bundle"

    chinese = api.get(f"/api/shares/{share_id}/accesses/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    assert next(row for row in chinese if row["what"] == "original")["what_text"] == "打开了证据 E-002（通话录音.wav）"


def test_a_picture_shows_its_preview_and_opens_the_logged_original(api, case, lawyer):
    picture = upload(api, case, samples.png(300, 500, noise=True), name="Screenshot_2026-05-01.png").json()
    bundle = make_bundle(api, case)
    share_id = share(api, bundle, lawyer.username).json()["id"]
    browser = Client()
    browser.force_login(lawyer)

    page = browser.get(f"/shared/{share_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    original = f"/shared/{share_id}/exhibits/{picture['id']}"
    assert f'<a class="preview" href="{original}"><img src="{original}/thumbnail" loading="lazy"' in page
    preview = browser.get(f"{original}/thumbnail")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/webp"
    assert Share.objects.get(id=share_id).accesses.filter(what="original").count() == 0  # a preview is not an opening
    assert browser.get(original)["Content-Type"] == "image/png"
    assert Share.objects.get(id=share_id).accesses.filter(what="original", item_id=picture["id"]).count() == 1
    borrower_web = Client()
    borrower_web.force_login(case.owner)
    assert borrower_web.get(f"{original}/thumbnail").status_code == 404  # only the lawyer it is shared with
    Share.objects.filter(id=share_id).update(revoked_at=timezone.now())
    assert browser.get(f"{original}/thumbnail").status_code == 404
