"""A recording named by the dialer is linked to the call it records (recordings_link)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import TestCase

from evidence.custody.models import CustodyEvent
from evidence.events.models import Event
from evidence.events.services import recordings_link
from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import import_export, upload
from tests.exports import call, calls_xml

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECORDED_AT = datetime(2024, 6, 15, 22, 45, 12, tzinfo=SHANGHAI)
RECORDING = "张三(13800138000)_20240615224512.mp3"


def _record(api, case, name=RECORDING, data=None) -> EvidenceItem:
    response = upload(api, case, data or samples.mp3(), name=name)
    assert response.status_code == 201, response.json()
    return EvidenceItem.objects.get(id=response.json()["id"])


def _type_call(api, case, at: datetime, number="+86 138 0013 8000", direction="in"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/api/cases/{case.id}/calls/", {
            "number": number, "direction": direction, "started_at": at.isoformat(), "duration_s": 95,
        }, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _import_calls(api, case, *records):
    _, job = import_export(api, case, calls_xml(*records), name="calls.xml")
    assert job["status"] == "done", job


def test_it_links_a_recording_to_the_call_imported_before_it(api, case, borrower):
    _import_calls(api, case, call(RECORDED_AT - timedelta(seconds=20), 1, "13800138000", 95))

    recording = _record(api, case)

    linked = Event.objects.get(case=case)
    assert linked.recording_id == recording.id
    event = CustodyEvent.objects.get(action="call.recording_linked", case_id=case.id)
    assert (event.item_id, event.actor_id, event.object_type, event.object_id) == (
        recording.id, borrower.id, "event", str(linked.id))
    assert event.details["event"] == str(linked.id) and event.details["offset_s"] == 20


def test_it_links_a_call_typed_in_after_the_recording(api, case):
    recording = _record(api, case)

    entry = _type_call(api, case, RECORDED_AT - timedelta(seconds=8))

    assert entry["recording"] == str(recording.id)
    assert entry["recording_file"]["original_url"].endswith(f"/api/evidence/{recording.id}/original")
    assert Event.objects.get(id=entry["id"]).recording_id == recording.id


def test_it_links_a_call_imported_after_the_recording(api, case):
    recording = _record(api, case, name="13800138000 2024-06-15 22-45-12.wav", data=samples.wav())

    _import_calls(api, case, call(RECORDED_AT + timedelta(seconds=30), 2, "+86 138-0013-8000", 40))

    assert Event.objects.get(case=case).recording_id == recording.id


def test_it_does_not_link_a_call_three_minutes_away(api, case):
    _record(api, case)

    entry = _type_call(api, case, RECORDED_AT - timedelta(minutes=3))

    assert entry["recording"] is None and entry["recording_file"] is None
    assert not CustodyEvent.objects.filter(action="call.recording_linked").exists()


def test_it_does_not_link_another_number_or_a_missed_call(api, case):
    _record(api, case)

    other = _type_call(api, case, RECORDED_AT, number="13900139000")
    missed = _type_call(api, case, RECORDED_AT - timedelta(seconds=5), direction="missed")

    assert other["recording"] is None and missed["recording"] is None


def test_it_links_the_closest_call_and_never_moves_a_link(api, case):
    _import_calls(api, case, call(RECORDED_AT - timedelta(seconds=100), 1, "13800138000", 10),
                  call(RECORDED_AT - timedelta(seconds=15), 1, "13800138000", 95))
    recording = _record(api, case)
    closest = Event.objects.get(case=case, occurred_at=RECORDED_AT - timedelta(seconds=15))
    assert closest.recording_id == recording.id

    exact = _type_call(api, case, RECORDED_AT)  # closer still, but the recording is taken

    assert exact["recording"] is None
    closest.refresh_from_db()
    assert closest.recording_id == recording.id
    assert recordings_link(case=case) == 0  # idempotent: nothing left to link
    assert CustodyEvent.objects.filter(action="call.recording_linked").count() == 1


def test_it_gives_each_of_two_recordings_its_own_call(api, case):
    _import_calls(api, case, call(RECORDED_AT - timedelta(seconds=10), 1, "13800138000", 30),
                  call(RECORDED_AT + timedelta(seconds=50), 1, "13800138000", 30))
    first = _record(api, case)
    second = _record(api, case, name="13800138000_20240615224602.amr", data=samples.amr())

    links = dict(Event.objects.filter(case=case).values_list("occurred_at", "recording_id"))

    assert links == {RECORDED_AT - timedelta(seconds=10): first.id, RECORDED_AT + timedelta(seconds=50): second.id}


def test_the_timeline_shows_the_recording_beside_its_call(api, case):
    _import_calls(api, case, call(RECORDED_AT - timedelta(seconds=20), 1, "13800138000", 95))
    recording = _record(api, case)

    entries = api.get(f"/api/cases/{case.id}/timeline/", {"kind": "call"}).json()["results"]

    assert [entry["recording"] for entry in entries] == [str(recording.id)]
    summary = entries[0]["recording_file"]
    assert summary["id"] == str(recording.id) and summary["mime"] == "audio/mpeg"
    assert summary["duration_s"] > 0  # from the metadata job
    assert summary["original_url"].endswith(f"/api/evidence/{recording.id}/original")
    files = api.get(f"/api/cases/{case.id}/timeline/", {"kind": "file"}).json()["results"]
    assert files[0]["recording"] is None


def test_it_does_not_link_a_relatives_recording_to_the_borrowers_call(api, case):
    recording = _record(api, case)
    # As an invitee's upload is stored: made on another phone, which the collector may ring at the same time.
    EvidenceItem.objects.filter(id=recording.id).update(provided_by="母亲 (Relative)")

    entry = _type_call(api, case, RECORDED_AT)

    assert entry["recording"] is None
