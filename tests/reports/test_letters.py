"""Complaint letters read as letters: facts from the findings, the collectors' own period, no internals."""

import re
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from evidence.cases.services import case_create
from tests import samples
from tests.conftest import import_export, upload
from tests.exports import call, calls_xml, sms, sms_xml

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
COLLECTOR, INFERRED = "13800138000", "13900139000"
CN_AUTHORITIES = ["cn-12378", "cn-nifa", "cn-12321", "cn-police", "cn-12315", "generic"]
# What only the software needs: rule ids, confidence marks, caveats about citations, empty values.
LEAKS = re.compile(r"CN-[A-Z0-9]|US-[A-Z0-9]|UK-[A-Z0-9]|未确认|依据可靠程度|confidence|S：|\bNone\b|\bnull\b|"
                   r"UNCONFIRMED|条号|secondary sources|期限|within 15|15 日|30 日")


def _build(api, case, **body) -> dict:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "authority", **body}, format="json")
    assert response.status_code == 202, response.json()
    bundle = api.get(f"/api/bundles/{response.json()['id']}/").json()
    assert bundle["status"] == "done", bundle["error"]
    return bundle


def _letters(api, case, tmp_path, authority: str, **body) -> dict[str, str]:
    bundle = _build(api, case, authority=authority, **body)
    path = tmp_path / f"{authority}.zip"
    path.write_bytes(b"".join(api.get(bundle["packet_url"]).streaming_content))
    with zipfile.ZipFile(path) as packet:
        return {name: packet.read(name).decode() for name in packet.namelist()
                if name.startswith("complaint/") and name.endswith((".txt", ".tsv"))}


def _findings(api, case) -> dict:
    return {f["rule"]: f for f in api.get(f"/api/cases/{case.id}/findings/").json()}


def _has_number(text: str, n: int) -> bool:
    return re.search(rf"(?<!\d){n}(?!\d)", text) is not None


@pytest.fixture
def harassed(api, case):
    """Nine days of night calls from a labelled collector, threats, an inferred collector, two victims.

    The first call is at 06:30 Shanghai time on 20 November (still the 19th in UTC); the last at
    23:57 on the 28th; the evidence is uploaded days later, so upload times must not be the period.
    """
    case.lender, case.lending_app, case.collection_agency = "某某小额贷款有限公司", "某某借", "某某信息咨询有限公司"
    case.save()
    first = datetime(2026, 11, 20, 6, 30, 5, tzinfo=SHANGHAI)
    calls = [call(first, 3, COLLECTOR, 0)]
    for day in range(9):  # 20–28 November: five unanswered night calls and an answered day call each day
        evening = datetime(2026, 11, 20 + day, 22, 40, 0, tzinfo=SHANGHAI)
        calls += [call(evening + timedelta(minutes=15 * n), 3, COLLECTOR, 0) for n in range(5)]
        calls.append(call(datetime(2026, 11, 20 + day, 14, 0, tzinfo=SHANGHAI), 1, COLLECTOR, 65))
    calls.append(call(datetime(2026, 11, 28, 23, 57, 12, tzinfo=SHANGHAI), 3, COLLECTOR, 0))
    calls.append(call(datetime(2026, 11, 29, 9, 0, tzinfo=SHANGHAI), 2, COLLECTOR, 30))  # the borrower calls back
    import_export(api, case, calls_xml(*calls), name="calls.xml")
    messages = [sms(datetime(2026, 11, 21 + n, 23, 5, tzinfo=SHANGHAI), 1, COLLECTOR,
                    "不还钱就联系你的家人和你单位，让你坐牢") for n in range(3)]
    messages.append(sms(datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI), 1, COLLECTOR, "法院已立案，明天执行局上门"))
    messages.append(sms(datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI), 1, INFERRED, "您的借款已逾期，请尽快还款"))
    import_export(api, case, sms_xml(*messages), name="sms.xml")
    upload(api, case, samples.png(1080, 2400), name="威胁短信.png")
    api.post(f"/api/cases/{case.id}/labels/", {"number": COLLECTOR, "role": "collector"}, format="json")
    for name, relation, channel, at in (("母亲", "relative", "sms", "2026-11-22T10:00"),
                                        ("王经理", "employer", "call", "2026-11-23T11:00"),
                                        ("王经理", "employer", "sms", "2026-11-24T11:00")):
        response = api.post(f"/api/cases/{case.id}/third-parties/", {
            "name": name, "relation": relation, "contacted_at": at, "channel": channel, "disclosed_debt": True},
            format="json")
        assert response.status_code == 201, response.json()
    return case


