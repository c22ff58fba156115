"""The rules engine on constructed logs: each rule fires where it should and nowhere else."""

import json
import random
from datetime import UTC, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from evidence.analysis.engine import analyse, charts, find_collectors
from evidence.analysis.facts import EventFact, ThirdPartyFact
from evidence.analysis.rulesets import load_ruleset

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
ZONES = {"CN": SHANGHAI, "US": NEW_YORK, "UK": LONDON}
COLLECTOR = "+8613800000001"
LENDER = "95500"
RELATIVE = "+8613900000002"
STRANGER = "+8613700000003"
LABELS = {COLLECTOR: "collector", LENDER: "lender", RELATIVE: "relative"}
_serial = count(1)


def local(text: str, zone: ZoneInfo = SHANGHAI) -> datetime:
    """A local wall time, as the aware UTC datetime the facts carry."""
    return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)


def event(
    when: str,
    *,
    id: str | None = None,
    kind: str = "call",
    channel: str | None = None,
    direction: str = "missed",
    number: str = COLLECTOR,
    duration: int | None = None,
    text: str = "",
    manual: bool = False,
    zone: ZoneInfo = SHANGHAI,
) -> EventFact:
    """An event at a local wall time; calls default to a missed phone call from the collector."""
    return EventFact(
        id=id or f"e{next(_serial):05d}",
        kind=kind,
        channel=channel or ("phone" if kind == "call" else "sms"),
        direction=direction,
        occurred_at=local(when, zone),
        number=number,
        duration_s=duration if duration is not None else (None if kind == "message" else 0),
        text=text,
        manual=manual,
    )


def answered(when: str, **kw) -> EventFact:
    """An incoming call the borrower picked up."""
    return event(when, direction="in", duration=kw.pop("duration", 60), **kw)


def message(when: str, text: str, **kw) -> EventFact:
    """An incoming SMS."""
    return event(when, kind="message", direction=kw.pop("direction", "in"), text=text, **kw)


def third_party(when: str, *, id: str, disclosed: bool = False, refused: bool = False, zone=SHANGHAI) -> ThirdPartyFact:
    """A contact with the borrower's relative."""
    return ThirdPartyFact(
        id=id,
        contacted_at=local(when, zone),
        relation="relative",
        channel="phone",
        disclosed_debt=disclosed,
        after_refusal=refused,
    )


def run(events, jurisdiction="CN", labels=None, third=()):
    """Findings by rule id."""
    result = analyse(
        events=events,
        labels=LABELS if labels is None else labels,
        third_parties=list(third),
        ruleset=load_ruleset(jurisdiction),
        zone=ZONES[jurisdiction],
    )
    return {f.rule: f for f in result.findings}


def daytime_log(zone=SHANGHAI) -> list[EventFact]:
    """A quiet, lawful fortnight: a few daytime calls and messages, the conversation last."""
    return [
        event("2026-03-03 11:00:00", zone=zone),
        message("2026-03-04 12:00:00", "请于本周内处理您的账单 please pay your bill", zone=zone),
        event("2026-03-05 15:00:00", direction="out", duration=0, zone=zone),
        answered("2026-03-12 10:00:00", zone=zone),
    ]


# --- clean logs ------------------------------------------------------------------------------


def test_it_stays_silent_on_a_clean_log():
    for jurisdiction, zone in ZONES.items():
        assert run(daytime_log(zone), jurisdiction) == {}, jurisdiction


def test_it_returns_nothing_for_an_empty_log():
    result = analyse(events=[], labels={}, third_parties=[], ruleset=load_ruleset("CN"), zone=SHANGHAI)
    assert result.findings == [] and result.collectors == []


# --- CN-T ------------------------------------------------------------------------------------


