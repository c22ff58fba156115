"""Which column of a call-log or message CSV holds what: known headers, suggestions, value words.

Every phone maker, call-log app and desktop tool names its columns differently (号码 / 电话号码 /
Number / Sender ID …) and writes its own words for a call's type (已接 / 呼入 / Incoming / 1 …).
A header whose columns we recognise imports at once. Any other header is not refused: the
import waits for the borrower to say which column is which (a *mapping*), with a suggestion
made here from the titles and the first rows.

A mapping is `{field: column}` where column is a header title (or a list of titles: the first
non-empty one counts, e.g. iMazing's "Sender ID" then "Chat Session"), plus optional
`values` (the file's own words for direction and kind) and `defaults` (a kind for the whole
file, when no column says it).
"""

import re
import unicodedata
from collections.abc import Sequence

FIELDS = ("number", "name", "time", "direction", "duration_s", "body", "kind")
REQUIRED = ("time", "direction")  # and number or name
DIRECTIONS = ("in", "out", "missed", "rejected", "blocked", "voicemail")
KINDS = ("call", "sms", "mms", "wechat", "other")

# Titles, compared after _title() (lower case, no spaces, full-width brackets made ASCII).
TITLES = {
    "number": ["number", "phone", "phonenumber", "phoneno", "tel", "address", "号码", "电话号码", "电话", "手机号",
               "手机号码", "对方号码", "通话号码", "联系电话", "来电号码", "号码(对方)", "senderid", "callernumber",
               "caller", "from/to"],
    "name": ["name", "contact", "contactname", "联系人", "姓名", "名称", "联系人姓名", "联系人名称", "备注名", "昵称",
             "sendername", "nickname"],
    "time": ["time", "date", "datetime", "timestamp", "时间", "日期", "日期时间", "通话时间", "开始时间", "通话开始时间",
             "呼叫时间", "发送时间", "接收时间", "短信时间", "messagedate", "calldate", "starttime", "strtime"],
    "direction": ["direction", "方向", "通话类型", "呼叫类型", "通话状态", "短信类型", "收发", "收/发", "收发类型",
                  "calltype", "类型", "type", "issender"],
    "duration_s": ["duration", "duration_s", "duration(s)", "durations", "duration(seconds)", "时长", "时长(秒)",
                   "通话时长", "通话时长(秒)", "持续时间", "秒数"],
    "body": ["body", "text", "message", "content", "内容", "短信内容", "消息内容", "正文", "信息内容", "strcontent"],
    "kind": ["kind", "记录类型", "消息类型", "service", "channel", "渠道", "类别"],
}  # fmt: skip
_TITLE_FIELD = {title: field for field, titles in TITLES.items() for title in titles}
# A column titled "type"/"类型" says a call's direction in phone exports (已接/未接) but
# call-or-message in our own CSV (电话/短信): its values decide.
_AMBIGUOUS = {"类型", "type"}

# The words files use, after _word(). Whole words first; _DIRECTION_PARTS then catches
# compound labels such as "未接来电(响铃3声)" or "已拨电话".
DIRECTION_WORDS = {
    "in": "in", "incoming": "in", "received": "in", "inbox": "in", "answered": "in", "inbound": "in",
    "incoming_type": "in", "呼入": "in", "来电": "in", "已接": "in", "已接来电": "in", "接听": "in", "已接听": "in",
    "接收": "in", "收到": "in", "已接收": "in", "收件箱": "in", "收": "in",
    "out": "out", "outgoing": "out", "sent": "out", "outbox": "out", "dialed": "out", "dialled": "out",
    "outbound": "out", "outgoing_type": "out", "呼出": "out", "去电": "out", "已拨": "out", "已拨电话": "out",
    "拨出": "out", "已呼出": "out", "发送": "out", "已发送": "out", "发件箱": "out", "发": "out",
    "missed": "missed", "missed_type": "missed", "未接": "missed", "未接来电": "missed", "未接听": "missed",
    "响一声": "missed",
    "rejected": "rejected", "declined": "rejected", "rejected_type": "rejected", "拒接": "rejected",
    "已拒接": "rejected", "拒绝": "rejected", "挂断": "rejected",
    "blocked": "blocked", "blocked_type": "blocked", "拦截": "blocked", "已拦截": "blocked", "骚扰拦截": "blocked",
    "voicemail": "voicemail", "voicemail_type": "voicemail", "语音信箱": "voicemail",
}  # fmt: skip
_DIRECTION_PARTS = [("未接", "missed"), ("拒接", "rejected"), ("拒绝", "rejected"), ("拦截", "blocked"),
                    ("语音信箱", "voicemail"), ("呼出", "out"), ("去电", "out"), ("已拨", "out"), ("拨出", "out"),
                    ("呼入", "in"), ("来电", "in"), ("已接", "in"), ("missed", "missed"), ("reject", "rejected"),
                    ("declin", "rejected"), ("block", "blocked"), ("voicemail", "voicemail"), ("outgoing", "out"),
                    ("incoming", "in")]  # fmt: skip
