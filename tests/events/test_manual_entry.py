"""Calls and messages typed in by the borrower: POST /api/cases/{id}/calls/ and /messages/."""

from datetime import datetime
from zoneinfo import ZoneInfo

from evidence.custody.models import CustodyEvent
from evidence.events.models import Event
from tests.conftest import client_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_records_a_call_typed_in_local_time(api, case):
    response = api.post(f"/api/cases/{case.id}/calls/", {
        "number": "138 0013 8000", "direction": "missed", "started_at": "2026-05-01T23:10:05",
        "note": "第三次未接",
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["type"] == "call"
    assert body["number_normalized"] == "+8613800138000"
    assert body["duration_s"] == 0
    assert body["source"] == {"item": None, "position": "entered by hand"}
    event = Event.objects.get(id=body["id"])
    # No offset given: the time is read in the case's zone (Asia/Shanghai).
    assert event.occurred_at == datetime(2026, 5, 1, 23, 10, 5, tzinfo=SHANGHAI)
    assert CustodyEvent.objects.filter(action="call.entered", case_id=case.id).count() == 1


def test_it_records_a_wechat_message_with_an_offset(api, case):
    response = api.post(f"/api/cases/{case.id}/messages/", {
        "channel": "wechat", "direction": "in", "address": "催收小王", "body": "再不还钱就去你单位",
        "sent_at": "2026-05-02T07:30:00+08:00",
    }, format="json")
    assert response.status_code == 201, response.json()
    event = Event.objects.get(id=response.json()["id"])
    assert (event.kind, event.channel, event.status, event.body) == ("message", "wechat", "received", "再不还钱就去你单位")
    assert event.number_normalized == "催收小王"


def test_it_gives_back_the_same_event_when_typed_twice(api, case):
    call = {"number": "13800138000", "direction": "in", "started_at": "2026-05-01T10:00:00+08:00", "duration_s": 65}
    first = api.post(f"/api/cases/{case.id}/calls/", call, format="json")
    second = api.post(f"/api/cases/{case.id}/calls/", call, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Event.objects.filter(case=case).count() == 1


def test_it_refuses_a_time_in_the_future_and_unknown_directions(api, case):
    future = api.post(f"/api/cases/{case.id}/calls/", {
        "number": "13800138000", "direction": "in", "started_at": "2099-01-01T10:00:00+08:00",
    }, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert future.status_code == 400
    assert "future" in future.json()["detail"]
    wrong = api.post(f"/api/cases/{case.id}/messages/", {
        "channel": "sms", "direction": "missed", "address": "1", "body": "x", "sent_at": "2026-05-01T10:00:00",
    }, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid"
    assert not Event.objects.exists()


def test_it_hides_the_case_from_everyone_else(case, other_borrower, lawyer):
    call = {"number": "13800138000", "direction": "in", "started_at": "2026-05-01T10:00:00+08:00"}
    for user in (other_borrower, lawyer):
        for path in ("calls", "messages"):
            assert client_for(user).post(f"/api/cases/{case.id}/{path}/", call, format="json").status_code == 404
    assert client_for(None).post(f"/api/cases/{case.id}/calls/", call, format="json").status_code == 401
    assert not Event.objects.exists()
