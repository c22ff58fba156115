"""Exports in tests/samples/exports/, shaped as the apps and tools write them (see its README)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from evidence.events.models import Event
from evidence.intake.models import EvidenceItem
from tests.conftest import client_for, import_export

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "exports"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def events(case, **filters) -> list[Event]:
    return list(Event.objects.filter(case=case, **filters).order_by("occurred_at", "id"))


def test_it_reads_a_current_sms_backup_with_both_comments_and_the_stylesheet(api, case):
    _, job = import_export(api, case, sample("sms-backup-restore-v10.xml"), name="sms-20240618235958.xml")
    assert (job["status"], job["format"]) == ("done", "sms-backup-restore-messages"), job
    assert job["counts"] == {"calls": 0, "messages": 7, "attachments": 1, "duplicates": 0, "skipped": 0}
    assert {w["code"]: w["params"]["count"] for w in job["warnings"]} == {"surrogates_repaired": 1}
    rows = [(e.occurred_at, e.channel, e.direction, e.number_normalized, e.contact_name, e.body) for e in events(case)]
    assert rows == [
        (at(2024, 6, 15, 7, 2, 11, 431000), "sms", "in", "10690000123", "",
         "【某某贷】您的借款已逾期3天，请今日18:00前还款，否则将联系您的紧急联系人。"),
        (at(2024, 6, 15, 22, 45, 12, 87000), "sms", "in", "+8617123456789", "", "再不还钱就去你单位找你领导\n你家人也会知道 😡"),
        (at(2024, 6, 15, 22, 50, 3), "sms", "out", "+8617123456789", "", "请不要再打扰我的家人 & 同事，我会按时还款。"),
        (at(2024, 6, 16, 23, 10), "sms", "in", "+8613800138000", "妈妈", "妈，有人打电话说你欠钱了？😟"),
        (at(2024, 6, 16, 23, 30, 5), "mms", "in", "+8617123456789", "", "看看这是不是你家门口"),
        # A group RCS message to the borrower's colleagues: the sender is <addr type="137">.
        (at(2024, 6, 17, 8, 1), "mms", "in", "+8617199998888", "", "各位同事：王某欠款不还，请转告他"),
        (at(2024, 6, 18, 9, 0), "sms", "in", "95188", "", ""),  # body="null"
    ]  # fmt: skip
    [picture] = EvidenceItem.objects.filter(case=case, kind="screenshot")
    assert (picture.original_name, picture.mime, picture.source_position) == (
        "image_8.png", "image/png", "line 10, <mms> 1, part 1")


def test_it_reads_a_current_call_log_backup(api, case):
    _, job = import_export(api, case, sample("calls-backup-restore-v10.xml"), name="calls-20240618235958.xml")
    assert (job["status"], job["format"], job["warnings"]) == ("done", "sms-backup-restore-calls", [])
    rows = [(e.occurred_at, e.direction, e.number_normalized, e.duration_s, e.contact_name) for e in events(case)]
    assert rows == [
        (at(2024, 6, 15, 7, 1, 40), "missed", "+8617123456789", 0, ""),
        (at(2024, 6, 15, 22, 45, 12), "in", "+8617123456789", 125, ""),
        (at(2024, 6, 15, 23, 5), "rejected", "+8617123456789", 0, ""),
        (at(2024, 6, 16, 6, 58, 3), "blocked", "+862161234567", 0, ""),
        (at(2024, 6, 16, 23, 20), "out", "+8613800138000", 61, "妈妈"),
        (at(2024, 6, 16, 23, 40), "missed", "", 0, ""),  # presentation="2": a withheld number
        (at(2024, 6, 17, 12, 0), "voicemail", "+8617123456789", 0, ""),  # contact_name="null"
    ]


@pytest.mark.parametrize("name, count", [("sms-backup-restore-v7.46.xml", 2), ("calls-logs-backup-restore-old.xml", 2)])
def test_it_reads_older_versions_whatever_order_their_prolog_takes(api, case, name, count):
    _, job = import_export(api, case, sample(name), name=name)
    assert job["status"] == "done", job
    assert sum(job["counts"][key] for key in ("calls", "messages")) == count
    assert job["warnings"] == []


def test_it_reads_a_backup_resaved_as_utf16_and_says_so(api, case):
    _, job = import_export(api, case, sample("sms-backup-restore-resaved-utf16le.xml"))
    assert job["status"] == "done", job
    assert [(w["code"], w["params"]) for w in job["warnings"]] == [("encoding_read_as", {"encoding": "UTF-16LE", "count": 1})]
    assert [(e.occurred_at, e.body) for e in events(case)] == [
        (at(2016, 1, 10, 23, 40, 2), "您的账单已逾期"), (at(2016, 1, 11, 7, 0), "请尽快还款")]


def test_it_reads_a_chinese_call_log_csv_in_gbk(api, case):
    _, job = import_export(api, case, sample("cn-call-log-gbk.csv"), name="通话记录.csv", language="zh-hans")
    assert (job["status"], job["format"]) == ("done", "csv"), job
    assert [(w["code"], w["params"]["encoding"]) for w in job["warnings"]] == [("encoding_read_as", "GBK (GB18030)")]
    assert "GBK" in job["warnings"][0]["detail"]
    rows = [(e.occurred_at, e.direction, e.number_normalized, e.duration_s, e.contact_name) for e in events(case)]
    assert rows == [
        (at(2024, 6, 15, 7, 1, 40), "missed", "+8617123456789", 0, ""),
        (at(2024, 6, 15, 22, 45, 12), "in", "+8617123456789", 125, ""),
        (at(2024, 6, 15, 23, 5), "rejected", "+8617123456789", 0, ""),
        (at(2024, 6, 16, 6, 58, 3), "blocked", "+862161234567", 0, ""),
        (at(2024, 6, 16, 23, 20), "out", "+8613800138000", 61, "妈妈"),
        (at(2024, 6, 16, 23, 40), "missed", "", 0, ""),  # "-2": Android's withheld caller
    ]
    assert job["mapping"]["mapping"]["direction"] == "类型"


def test_it_reads_an_excel_unicode_text_call_log(api, case):
    _, job = import_export(api, case, sample("cn-call-log-excel-unicode.txt"), name="通话记录.txt")
    assert (job["status"], job["format"]) == ("done", "csv"), job
    assert [w["params"]["encoding"] for w in job["warnings"]] == ["UTF-16LE"]
    rows = [(e.occurred_at, e.direction, e.number_normalized, e.duration_s) for e in events(case)]
    assert rows == [(at(2024, 6, 15, 7, 1), "missed", "+8617123456789", 0),
                    (at(2024, 6, 15, 22, 45), "in", "+8617123456789", 125),
                    (at(2024, 6, 16, 23, 20), "out", "+8613800138000", 61)]


def test_it_reads_imazing_and_iexplorer_call_logs(api, case):
    _, job = import_export(api, case, sample("imazing-call-history.csv"), name="Call History.csv")
    assert (job["status"], job["counts"]["calls"], job["mapping"]["preset"]) == ("done", 4, "imazing-calls"), job
    rows = [(e.occurred_at, e.direction, e.number_normalized, e.duration_s, e.contact_name) for e in events(case)]
    assert rows[0] == (at(2024, 6, 15, 22, 45, 12), "in", "+8617123456789", 125, "")
    assert rows[2] == (at(2024, 6, 16, 23, 20), "out", "+8613800138000", 61, "妈妈")
    _, job = import_export(api, case, sample("iexplorer-calls.csv"), name="calls.csv")
    # The same three calls from another tool: nothing is added twice.
    assert (job["status"], job["counts"]["calls"], job["counts"]["duplicates"]) == ("done", 0, 3), job


def test_it_reads_imazing_messages_naming_the_other_side_of_outgoing_rows(api, case):
    _, job = import_export(api, case, sample("imazing-messages.csv"), name="Messages.csv")
    assert (job["status"], job["counts"]["messages"]) == ("done", 3), job
    rows = [(e.direction, e.channel, e.number_normalized, e.body) for e in events(case)]
    assert rows == [
        ("in", "sms", "+8617123456789", "再不还钱就去你单位找你领导\n你家人也会知道"),
        ("out", "sms", "+8617123456789", "请不要再打扰我的家人, 我会按时还款。"),
        ("in", "sms", "10690000123", "【某某贷】您的借款已逾期3天"),
    ]


def test_it_reads_memotrace_and_pywxdump_wechat_csvs(api, case):
    _, job = import_export(api, case, sample("memotrace-wechat-utf8.csv"), name="催收小王_utf8.csv")
    assert (job["status"], job["counts"]["messages"]) == ("done", 4), job
    rows = [(e.occurred_at, e.channel, e.direction, e.number, e.contact_name, e.body) for e in events(case)]
    assert rows == [
        (at(2024, 6, 15, 22, 45, 12), "wechat", "in", "wxid_collector01", "催收小王", "再不还钱就去你单位"),
        # IsSender=1 names the borrower; the other side is the chat's.
        (at(2024, 6, 15, 22, 46, 3), "wechat", "out", "wxid_collector01", "催收小王", "请不要骚扰我的家人，\n我会还"),
        (at(2024, 6, 15, 22, 47, 10), "wechat", "in", "wxid_collector01", "催收小王", "[图片]"),
        (at(2024, 6, 15, 22, 48), "wechat", "in", "wxid_collector01", "催收小王", '"催收小王" 撤回了一条消息'),
    ]
    Event.objects.filter(case=case).delete()
    _, job = import_export(api, case, sample("pywxdump-wechat.csv"), name="wxid_collector01_0_5000.csv")
    assert (job["status"], job["counts"]["messages"]) == ("done", 3), job
    assert [(e.direction, e.number, e.body) for e in events(case)] == [
        ("in", "wxid_collector01", "再不还钱就去你单位"), ("out", "wxid_collector01", "请不要骚扰我的家人"),
        ("in", "wxid_collector01", "图片")]


def test_it_reads_memotrace_and_wechatexporter_text(api, case):
    _, job = import_export(api, case, sample("memotrace-wechat.txt"), name="催收小王.txt")
    assert (job["status"], job["format"], job["counts"]["messages"]) == ("done", "wechat", 4), job
    rows = [(e.occurred_at, e.contact_name, e.body) for e in events(case)]
    assert rows == [(at(2024, 6, 15, 22, 45, 12), "催收小王", "再不还钱就去你单位"),
                    (at(2024, 6, 15, 22, 46, 3), "王某", "请不要骚扰我的家人 &amp; 同事"),  # bodies are not escaped
                    (at(2024, 6, 15, 22, 47, 10), "催收小王", "[图片]"),
                    (at(2024, 6, 15, 22, 48), "催收小王", "撤回了一条消息")]
    Event.objects.filter(case=case).delete()
    _, job = import_export(api, case, sample("wechatexporter-wechat.txt"), name="催收小王.txt")
    assert (job["status"], job["warnings"]) == ("done", []), job
    assert [(e.direction, e.contact_name, e.body) for e in events(case)] == [
        ("in", "催收小王", "再不还钱就去你单位"), ("out", "我", "请不要骚扰我的家人"), ("in", "催收小王", "[图片]")]


# An unknown header: the mapping step


def _waiting(api, case, language="en"):
    _, job = import_export(api, case, sample("unknown-header-semicolon.csv"), name="Anrufliste.csv", language=language)
    assert job["status"] == "needs_mapping", job
    return job


def _map(api, job, body, language="en"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/api/imports/{job['id']}/mapping/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    return response


def test_it_stops_an_unknown_csv_at_needs_mapping_with_columns_sample_and_suggestion(api, case, media_root):
    job = _waiting(api, case)
    assert job["columns"] == ["Datum", "Rufnummer", "Art", "Dauer (Sek.)", "Name"]
    assert job["sample"][0] == ["15.06.2024 22:45:12", "+8617123456789", "eingehend", "125", ""]
    # Titles it knows (Name) and values that look like times, numbers and durations.
    assert job["suggested"] == {"name": "Name", "time": "Datum", "number": "Rufnummer", "duration_s": "Dauer (Sek.)"}
    assert job["distinct"]["Art"] == ["eingehend", "verpasst", "ausgehend"]
    assert (job["errors"], job["counts"]["calls"], job["export_item"]) == ([], 0, None)
    assert not Event.objects.filter(case=case).exists()
    assert any(media_root.joinpath("originals").rglob("*"))  # the export waits, stored


def test_it_imports_the_rows_once_the_borrower_maps_the_columns(api, case):
    job = _waiting(api, case)
    response = _map(api, job, {
        "mapping": {"time": "Datum", "number": "Rufnummer", "direction": "Art", "duration_s": "Dauer (Sek.)",
                    "name": "Name"},
        "values": {"direction": {"eingehend": "in", "verpasst": "missed", "ausgehend": "out"}},
        "defaults": {"kind": "call"},
    })
    assert response.status_code == 202, response.json()
    done = api.get(f"/api/imports/{job['id']}/").json()
    assert (done["status"], done["counts"]["calls"]) == ("done", 3), done
    assert done["mapping"]["values"]["direction"]["verpasst"] == "missed"
    rows = [(e.occurred_at, e.direction, e.number_normalized, e.duration_s, e.contact_name) for e in events(case)]
    assert rows == [(at(2024, 6, 15, 22, 45, 12), "in", "+8617123456789", 125, ""),
                    (at(2024, 6, 15, 23, 5), "missed", "+8617123456789", 0, ""),
                    (at(2024, 6, 16, 23, 20), "out", "+8613800138000", 61, "妈妈")]
    assert _map(api, done, {"mapping": {"time": "Datum"}}).json()["error"] == "import_not_waiting"


@pytest.mark.parametrize("body, says", [
    ({"mapping": {"time": "Datum", "number": "Rufnummer"}}, "方向"),
    ({"mapping": {"time": "Zeit", "number": "Rufnummer", "direction": "Art"}}, "Zeit"),
    ({"mapping": {"time": "Datum", "number": "Rufnummer", "direction": "Art"},
      "values": {"direction": {"eingehend": "sideways"}}}, "sideways"),
], ids=["missing-field", "unknown-column", "bad-value"])
def test_it_refuses_a_mapping_it_cannot_use_and_keeps_waiting(api, case, body, says):
    job = _waiting(api, case, language="zh-hans")
    response = _map(api, job, body, language="zh-hans")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_mapping" and says in response.json()["detail"]
    assert api.get(f"/api/imports/{job['id']}/").json()["status"] == "needs_mapping"


def test_only_the_owner_can_map_an_import(api, case, other_borrower):
    job = _waiting(api, case)
    body = {"mapping": {"time": "Datum", "number": "Rufnummer", "direction": "Art"}}
    assert _map(client_for(other_borrower), job, body).status_code == 404
    assert api.get(f"/api/imports/{job['id']}/").json()["status"] == "needs_mapping"