def test_it_flags_collection_at_night_with_half_open_edges():
    events = [
        event("2026-03-02 21:59:59", id="before-22"),
        event("2026-03-02 22:00:00", id="at-22"),
        message("2026-03-03 07:59:59", "还款提醒", id="before-08"),
        event("2026-03-03 08:00:00", id="at-08"),
    ]
    finding = run(events)["CN-T"]
    assert finding.event_ids == ["at-22", "before-08"]
    assert finding.count == 2
    assert finding.first_at == local("2026-03-02 22:00:00")
    assert finding.last_at == local("2026-03-03 07:59:59")
    assert finding.threshold == {"window": {"from": "22:00", "to": "08:00"}}
    assert finding.kind == "self-regulatory" and finding.jurisdiction == "CN"


def test_it_never_counts_outgoing_calls():
    events = [event(f"2026-03-02 23:{m:02d}:00", direction="out", duration=60) for m in range(30)]
    assert run(events) == {}


def test_it_never_counts_a_relatives_number():
    events = [event(f"2026-03-02 23:{m:02d}:00", number=RELATIVE, text="再不还钱就上门，你这个老赖") for m in range(30)]
    events += [message("2026-03-02 23:59:00", "法院传票 逾期", number=RELATIVE)]
    assert run(events) == {}


def test_it_infers_a_collector_from_an_overdue_message():
    events = [
        message("2026-03-02 10:00:00", "您的借款已逾期3天", number=STRANGER, id="sms"),
        event("2026-03-02 23:00:00", number=STRANGER, id="night-call"),
        event("2026-03-02 23:30:00", number="+8613600000004", id="unknown-caller"),
    ]
    result = analyse(events=events, labels=LABELS, third_parties=[], ruleset=load_ruleset("CN"), zone=SHANGHAI)
    assert {"number": STRANGER, "source": "message"} in result.collectors
    assert {"number": COLLECTOR, "source": "label"} in result.collectors
    assert "+8613600000004" not in {c["number"] for c in result.collectors}
    assert result.findings[0].rule == "CN-T"
    assert result.findings[0].event_ids == ["night-call"]


def test_it_infers_a_collector_from_an_english_message_in_any_case():
    events = [message("2026-03-02 10:00:00", "Your account is OVERDUE.", number=STRANGER)]
    assert find_collectors(events, {}, load_ruleset("US")) == [{"number": STRANGER, "source": "message"}]


def test_it_does_not_infer_from_outgoing_or_labelled_messages():
    events = [
        message("2026-03-02 10:00:00", "我的欠款下周还", number=STRANGER, direction="out"),
        message("2026-03-02 10:00:00", "你逾期了吗", number=RELATIVE),
    ]
    assert find_collectors(events, {RELATIVE: "relative"}, load_ruleset("CN")) == []


def test_it_counts_manual_events_unless_the_number_is_someone_elses():
    events = [
        event("2026-03-02 23:00:00", number="+8613600000004", manual=True, id="typed-in"),
        event("2026-03-02 23:10:00", number="", manual=True, id="typed-in-hidden"),
        event("2026-03-02 23:20:00", number="", id="hidden"),
        event("2026-03-02 23:30:00", number=RELATIVE, manual=True, id="typed-in-relative"),
    ]
    assert run(events)["CN-T"].event_ids == ["typed-in", "typed-in-hidden"]


def test_it_counts_a_lender_like_a_collector():
    assert run([event("2026-03-02 23:00:00", number=LENDER, id="lender")])["CN-T"].event_ids == ["lender"]


# --- CN-F1, CN-F2: per local calendar day -------------------------------------------------------


def test_it_allows_exactly_three_answered_calls_a_day():
    events = [answered(f"2026-03-02 1{h}:00:00") for h in range(3)]
    assert "CN-F1" not in run(events)


def test_it_flags_the_fourth_answered_call_of_a_day():
    events = [answered(f"2026-03-02 1{h}:00:00", id=f"a{h}") for h in range(4)]
    events.append(answered("2026-03-03 10:00:00", id="next-day"))
    finding = run(events)["CN-F1"]
    assert finding.event_ids == ["a0", "a1", "a2", "a3"]
    assert finding.windows == [{"start": "2026-03-02", "end": "2026-03-02", "count": 4}]
    assert finding.threshold == {"more_than": 3}


