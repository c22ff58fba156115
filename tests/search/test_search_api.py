"""GET /api/cases/{id}/search/?q=: what is searched, who sees what, the marks, the log.

On PostgreSQL in the suite; test_sqlite_backend.py runs this file again on SQLite.
"""

import pytest
from django.db import connection

from evidence.custody.models import CustodyEvent
from evidence.ocr.models import RecognizedText
from evidence.search.backends import SOURCES
from evidence.sharing.models import Access
from tests import samples
from tests.conftest import client_for, upload
from tests.sharing.conftest import make_bundle, share

MESSAGES = [
    ("2026-05-01T22:10:00+08:00", "您已逾期三十天，我们将起诉到法院，后果自负"),
    ("2026-05-02T23:40:00+08:00", "明天上门找你家人和你单位领导"),
    ("2026-05-03T08:00:00+08:00", "好的，我知道了"),
    ("2026-05-04T21:05:00+08:00", "法院传票已寄出，请注意查收 Court summons sent"),
]


def _message(api, case, at, body, number="13800138000"):
    response = api.post(f"/api/cases/{case.id}/messages/", {"channel": "sms", "direction": "in", "address": number,
                                                            "body": body, "sent_at": at}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _search(client, case, q, status=200, **params):
    response = client.get(f"/api/cases/{case.id}/search/", {"q": q, **params})
    assert response.status_code == status, response.json()
    return response.json()


def _marked(hit) -> list[str]:
    return [hit["excerpt"][start:end] for start, end in hit["match"]]


@pytest.fixture
def messages(api, case):
    return [_message(api, case, at, body) for at, body in MESSAGES]


def test_a_two_character_chinese_query_finds_message_bodies_newest_first(api, case, messages):
    found = _search(api, case, "法院")

    assert found["count"] == 2 and found["next"] is None
    assert [hit["id"] for hit in found["results"]] == [messages[3]["id"], messages[0]["id"]]
    first = found["results"][0]
    assert first["kind"] == "message" and first["field"] == "body" and first["channel"] == "sms"
    assert first["occurred_at"] == "2026-05-04T13:05:00Z" and first["item_id"] is None
    assert first["excerpt"] == "法院传票已寄出，请注意查收 Court summons sent"
    assert _marked(first) == ["法院"] and first["match"] == [[0, 2]]
    assert _marked(found["results"][1]) == ["法院"]
    assert [hit["id"] for hit in _search(api, case, "上门")["results"]] == [messages[1]["id"]]


def test_a_four_character_query_goes_through_the_trigram_index(api, case, messages):
    found = _search(api, case, "起诉到法")

    assert [hit["id"] for hit in found["results"]] == [messages[0]["id"]]
    assert _marked(found["results"][0]) == ["起诉到法"]
    assert _search(api, case, "COURT summons")["results"][0]["id"] == messages[3]["id"]  # any case
    assert _search(api, case, "起诉到法院吗")["count"] == 0


def test_the_trigram_indexes_exist_and_serve_the_query_django_sends(db):
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm: PostgreSQL only (SQLite's index: test_sqlite_backend.py)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%_trgm'")
        names = {name for (name,) in cursor.fetchall()}
    assert names == {f"search_{s.name}_{f}_trgm" for s in SOURCES.values() for f in s.fields}

    from evidence.events.models import Event

    query = Event.objects.filter(body__icontains="起诉到法院")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is too small to need an index
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_event_body_trgm" in plan, plan


def test_the_searched_tables_are_the_models_tables():
    from django.apps import apps

    models = {"event": "events.Event", "text": "ocr.RecognizedText", "item": "intake.EvidenceItem"}
    for name, source in SOURCES.items():
        model = apps.get_model(models[name])
        assert model._meta.db_table == source.table and model._meta.pk.column == source.key
        assert {model._meta.get_field(f).column for f in source.fields} == set(source.fields)


def test_text_read_in_a_screenshot_is_found_with_its_passage(api, case):
    item = upload(api, case, samples.png(60, 120), name="微信截图.png", occurred_at="2026-05-05T22:41:00+08:00").json()
    RecognizedText.objects.update_or_create(item_id=item["id"], defaults={
        "case": case, "status": "done", "layout": "chat", "lang": "zh-Hans",
        "content": "某某贷客服\n22:41\n你再不还钱\n我们就上门找你父母",
        "passages": [{"n": 1, "side": "time", "text": "22:41", "time": ""},
                     {"n": 2, "side": "theirs", "text": "你再不还钱 我们就上门找你父母", "time": "22:41"}]})
    other = upload(api, case, samples.png(61, 120), name="另一张.png").json()
    RecognizedText.objects.update_or_create(item_id=other["id"], defaults={
        "case": case, "status": "pending", "content": "我们就上门找你父母"})  # not read yet: not searched

    found = _search(api, case, "上门找你")

    assert found["count"] == 1
    hit = found["results"][0]
    assert hit["kind"] == "screenshot_text" and hit["id"] == hit["item_id"] == item["id"]
    assert hit["field"] == "content" and hit["n"] == 2 and hit["side"] == "theirs"
    assert hit["name"] == "微信截图.png" and hit["occurred_at"] == "2026-05-05T14:41:00Z"
    assert "\n" not in hit["excerpt"] and _marked(hit) == ["上门找你"]


def test_an_items_note_name_and_summary_are_searched(api, case):
    noted = upload(api, case, samples.png(62, 40), name="单位领导电话.png", note="催收员威胁要打给我单位").json()
    described = upload(api, case, samples.png(63, 40), name="IMG_0042.png").json()
    assert api.patch(f"/api/evidence/{described['id']}/", {"summary": "短信截图，显示威胁要曝光通讯录"},
                     format="json").status_code == 200

    by_name = _search(api, case, "单位领导")["results"]
    by_note = _search(api, case, "打给我单位")["results"]
    by_summary = _search(api, case, "曝光通讯录")["results"]
    assert [(h["kind"], h["id"], h["item_id"], h["field"]) for h in by_name] == [
        ("evidence", noted["id"], noted["id"], "original_name")]
    assert [(h["id"], h["field"]) for h in by_note] == [(noted["id"], "note")]
    assert [(h["id"], h["field"], _marked(h)) for h in by_summary] == [(described["id"], "summary", ["曝光通讯录"])]
    assert _search(api, case, "img_0042")["results"][0]["field"] == "original_name"


def test_a_calls_note_is_searched(api, case):
    call = api.post(f"/api/cases/{case.id}/calls/", {"number": "13900139000", "direction": "in",
                                                    "started_at": "2026-05-06T09:00", "note": "对方说下午去我家"},
                    format="json").json()
    found = _search(api, case, "去我家")["results"]
    assert [(h["kind"], h["id"], h["field"], h["number"]) for h in found] == [("call", call["id"], "note", "13900139000")]


def test_the_excerpt_is_cut_around_the_match_and_the_offsets_point_at_it(api, case):
    body = "😡" + "前面的话" * 10 + "我们会联系你的紧急联系人" + "后面的话" * 10
    _message(api, case, "2026-05-07T23:00", body)

    hit = _search(api, case, "紧急联系人")["results"][0]

    assert hit["excerpt"].startswith("…") and hit["excerpt"].endswith("…")
    assert 40 <= len(hit["excerpt"]) <= 44
    assert _marked(hit) == ["紧急联系人"]
    start, end = hit["match"][0]
    assert hit["excerpt"][start - 7:start] == "我们会联系你的"


def test_every_match_inside_the_excerpt_is_marked(api, case):
    _message(api, case, "2026-05-08T10:00", "还钱！还钱！今天必须还钱")
    hit = _search(api, case, "还钱")["results"][0]
    assert hit["match"] == [[0, 2], [3, 5], [10, 12]] and set(_marked(hit)) == {"还钱"}


def test_another_borrowers_rows_are_never_in_the_hits(api, case, messages, other_borrower):
    from evidence.cases.services import case_create

    theirs = case_create(owner=other_borrower, title="别人的案子", jurisdiction="CN")
    stranger = client_for(other_borrower)
    _message(stranger, theirs, "2026-05-09T10:00", "法院明天开庭")

    mine = _search(api, case, "法院")
    assert messages[0]["id"] in {h["id"] for h in mine["results"]}
    assert all("开庭" not in h["excerpt"] for h in mine["results"]) and mine["count"] == 2
    assert [h["excerpt"] for h in _search(stranger, theirs, "法院")["results"]] == ["法院明天开庭"]
    refused = stranger.get(f"/api/cases/{case.id}/search/", {"q": "法院"})
    assert refused.status_code == 404 and refused.json()["error"] == "not_found"
    assert "逾期" not in refused.content.decode()
    assert api.get(f"/api/cases/{theirs.id}/search/", {"q": "法院"}).status_code == 404
    assert client_for(None).get(f"/api/cases/{case.id}/search/", {"q": "法院"}).status_code == 401


def test_a_lawyer_searches_only_through_a_share_and_only_what_it_shows(api, case, messages, lawyer):
    counsel = client_for(lawyer)
    assert counsel.get(f"/api/cases/{case.id}/search/", {"q": "法院"}).status_code == 404  # no share yet

    shared_item = upload(api, case, samples.png(64, 64), name="法院短信截图.png",
                         occurred_at="2026-05-01T08:00:00+08:00").json()
    bundle = make_bundle(api, case)
    share_id = share(api, bundle, "lawyer_zhao").json()["id"]
    _message(api, case, "2026-05-10T22:00", "法院的人明天到你家")  # after the bundle: not shared
    upload(api, case, samples.png(65, 64), name="法院来电.png")

    found = _search(counsel, case, "法院")
    assert [h["id"] for h in found["results"]] == [messages[3]["id"], messages[0]["id"], shared_item["id"]]
    assert _search(api, case, "法院")["count"] == 5  # the borrower sees everything

    log = api.get(f"/api/shares/{share_id}/accesses/").json()["results"]
    assert [(entry["what"], entry["who"]) for entry in log] == [("search", "lawyer_zhao")]
    event = CustodyEvent.objects.filter(case_id=case.id, action="share.search").get()
    assert event.details["query"] == "法院" and event.details["hits"] == 3 and event.actor_name == "lawyer_zhao"

    api.delete(f"/api/shares/{share_id}/")
    assert counsel.get(f"/api/cases/{case.id}/search/", {"q": "法院"}).status_code == 404
    assert Access.objects.filter(share_id=share_id).count() == 1


def test_every_search_is_written_to_the_custody_log(api, case, messages, borrower):
    _search(api, case, "上门", HTTP_USER_AGENT="phone")

    event = CustodyEvent.objects.filter(case_id=case.id, action="case.searched").get()
    assert event.details == {"query": "上门", "hits": 1}
    assert event.actor_id == borrower.id and event.ip == "127.0.0.1"


@pytest.mark.parametrize("q, code", [("", "query_missing"), ("   ", "query_missing"), ("\x00", "query_missing"),
                                     ("还" * 101, "query_too_long")])
def test_a_bad_query_is_400_with_the_error_shape(api, case, q, code):
    response = api.get(f"/api/cases/{case.id}/search/", {"q": q}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"] == code and response.json()["detail"]
    if code == "query_too_long":
        assert response.json()["detail"] == "Search for at most 100 characters; this search has 101."
    assert not CustodyEvent.objects.filter(action="case.searched").exists()


def test_the_query_limits(api, case, messages):
    assert api.get(f"/api/cases/{case.id}/search/").json()["error"] == "query_missing"
    assert _search(api, case, "  法  ")["count"] == 2  # one character, spaces around it dropped
    assert _search(api, case, " " + "还" * 100 + " ")["count"] == 0
    assert _search(api, case, "100%")["count"] == 0 and _search(api, case, "_")["count"] == 0  # no wildcards


def test_hits_are_paginated_like_the_other_lists(api, case):
    for day in range(1, 29):
        for hour in (20, 21):
            _message(api, case, f"2026-06-{day:02d}T{hour}:00", f"第{day}天 {hour} 点：请立即还款")
    first = _search(api, case, "立即还款")
    assert first["count"] == 56 and len(first["results"]) == 50 and first["previous"] is None
    second = _search(api, case, "立即还款", page=2)
    assert len(second["results"]) == 6 and second["next"] is None
    times = [h["occurred_at"] for h in first["results"] + second["results"]]
    assert times == sorted(times, reverse=True)
    assert api.get(f"/api/cases/{case.id}/search/", {"q": "立即还款", "page": 3}).status_code == 404
