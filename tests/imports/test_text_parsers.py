"""The text formats: shared decoding, our call-log CSV and WeChat exports. No database needed."""

import io
import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from evidence.imports.parsers import csvlog, text, wechat
from evidence.imports.parsers.base import HEAD_BYTES, MAX_FIELD_CHARS, MAX_LINE_CHARS, ImportContext, ParsedEvent
from evidence.imports.problems import ImportFailed, NeedsMapping

ZONE = ZoneInfo("Asia/Shanghai")
CSV_HEADER = "kind,direction,number,time,duration_s,body,name\n"
SMS_BACKUP_HEAD = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><smses count=\"1\"><sms address=\"10086\" />"
)
BINARY_HEAD = random.Random(7).randbytes(HEAD_BYTES)


@pytest.fixture
def context(tmp_path) -> ImportContext:
    return ImportContext(region="CN", zone=ZONE, temp_dir=tmp_path)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZONE)


def parse(parser, data: bytes, context: ImportContext) -> list[ParsedEvent]:
    return list(parser.parse(io.BytesIO(data), context))


def failure(parser, data: bytes, context: ImportContext) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        parse(parser, data, context)
    return caught.value


def sms(position: str, when: datetime, body: str, number: str = "10086", direction: str = "in") -> ParsedEvent:
    status = {"in": "received", "out": "sent"}[direction]
    return ParsedEvent("message", "sms", direction, when, position, number=number, status=status, body=body)


# Shared decoding


def test_it_splits_every_line_ending_across_chunk_boundaries(context, monkeypatch):
    monkeypatch.setattr(text, "CHUNK_BYTES", 3)
    monkeypatch.setattr(text, "HEAD_BYTES", 3)
    data = "ab\r\ncd\re\n\n张三\r\n末行".encode()
    progress = []
    context.on_progress = progress.append

    lines = list(text.decoded_lines(io.BytesIO(data), context))

    assert lines == [(1, "ab"), (2, "cd"), (3, "e"), (4, ""), (5, "张三"), (6, "末行")]
    assert progress == sorted(set(progress)) and progress[-1] == len(data)


def test_it_fails_on_a_line_that_never_ends_without_holding_it(context):
    data = b"first\n" + b"x" * (10 * 1024 * 1024)

    with pytest.raises(ImportFailed) as caught:
        list(text.decoded_lines(io.BytesIO(data), context))

    assert (caught.value.code, caught.value.params) == ("line_too_long", {"line": 2, "limit": MAX_LINE_CHARS})


def test_it_fails_on_a_truncated_character_at_the_end(context):
    data = "一\n二".encode()[:-1]

    with pytest.raises(ImportFailed) as caught:
        list(text.decoded_lines(io.BytesIO(data), context))

    assert (caught.value.code, caught.value.params) == ("not_utf8", {"line": 2})


# Call-log / message CSV


def test_it_reads_a_utf8_csv_with_bom(context):
    data = (
        "\ufeff" + CSV_HEADER.replace("\n", "\r\n") + "call,in,13800138000,2026-05-01 23:10:05,75,,张三\r\n"
        "SMS,OUT,+8613800138000,2026/05/01 23:12,,我在还了,\r\n"
    ).encode()

    events = parse(csvlog, data, context)

    assert events == [
        ParsedEvent(
            "call", "phone", "in", at(2026, 5, 1, 23, 10, 5), "line 2",
            number="13800138000", contact_name="张三", duration_s=75,
        ),
        sms("line 3", at(2026, 5, 1, 23, 12), "我在还了", number="+8613800138000", direction="out"),
    ]  # fmt: skip
    assert context.problems() == []


def test_it_reads_epoch_ms_and_iso_times_with_an_offset_without_bom(context):
    data = (
        b"number,time,direction,kind\n"
        b",1777648205000,missed,call\n"
        b"10086,2026-05-01T15:10:05Z,in,sms\n"
        b"10086,2026-05-01T23:10:05+08:00,blocked,call\n"
    )

    events = parse(csvlog, data, context)

    assert [(event.occurred_at, event.direction, event.number) for event in events] == [
        (at(2026, 5, 1, 23, 10, 5), "missed", ""),
        (at(2026, 5, 1, 23, 10, 5), "in", "10086"),
        (at(2026, 5, 1, 23, 10, 5), "blocked", "10086"),
    ]
    assert events[0].duration_s == 0 and events[1].duration_s is None