def test_it_writes_every_chinese_letter_from_the_findings_with_the_collectors_period(api, harassed, tmp_path):
    findings = _findings(api, harassed)
    assert {"CN-T", "CN-3P", "CN-H", "CN-I"} <= set(findings)
    for authority in CN_AUTHORITIES:
        for name, letter in _letters(api, harassed, tmp_path, authority, borrower_name="张某").items():
            if name.startswith("complaint/working-copies/"):
                continue
            where = f"{authority} {name}"
            assert "2026年11月20日至2026年11月28日" in letter, where  # local dates, not UTC, not the upload
            assert "2026年12月" not in letter and "2026-12-" not in letter, where
            assert not LEAKS.search(letter), (where, LEAKS.search(letter))
            assert f"在夜间（22:00 至次日 08:00）联系本人 {findings['CN-T']['count']} 次" in letter, where
            for rule, finding in findings.items():
                if rule == "CN-3P":
                    assert _has_number(letter, len(finding["third_party_ids"])), where
                    assert _has_number(letter, len(finding["event_ids"])), where
                else:
                    assert _has_number(letter, finding["count"]), (where, rule)
            assert "张某" in letter and "E-001" in letter, where


def test_it_names_the_parties_asks_for_what_12378_can_do_and_cites_only_confirmed_articles(api, harassed, tmp_path):
    letter = _letters(api, harassed, tmp_path, "cn-12378")["complaint/cn-12378.txt"]
    print(letter)
    assert "投诉人：________________" in letter  # no name given: a blank to fill
    assert "本人通过“某某借”App 向某某小额贷款有限公司借款，由某某信息咨询有限公司负责催收。" in letter
    assert "督促某某小额贷款有限公司及其委托的催收机构立即停止违规催收" in letter and "依法对" in letter
    assert "联系本人的亲属、单位（共 2 人）3 次（发短信 2 次、打电话 1 次），每次都向对方透露了本人的欠款" in letter
    assert "例如：“不还钱就联系你的家人和你单位，让你坐牢”" in letter
    assert "《治安管理处罚法》第五十条第一款第（五）项" in letter and "第四十二条" not in letter  # 2026 conduct
    assert "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》（2026年1月30日发布）" in letter
    assert "GB/T 45251—2025" in letter
    assert "受理编号/工单号：________________" in letter  # the complaint to the institution comes first
    assert "13800138000" in letter and "13900139000" in letter  # both collectors, labelled and inferred


def test_it_lists_each_collector_number_for_12321_in_chinese(api, harassed, tmp_path):
    form = _letters(api, harassed, tmp_path, "cn-12321")["complaint/cn-12321.txt"]
    assert "被举报号码：+8613800138000（来电 56 次，短信 4 条）" in form
    assert "2026-11-20 06:30:05  未接来电  时长 0 秒" in form
    assert "2026-11-29 09:00:00" not in form  # the borrower calling back is not harassment
    assert "短信：法院已立案，明天执行局上门" in form
    assert "请核查并处置" in form


def test_it_gives_the_police_the_suspects_and_the_exhibit_hashes(api, harassed, tmp_path):
    letter = _letters(api, harassed, tmp_path, "cn-police")["complaint/cn-police.txt"]
    assert "报案人：" in letter and "依法对上述行为进行调查处理" in letter and "出具受案回执" in letter
    assert "+8613800138000" in letter and "原始手机可供公安机关提取、核验" in letter
    assert re.search(r"SHA-256 [0-9a-f]{64}", letter)


def _western_case(api, borrower, jurisdiction: str, zone: ZoneInfo):
    case = case_create(owner=borrower, title="Acme", jurisdiction=jurisdiction, lender="Acme Loans Ltd",
                       collection_agency="Acme Recovery LLC")
    api.post(f"/api/cases/{case.id}/labels/", {"number": "+442079460000", "role": "collector"}, format="json")
    calls = [call(datetime(2026, 11, 2 + day, 21, 30 + n, tzinfo=zone), 3, "+442079460000", 0)
             for day in range(4) for n in range(5)]
    import_export(api, case, calls_xml(*calls), name="calls.xml")
    upload(api, case, samples.png(), name="screenshot.png")
    return case


