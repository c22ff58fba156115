"""The borrower describes an exhibit: 证明目的 (purpose) and 内容摘要 (summary), at upload or later."""

from evidence.custody.models import CustodyEvent
from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import client_for, upload


def test_it_takes_the_purpose_and_summary_with_the_upload(api, case):
    item = upload(api, case, samples.png(), purpose="证明对方 22:40 发来威胁短信", summary="短信截图，显示号码和时间").json()

    assert (item["purpose"], item["summary"]) == ("证明对方 22:40 发来威胁短信", "短信截图，显示号码和时间")
    received = CustodyEvent.objects.get(action="evidence.received", item_id=item["id"])
    assert received.details["purpose"] == "证明对方 22:40 发来威胁短信"


def test_it_lets_the_owner_describe_an_item_and_logs_who_wrote_what(api, case):
    item = upload(api, case, samples.png()).json()

    response = api.patch(f"/api/evidence/{item['id']}/", {"purpose": " 证明催收方冒充法院 ", "summary": "微信截图"},
                         format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["purpose"], response.json()["summary"]) == ("证明催收方冒充法院", "微信截图")
    event = CustodyEvent.objects.get(action="evidence.described")
    assert (str(event.item_id), event.actor_name, event.sha256) == (item["id"], "wang", item["sha256"])
    assert event.details == {"purpose": "证明催收方冒充法院", "summary": "微信截图"}


def test_it_changes_only_what_is_sent_and_logs_nothing_when_nothing_changes(api, case):
    item = upload(api, case, samples.png(), summary="原来的摘要").json()

    api.patch(f"/api/evidence/{item['id']}/", {"purpose": "新的目的"}, format="json")
    api.patch(f"/api/evidence/{item['id']}/", {"purpose": "新的目的"}, format="json")

    stored = EvidenceItem.objects.get(id=item["id"])
    assert (stored.purpose, stored.summary) == ("新的目的", "原来的摘要")
    assert CustodyEvent.objects.filter(action="evidence.described").count() == 1


def test_it_refuses_a_summary_longer_than_500_characters(api, case):
    item = upload(api, case, samples.png()).json()

    response = api.patch(f"/api/evidence/{item['id']}/", {"summary": "长" * 501}, format="json")

    assert response.status_code == 400
    assert EvidenceItem.objects.get(id=item["id"]).summary == ""


def test_it_hides_the_item_from_another_borrower(api, case, other_borrower):
    item = upload(api, case, samples.png()).json()

    response = client_for(other_borrower).patch(f"/api/evidence/{item['id']}/", {"purpose": "x"}, format="json")

    assert response.status_code == 404
    assert EvidenceItem.objects.get(id=item["id"]).purpose == ""