def test_it_reads_a_gbk_csv_with_chinese_headers(context):
    data = (
        "类型,方向,号码,时间,时长,内容,姓名\n"
        "电话,呼入,13800138000,2026-05-01 23:10:05,1:02:03,,催收员\n"
        "短信,接收,95188,2026-05-01 23:11:00,,您已逾期，请尽快还款,\n"
        "微信,发送,李四,2026-05-01 23:12:00,,我会还,李四\n"
        "电话,拒接,13800138000,2026-05-01 23:13:00,,,\n"
    ).encode("gbk")

    events = parse(csvlog, data, context)

    assert events[0] == ParsedEvent(
        "call", "phone", "in", at(2026, 5, 1, 23, 10, 5), "line 2",
        number="13800138000", contact_name="催收员", duration_s=3723,
    )  # fmt: skip
    assert events[1] == sms("line 3", at(2026, 5, 1, 23, 11), "您已逾期，请尽快还款", number="95188")
    assert (events[2].kind, events[2].channel, events[2].direction, events[2].status) == (
        "message", "wechat", "out", "sent",
    )  # fmt: skip
    assert (events[2].body, events[2].contact_name) == ("我会还", "李四")
    assert (events[3].direction, events[3].position) == ("rejected", "line 5")
    assert context.warnings == {"encoding_read_as": 1}
    assert context.warning_params["encoding_read_as"] == {"encoding": "GBK (GB18030)"}


def test_it_reads_clock_durations(context):
    rows = ["call,out,1,2026-05-01 23:10:05,1:02:03", "call,out,1,2026-05-01 23:10:05,02:03",
            "call,out,1,2026-05-01 23:10:05,", "call,out,1,2026-05-01 23:10:05,59"]  # fmt: skip
    data = ("kind,direction,number,time,duration_s\n" + "\n".join(rows)).encode()

    assert [event.duration_s for event in parse(csvlog, data, context)] == [3723, 123, 0, 59]


def test_it_keeps_a_quoted_multiline_body_at_the_line_where_it_starts(context):
    data = (
        "kind,direction,number,time,body\r\n"
        '\r\nsms,in,10086,2026-05-01 23:10:05,"第一行\r\n第二行, with a comma\r\n\r\n""quoted"""\r\n'
        "\r\n"
        "mms,in,10086,2026-05-01 23:11:00,next\r\n"
    ).encode()

    events = parse(csvlog, data, context)

    assert events == [
        sms("line 3", at(2026, 5, 1, 23, 10, 5), '第一行\n第二行, with a comma\n\n"quoted"'),
        ParsedEvent("message", "mms", "in", at(2026, 5, 1, 23, 11), "line 8", number="10086",
                    status="received", body="next"),
    ]  # fmt: skip


def test_it_skips_a_row_with_an_unreadable_time(context):
    data = (
        b"kind,direction,number,time,body\n"
        b"sms,in,10086,2026-05-01 23:10:05,one\n"
        b"sms,in,10086,yesterday evening,two\n"
        b"sms,in,10086,2026-02-30 10:00,three\n"
        b"sms,in,10086,2026-05-01 23:11:00,four\n"
    )

    events = parse(csvlog, data, context)

    assert [event.body for event in events] == ["one", "four"]
    assert context.skipped == 2
    assert context.problems() == [
        {"code": "skipped_records", "params": {"reason": "unreadable time", "position": "line 3", "count": 2}}
    ]


def test_it_skips_unknown_values_and_wrong_column_counts(context):
    data = (
        b"kind,direction,number,time\n"
        b"fax,in,10086,2026-05-01 23:10:05\n"
        b"sms,sideways,10086,2026-05-01 23:10:05\n"
        b"sms,missed,10086,2026-05-01 23:10:05\n"
        b"call,in,10086,2026-05-01 23:10:05,extra\n"
        b"call,in,10086\n"
        b"call,voicemail,10086,2026-05-01 23:10:05\n"
    )

    events = parse(csvlog, data, context)

    assert [(event.direction, event.position) for event in events] == [("voicemail", "line 7")]
    assert context.skipped == 5
    assert context.warning_params["skipped_records"] == {"reason": "unknown kind", "position": "line 2"}