# Android's CallLog.Calls.TYPE and Telephony.Sms.TYPE, as call-log apps write them.
CALL_TYPE_CODES = {"1": "in", "2": "out", "3": "missed", "4": "voicemail", "5": "rejected", "6": "blocked",
                   "7": "in"}
MESSAGE_TYPE_CODES = {"1": "in", "2": "out"}
KIND_WORDS = {
    "call": "call", "phone": "call", "voice": "call", "电话": "call", "通话": "call", "来电": "call",
    "sms": "sms", "message": "sms", "text": "sms", "短信": "sms", "信息": "sms", "短消息": "sms",
    "mms": "mms", "彩信": "mms",
    "wechat": "wechat", "weixin": "wechat", "微信": "wechat",
    "imessage": "other", "whatsapp": "other", "facetime": "other", "other": "other", "其他": "other",
}  # fmt: skip

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")", "：": ":"})
_TIME_LIKE = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|1\d{12}$|1\d{9}$")
_NUMBER_LIKE = re.compile(r"[+(]?\d[\d\s()-]{4,19}$")
_DURATION_LIKE = re.compile(r"\d+(:\d\d){1,2}$|\d+$|(\d+\s*(小时|分钟?|秒|h|m|s)\s*)+$")


def _title(title: str) -> str:
    title = unicodedata.normalize("NFKC", title).translate(_BRACKETS).lstrip("\ufeff").strip().lower()
    return re.sub(r"\s+", "", title)


def word(value: str) -> str:
    """A value as compared against the word tables."""
    return unicodedata.normalize("NFKC", value).strip().lower().replace(" ", "_")


def title_field(title: str) -> str | None:
    """The field a column title names, if it is one we know (ambiguous titles: None)."""
    key = _title(title)
    return None if key in _AMBIGUOUS else _TITLE_FIELD.get(key)


def direction_of(value: str, kind: str | None, words: dict | None = None) -> str | None:
    """A direction from a file's word for it: the borrower's own words first, then ours."""
    raw = value.strip()
    if words and raw in words:
        return words[raw]
    key = word(raw)
    if not key:
        return None
    if key in DIRECTION_WORDS:
        return DIRECTION_WORDS[key]
    codes = MESSAGE_TYPE_CODES if kind in ("sms", "mms", "wechat", "other") else CALL_TYPE_CODES
    if key in codes:
        return codes[key]
    return next((direction for part, direction in _DIRECTION_PARTS if part in key), None)


def kind_of(value: str, words: dict | None = None) -> str | None:
    raw = value.strip()
    if words and raw in words:
        return words[raw]
    key = word(raw)
    if key in KIND_WORDS:
        return KIND_WORDS[key]
    return next((kind for part, kind in KIND_WORDS.items() if len(part) > 2 and part in key), None)


def looks_like(field: str, values: list[str]) -> bool:
    """Whether a column's sample values are mostly of this field's kind."""
    values = [value.strip() for value in values if value.strip()]
    if not values:
        return False
    tests = {
        "time": lambda v: bool(_TIME_LIKE.match(v)),
        "number": lambda v: bool(_NUMBER_LIKE.match(v)),
        "duration_s": lambda v: bool(_DURATION_LIKE.match(v)),
        "direction": lambda v: direction_of(v, None) is not None and not v.isdigit(),
        "kind": lambda v: kind_of(v) is not None,
        "body": lambda v: len(v) >= 12,
    }
    test = tests[field]
    return sum(map(test, values)) * 5 >= len(values) * 4  # four in five


