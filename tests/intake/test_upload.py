import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.custody.models import CustodyEvent
from evidence.intake.models import EvidenceItem
from evidence.storage.backends import get_storage
from tests import samples
from tests.conftest import stored_files, upload


def test_it_stores_a_multi_megabyte_upload_byte_for_byte_under_its_sha256(api, case, store):
    data = samples.wav(seconds=400, noise=True)  # about 6.4 MB of incompressible audio
    assert len(data) > 6_000_000

    response = upload(api, case, data, name="通话录音 2026-11-02.wav")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["size"] == len(data)
    assert body["mime"] == "audio/x-wav"
    assert body["kind"] == "recording"
    assert body["original_name"] == "通话录音 2026-11-02.wav"
    with store.open(body["sha256"]) as stored:
        assert stored.read() == data
    assert list(store.iter_originals()) == [body["sha256"]]
    assert not [p for p in store.scratch.rglob("*") if p.is_file()]  # the spool file is gone
    download = api.get(f"/api/evidence/{body['id']}/original")
    assert download["Content-Length"] == str(len(data))
    assert b"".join(download.streaming_content) == data


def test_it_records_the_server_receipt_time_and_the_client_capture_time(api, case):
    response = upload(api, case, samples.png(), occurred_at="2026-11-02T23:14:05+08:00", note="凌晨来电")

    body = response.json()
    assert body["occurred_at"] == "2026-11-02T15:14:05Z"
    assert body["occurred_at_source"] == "client"
    assert body["received_at"] > "2026-11-29"
    assert body["note"] == "凌晨来电"


def test_a_time_typed_by_the_borrower_is_marked_as_typed(api, case):
    response = upload(api, case, samples.png(), occurred_at="2026-11-02T07:01:00+08:00", occurred_at_source="user")

    assert response.json()["occurred_at_source"] == "user"


def test_an_upload_without_a_time_has_an_unknown_source(api, case):
    assert upload(api, case, samples.png()).json()["occurred_at_source"] == "unknown"


def test_the_same_bytes_again_give_back_the_existing_item_with_200(api, case, media_root):
    first = upload(api, case, samples.png(), name="a.png")
    second = upload(api, case, samples.png(), name="b.png")

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["original_name"] == "a.png"
    assert EvidenceItem.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_the_same_bytes_in_two_cases_are_two_items_sharing_one_stored_file(api, case, borrower, media_root):
    from evidence.cases.services import case_create

    second_case = case_create(owner=borrower, title="另一家", jurisdiction="CN")
    a = upload(api, case, samples.png())
    b = upload(api, second_case, samples.png())

    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    assert len(stored_files(media_root)) == 1


def test_a_matching_client_sha256_is_accepted(api, case):
    data = samples.jpeg()
    response = upload(api, case, data, name="photo.jpg", client_sha256=hashlib.sha256(data).hexdigest().upper())

    assert response.status_code == 201
    assert response.json()["kind"] == "photo"


def test_it_infers_the_kind_from_the_bytes_and_accepts_each_allowed_format(api, case):
    expected = {
        "s.png": (samples.png(), "screenshot", "image/png"),
        "p.jpg": (samples.jpeg(), "photo", "image/jpeg"),
        "w.webp": (samples.webp(), "screenshot", "image/webp"),
        "g.gif": (samples.gif(), "screenshot", "image/gif"),
        "r.wav": (samples.wav(), "recording", "audio/x-wav"),
        "d.pdf": (samples.pdf(), "document", "application/pdf"),
    }
    for name, (data, kind, mime) in expected.items():
        body = upload(api, case, data, name=name).json()
        assert (body["kind"], body["mime"]) == (kind, mime), name


def test_a_requested_kind_is_kept_when_the_bytes_fit_it(api, case):
    assert upload(api, case, samples.png(), kind="photo").json()["kind"] == "photo"


def test_a_path_in_the_file_name_is_dropped_and_never_used_for_storage(api, case, media_root):
    response = upload(api, case, samples.png(), name="../../etc/cron.d/evil.png")

    assert response.status_code == 201
    assert response.json()["original_name"] == "evil.png"
    assert [p.name for p in stored_files(media_root)] == [response.json()["sha256"]]


def test_every_upload_is_written_to_the_custody_log(api, case):
    body = upload(api, case, samples.png()).json()

    event = CustodyEvent.objects.get(action="evidence.received")
    assert str(event.item_id) == body["id"]
    assert event.sha256 == body["sha256"]
    assert event.actor_name == "wang"


def test_the_stored_original_is_read_only(api, case):
    body = upload(api, case, samples.png()).json()

    assert get_storage().original_path(body["sha256"]).stat().st_mode & 0o222 == 0


def test_a_signed_in_browser_uploads_with_its_session_and_csrf_header(borrower, case):
    from django.test import Client

    from tests.conftest import PASSWORD

    browser = Client(enforce_csrf_checks=True)
    browser.login(username="wang", password=PASSWORD)
    browser.get("/login/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    body = {"file": SimpleUploadedFile("s.png", samples.png())}

    refused = browser.post(f"/api/cases/{case.id}/evidence/", body)
    body["file"].seek(0)
    accepted = browser.post(f"/api/cases/{case.id}/evidence/", body, HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert accepted.status_code == 201
    assert EvidenceItem.objects.count() == 1