def test_it_waits_for_a_mapping_when_the_columns_are_not_enough(context):
    with pytest.raises(NeedsMapping) as caught:
        parse(csvlog, b"number,direction,body\n10086,in,hi\n", context)

    request = caught.value.request
    assert request["columns"] == ["number", "direction", "body"]
    assert request["sample"] == [["10086", "in", "hi"]]
    assert request["suggested"] == {"number": "number", "direction": "direction", "body": "body"}


def test_it_fails_on_a_10_mib_line(context):
    error = failure(csvlog, CSV_HEADER.encode() + b"a" * (10 * 1024 * 1024) + b"\n", context)

    assert (error.code, error.params) == ("line_too_long", {"line": 2, "limit": MAX_LINE_CHARS})


@pytest.mark.parametrize("rows_before", [2, 5000], ids=["in the head", "after the head"])
def test_it_fails_on_invalid_utf8_at_its_line(context, rows_before):
    good_row = "短信,接收,10086,2026-05-01 23:10:05,,您好，这是一条测试短信,\n".encode()
    data = "类型,方向,号码,时间,时长,内容,姓名\n".encode() + good_row * rows_before + b"sms,in,1,\xff\n" + good_row
    assert (len(data) > HEAD_BYTES) == (rows_before == 5000)

    error = failure(csvlog, data, context)

    assert (error.code, error.params) == ("not_utf8", {"line": rows_before + 2})


def test_it_fails_on_a_nul_byte(context):
    data = CSV_HEADER.encode() + b"sms,in,1,2026-05-01 23:10:05,,ok,\nsms,in,1,2026-05-01 23:10:05,,b\x00d,\n"

    error = failure(csvlog, data, context)

    assert (error.code, error.params) == ("nul_byte", {"line": 3})


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n", CSV_HEADER.encode(), CSV_HEADER.encode() + b"\n\n"])
def test_it_fails_when_there_are_no_records(context, data):
    assert failure(csvlog, data, context).code == "no_records"


def test_it_fails_on_an_unclosed_quote(context):
    data = CSV_HEADER.encode() + b'sms,in,1,2026-05-01 23:10:05,,"never closed,\nmore\n'

    error = failure(csvlog, data, context)

    assert (error.code, error.params["line"]) == ("csv_malformed", 2)


def test_it_fails_on_a_field_beyond_the_limit(context):
    body = "长" * (MAX_FIELD_CHARS + 1)
    data = (CSV_HEADER + f"sms,in,1,2026-05-01 23:10:05,,{body},\n").encode()

    error = failure(csvlog, data, context)

    assert (error.code, error.params) == (
        "record_too_large", {"line": 2, "size": MAX_FIELD_CHARS + 1, "limit": MAX_FIELD_CHARS},
    )  # fmt: skip


def test_it_fails_on_too_many_records(context):
    context.max_records = 2
    data = (CSV_HEADER + "sms,in,1,2026-05-01 23:10:05,,hi,\n" * 3).encode()

    error = failure(csvlog, data, context)

    assert (error.code, error.params) == ("too_many_records", {"limit": 2})


# WeChat exports


def wechat_bodies(events: list[ParsedEvent]) -> list[tuple]:
    return [(event.position, event.occurred_at, event.direction, event.number, event.body) for event in events]


def test_it_reads_wechat_text_with_the_time_before_the_sender(context):
    data = (
        "2026-05-01 23:10:05 张三\n你好，欠款什么时候还？\n[图片]\n\n"
        "2026-05-01 23:12:00 我\n下周\n\n"
        "2026/05/02 08:00 张三\n  第一段\n\n第二段\n\n\n"
    ).encode()

    events = parse(wechat, data, context)

    assert wechat_bodies(events) == [
        ("line 1", at(2026, 5, 1, 23, 10, 5), "in", "张三", "你好，欠款什么时候还？\n[图片]"),
        ("line 5", at(2026, 5, 1, 23, 12), "out", "我", "下周"),
        ("line 8", at(2026, 5, 2, 8, 0), "in", "张三", "第一段\n\n第二段"),
    ]
    assert events[0] == ParsedEvent(
        "message", "wechat", "in", at(2026, 5, 1, 23, 10, 5), "line 1",
        number="张三", status="received", contact_name="张三", body="你好，欠款什么时候还？\n[图片]",
    )  # fmt: skip
    assert events[1].status == "sent"
    assert context.problems() == []


