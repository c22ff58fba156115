"""The CSV and WeChat formats, end to end through the API: stored, parsed, traced, refused."""

from datetime import datetime
from zoneinfo import ZoneInfo

from evidence.events.models import Event
from evidence.intake.models import EvidenceItem
from tests.conftest import import_export, stored_files

SHANGHAI = ZoneInfo("Asia/Shanghai")

CSV = """类型,方向,号码,时间,时长,内容,姓名
电话,未接,138 0013 8000,2026-05-01 23:10:05,,,
电话,来电,13800138000,2026-05-02 08:00:00,0:02:05,,
短信,接收,10690000123,2026-05-02 09:30:00,,"您已逾期，
请今天还款",某某贷
"""

WECHAT = """2026-05-03 23:41:07 催收小王
再不还钱就去你单位
让你领导知道

2026-05-03 23:42:00 我
请不要再骚扰我
"""


def test_it_imports_a_gbk_csv_and_says_it_was_gbk(api, case):
    _, job = import_export(api, case, CSV.encode("gbk"), name="通话记录.csv")
    assert job["status"] == "done", job
    assert job["format"] == "csv"
    assert job["counts"] == {"calls": 2, "messages": 1, "attachments": 0, "duplicates": 0, "skipped": 0}
    assert [(w["code"], w["params"]["encoding"]) for w in job["warnings"]] == [("encoding_read_as", "GBK (GB18030)")]
    assert "GBK" in job["warnings"][0]["detail"]
    rows = list(Event.objects.filter(case=case).order_by("occurred_at")
                .values_list("occurred_at", "direction", "number_normalized", "duration_s", "body", "source_position"))
    assert rows == [
        (datetime(2026, 5, 1, 23, 10, 5, tzinfo=SHANGHAI), "missed", "+8613800138000", 0, "", "line 2"),
        (datetime(2026, 5, 2, 8, 0, tzinfo=SHANGHAI), "in", "+8613800138000", 125, "", "line 3"),
        (datetime(2026, 5, 2, 9, 30, tzinfo=SHANGHAI), "in", "10690000123", None, "您已逾期，\n请今天还款", "line 4"),
    ]
    export = EvidenceItem.objects.get(id=job["export_item"])
    assert (export.kind, export.mime, export.original_name) == ("export", "text/csv", "通话记录.csv")
    assert api.get(f"/api/evidence/{export.id}/original").getvalue() == CSV.encode("gbk")


def test_it_imports_a_utf8_csv_with_a_bom_without_warnings(api, case):
    _, job = import_export(api, case, b"\xef\xbb\xbf" + CSV.encode(), name="calls.csv")
    assert (job["status"], job["warnings"]) == ("done", [])
    assert Event.objects.filter(case=case).count() == 3


def test_it_imports_a_wechat_chat_export(api, case):
    _, job = import_export(api, case, WECHAT.encode(), name="催收小王.txt")
    assert job["status"] == "done", job
    assert job["format"] == "wechat"
    first, second = Event.objects.filter(case=case).order_by("occurred_at")
    assert (first.channel, first.direction, first.number_normalized) == ("wechat", "in", "催收小王")
    assert first.body == "再不还钱就去你单位\n让你领导知道"
    assert first.occurred_at == datetime(2026, 5, 3, 23, 41, 7, tzinfo=SHANGHAI)
    assert (second.direction, second.body) == ("out", "请不要再骚扰我")


def test_it_fails_a_csv_with_a_broken_byte_deep_inside_and_keeps_nothing(api, case, media_root):
    rows = "".join(f"电话,未接,13800138000,2026-05-03 10:{n // 60:02d}:{n % 60:02d},,,\n" for n in range(3000))
    broken = CSV.encode() + rows.encode() + "电话,未接,13800138000,2026-05-04 10:00:00,,坏".encode()[:-2] + b"\n"
    assert len(broken) > 64 * 1024  # past the part read to recognise the format
    _, job = import_export(api, case, broken, name="calls.csv")
    assert job["status"] == "failed"
    assert job["errors"][0]["code"] == "not_utf8" and job["errors"][0]["params"]["line"] == 3006
    assert not Event.objects.exists() and not EvidenceItem.objects.exists()
    assert stored_files(media_root) == []
