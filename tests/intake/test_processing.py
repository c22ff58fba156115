"""The post-upload jobs (run eagerly here; tests/intake/test_worker.py runs them for real)."""

import io
from datetime import UTC, datetime

from PIL import Image

from evidence.intake.models import EvidenceItem
from evidence.intake.processing import original_verify, thumbnail_make
from evidence.storage.backends import get_storage
from tests import samples
from tests.conftest import tamper_original, upload


def test_a_new_upload_is_verified_and_gets_a_thumbnail(api, case, store):
    body = upload(api, case, samples.png(2000, 1000)).json()

    item = EvidenceItem.objects.get(id=body["id"])
    assert item.verification == "ok"
    assert item.verified_at is not None
    thumb = api.get(f"/api/evidence/{item.id}/thumbnail")
    assert thumb["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as image:
        assert image.format == "WEBP"
        assert max(image.size) == 512


def test_the_thumbnail_lives_apart_from_the_original_which_is_unchanged(api, case, media_root):
    data = samples.png(900, 900)
    body = upload(api, case, data).json()

    with get_storage().open(body["sha256"]) as original:
        assert original.read() == data
    assert (media_root / "derived" / "thumbnails" / f"{body['sha256']}.webp").is_file()


def test_a_deleted_thumbnail_is_rebuilt_identically(api, case, store):
    item = EvidenceItem.objects.get(id=upload(api, case, samples.png(800, 600)).json()["id"])
    storage = store
    before = storage.open_derived(item.thumbnail).read()
    storage.delete_derived(item.thumbnail)

    thumbnail_make(item=item)

    assert storage.open_derived(item.thumbnail).read() == before


def test_exif_capture_time_becomes_the_occurrence_time_in_the_case_time_zone(api, case):
    body = upload(api, case, samples.jpeg_with_capture_time("2026:10:03 23:41:07"), name="IMG.jpg").json()

    item = EvidenceItem.objects.get(id=body["id"])
    assert item.occurred_at_source == "exif"
    # 23:41 in Asia/Shanghai (the CN case's default zone) is 15:41 UTC.
    assert item.occurred_at == datetime(2026, 10, 3, 15, 41, 7, tzinfo=UTC)
    assert item.metadata["make"] == "Xiaomi"
    assert item.metadata["model"] == "Redmi Note 12"
    assert item.has_sensitive_metadata is False


def test_a_time_typed_by_the_borrower_wins_over_exif(api, case):
    data = samples.jpeg_with_capture_time("2026:10:03 23:41:07")
    body = upload(api, case, data, occurred_at="2026-10-04T00:00:00+08:00", occurred_at_source="user").json()

    item = EvidenceItem.objects.get(id=body["id"])
    assert item.occurred_at_source == "user"
    assert item.metadata["dateTimeOriginal"] == "2026:10:03 23:41:07"


def test_gps_is_kept_but_flagged_as_sensitive(api, case):
    body = upload(api, case, samples.jpeg_with_capture_time(gps=True)).json()

    item = EvidenceItem.objects.get(id=body["id"])
    assert item.has_sensitive_metadata is True
    assert item.metadata["gps"]["GPSLatitudeRef"] == "N"


def test_a_recordings_duration_is_read(api, case):
    body = upload(api, case, samples.wav(seconds=2.5)).json()

    assert EvidenceItem.objects.get(id=body["id"]).metadata["duration_s"] == 2.5


def test_verification_notices_a_changed_original(api, case, store):
    data = samples.png()
    item = EvidenceItem.objects.get(id=upload(api, case, data).json()["id"])
    tamper_original(store, item.sha256, data[:-1] + b"\x00")

    assert original_verify(item=item) == "mismatch"
    item.refresh_from_db()
    assert item.verification == "mismatch"


def test_jobs_for_a_vanished_item_do_nothing(db):
    from evidence.intake import tasks

    assert tasks.verify_original("00000000-0000-0000-0000-000000000000") is None
    tasks.make_thumbnail("00000000-0000-0000-0000-000000000000")