def test_it_reads_wechat_text_with_the_sender_before_the_time(context):
    data = "张三 2026-05-01 23:10:05\n还钱\nMe 2026-05-01 23:11:00\nno\nmore\n".encode()

    assert wechat_bodies(parse(wechat, data, context)) == [
        ("line 1", at(2026, 5, 1, 23, 10, 5), "in", "张三", "还钱"),
        ("line 3", at(2026, 5, 1, 23, 11), "out", "Me", "no\nmore"),
    ]


def test_it_reads_wechat_text_with_the_time_in_parentheses(context):
    data = "张三 李  (2026-05-01 23:10:05)\n还钱\n\n自己  （2026-05-01 23:11:00）\n好的\n".encode()

    assert wechat_bodies(parse(wechat, data, context)) == [
        ("line 1", at(2026, 5, 1, 23, 10, 5), "in", "张三 李", "还钱"),
        ("line 4", at(2026, 5, 1, 23, 11), "out", "自己", "好的"),
    ]


def test_it_reads_one_line_wechat_messages_with_either_colon(context):
    data = "2026-05-01 23:10:05 张三: 还钱: 今天\n2026-05-01 23:11:00 me：明天还\n继续说明\n".encode()

    assert wechat_bodies(parse(wechat, data, context)) == [
        ("line 1", at(2026, 5, 1, 23, 10, 5), "in", "张三", "还钱: 今天"),
        ("line 2", at(2026, 5, 1, 23, 11), "out", "me", "明天还\n继续说明"),
    ]


def test_it_counts_unreadable_wechat_lines_in_one_warning(context):
    data = (
        "导出自 MemoTrace\n聊天对象: 张三\n\n"
        "2026-05-01 23:10:05 张三\n还钱\n"
        "2026-13-45 25:00 张三\n日期不对\n"
        "2026-05-01 23:12:00 我\n好\n"
    ).encode()

    events = parse(wechat, data, context)

    assert [(event.position, event.body) for event in events] == [("line 4", "还钱"), ("line 8", "好")]
    assert context.problems() == [{"code": "unreadable_lines", "params": {"line": 1, "count": 4}}]


def test_it_reads_a_gbk_wechat_text(context):
    data = "2026-05-01 23:10:05 张三\n您已逾期\n".encode("gbk")

    assert wechat_bodies(parse(wechat, data, context)) == [
        ("line 1", at(2026, 5, 1, 23, 10, 5), "in", "张三", "您已逾期"),
    ]
    assert context.warnings == {"encoding_read_as": 1}
    assert context.warning_params["encoding_read_as"] == {"encoding": "GBK (GB18030)"}


WECHAT_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>2026-05-01 10:00:00 张三</title>
<style>.msg { color: red }</style>
<script>
var fake = "2026-05-01 10:00:00 我: fake";
</script></head>
<body>
<div class="msg"><div class="head">2026-05-01 23:10:05 张三</div>
<div class="text">还钱！<br>今天 &amp; 明天</div></div>
<div class="msg"><div class="head"><span class="name">我</span> <span class="time">2026-05-01 23:12:00</span></div>
<div class="text">
    在还了
