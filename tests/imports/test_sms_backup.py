"""Importing SMS Backup & Restore exports (sms.xml, calls.xml) through the API and the job."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from evidence.events.models import Event
from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import import_export
from tests.exports import call, calls_xml, mms, sms, sms_xml

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 5, 1, 23, 10, 5, 123000, tzinfo=SHANGHAI)


def _at(hour, minute=0, second=0, day=1):
    return datetime(2026, 5, day, hour, minute, second, tzinfo=SHANGHAI)


def test_it_imports_every_sms_type_with_exact_times_and_bodies(api, case):
    export = sms_xml(
        *(sms(_at(10, n), n, "+86 138 0013 8000", f"类型 {n}", locale=n) for n in range(1, 7)),
        sms(T0, 1, "10690000123", "【某某贷】您已逾期 3 天，请立即还款"),
    )
    response, job = import_export(api, case, export)
    assert response.status_code == 202
    assert response.json()["status"] in ("queued", "running", "done")
    assert job["status"] == "done", job
    assert job["format"] == "sms-backup-restore-messages"
    assert job["counts"] == {"calls": 0, "messages": 7, "attachments": 0, "duplicates": 0, "skipped": 0}
    assert job["progress"] == 100
    events = {e.body: e for e in Event.objects.filter(case=case)}
    expected = {1: ("in", "received"), 2: ("out", "sent"), 3: ("out", "draft"), 4: ("out", "outbox"),
                5: ("out", "failed"), 6: ("out", "queued")}
    for code, (direction, status) in expected.items():
        event = events[f"类型 {code}"]
        assert (event.direction, event.status, event.source_type_code) == (direction, status, code)
        # readable_date differs by locale on each row; the instant comes from `date` only.
        assert event.occurred_at == _at(10, code)
        assert event.number_normalized == "+8613800138000"
    gateway = events["【某某贷】您已逾期 3 天，请立即还款"]
    assert gateway.occurred_at == T0  # to the millisecond
    assert gateway.number_normalized == "10690000123"


def test_it_points_every_event_back_to_the_stored_export(api, case, media_root):
    export = sms_xml(sms(_at(9), 1, "13800138000", "第一条"), sms(_at(10), 1, "13800138000", "第二条"))
    _, job = import_export(api, case, export, name="sms-20260502.xml")
    item = EvidenceItem.objects.get(id=job["export_item"])
    assert (item.kind, item.original_name, item.size) == ("export", "sms-20260502.xml", len(export))
    assert item.sha256 == job["sha256"]
    assert api.get(f"/api/evidence/{item.id}/original").getvalue() == export
    second = Event.objects.get(case=case, body="第二条")
    assert second.source_item_id == item.id
    assert second.source_position == "line 6, <sms> 2"
    assert export.decode().splitlines()[5].lstrip().startswith("<sms") and "第二条" in export.decode().splitlines()[5]


def test_it_repairs_emoji_written_as_surrogate_pairs_and_keeps_real_ones(api, case):
    surrogate = sms_xml(sms(_at(8), 1, "13800138000", "好的 😀 还钱 🙏"), surrogates=True)
    assert b"&#55357;&#56832;" in surrogate
    _, job = import_export(api, case, surrogate)
    assert job["status"] == "done", job
    assert Event.objects.get(case=case).body == "好的 😀 还钱 🙏"
    assert {w["code"]: w["params"]["count"] for w in job["warnings"]} == {"surrogates_repaired": 2}
    plain = sms_xml(sms(_at(9), 1, "13800138000", "真 emoji 😡"))
    _, job = import_export(api, case, plain)
    assert job["warnings"] == []
    assert Event.objects.filter(case=case, body="真 emoji 😡").exists()


def test_it_replaces_a_lone_surrogate_half_with_the_replacement_character(api, case):
    export = sms_xml(sms(_at(8), 1, "13800138000", "half: X")).replace(b"X", b"&#55357;")
    _, job = import_export(api, case, export)
    assert Event.objects.get(case=case).body == "half: \ufffd"
    assert job["warnings"][0]["code"] == "lone_surrogates"


def test_it_imports_every_call_type_and_keeps_private_numbers(api, case):
    export = calls_xml(
        call(_at(23, 0), 1, "+8613800138000", 125, locale=0),
        call(_at(23, 5), 2, "13800138000", 30, locale=1),
        call(_at(23, 10), 3, "021-6123 4567", 0, locale=2),
        call(_at(23, 15), 4, "13800138000", 0, locale=3),
        call(_at(23, 20), 5, "13800138000", 0),
        call(_at(23, 25), 6, "13800138000", 0),
        call(_at(23, 30), 7, "13800138000", 42),
        call(_at(23, 35), 3, "", 0, presentation=2),
    )
    _, job = import_export(api, case, export, name="calls.xml")
    assert job["format"] == "sms-backup-restore-calls"
    assert job["counts"]["calls"] == 8
    rows = list(Event.objects.filter(case=case).order_by("occurred_at")
                .values_list("direction", "duration_s", "number_normalized", "source_type_code"))
    assert rows == [
        ("in", 125, "+8613800138000", 1), ("out", 30, "+8613800138000", 2), ("missed", 0, "+862161234567", 3),
        ("voicemail", 0, "+8613800138000", 4), ("rejected", 0, "+8613800138000", 5),
        ("blocked", 0, "+8613800138000", 6), ("in", 42, "+8613800138000", 7), ("missed", 0, "", 3),
    ]
    assert Event.objects.get(case=case, source_type_code=1).occurred_at == datetime(2026, 5, 1, 15, 0, tzinfo=UTC)


def test_it_turns_an_mms_picture_into_an_evidence_item(api, case):
    picture = samples.png(80, 60)
    export = sms_xml(mms(_at(22, 30), 1, "+8613800138000", "看看你家门口", picture=picture))
    _, job = import_export(api, case, export)
    assert job["counts"] == {"calls": 0, "messages": 1, "attachments": 1, "duplicates": 0, "skipped": 0}
    message = Event.objects.get(case=case)
    assert (message.channel, message.direction, message.body, message.number_normalized) == (
        "mms", "in", "看看你家门口", "+8613800138000")
    [attached] = message.attachments.all()
    assert (attached.kind, attached.mime, attached.original_name) == ("screenshot", "image/png", "IMG_0001.png")
    assert attached.occurred_at == _at(22, 30)
    assert attached.occurred_at_source == "export"
    assert attached.imported_from_id == message.source_item_id
    assert api.get(f"/api/evidence/{attached.id}/original").getvalue() == picture
    assert attached.verification == "ok"  # the post-arrival jobs ran


def test_it_adds_nothing_when_the_same_export_comes_twice(api, case):
    export = sms_xml(sms(_at(9), 1, "13800138000", "一"), sms(_at(10), 2, "13800138000", "二"),
                     mms(_at(11), 1, "13800138000", "图", picture=samples.png()))
    _, first = import_export(api, case, export)
    _, second = import_export(api, case, export)
    assert first["counts"] == {"calls": 0, "messages": 3, "attachments": 1, "duplicates": 0, "skipped": 0}
    assert second["counts"] == {"calls": 0, "messages": 0, "attachments": 0, "duplicates": 3, "skipped": 0}
    assert second["export_item"] == first["export_item"]
    assert Event.objects.filter(case=case).count() == 3
    assert EvidenceItem.objects.filter(case=case).count() == 2


def test_it_merges_overlapping_exports(api, case):
    older = sms_xml(sms(_at(9), 1, "13800138000", "一"), sms(_at(10), 1, "13800138000", "二"))
    newer = sms_xml(sms(_at(10), 1, "+86 138-0013-8000", "二"), sms(_at(11), 1, "13800138000", "三"))
    import_export(api, case, older, name="old.xml")
    _, job = import_export(api, case, newer, name="new.xml")
    assert job["counts"]["messages"] == 1 and job["counts"]["duplicates"] == 1
    assert list(Event.objects.filter(case=case).order_by("occurred_at").values_list("body", flat=True)) == ["一", "二", "三"]
    assert EvidenceItem.objects.filter(case=case, kind="export").count() == 2


def test_it_skips_rows_without_a_date_and_says_so(api, case):
    export = sms_xml(sms(_at(9), 1, "13800138000", "好"), sms(_at(10), 1, "13800138000", "坏"))
    export = export.replace(str(int(_at(10).timestamp() * 1000)).encode(), b"null")
    _, job = import_export(api, case, export)
    assert job["status"] == "done"
    assert job["counts"]["skipped"] == 1 and job["counts"]["messages"] == 1
    [warning] = job["warnings"]
    assert warning["code"] == "skipped_records"
    assert "line 6, <sms> 2" in warning["detail"]  # declaration, comment, stylesheet and <smses> first


def test_it_reads_a_backup_that_starts_as_the_app_writes_it(api, case):
    export = sms_xml(sms(_at(9), 1, "13800138000", "第一条"))
    head = export.decode().splitlines()[:4]
    assert head[1].startswith("<!--File Created By SMS Backup & Restore v10.05.612")
    assert head[2] == '<?xml-stylesheet type="text/xsl" href="sms.xsl"?>'
    _, job = import_export(api, case, export)
    assert (job["status"], job["format"], job["warnings"]) == ("done", "sms-backup-restore-messages", [])
    calls = calls_xml(call(_at(23), 3, "13800138000", 0))
    assert b'href="calls.xsl"' in calls
    _, job = import_export(api, case, calls, name="calls-20240618235958.xml")
    assert (job["status"], job["format"], job["counts"]["calls"]) == ("done", "sms-backup-restore-calls", 1)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_it_reads_a_utf16_backup_and_names_the_encoding(api, case, encoding):
    export = sms_xml(sms(_at(9), 1, "+86 138 0013 8000", "还钱 😡 & 立即"), sms(_at(10), 2, "13800138000", "不要再打了"),
                     encoding=encoding)
    assert export[:2] in (b"\xff\xfe", b"<\x00") or export[:2] == b"\x00<"
    _, job = import_export(api, case, export)
    assert job["status"] == "done", job
    assert job["counts"]["messages"] == 2
    [warning] = job["warnings"]
    assert warning["code"] == "encoding_read_as" and warning["params"]["encoding"] in ("UTF-16LE", "UTF-16BE")
    assert "UTF-16" in warning["detail"]
    first = Event.objects.get(case=case, direction="in")
    assert (first.body, first.occurred_at, first.source_position) == ("还钱 😡 & 立即", _at(9), "line 5, <sms> 1")


def test_it_warns_with_both_numbers_when_the_declared_count_disagrees(api, case):
    export = sms_xml(sms(_at(9), 1, "13800138000", "一"), sms(_at(10), 1, "13800138000", "二"), count=1579)
    _, job = import_export(api, case, export, language="zh-hans")
    assert job["status"] == "done" and job["counts"]["messages"] == 2
    [warning] = job["warnings"]
    assert (warning["code"], warning["params"]["declared"], warning["params"]["found"]) == ("count_mismatch", 1579, 2)
    assert "1579" in warning["detail"] and "2" in warning["detail"]


@pytest.mark.parametrize("prolog", [
    b"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n",
    b"\n\n  <?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- one -->\r\n<!-- two -->\r\n<?xml-stylesheet href=\"sms.xsl\" type=\"text/xsl\"?>\r\n",
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><!--a--><?pi x?><!--b-->",
], ids=["bom", "crlf-comments-pis", "one-line"])
def test_it_finds_the_root_after_any_prolog(api, case, prolog):
    body = sms_xml(sms(_at(9), 1, "13800138000", "一")).split(b"<smses", 1)[1]
    _, job = import_export(api, case, prolog + b"<smses" + body)
    assert (job["status"], job["counts"]["messages"]) == ("done", 1), job
