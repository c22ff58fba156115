"""Call recordings named by the dialer: the number and start time read from the file name."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from evidence.intake.models import EvidenceItem
from evidence.intake.recording_names import recording_name_read
from tests import samples
from tests.conftest import upload

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime(2024, 6, 15, 22, 45, 12, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("name", "number", "contact"), [
    ("通话录音_13800138000_20240615224512.wav", "13800138000", ""),
    ("13800138000_20240615224512.amr", "13800138000", ""),
    ("张三(13800138000)_20240615224512.mp3", "13800138000", "张三"),
    # MIUI 8 and later, as real phones named them (+ is written 00; an unknown caller's "name" is the number)
    ("通话录音@张三(008613800138000)_20240615224512.mp3", "008613800138000", "张三"),
    ("通话录音@138 0013 8000(13800138000)_20240615224512.mp3", "13800138000", ""),
    ("Вызов@张三(13800138000)_20240615224512.mp3", "13800138000", "张三"),
    # Huawei EMUI 5–9: contact@number
    ("张三@138 0013 8000_20240615224512.amr", "138 0013 8000", "张三"),
    ("13800138000(13800138000)_20240615224512.mp3", "13800138000", ""),
    ("13800138000 2024-06-15 22-45-12.m4a", "13800138000", ""),
    ("13800138000 20240615224512.amr", "13800138000", ""),
    ("张三 13800138000_20240615_224512.m4a", "13800138000", "张三"),
    ("Call recording 张三_240615_224512.m4a", "", "张三"),
    ("Call recording 13800138000_240615_224512.m4a", "13800138000", ""),
    ("张三（13800138000）_20240615224512.mp3", "13800138000", "张三"),
    ("李四(+86 138-0013-8000)_20240615224512.mp3", "+86 138-0013-8000", "李四"),
    ("+86 138 0013 8000_20240615224512.m4a", "+86 138 0013 8000", ""),
])
def test_it_reads_the_number_name_and_local_start_of_each_dialer_layout(name, number, contact):
    read = recording_name_read(name, SHANGHAI)

    assert read is not None, name
    assert (read.number, read.name, read.started_at) == (number, contact, AT)
    assert read.started_at.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("name", [
    "IMG_20240615_224512.jpg",
    "录音 001.m4a",
    "20240615.m4a",
    "13800138000_20241315224512.amr",  # month 13
    "13800138000_19990615224512.amr",  # before 2000
    "13800138000_20240631224512.amr",  # 31 June
    "13800138000_20240615254512.amr",  # hour 25
    "138_20240615224512.amr",  # too few digits for a number
    "",
])
def test_it_reads_nothing_from_names_that_are_not_a_dialers(name):
    assert recording_name_read(name, SHANGHAI) is None


def test_it_refuses_a_start_more_than_two_days_ahead():
    now = datetime(2024, 6, 13, 12, 0, tzinfo=SHANGHAI)

    assert recording_name_read("13800138000_20240615224512.amr", SHANGHAI, now=now) is None
    assert recording_name_read("13800138000_20240615224512.amr", SHANGHAI, now=now + timedelta(days=1)) is not None


def test_it_dates_an_uploaded_recording_from_its_name_in_the_cases_zone(api, case):
    response = upload(api, case, samples.mp3(), name="张三(13800138000)_20240615224512.mp3")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["mime"], body["occurred_at_source"]) == ("recording", "audio/mpeg", "filename")
    assert datetime.fromisoformat(body["occurred_at"]) == AT
    item = EvidenceItem.objects.get(id=body["id"])
    # The metadata job ran after the upload: it added the duration and kept what the name said.
    assert item.metadata["filename"] == {"number": "13800138000", "name": "张三", "started_at": AT.isoformat()}
    assert item.metadata["duration_s"] > 0
    assert (item.occurred_at, item.occurred_at_source) == (AT, "filename")


def test_it_keeps_the_time_the_borrower_typed_over_the_name(api, case):
    typed = "2024-06-15T23:00:00+08:00"

    body = upload(api, case, samples.amr(), name="13800138000_20240615224512.amr",
                  occurred_at=typed, occurred_at_source="user").json()

    assert body["mime"] == "audio/amr"
    assert (datetime.fromisoformat(body["occurred_at"]), body["occurred_at_source"]) == (
        datetime.fromisoformat(typed), "user")
    assert body["metadata"]["filename"]["started_at"] == AT.isoformat()  # still kept, as read


def test_it_prefers_the_name_to_a_file_date_the_phone_reported(api, case):
    body = upload(api, case, samples.wav(), name="通话录音_13800138000_20240615224512.wav",
                  occurred_at="2024-06-16T09:00:00+08:00").json()

    assert (datetime.fromisoformat(body["occurred_at"]), body["occurred_at_source"]) == (AT, "filename")


def test_it_reads_no_time_from_a_picture_named_like_a_recording(api, case):
    body = upload(api, case, samples.png(), name="13800138000_20240615224512.png").json()

    assert (body["occurred_at"], body["occurred_at_source"]) == (None, "unknown")
    assert "filename" not in body["metadata"]