def test_it_writes_the_fos_letter_in_english_with_the_firms_final_response_first(api, borrower, tmp_path):
    case = _western_case(api, borrower, "UK", LONDON)
    findings = _findings(api, case)
    letter = _letters(api, case, tmp_path, "uk-fos", language="en")["complaint/uk-fos.txt"]
    print(letter)
    assert "Between 2 November 2026 and 5 November 2026, the business and its collectors contacted me 20 times" in letter
    assert not LEAKS.search(letter), LEAKS.search(letter)
    for finding in findings.values():
        assert _has_number(letter, finding["count"]), finding["rule"]
    assert "Complaint about: Acme Loans Ltd (collection agency: Acme Recovery LLC)" in letter
    assert "Its final response:" in letter and "CONC 7.3.4R" in letter and "7.9.4R" not in letter


def test_it_writes_the_cfpb_narrative_and_table_without_identifiers_or_rule_ids(api, borrower, tmp_path):
    case = _western_case(api, borrower, "US", NEW_YORK)
    findings = _findings(api, case)
    files = _letters(api, case, tmp_path, "us-cfpb", language="en", borrower_name="Jane Roe")
    narrative, table = files["complaint/us-cfpb-narrative.txt"], files["complaint/us-cfpb-violations.tsv"]
    print(narrative)
    assert len(narrative) <= 4000 and "Jane Roe" not in narrative
    assert not re.search(r"\d{3}[\s.-]?\d{3}[\s.-]?\d{4}", narrative + table)
    assert "Between November 2, 2026 and November 5, 2026" in narrative
    assert "investigate" in narrative and "stop" in narrative
    for text in (narrative, table):
        assert not LEAKS.search(text), LEAKS.search(text)
        for finding in findings.values():
            assert _has_number(text, finding["count"]), finding["rule"]
    assert "§" not in narrative  # no section number is confirmed against the official text yet


def test_it_writes_the_generic_letter_in_the_jurisdictions_language(api, harassed, borrower, tmp_path):
    assert "投诉书" in _letters(api, harassed, tmp_path, "generic")["complaint/complaint.txt"]
    uk = _western_case(api, borrower, "UK", LONDON)
    assert "What happened:" in _letters(api, uk, tmp_path, "generic", language="zh-Hans")["complaint/complaint.txt"]


@pytest.mark.parametrize(("jurisdiction", "authority"), [
    ("CN", "us-cfpb"), ("CN", "uk-fos"), ("US", "cn-12378"), ("US", "uk-fos"), ("UK", "cn-police"), ("OTHER", "us-cfpb"),
])
def test_it_refuses_an_authority_of_another_jurisdiction(api, borrower, jurisdiction, authority):
    case = case_create(owner=borrower, title="x", jurisdiction=jurisdiction)
    upload(api, case, samples.png())
    response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "authority", "authority": authority},
                        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["error"] == "authority_not_for_jurisdiction"
    assert "不受理" in response.json()["detail"] and "generic" in response.json()["detail"]
    assert not case.bundles.exists()


@pytest.mark.parametrize("jurisdiction", ["CN", "US", "UK", "OTHER"])
def test_it_takes_the_generic_authority_everywhere(api, borrower, jurisdiction):
    case = case_create(owner=borrower, title="x", jurisdiction=jurisdiction)
    upload(api, case, samples.png())
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "authority", "authority": "generic"},
                            format="json")
    assert response.status_code == 202


def test_an_app_named_with_app_is_not_called_app_twice():
    from types import SimpleNamespace

    from evidence.reports.authorities import _parties_zh

    content = SimpleNamespace(lending_app="示例借款 App", lender="示例小额贷款有限公司", collection_agency="")
    assert _parties_zh(content) == "本人通过“示例借款 App”向示例小额贷款有限公司借款。"
    content.lending_app = "某某借"
    assert _parties_zh(content) == "本人通过“某某借”App 向示例小额贷款有限公司借款。"