def test_it_splits_days_at_local_midnight_not_utc():
    day = [answered(f"2026-03-02 1{h}:00:00") for h in range(3)]
    # 16:30 UTC on 2 March is 00:30 on 3 March in Shanghai: a new local day.
    next_local_day = EventFact("utc-evening", "call", "phone", "in", datetime(2026, 3, 2, 16, 30, tzinfo=UTC),
                               COLLECTOR, 60, "", False)  # fmt: skip
    assert "CN-F1" not in run([*day, next_local_day])
    # 15:30 UTC is 23:30 the same local day.
    same_local_day = EventFact("utc-afternoon", "call", "phone", "in", datetime(2026, 3, 2, 15, 30, tzinfo=UTC),
                               COLLECTOR, 60, "", False)  # fmt: skip
    finding = run([*day, same_local_day])["CN-F1"]
    assert finding.windows == [{"start": "2026-03-02", "end": "2026-03-02", "count": 4}]


def test_it_allows_six_unanswered_calls_a_day_and_flags_seven():
    kinds = ["missed", "rejected", "blocked", "voicemail", "missed", "missed"]
    six = [event(f"2026-03-02 1{h}:00:00", direction=d) for h, d in enumerate(kinds)]
    assert "CN-F2" not in run(six)
    seventh = event("2026-03-02 17:00:00", direction="in", duration=0, id="rang-out")  # picked up, no talk time
    finding = run([*six, seventh])["CN-F2"]
    assert finding.count == 7 and finding.event_ids[-1] == "rang-out"
    assert finding.windows == [{"start": "2026-03-02", "end": "2026-03-02", "count": 7}]
    assert "CN-F1" not in run([*six, seventh])


# --- CN-H, CN-I: keywords ----------------------------------------------------------------------


def test_it_flags_three_threats_or_insults_in_chinese_and_english():
    events = [
        message("2026-03-02 10:00:00", "再不还钱我们就上门", id="zh-threat"),
        message("2026-03-02 11:00:00", "You DEADBEAT, pay now", id="en-insult"),
        answered("2026-03-02 12:00:00", text="他说要让我坐牢", id="call-note"),
        message("2026-03-02 13:00:00", "你这个老赖", number=RELATIVE),
        message("2026-03-02 14:00:00", "你这个老赖", direction="out"),
    ]
    finding = run(events)["CN-H"]
    assert finding.event_ids == ["zh-threat", "en-insult", "call-note"]
    assert finding.count == 3 and finding.threshold == {"n": 3}
    assert finding.kind == "administrative"


def test_it_stays_silent_on_two_threats():
    events = [message("2026-03-02 10:00:00", "再不还钱我们就上门"), message("2026-03-02 11:00:00", "you idiot")]
    assert "CN-H" not in run(events)


def test_it_reads_keywords_from_unlabelled_numbers():
    events = [message(f"2026-03-02 1{h}:00:00", "你这个老赖", number=STRANGER) for h in range(3)]
    assert run(events)["CN-H"].count == 3


def test_it_flags_impersonating_a_court_or_the_police():
    events = [
        message("2026-03-02 10:00:00", "法院传票已寄出", id="zh"),
        message("2026-03-02 11:00:00", "The POLICE will visit you", id="en"),
        message("2026-03-02 12:00:00", "This is a courtesy reminder", id="courtesy"),
    ]
    assert run(events)["CN-I"].event_ids == ["zh", "en"]


# --- CN-3P: third parties ----------------------------------------------------------------------


def test_it_flags_each_third_party_condition():
    events = [
        answered("2026-03-02 10:00:00"),  # the borrower was reachable until 2026-03-05 10:00
        message("2026-03-09 10:00:00", "我们会联系你的通讯录和紧急联系人", id="address-book"),
    ]
    third = [
        third_party("2026-03-05 09:59:00", id="reachable"),
        third_party("2026-03-05 10:01:00", id="unreachable"),
        third_party("2026-03-06 10:00:00", id="disclosed", disclosed=True),
        third_party("2026-03-07 10:00:00", id="refused", refused=True),
    ]
    finding = run(events, third=third)["CN-3P"]
    assert finding.third_party_ids == ["reachable", "disclosed", "refused"]
    assert finding.third_party_reasons == {
        "reachable": ["borrower_reachable"],
        "disclosed": ["disclosed_debt"],
        "refused": ["after_refusal"],
    }
    assert finding.event_ids == ["address-book"]
    assert finding.count == 4
    assert finding.first_at == local("2026-03-05 09:59:00")
    assert finding.last_at == local("2026-03-09 10:00:00")
    assert finding.threshold == {"reachable_hours": 72}


