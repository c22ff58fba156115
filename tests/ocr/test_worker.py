"""A threatening chat screenshot through a real Celery worker and the real Redis broker."""

import pytest

from evidence.ocr.models import RecognizedText
from tests.conftest import upload, wait_for
from tests.ocr.chat_pictures import THREATS, chat_png


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reads_the_screenshot_and_the_threat_is_searchable_and_found(api, case, worker):
    item_id = upload(api, case, chat_png("催收-王经理", THREATS), name="wechat.png").json()["id"]

    assert wait_for(lambda: RecognizedText.objects.filter(item_id=item_id, status="done").exists(), timeout=60), \
        "the worker did not read the screenshot"
    text = api.get(f"/api/evidence/{item_id}/").json()["text"]
    assert "你这个老赖等着坐牢吧" in [p["text"] for p in text["passages"]]

    hits = api.get(f"/api/cases/{case.id}/search/", {"q": "坐牢"}).json()["results"]
    assert [(h["kind"], h["item_id"], h["side"]) for h in hits] == [("screenshot_text", item_id, "theirs")]

    def threat():  # the rules run again in a job once the text is read
        findings = {f["rule"]: f for f in api.get(f"/api/cases/{case.id}/findings/").json()}
        return findings.get("CN-H")

    assert wait_for(threat, timeout=60), "no threat finding"
    quoted = {(p["item_id"], p["text"], p["time_shown"].replace(" ", "")) for p in threat()["passages"]}
    assert (item_id, "你这个老赖等着坐牢吧", "昨天23:05") in quoted and threat()["machine_read"] is True
    assert worker.poll() is None, "the worker died"
