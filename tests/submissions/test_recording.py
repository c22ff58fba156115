"""Recording that a finished bundle was submitted, and finding it on the bundle and the case."""

from datetime import timedelta

from django.utils import timezone

from evidence.custody.models import CustodyEvent
from evidence.submissions.models import Submission
from tests.submissions.conftest import make_bundle, record


def test_it_records_a_submission_shown_on_the_bundle_and_the_case(api, case, bundle):
    response = record(api, bundle, channel="online_portal", reference="12378-20261103-0042",
                      submitted_at="2026-11-03T10:15:00+08:00", note="网上提交，附证据包")

    assert response.status_code == 201, response.json()
    shown = response.json()
    assert shown["bundle"] == bundle["id"] and shown["case"] == str(case.id)
    assert (shown["authority"], shown["authority_label"]) == ("cn-12378", "国家金融监督管理总局 12378")
    assert (shown["channel"], shown["channel_label"]) == ("online_portal", "Online portal")
    assert (shown["status"], shown["status_label"]) == ("submitted", "Submitted")
    assert shown["reference"] == "12378-20261103-0042" and shown["note"] == "网上提交，附证据包"
    assert shown["submitted_at"] == "2026-11-03T02:15:00Z"
    assert shown["updates"] == [{"status": "submitted", "status_label": "Submitted", "at": "2026-11-03T02:15:00Z",
                                 "note": "", "receipt": None}]
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    assert api.get(f"/api/bundles/{bundle['id']}/submissions/", **english).json() == [shown]
    assert api.get(f"/api/cases/{case.id}/submissions/", **english).json() == [shown]
    assert api.get(f"/api/submissions/{shown['id']}/", **english).json() == shown
    assert api.get(f"/api/submissions/{shown['id']}/", HTTP_ACCEPT_LANGUAGE="zh-CN").json()["status_label"] == "已提交"


def test_it_dates_a_submission_now_when_no_time_is_given(api, bundle):
    before = timezone.now()

    shown = record(api, bundle).json()

    submission = Submission.objects.get(id=shown["id"])
    assert before <= submission.submitted_at <= timezone.now()
    assert shown["reference"] == ""


def test_it_labels_authority_and_channel_in_the_callers_language(api, bundle):
    shown = record(api, bundle, authority="generic", channel="email", language="zh-Hans").json()

    assert (shown["authority"], shown["authority_label"]) == ("generic", "任何机构")
    assert (shown["channel"], shown["channel_label"]) == ("email", "电子邮件")


def test_it_lists_every_submission_of_the_case_across_bundles(api, case, bundle):
    second = make_bundle(api, case, authority="cn-police")
    record(api, bundle, submitted_at="2026-11-01T09:00:00+08:00")
    record(api, second, authority="cn-nifa", channel="online_portal", submitted_at="2026-11-02T09:00:00+08:00")

    listed = api.get(f"/api/cases/{case.id}/submissions/").json()

    assert [s["authority"] for s in listed] == ["cn-nifa", "cn-12378"]  # newest first
    assert [s["authority"] for s in api.get(f"/api/bundles/{bundle['id']}/submissions/").json()] == ["cn-12378"]


def test_it_refuses_a_bundle_that_is_not_finished(api, case, bundle):
    queued = make_bundle(api, case, finished=False)

    response = record(api, queued)

    assert response.status_code == 409
    assert response.json() == {"error": "not_ready", "detail": "The bundle is not finished yet (queued, 0%)."}
    assert not Submission.objects.exists()
    chinese = record(api, queued, language="zh-Hans").json()
    assert chinese == {"error": "not_ready", "detail": "证据包尚未完成（queued，0%）。"}


def test_it_refuses_a_submission_dated_in_the_future(api, bundle):
    tomorrow = timezone.now() + timedelta(days=1)

    response = record(api, bundle, submitted_at=tomorrow.isoformat())

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "time_in_future"
    assert "is in the future" in body["detail"] and tomorrow.isoformat(timespec="minutes") in body["detail"]
    assert not Submission.objects.exists()


def test_it_takes_a_phone_clock_a_minute_ahead_as_now(api, bundle):
    response = record(api, bundle, submitted_at=(timezone.now() + timedelta(minutes=1)).isoformat())

    assert response.status_code == 201
    assert Submission.objects.get().submitted_at <= timezone.now()


def test_it_refuses_an_unknown_authority_or_channel(api, bundle):
    assert record(api, bundle, authority="cn-moon").json()["error"] == "invalid"
    assert record(api, bundle, channel="pigeon").json()["error"] == "invalid"


def test_it_writes_the_submission_to_the_custody_log(api, case, bundle, borrower):
    shown = record(api, bundle, reference="A-1").json()

    event = CustodyEvent.objects.get(action="submission.recorded")
    assert (event.case_id, event.actor) == (case.id, borrower)
    assert event.details["submission"] == shown["id"] and event.details["bundle"] == bundle["id"]
    assert event.details["authority"] == "cn-12378" and event.details["reference"] == "A-1"
    assert event.details["packet_sha256"] == bundle["packet_sha256"]