def test_it_counts_the_borrowers_own_message_to_a_collector_as_reachable():
    events = [message("2026-03-02 10:00:00", "下周还", direction="out")]
    third = [third_party("2026-03-03 10:00:00", id="after-reply")]
    assert run(events, third=third)["CN-3P"].third_party_reasons == {"after-reply": ["borrower_reachable"]}


def test_it_ignores_an_unanswered_call_for_reachability():
    events = [event("2026-03-02 10:00:00")]
    assert run(events, third=[third_party("2026-03-02 11:00:00", id="tp")]) == {}


# --- CN-P: rolling 7 days ----------------------------------------------------------------------


def test_it_flags_more_than_twenty_contacts_in_seven_days():
    calls = [event(f"2026-03-0{1 + n % 7} 1{n // 7}:00:00", id=f"c{n:02d}") for n in range(21)]
    finding = run(calls)["CN-P"]
    assert finding.count == 21
    assert finding.windows == [{"start": "2026-03-01", "end": "2026-03-07", "count": 21}]
    assert "CN-P" not in run(calls[:20])


# --- US ----------------------------------------------------------------------------------------


def test_it_uses_consumer_local_time_across_the_dst_change():
    # 8 March 2026: New York moves from EST (UTC-5) to EDT (UTC-4) at 02:00.
    events = [
        event("2026-03-08 07:59:59", id="before-08", zone=NEW_YORK),
        event("2026-03-08 08:00:00", id="at-08", zone=NEW_YORK),
        event("2026-03-08 20:59:59", id="before-21", zone=NEW_YORK),
        event("2026-03-08 21:00:00", id="at-21", zone=NEW_YORK),
    ]
    assert events[1].occurred_at == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 07:00 had it stayed EST
    finding = run(events, "US")["US-T"]
    assert finding.event_ids == ["before-08", "at-21"]
    assert finding.threshold == {"window": {"from": "21:00", "to": "08:00"}}


def test_it_handles_the_autumn_dst_change():
    # 1 November 2026: back to EST at 02:00. 12:59 UTC is 07:59 EST; 13:00 UTC is 08:00.
    at = [datetime(2026, 11, 1, 12, 59, 59, tzinfo=UTC), datetime(2026, 11, 1, 13, 0, tzinfo=UTC)]
    events = [EventFact(f"x{n}", "call", "phone", "missed", t, COLLECTOR, 0, "", False) for n, t in enumerate(at)]
    assert run(events, "US")["US-T"].event_ids == ["x0"]


def us_calls(days: list[int], **kw) -> list[EventFact]:
    """Collector calls in New York at 10:00 plus minutes, on the given days of March."""
    return [event(f"2026-03-{d:02d} 10:{n:02d}:00", zone=NEW_YORK, **kw) for n, d in enumerate(days)]


def test_it_flags_eight_calls_within_seven_days():
    calls = us_calls([1, 1, 2, 3, 4, 5, 6, 7])
    finding = run(calls, "US")["US-F1"]
    assert finding.event_ids == [c.id for c in calls]
    assert finding.windows == [{"start": "2026-03-01", "end": "2026-03-07", "count": 8}]
    assert finding.threshold == {"days": 7, "more_than": 7}


def test_it_stays_silent_when_the_eighth_call_falls_on_day_eight():
    assert "US-F1" not in run(us_calls([1, 2, 3, 4, 5, 6, 7, 8]), "US")


def test_it_does_not_count_messages_or_outgoing_calls_as_us_calls():
    calls = us_calls([1, 2, 3, 4, 5, 6, 7])
    texts = [message(f"2026-03-0{d} 12:00:00", "Please pay", zone=NEW_YORK) for d in range(1, 6)]
    outgoing = us_calls([2, 3], direction="out")
    assert "US-F1" not in run(calls + texts + outgoing, "US")


