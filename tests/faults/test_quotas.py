"""One account cannot crowd out the others: jobs in flight and uploads per minute are bounded, with 429s."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from evidence.cases.services import case_create
from evidence.imports.models import Import
from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import client_for, stored_files, upload
from tests.exports import sms_xml


def _post_import(api, case, n: int):
    return api.post(f"/api/cases/{case.id}/imports/",
                    {"file": SimpleUploadedFile(f"sms-{n}.xml", sms_xml(), content_type="application/xml")},
                    format="multipart", HTTP_ACCEPT_LANGUAGE="en")


def test_a_fourth_packet_in_flight_waits_for_the_first_three(api, case):
    with TestCase.captureOnCommitCallbacks(execute=False):  # no worker takes them: they stay queued
        for _ in range(3):
            assert api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "self"}, format="json").status_code == 202
    refused = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "self"}, format="json",
                       HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_jobs"
    assert refused["Retry-After"] == "30" and "正在进行" in refused.json()["detail"]


def test_a_fourth_import_in_flight_is_refused_before_its_file_is_read(api, case, media_root):
    with TestCase.captureOnCommitCallbacks(execute=False):
        for n in range(3):
            assert _post_import(api, case, n).status_code == 202
    before = set(stored_files(media_root))
    refused = _post_import(api, case, 3)
    assert refused.status_code == 429 and "3 imports in progress" in refused.json()["detail"]
    assert set(stored_files(media_root)) == before and Import.objects.count() == 3


def test_uploads_past_the_minute_limit_get_429_and_others_are_not_held_up(api, case, other_borrower, settings):
    settings.UPLOADS_PER_MINUTE = 3
    for n in range(3):
        assert upload(api, case, samples.png(20 + n, 20), name=f"s{n}.png").status_code == 201
    refused = upload(api, case, samples.png(30, 20), name="s3.png")
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_uploads"
    assert refused["Retry-After"] == "60" and EvidenceItem.objects.count() == 3

    other = client_for(other_borrower)
    theirs = case_create(owner=other_borrower, title="另一个案件", jurisdiction="CN")
    assert upload(other, theirs, samples.png(40, 20), name="theirs.png").status_code == 201
