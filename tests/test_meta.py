"""GET /api/meta/: the codes the API speaks, with their words in both languages, for the phone app."""

from django.utils import translation
from rest_framework.test import APIClient

from evidence.events.models import Direction, direction_label


def _meta() -> dict:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")  # public: a stale token is no 401
    response = client.get("/api/meta/")
    assert response.status_code == 200
    return response.json()


def _words(rows: list[dict]) -> dict:
    return {row["value"]: row["label"] for row in rows}


def test_every_code_has_its_words_in_both_languages():
    meta = _meta()
    assert meta["languages"] == ["zh-Hans", "en"]
    for group, rows in meta.items():
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
            continue
        for row in rows:
            assert row["label"]["zh-Hans"] and row["label"]["en"], (group, row)
            if group != "authority":  # authorities keep their own names; everything else is translated
                assert row["label"]["zh-Hans"] != row["label"]["en"], (group, row)


def test_calls_and_messages_have_their_own_direction_words():
    meta = _meta()
    calls, messages = _words(meta["call_direction"]), _words(meta["message_direction"])
    assert calls["in"]["zh-Hans"] == "呼入" and calls["out"]["zh-Hans"] == "呼出"
    assert messages["in"]["zh-Hans"] == "收到" and messages["out"]["zh-Hans"] == "发出"
    assert set(calls) == set(Direction.values) and set(messages) == {"in", "out"}
    assert "来电" not in calls["out"]["zh-Hans"]
    with translation.override("en"):
        assert direction_label("message", "in") == "Received" and direction_label("call", "out") == "Outgoing"
    with translation.override("zh-hans"):
        assert direction_label("message", "out") == "发出" and direction_label("call", "missed") == "未接"


def test_a_jurisdiction_offers_only_its_own_authorities():
    places = {row["value"]: row for row in _meta()["jurisdiction"]}
    assert places["CN"]["timezone"] == "Asia/Shanghai"
    assert "cn-12378" in places["CN"]["authorities"] and "us-cfpb" not in places["CN"]["authorities"]
    assert places["US"]["authorities"] == ["us-cfpb", "generic"]