def test_it_flags_calls_within_seven_days_after_a_conversation():
    events = [
        event("2026-03-01 09:00:00", id="before", zone=NEW_YORK),
        answered("2026-03-01 10:00:00", id="conversation", zone=NEW_YORK),
        event("2026-03-01 15:00:00", id="same-day", zone=NEW_YORK),
        event("2026-03-07 10:00:00", id="day-7", zone=NEW_YORK),
        event("2026-03-08 10:00:00", id="day-8", zone=NEW_YORK),
        message("2026-03-02 10:00:00", "Please pay", zone=NEW_YORK),
    ]
    finding = run(events, "US")["US-F2"]
    assert finding.event_ids == ["same-day", "day-7"]
    assert finding.windows == [{"start": "2026-03-01", "end": "2026-03-07", "count": 2}]
    assert finding.threshold == {"period_days": 7}


def test_it_takes_the_borrowers_own_call_as_a_conversation():
    events = [
        event("2026-03-01 10:00:00", direction="out", duration=120, zone=NEW_YORK),
        event("2026-03-02 10:00:00", id="next-day", zone=NEW_YORK),
    ]
    assert run(events, "US")["US-F2"].event_ids == ["next-day"]


def test_it_needs_a_real_conversation_for_us_f2():
    events = [
        event("2026-03-01 10:00:00", direction="in", duration=0, zone=NEW_YORK),
        event("2026-03-01 11:00:00", direction="out", duration=0, zone=NEW_YORK),
        event("2026-03-02 10:00:00", zone=NEW_YORK),
        answered("2026-03-03 10:00:00", number=RELATIVE, zone=NEW_YORK),
        event("2026-03-04 10:00:00", zone=NEW_YORK),
    ]
    assert "US-F2" not in run(events, "US")


def test_it_flags_only_disclosure_to_third_parties_in_the_us():
    third = [
        third_party("2026-03-01 10:00:00", id="told", disclosed=True, zone=NEW_YORK),
        third_party("2026-03-02 10:00:00", id="refused", refused=True, zone=NEW_YORK),
    ]
    finding = run([], "US", third=third)["US-3P"]
    assert finding.third_party_ids == ["told"] and finding.event_ids == [] and finding.count == 1


def test_it_flags_threats_of_arrest_in_english_and_chinese():
    events = [
        message("2026-03-02 10:00:00", "You will be ARRESTED tomorrow", id="en", zone=NEW_YORK),
        message("2026-03-02 11:00:00", "不还钱就逮捕你", id="zh", zone=NEW_YORK),
        message("2026-03-02 12:00:00", "First notice about your balance", id="first", zone=NEW_YORK),
    ]
    assert run(events, "US")["US-E"].event_ids == ["en", "zh"]


# --- UK ----------------------------------------------------------------------------------------


def test_it_applies_the_uk_defaults():
    events = [
        event("2026-06-02 20:59:59", zone=LONDON),
        event("2026-06-02 21:00:00", id="late", zone=LONDON),
        *[event(f"2026-06-03 1{h}:00:00", id=f"d{h}", zone=LONDON) for h in range(4)],
        message("2026-06-04 10:00:00", "A bailiff will call", id="bailiff", zone=LONDON),
    ]
    third = [third_party("2026-06-05 10:00:00", id="told", disclosed=True, zone=LONDON)]
    findings = run(events, "UK", third=third)
    assert findings["UK-T"].event_ids == ["late"]
    assert findings["UK-F"].event_ids == ["d0", "d1", "d2", "d3"]
    assert findings["UK-3P"].third_party_ids == ["told"]
    assert findings["UK-A"].event_ids == ["bailiff"]


# --- output ------------------------------------------------------------------------------------


