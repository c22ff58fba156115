from evidence.custody.models import CustodyEvent
from tests import samples
from tests.conftest import client_for, upload


def test_it_streams_the_exact_original_with_its_hash_as_etag(api, case):
    data = samples.jpeg_with_capture_time()
    item = upload(api, case, data, name="IMG_2041.jpg").json()

    response = api.get(f"/api/evidence/{item['id']}/original", HTTP_USER_AGENT="Lawyer-Browser/1.0")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["ETag"] == f'"{item["sha256"]}"'
    assert response["Content-Type"] == "image/jpeg"
    assert "IMG_2041.jpg" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_every_fetch_of_an_original_is_recorded_with_who_and_from_where(api, case, borrower):
    item = upload(api, case, samples.png()).json()

    api.get(f"/api/evidence/{item['id']}/original", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Phone/2")
    api.get(f"/api/evidence/{item['id']}/original")

    events = CustodyEvent.objects.filter(action="evidence.original_fetched")
    assert events.count() == 2
    first = events.first()
    assert (first.actor, first.ip, first.user_agent, str(first.item_id)) == (borrower, "203.0.113.9", "Phone/2", item["id"])


def test_a_client_that_has_the_file_gets_304(api, case):
    item = upload(api, case, samples.png()).json()

    response = api.get(f"/api/evidence/{item['id']}/original", HTTP_IF_NONE_MATCH=f'"{item["sha256"]}"')

    assert response.status_code == 304


def test_the_list_is_paginated_and_in_receipt_order(api, case):
    for width in (10, 11, 12):
        upload(api, case, samples.png(width, 10))

    body = api.get(f"/api/cases/{case.id}/evidence/").json()

    assert body["count"] == 3
    assert [r["received_at"] for r in body["results"]] == sorted(r["received_at"] for r in body["results"])


def test_opening_an_item_is_recorded_too(api, case, borrower, other_borrower):
    item = upload(api, case, samples.png()).json()
    client_for(other_borrower).get(f"/api/evidence/{item['id']}/")  # refused: leaves no trace

    api.get(f"/api/evidence/{item['id']}/", REMOTE_ADDR="203.0.113.9")

    viewed = CustodyEvent.objects.get(action="evidence.viewed")
    assert (viewed.actor, viewed.ip, str(viewed.item_id), viewed.sha256) == (borrower, "203.0.113.9", item["id"],
                                                                             item["sha256"])
