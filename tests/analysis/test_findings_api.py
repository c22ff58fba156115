"""Findings, charts and the analysis job, through the API on real imports and typed-in events."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import TestCase

from evidence.analysis.models import Analysis
from evidence.cases.services import case_create
from evidence.events.models import Event
from tests.conftest import import_export
from tests.exports import call, calls_xml, sms, sms_xml

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLLECTOR = "+8613800138000"


def _at(day, hour, minute=0, second=0):
    return datetime(2026, 5, day, hour, minute, second, tzinfo=SHANGHAI)


def _post(api, path, body):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the analysis job runs on commit
        return api.post(path, body, format="json")


def _rules(api, case) -> dict:
    return {finding["rule"]: finding for finding in api.get(f"/api/cases/{case.id}/findings/").json()}


def test_it_names_night_calls_once_the_number_is_labelled_a_collector(api, case):
    export = calls_xml(
        call(_at(1, 21, 59, 59), 3, COLLECTOR, 0),
        call(_at(1, 22, 0, 0), 3, COLLECTOR, 0),
        call(_at(2, 7, 59, 59), 5, COLLECTOR, 0),
        call(_at(2, 8, 0, 0), 1, COLLECTOR, 40),
        call(_at(2, 23, 30), 1, "13900139000", 300),  # the borrower's sister, late at night
    )
    import_export(api, case, export, name="calls.xml")
    assert _rules(api, case) == {}  # nobody is known to be a collector yet
    label = _post(api, f"/api/cases/{case.id}/labels/", {"number": "138-0013-8000", "role": "collector"})
    assert label.status_code == 201
    _post(api, f"/api/cases/{case.id}/labels/", {"number": "13900139000", "role": "relative"})
    night = _rules(api, case)["CN-T"]
    expected = [str(e.id) for e in Event.objects.filter(case=case, occurred_at__in=[_at(1, 22), _at(2, 7, 59, 59)])
                .order_by("occurred_at")]
    assert night["event_ids"] == expected
    assert (night["count"], night["jurisdiction"], night["kind"]) == (2, "CN", "self-regulatory")
    assert night["first_at"] == "2026-05-01T14:00:00Z"
    assert "催收工作指引" in night["citation"]
    analysis = Analysis.objects.get(case=case)
    case.refresh_from_db()
    assert analysis.revision == case.revision  # the job ran after each change


def test_it_infers_a_collector_from_an_overdue_message_and_counts_unanswered_calls(api, case):
    messages = sms_xml(sms(_at(3, 9), 1, "021-61234567", "【某某贷】您已逾期，请立即还款"))
    calls = calls_xml(*(call(_at(3, 10, n), 3, "02161234567", 0) for n in range(7)))
    import_export(api, case, messages)
    import_export(api, case, calls, name="calls.xml")
    findings = _rules(api, case)
    assert findings["CN-F2"]["count"] == 7
    assert findings["CN-F2"]["windows"] == [{"start": "2026-05-03", "end": "2026-05-03", "count": 7}]
    analysis = api.get(f"/api/cases/{case.id}/analysis/").json()
    assert analysis["collectors"] == [{"number": "+862161234567", "source": "message"}]
    assert "CN-F2" in analysis["rules_fired"]


def test_it_stays_silent_on_six_unanswered_calls_a_day(api, case):
    _post(api, f"/api/cases/{case.id}/labels/", {"number": COLLECTOR, "role": "collector"})
    import_export(api, case, calls_xml(*(call(_at(3, 10, n), 3, COLLECTOR, 0) for n in range(6))), name="calls.xml")
    assert "CN-F2" not in _rules(api, case)


def test_it_counts_threats_typed_in_by_hand_and_recomputes_after_each(api, case):
    for n, body in enumerate(["再不还钱就上门找你", "你这个老赖", "不还钱就让你坐牢，还要联系你的家人和单位"]):
        response = _post(api, f"/api/cases/{case.id}/messages/", {
            "channel": "wechat", "direction": "in", "address": "催收员小李", "body": body, "sent_at": f"2026-05-04T1{n}:00",
        })
        assert response.status_code == 201
        fired = _rules(api, case)
        assert ("CN-H" in fired) == (n >= 2)  # three or more threatening or insulting messages
    assert _rules(api, case)["CN-3P"]["count"] == 1  # the threat to contact family and employer


def test_it_records_third_parties_and_finds_the_disclosure(api, case):
    response = _post(api, f"/api/cases/{case.id}/third-parties/", {
        "name": "张经理", "relation": "employer", "number": "+86 21 5555 0101", "contacted_at": "2026-05-05T10:00",
        "channel": "call", "disclosed_debt": True, "note": "告诉了我们经理我欠了八千",
    })
    assert response.status_code == 201
    assert response.json()["number"] == "+862155550101"
    finding = _rules(api, case)["CN-3P"]
    assert finding["third_party_ids"] == [response.json()["id"]]
    assert finding["third_party_reasons"][response.json()["id"]] == ["disclosed_debt"]


def test_it_applies_the_us_rules_in_the_consumers_local_time(api, borrower):
    us_case = case_create(owner=borrower, title="Acme Collections", jurisdiction="US")
    new_york = ZoneInfo("America/New_York")
    _post(api, f"/api/cases/{us_case.id}/labels/", {"number": "(212) 736-5000", "role": "collector"})
    start = datetime(2026, 3, 2, 12, 0, tzinfo=new_york)
    calls = [call(start + timedelta(days=n // 2, hours=n % 2), 3, "+1 212 736 5000", 0) for n in range(8)]
    calls.append(call(datetime(2026, 3, 10, 21, 0, tzinfo=new_york), 3, "2127365000", 0))
    import_export(api, us_case, calls_xml(*calls), name="calls.xml")
    findings = _rules(api, us_case)
    assert findings["US-F1"]["count"] == 8  # eight calls in four days: more than 7 in 7
    assert findings["US-T"]["count"] == 1 and findings["US-T"]["first_at"] == "2026-03-11T01:00:00Z"
    assert "1006.14" in findings["US-F1"]["citation"]


def test_it_gives_chart_numbers(api, case):
    _post(api, f"/api/cases/{case.id}/labels/", {"number": COLLECTOR, "role": "collector"})
    import_export(api, case, calls_xml(
        call(_at(1, 23), 3, COLLECTOR, 0), call(_at(1, 23, 30), 1, COLLECTOR, 60), call(_at(2, 9), 3, COLLECTOR, 0),
    ), name="calls.xml")
    charts = api.get(f"/api/cases/{case.id}/charts/").json()
    assert charts["calls_per_day"] == [
        {"date": "2026-05-01", "calls": 2, "answered": 1, "unanswered": 1, "messages": 0},
        {"date": "2026-05-02", "calls": 1, "answered": 0, "unanswered": 1, "messages": 0},
    ]
    assert charts["contacts_by_hour"][23] == 2 and charts["contacts_by_hour"][9] == 1
    assert charts["night_contacts"]["count"] == 2
    assert charts["top_numbers"][0] == {"number": COLLECTOR, "role": "collector", "inferred_collector": False,
                                        "calls": 3, "messages": 0}


def test_it_publishes_the_rule_sets_for_review(api):
    rulesets = {r["ruleset"]: r for r in api.get("/api/rulesets/").json()}
    assert set(rulesets) == {"cn", "us", "uk"}
    cn_rules = {rule["id"]: rule for rule in rulesets["cn"]["rules"]}
    assert {"CN-T", "CN-F1", "CN-F2", "CN-3P", "CN-H", "CN-I"} <= set(cn_rules)
    assert cn_rules["CN-F1"]["threshold"] == {"more_than": 3}
    assert "逾期" in rulesets["cn"]["keywords"]["collection"]


def test_each_finding_lists_the_events_behind_it_with_their_source_and_a_count_per_day(api, case):
    nights = [_at(day, 23, minute) for day in (1, 2, 3) for minute in range(0, 60, 2)][:70]  # 30 + 30 + 10
    export = calls_xml(*(call(moment, 3, COLLECTOR, 0) for moment in nights),
                       call(_at(2, 12, 0), 1, COLLECTOR, 30))  # a daytime call is not a night call
    _, job = import_export(api, case, export, name="calls-20260504.xml")
    _post(api, f"/api/cases/{case.id}/labels/", {"number": COLLECTOR, "role": "collector", "name": "催收 王某"})
    night = _rules(api, case)["CN-T"]
    support = night["support"]
    assert support["total"] == night["count"] == 70
    assert support["per_day"] == [{"day": "2026-05-01", "count": 30}, {"day": "2026-05-02", "count": 30},
                                  {"day": "2026-05-03", "count": 10}]
    shown = support["events"]
    assert len(shown) == 50  # the first 50, in time order
    assert [e["at"] for e in shown] == sorted(e["at"] for e in shown)
    first = shown[0]
    assert (first["direction"], first["number"], first["role"], first["label_name"]) == (
        "missed", COLLECTOR, "collector", "催收 王某")
    assert first["source"] == {"item": job["export_item"], "name": "calls-20260504.xml", "position": "line 5, <call> 1"}


def test_the_timeline_opens_onto_a_findings_events(api, case):
    export = calls_xml(call(_at(1, 23, 0), 3, COLLECTOR, 0), call(_at(1, 23, 30), 3, COLLECTOR, 0),
                       call(_at(2, 12, 0), 1, COLLECTOR, 30))
    import_export(api, case, export, name="calls.xml")
    _post(api, f"/api/cases/{case.id}/labels/", {"number": COLLECTOR, "role": "collector"})
    night = api.get(f"/api/cases/{case.id}/timeline/?finding=CN-T").json()
    assert night["count"] == 2
    assert [entry["at"] for entry in night["results"]] == ["2026-05-01T15:00:00Z", "2026-05-01T15:30:00Z"]
    everything = api.get(f"/api/cases/{case.id}/timeline/").json()
    assert everything["count"] == 3
    unknown = api.get(f"/api/cases/{case.id}/timeline/?finding=CN-NOPE")
    assert unknown.status_code == 400 and unknown.json()["error"] == "bad_filter"


def test_it_recomputes_the_findings_when_the_rule_set_changes(api, case):
    import_export(api, case, calls_xml(call(_at(1, 23), 3, COLLECTOR, 0)), name="calls.xml")
    _post(api, f"/api/cases/{case.id}/labels/", {"number": COLLECTOR, "role": "collector"})
    Analysis.objects.filter(case=case).update(ruleset_version="2026.11.1", findings=[])  # made by the old rules
    assert "CN-T" in _rules(api, case)
    assert Analysis.objects.get(case=case).ruleset_version == "2026.12.1"