def test_it_orders_findings_as_the_rule_file_and_serialises_them():
    events = [event("2026-03-02 23:00:00", text="法院传票"), *[answered(f"2026-03-03 1{h}:00:00") for h in range(4)]]
    result = analyse(events=events, labels=LABELS, third_parties=[], ruleset=load_ruleset("CN"), zone=SHANGHAI)
    assert [f.rule for f in result.findings] == ["CN-T", "CN-F1", "CN-I"]
    data = json.loads(json.dumps(result.as_dict()))
    night = data["findings"][0]
    assert night["first_at"] == "2026-03-02T15:00:00Z"
    assert night["ruleset"] == "cn" and night["ruleset_version"] == load_ruleset("CN").version
    assert set(night["title"]) == {"zh-Hans", "en"} and night["citation"]
    assert night["note"] == load_ruleset("CN").note


def test_it_keeps_examples_to_ten_in_time_order():
    events = [event(f"2026-03-02 23:{m:02d}:00", id=f"n{m:02d}") for m in range(15)]
    shuffled = events[:]
    random.Random(3).shuffle(shuffled)
    finding = run(shuffled)["CN-T"]
    assert finding.event_ids == [e.id for e in events]
    assert finding.examples == [e.id for e in events[:10]]


def test_it_breaks_time_ties_by_id():
    same = local("2026-03-02 23:00:00")
    events = [EventFact(i, "call", "phone", "missed", same, COLLECTOR, 0, "", False) for i in ("b", "c", "a")]
    assert run(events)["CN-T"].event_ids == ["a", "b", "c"]


def test_it_builds_chart_data():
    events = [
        answered("2026-03-02 10:00:00"),
        event("2026-03-02 23:30:00"),
        message("2026-03-03 07:00:00", "还款"),
        event("2026-03-03 12:00:00", direction="out", duration=30),
        message("2026-03-03 09:00:00", "您的借款已逾期", number=STRANGER),
        *[event(f"2026-03-04 1{h}:00:00", number=RELATIVE) for h in range(5)],
    ]
    ruleset = load_ruleset("CN")
    result = analyse(events=events, labels=LABELS, third_parties=[], ruleset=ruleset, zone=SHANGHAI)
    data = charts(events=events, labels=LABELS, ruleset=ruleset, zone=SHANGHAI, collectors=result.collectors)
    assert data["calls_per_day"] == [
        {"date": "2026-03-02", "calls": 2, "answered": 1, "unanswered": 1, "messages": 0},
        {"date": "2026-03-03", "calls": 0, "answered": 0, "unanswered": 0, "messages": 2},
    ]
    assert sum(data["contacts_by_hour"]) == 4 and data["contacts_by_hour"][23] == 1
    assert data["top_numbers"][0] == {
        "number": RELATIVE, "role": "relative", "inferred_collector": False, "calls": 5, "messages": 0,
    }  # fmt: skip
    assert data["top_numbers"][1] == {
        "number": COLLECTOR, "role": "collector", "inferred_collector": False, "calls": 2, "messages": 1,
    }  # fmt: skip
    assert data["top_numbers"][2]["inferred_collector"] is True
    assert data["night_contacts"] == {
        "from": "22:00",
        "to": "08:00",
        "count": 2,
        "by_day": [{"date": "2026-03-02", "count": 1}, {"date": "2026-03-03", "count": 1}],
    }
    assert data["totals"] == {"events": 10, "collection_contacts": 4, "calls": 8, "messages": 2}
    assert charts(events=events, labels=LABELS, ruleset=ruleset, zone=SHANGHAI) == data
    json.dumps(data)


def test_it_rejects_naive_times():
    naive = EventFact("n", "call", "phone", "missed", datetime(2026, 3, 2, 10), COLLECTOR, 0, "", False)
    try:
        run([naive])
    except ValueError as e:
        assert "timezone-aware" in str(e)
    else:
        raise AssertionError("a naive datetime was accepted")


def test_it_analyses_a_long_log_in_order():
    start = local("2026-01-01 00:00:00")
    events = [
        EventFact(f"l{n:05d}", "call", "phone", "missed", start + timedelta(minutes=37 * n), COLLECTOR, 0, "", False)
        for n in range(5000)
    ]
    finding = run(events)["CN-F2"]
    assert finding.event_ids == sorted(finding.event_ids)
