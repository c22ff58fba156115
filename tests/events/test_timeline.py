"""GET /api/cases/{id}/timeline/: calls, messages and files in one time order."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import samples
from tests.conftest import import_export, upload
from tests.exports import call, calls_xml, mms, sms, sms_xml

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day, hour, minute=0):
    return datetime(2026, 5, day, hour, minute, tzinfo=SHANGHAI)


def _timeline(api, case, query=""):
    response = api.get(f"/api/cases/{case.id}/timeline/{query}")
    assert response.status_code == 200, response.json()
    return response.json()


def _fill(api, case):
    import_export(api, case, calls_xml(call(_at(1, 23), 3, "13800138000", 0), call(_at(3, 9), 1, "13900139000", 60)),
                  name="calls.xml")
    import_export(api, case, sms_xml(sms(_at(2, 7, 30), 1, "13800138000", "逾期"),
                                     mms(_at(2, 8), 1, "13800138000", "看图", picture=samples.png())))
    upload(api, case, samples.png(30, 30), name="shot.png", occurred_at="2026-05-02T12:00:00+08:00")


def test_it_merges_calls_messages_and_files_in_time_order(api, case):
    _fill(api, case)
    body = _timeline(api, case)
    assert body["count"] == 5  # the export files and the MMS picture are not separate rows
    rows = [(row["type"], row["at"]) for row in body["results"]]
    assert rows == [
        ("call", "2026-05-01T15:00:00Z"), ("message", "2026-05-01T23:30:00Z"), ("message", "2026-05-02T00:00:00Z"),
        ("file", "2026-05-02T04:00:00Z"), ("call", "2026-05-03T01:00:00Z"),
    ]
    picture_message = body["results"][2]
    assert picture_message["channel"] == "mms" and len(picture_message["attachments"]) == 1
    assert picture_message["source"]["position"] == "line 6, <mms> 1"
    assert body["results"][3]["file"]["original_name"] == "shot.png"


def test_it_filters_by_kind_number_and_local_dates(api, case):
    _fill(api, case)
    assert [r["type"] for r in _timeline(api, case, "?kind=call")["results"]] == ["call", "call"]
    assert {r["type"] for r in _timeline(api, case, "?kind=message,file")["results"]} == {"message", "file"}
    by_number = _timeline(api, case, "?number=%2B86%20138-0013-8000")["results"]
    assert [r["number_normalized"] for r in by_number] == ["+8613800138000"] * 3
    # A date means the whole local day in the case's zone (Asia/Shanghai).
    may_2 = _timeline(api, case, "?since=2026-05-02&until=2026-05-02")["results"]
    assert [r["at"] for r in may_2] == ["2026-05-01T23:30:00Z", "2026-05-02T00:00:00Z", "2026-05-02T04:00:00Z"]
    after_8 = _timeline(api, case, "?since=2026-05-02T08:00:00%2B08:00&kind=message")["results"]
    assert len(after_8) == 1


def test_it_pages_without_a_query_per_row(api, case):
    calls = [call(_at(1 + n // 24, n % 24), 3, f"1380013{n:04d}", 0) for n in range(60)]
    import_export(api, case, calls_xml(*calls), name="calls.xml")
    first = _timeline(api, case, "?page_size=25")
    assert (first["count"], len(first["results"])) == (60, 25)
    last = _timeline(api, case, "?page_size=25&page=3")
    assert len(last["results"]) == 10 and last["next"] is None
    with CaptureQueriesContext(connection) as small:
        _timeline(api, case, "?page_size=5")
    with CaptureQueriesContext(connection) as large:
        _timeline(api, case, "?page_size=50")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_it_explains_a_bad_filter(api, case):
    response = api.get(f"/api/cases/{case.id}/timeline/?kind=fax", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"error": "bad_filter", "detail": "The filter kind=fax is not valid: use call, message or file"}
    assert api.get(f"/api/cases/{case.id}/timeline/?since=yesterday").status_code == 400


def test_it_lists_the_numbers_seen_with_their_labels(api, case):
    _fill(api, case)
    api.post(f"/api/cases/{case.id}/labels/", {"number": "13800138000", "role": "collector", "name": "某某贷催收"},
             format="json")
    numbers = {row["number"]: row for row in api.get(f"/api/cases/{case.id}/numbers/").json()}
    assert numbers["+8613800138000"]["calls"] == 1 and numbers["+8613800138000"]["messages"] == 2
    assert (numbers["+8613800138000"]["role"], numbers["+8613800138000"]["name"]) == ("collector", "某某贷催收")
    assert numbers["+8613900139000"]["role"] is None


def test_it_counts_each_numbers_calls_and_messages_by_who_placed_them_as_the_charts_do(api, case):
    """GIVEN the borrower called their mother three times and she called and wrote once each,
    WHEN the numbers are listed, THEN the counts say who placed what, and the charts' top numbers
    (which count what the other side placed) give the same incoming counts."""
    mum = "13900139000"
    import_export(api, case, calls_xml(*(call(_at(4, 10 + n), 2, mum, 30) for n in range(3)),
                                       call(_at(4, 20), 1, mum, 60), call(_at(5, 1), 3, "13800138000", 0)),
                  name="calls.xml")
    import_export(api, case, sms_xml(sms(_at(4, 21), 1, mum, "早点回家"), sms(_at(4, 22), 2, mum, "好")))
    numbers = {row["number"]: row for row in api.get(f"/api/cases/{case.id}/numbers/").json()}
    row = numbers["+8613900139000"]
    assert (row["calls"], row["calls_in"], row["calls_out"]) == (4, 1, 3)
    assert (row["messages"], row["messages_in"], row["messages_out"]) == (2, 1, 1)
    assert (numbers["+8613800138000"]["calls_in"], numbers["+8613800138000"]["calls_out"]) == (1, 0)  # a missed call

    top = {n["number"]: n for n in api.get(f"/api/cases/{case.id}/charts/").json()["top_numbers"]}
    for number, shown in numbers.items():
        assert (top[number]["calls"], top[number]["messages"]) == (shown["calls_in"], shown["messages_in"])
