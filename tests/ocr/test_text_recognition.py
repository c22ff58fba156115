"""A screenshot's text is read after upload, shown on the item, and read by the rules as machine-read."""

import json

import pytest

from evidence.ocr.models import RecognizedText
from tests.conftest import upload
from tests.ocr.chat_pictures import THREATS, chat_png

pytestmark = pytest.mark.django_db


def _findings(api, case) -> dict:
    return {f["rule"]: f for f in api.get(f"/api/cases/{case.id}/findings/").json()}


def test_a_threatening_chat_screenshot_yields_its_bubbles_and_a_threat_finding(api, case, media_root):
    response = upload(api, case, chat_png("催收-王经理", THREATS), name="wechat.png", language="zh-hans")
    assert response.status_code == 201, response.content
    item_id = response.json()["id"]

    text = api.get(f"/api/evidence/{item_id}/").json()["text"]
    assert text["status"] == "done" and text["machine_read"] is True
    assert text["lang"] == "zh-Hans" and text["layout"] == "chat" and text["title"] == "催收-王经理"
    assert text["engine"].startswith("tesseract ")
    said = [(p["side"], p["text"]) for p in text["passages"] if p["side"] != "time"]
    assert said == [("theirs", "再不还钱就通知你家人"), ("theirs", "再不还就去你家找你"), ("theirs", "不还钱就等着判刑"),
                    ("mine", "我下周一定还"),
                    ("theirs", "你这个老赖等着坐牢吧"), ("theirs", "法院传票已经寄出")]
    times = {p["text"]: p["time"].replace(" ", "") for p in text["passages"]}
    assert times["法院传票已经寄出"] == "昨天23:05" and times["再不还钱就通知你家人"] == "22:41"
    assert "再不还就去你家找你" in text["content"] and not text["content"].startswith("22:41\n催收")

    # The derived file keeps every line with its box; the original is untouched.
    derived = json.loads((media_root / "derived" / RecognizedText.objects.get().derived).read_bytes())
    assert all(len(line["box"]) == 4 for line in derived["lines"]) and derived["seconds"] > 0

    findings = _findings(api, case)
    threat = findings["CN-H"]
    assert threat["machine_read"] is True
    assert {p["text"] for p in threat["passages"]} == {"再不还就去你家找你", "不还钱就等着判刑", "你这个老赖等着坐牢吧"}
    assert all(p["item_id"] == item_id for p in threat["passages"])
    assert {p["text"] for p in findings["CN-I"]["passages"]} == {"法院传票已经寄出"}
    assert {p["text"] for p in findings["CN-3P"]["passages"]} == {"再不还钱就通知你家人"}
    # The borrower's own bubble is never read as a collector's words.
    assert all("我下周" not in p["text"] for f in findings.values() for p in f["passages"])
    assert findings["CN-I"]["support"]["passages"][0]["item_name"] == "wechat.png"


def test_a_dismissed_passage_leaves_the_findings_and_a_confirmed_one_is_marked_checked(api, case):
    item_id = upload(api, case, chat_png("催收-王经理", THREATS), name="wechat.png").json()["id"]
    passages = api.get(f"/api/evidence/{item_id}/").json()["text"]["passages"]
    court = next(p["n"] for p in passages if p["text"] == "法院传票已经寄出")
    family = next(p["n"] for p in passages if p["text"] == "再不还钱就通知你家人")

    answer = api.post(f"/api/evidence/{item_id}/text/passages/{court}/", {"review": "dismissed"}, format="json")
    assert answer.status_code == 200, answer.content
    assert next(p for p in answer.json()["passages"] if p["n"] == court)["review"] == "dismissed"
    api.post(f"/api/evidence/{item_id}/text/passages/{family}/", {"review": "confirmed"}, format="json")

    findings = _findings(api, case)
    assert "CN-I" not in findings
    assert findings["CN-3P"]["machine_read"] is False and findings["CN-3P"]["passages"][0]["confirmed"] is True


def test_only_the_owner_reviews_and_another_borrower_sees_nothing(api, case, other_borrower):
    from rest_framework.test import APIClient

    other_api = APIClient()
    other_api.force_authenticate(other_borrower)
    item_id = upload(api, case, chat_png("催收-王经理", THREATS), name="wechat.png").json()["id"]
    assert other_api.get(f"/api/evidence/{item_id}/").status_code == 404
    assert other_api.post(f"/api/evidence/{item_id}/text/passages/1/", {"review": "dismissed"},
                          format="json").status_code == 404
    assert api.post(f"/api/evidence/{item_id}/text/passages/99/", {"review": "dismissed"},
                    format="json").status_code == 404


def test_without_the_engine_a_picture_says_so_and_nothing_fails(api, case, settings):
    settings.OCR_ENGINE = "none"
    item_id = upload(api, case, chat_png("催收-王经理", THREATS), name="wechat.png").json()["id"]
    text = api.get(f"/api/evidence/{item_id}/").json()["text"]
    assert text["status"] == "unavailable" and text["error"] == "ocr_unavailable" and text["error_text"]


def test_a_recording_has_no_text_field(api, case):
    from tests import samples

    item = upload(api, case, samples.wav(), name="call.wav").json()
    assert item["text"] is None


@pytest.mark.parametrize(("words", "line"), [
    (["你", "好", ",", "在", "吗", "?"], "你好，在吗？"),  # read half-width, written as Chinese is typed
    (["回", "电", ":", "400-820-8820"], "回电：400-820-8820"),
    (["22:41"], "22:41"), (["Pay", "today,", "or", "else!"], "Pay today, or else!"),
    (["张", "律", "师", "(法务部)"], "张律师(法务部)"),  # brackets in a name stay as typed
])
def test_a_lines_words_are_joined_as_the_language_writes_them(words, line):
    from evidence.ocr.engine import join_words

    assert join_words(words) == line


def test_a_review_that_is_not_one_of_the_words_is_refused_and_changes_nothing(api, case):
    from evidence.custody.models import CustodyEvent

    item_id = upload(api, case, chat_png("催收-王经理", THREATS), name="wechat.png").json()["id"]
    n = api.get(f"/api/evidence/{item_id}/").json()["text"]["passages"][1]["n"]

    refused = api.post(f"/api/evidence/{item_id}/text/passages/{n}/", {"review": "maybe"}, format="json")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid" and "review" in refused.json()["fields"]
    assert RecognizedText.objects.get(item_id=item_id).reviews == {}
    assert not CustodyEvent.objects.filter(action="evidence.text_reviewed").exists()
    missing = api.post(f"/api/evidence/{item_id}/text/passages/999/", {"review": "confirmed"}, format="json")
    assert missing.status_code == 404 and RecognizedText.objects.get(item_id=item_id).reviews == {}