</div></div>
</body></html>
"""


def test_it_reads_a_wechat_html_export_ignoring_scripts(context):
    events = parse(wechat, WECHAT_HTML.encode(), context)

    assert wechat_bodies(events) == [
        ("line 8", at(2026, 5, 1, 23, 10, 5), "in", "张三", "还钱！\n今天 & 明天"),
        ("line 10", at(2026, 5, 1, 23, 12), "out", "我", "在还了"),
    ]
    assert context.problems() == []


def test_it_skips_a_long_html_script_and_keeps_counting_lines(context):
    script = "<script>\n" + "var x = '2026-05-01 10:00:00 我: fake';\n" * 10_000 + "</script>\n"
    data = WECHAT_HTML.replace("<body>\n", "<body>\n" + script).encode()

    events = parse(wechat, data, context)

    assert [(event.position, event.body) for event in events] == [
        ("line 10010", "还钱！\n今天 & 明天"),
        ("line 10012", "在还了"),
    ]


def test_it_reads_html_table_rows_pre_blocks_and_odd_markup(context):
    data = (
        "<!doctype html><html><body><![if-not-a-keyword[ x ]]>\n"
        "<table><tr><td>张三</td><td>2026-05-01 23:10:05</td></tr>\n<tr><td>还钱</td></tr></table>\n"
        "<pre>2026-05-01 23:11:00 我\n第一行\n\n  第二行</pre>\n"
        "</body></html>"
    ).encode()

    assert wechat_bodies(parse(wechat, data, context)) == [
        ("line 2", at(2026, 5, 1, 23, 10, 5), "in", "张三", "还钱"),
        ("line 4", at(2026, 5, 1, 23, 11), "out", "我", "第一行\n\n第二行"),
    ]


def test_it_fails_on_a_wechat_file_without_messages(context):
    assert failure(wechat, "只是一些文字\n没有消息\n".encode(), context).code == "no_records"


def test_it_fails_on_a_wechat_message_beyond_the_limit(context):
    data = ("2026-05-01 23:10:05 张三\n" + "长" * MAX_FIELD_CHARS + "\n!\n").encode()

    error = failure(wechat, data, context)

    assert (error.code, error.params) == (
        "record_too_large", {"line": 1, "size": MAX_FIELD_CHARS + 2, "limit": MAX_FIELD_CHARS},
    )  # fmt: skip


# Detection


@pytest.mark.parametrize(
    "head",
    [
        b"\xef\xbb\xbf" + CSV_HEADER.encode(),
        b"\n" + b"Time,NUMBER,Kind,Direction,Body\r\n",
        "类型,方向,号码,时间,内容\n短信,接收,10086,2026-05-01 23:10:05,您好\n".encode(),
        "类型,方向,号码,时间,内容\n短信,接收,10086,2026-05-01 23:10:05,您好\n".encode("gbk"),
    ],
)
def test_it_detects_our_csv(head):
    assert csvlog.detect(head)


@pytest.mark.parametrize(
    "head",
    [
        SMS_BACKUP_HEAD,
        BINARY_HEAD,
        b"Hello, world\nHow are you, my friend\n",
        "2026-05-01 23:10:05 张三\n还钱\n2026-05-01 23:12:00 我\n好\n".encode(),
        WECHAT_HTML.encode(),
    ],
)
def test_it_does_not_detect_other_files_as_csv(head):
    assert not csvlog.detect(head)


@pytest.mark.parametrize(
    "head",
    [
        "2026-05-01 23:10:05 张三\n还钱\n2026-05-01 23:12:00 我\n好\n".encode(),
        "\ufeff张三 2026-05-01 23:10:05\n还钱\n我 2026-05-01 23:11:00\n好\n".encode(),
        "张三  (2026-05-01 23:10:05)\n还钱\n我  (2026-05-01 23:11:00)\n好\n".encode("gbk"),
        "2026/05/01 23:10:05 张三：还钱\n2026/05/01 23:11:00 我：好\n".encode(),
        WECHAT_HTML.encode(),
        WECHAT_HTML.encode()[: WECHAT_HTML.encode().index("在还了".encode()) + 1],  # cut inside a character
    ],
)
def test_it_detects_wechat_exports(head):
    assert wechat.detect(head)


@pytest.mark.parametrize(
    "head",
    [
        SMS_BACKUP_HEAD,
        BINARY_HEAD,
        (CSV_HEADER + "sms,in,10086,2026-05-01 23:10:05,,hi,\n" * 3).encode(),
        "kind,direction,number,time\n2026-05-01 23:10:05 张三\n2026-05-01 23:12:00 我\n".encode(),
        "2026-05-01 23:10:05 张三\n还钱\n".encode(),
        "\n".join(["闲聊"] * 20 + ["2026-05-01 23:10:05 张三", "2026-05-01 23:12:00 我"]).encode(),
        WECHAT_HTML.replace("2026-05-01 23:12:00", "tomorrow").encode(),
    ],
)
def test_it_does_not_detect_other_files_as_wechat(head):
    assert not wechat.detect(head)


def test_it_tells_the_mime_type_of_a_wechat_export():
    assert wechat.mime_for(WECHAT_HTML.encode()) == "text/html"
    assert wechat.mime_for("2026-05-01 23:10:05 张三\n还钱\n".encode()) == "text/plain"