def suggest(header: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[dict[str, str], bool]:
    """({field: column title}, whether the titles alone were enough to import without asking)."""
    columns = [[row[index] if index < len(row) else "" for row in rows] for index in range(len(header))]
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        field = title_field(title)
        if field is not None and field not in found:
            found[field] = index
    # "类型"/"type": direction words make it the direction, call/message words the kind.
    for index, title in enumerate(header):
        if _title(title) in _AMBIGUOUS:
            for field in ("kind", "direction"):
                if field not in found and looks_like(field, columns[index]):
                    found[field] = index
                    break
            else:
                found.setdefault("direction", index)
    by_title = dict(found)
    # Then by what the values look like, for columns nobody named.
    taken = set(found.values())
    for field in ("time", "number", "direction", "duration_s", "body"):
        if field in found:
            continue
        index = next((i for i in range(len(header)) if i not in taken and looks_like(field, columns[i])), None)
        if index is not None:
            found[field] = index
            taken.add(index)
    complete = all(field in by_title for field in REQUIRED) and ("number" in by_title or "name" in by_title)
    return {field: header[index] for field, index in found.items()}, complete


def missing_fields(mapping: dict) -> list[str]:
    """The fields a mapping still lacks to read a row."""
    missing = [field for field in REQUIRED if not mapping.get(field)]
    if not mapping.get("number") and not mapping.get("name"):
        missing.append("number")
    return missing


# Headers written by tools we know, with what their columns mean. Matched when the header
# holds all of `titles` (exact, case-sensitive: these tools never vary them).
PRESETS = [
    {   # iMazing (iPhone), Phone → Call History → Export to CSV
        "name": "imazing-calls",
        "titles": {"Call type", "Date", "Duration", "Number"},
        "mapping": {"direction": "Call type", "time": "Date", "duration_s": "Duration", "number": "Number",
                    "name": "Contact"},
        "defaults": {"kind": "call"},
    },
    {   # iMazing (iPhone), Messages → Export to CSV: incoming rows name the sender, outgoing only the chat
        "name": "imazing-messages",
        "titles": {"Chat Session", "Message Date", "Type", "Text"},
        "mapping": {"time": "Message Date", "direction": "Type", "number": ["Sender ID", "Chat Session"],
                    "name": "Sender Name", "body": "Text", "kind": "Service"},
        "defaults": {"kind": "sms"},
    },
    {   # MemoTrace/留痕 (WeChatMsg v1), 导出 CSV: WeChat's MSG table. Remark, NickName and Sender
        # are the sender's, so a row you sent names you: its counterpart is the chat's other side.
        "name": "memotrace-wechat-csv",
        "titles": {"IsSender", "StrContent", "StrTime"},
        "mapping": {"time": "StrTime", "direction": "IsSender", "body": "StrContent",
                    "name": ["Remark", "NickName"], "number": "Sender"},
        "values": {"direction": {"1": "out", "0": "in"}},
        "defaults": {"kind": "wechat"},
        "counterpart_from_incoming": True,
        # Pictures, voice notes and stickers carry XML, not words: show what they were.
        "placeholders": {"column": "Type", "values": {"3": "[图片]", "34": "[语音]", "43": "[视频]", "47": "[表情]",
                                                      "48": "[位置]", "49": "[链接/文件]", "50": "[通话]"}},
    },
    {   # PyWxDump, 导出 CSV: talker is "我" for your own messages; room_name is the chat
        "name": "pywxdump-wechat-csv",
        "titles": {"is_sender", "talker", "room_name", "msg", "CreateTime"},
        "mapping": {"time": "CreateTime", "direction": "is_sender", "body": "msg", "number": "room_name",
                    "name": "talker"},
        "values": {"direction": {"1": "out", "0": "in"}},
        "defaults": {"kind": "wechat"},
    },
]


def preset_for(header: Sequence[str]) -> dict | None:
    titles = {title.lstrip("\ufeff").strip() for title in header}
    return next((preset for preset in PRESETS if preset["titles"] <= titles), None)
