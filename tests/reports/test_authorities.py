"""Packets for an authority carry its letter or form, pre-filled, within its limits."""

import re
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from evidence.cases.services import case_create
from evidence.reports.authorities import working_copy
from evidence.reports.verify import verify_packet
from evidence.storage.backends import get_storage
from tests import samples
from tests.conftest import import_export, upload
from tests.exports import call, calls_xml, sms, sms_xml

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def _packet(api, case, tmp_path, **body) -> zipfile.ZipFile:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "authority", **body}, format="json")
    assert response.status_code == 202, response.json()
    bundle = api.get(f"/api/bundles/{response.json()['id']}/").json()
    assert bundle["status"] == "done", bundle["error"]
    path = tmp_path / f"{body['authority']}.zip"
    path.write_bytes(b"".join(api.get(bundle["packet_url"]).streaming_content))
    assert all(check.ok is not False for check in verify_packet(path)), "the packet must still verify"
    return zipfile.ZipFile(path)


@pytest.fixture
def harassed(api, case):
    """Night calls and a threatening message from one collector, and two screenshots."""
    case.lender, case.lending_app, case.collection_agency = "某某小额贷款有限公司", "某某借", "某某信息咨询有限公司"
    case.save()
    upload(api, case, samples.png(1080, 2400, noise=True), name="威胁短信.png")
    upload(api, case, samples.jpeg(), name="门口.jpg")
    import_export(api, case, calls_xml(*(call(datetime(2026, 5, 1, 23, n, 7, tzinfo=SHANGHAI), 3, "13800138000", 0)
                                         for n in range(8))), name="calls.xml")
    import_export(api, case, sms_xml(sms(datetime(2026, 5, 2, 7, 0, 5, tzinfo=SHANGHAI), 1, "13800138000",
                                         "不还钱就联系你的家人和单位，让你坐牢")))
    api.post(f"/api/cases/{case.id}/labels/", {"number": "13800138000", "role": "collector"}, format="json")
    return case


def test_it_prefills_the_12378_complaint(api, harassed, tmp_path):
    packet = _packet(api, harassed, tmp_path, authority="cn-12378", borrower_name="张某")
    letter = packet.read("complaint/cn-12378.txt").decode()
    assert "国家金融监督管理总局" in letter and "投诉人：张某" in letter
    assert "被投诉机构（放贷机构）：某某小额贷款有限公司" in letter
    assert "停止在每日 22:00 至次日 08:00 催收" in letter and "CN-T" not in letter
    assert "工单号：________________" in letter  # complain to the institution first
    assert {"E-001", "E-002", "E-003", "E-004"} <= set(re.findall(r"E-\d{3}", letter))
    assert "SHA-256" in letter and "complaint/cn-12378.txt" in packet.read("SHA256SUMS").decode()


def test_it_adds_working_copies_under_two_megabytes_for_nifa_and_keeps_the_originals(api, harassed, tmp_path):
    packet = _packet(api, harassed, tmp_path, authority="cn-nifa")
    copies = [name for name in packet.namelist() if name.startswith("complaint/working-copies/")]
    assert len(copies) == 2
    for name in copies:
        assert 0 < packet.getinfo(name).file_size <= 2 * 1024 * 1024
    originals = [name for name in packet.namelist() if name.startswith("originals/") and name.endswith(".png")]
    stored = get_storage().original_path(harassed.evidence_items.get(original_name="威胁短信.png").sha256).read_bytes()
    assert packet.read(originals[0]) == stored


def test_a_working_copy_shrinks_until_it_fits(tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(samples.png(3000, 3000, noise=True))
    data = working_copy(str(big), limit=300_000)
    assert data.startswith(b"\xff\xd8") and len(data) <= 300_000


def test_it_lists_each_number_for_12321_with_seconds_and_verbatim_text(api, harassed, tmp_path):
    form = _packet(api, harassed, tmp_path, authority="cn-12321").read("complaint/cn-12321.txt").decode()
    assert "被举报号码：+8613800138000（来电 8 次，短信 1 条）" in form
    assert "2026-05-01 23:03:07  未接来电  时长 0 秒" in form
    assert "短信：不还钱就联系你的家人和单位，让你坐牢" in form


def test_it_writes_a_cfpb_narrative_without_identifiers(api, borrower, tmp_path):
    case = case_create(owner=borrower, title="Acme", jurisdiction="US", lender="Acme Recovery LLC")
    upload(api, case, samples.png(), name="screenshot.png")
    api.post(f"/api/cases/{case.id}/labels/", {"number": "(212) 736-5000", "role": "collector"}, format="json")
    import_export(api, case, calls_xml(*(call(datetime(2026, 3, 2, 21, n, tzinfo=NEW_YORK), 3, "2127365000", 0)
                                         for n in range(9))), name="calls.xml")
    packet = _packet(api, case, tmp_path, authority="us-cfpb", language="en", borrower_name="Jane Roe")
    narrative = packet.read("complaint/us-cfpb-narrative.txt").decode()
    assert len(narrative) <= 4000
    assert "Jane Roe" not in narrative and "wang" not in narrative
    assert not re.search(r"\d{3}[\s.-]?\d{3}[\s.-]?\d{4}", narrative)
    table = packet.read("complaint/us-cfpb-violations.tsv").decode()
    assert "US-F1" not in table and "called me more than 7 times within 7 days" in table
    assert "before 8 a.m. or after 9 p.m." in narrative


def test_it_asks_which_authority(api, case):
    upload(api, case, samples.png())
    response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "authority"}, format="json")
    assert response.status_code == 400 and response.json()["error"] == "invalid"
