"""What each authority asks for, pre-filled from the case and its findings (purpose "authority").

Each authority gets a letter or form in its own language under complaint/ in the packet, with
blanks (________) for what the server cannot know (identity, contact, signature). Limits an
authority sets are kept here: 中国互联网金融协会 takes attachments of at most 2 MB, so the
packet carries JPEG working copies of the pictures — never altered originals; the CFPB
narrative is at most 4,000 characters and names no one.
"""

import io
import re
from collections import defaultdict

from PIL import Image

from evidence.analysis.services import analysis_current
from evidence.events.models import Event, EventKind
from evidence.reports.assemble import local
from evidence.reports.content import ReportContent
from evidence.reports.models import Bundle

BLANK = "________________"
WORKING_COPY_LIMIT = 2 * 1024 * 1024  # 中国互联网金融协会: attachments up to 2 MB each
CFPB_NARRATIVE_LIMIT = 4000
PER_NUMBER_LINES = 300


def complaint_files(bundle: Bundle, content: ReportContent) -> dict[str, bytes]:
    """The files for the bundle's authority, by packet path; none for other purposes."""
    builder = BUILDERS.get(bundle.authority)
    return builder(bundle, content) if builder else {}


def _text(lines: list[str]) -> bytes:
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def _exhibit_lines(content: ReportContent) -> list[str]:
    return [f"  {e.number}  {e.title}  SHA-256 {e.sha256}" for e in content.exhibits]


def _finding_lines(content: ReportContent, zone: str) -> list[str]:
    return [
        f"  {f.rule} {f.title}: {f.count} — {local(f.first_at, zone)} … {local(f.last_at, zone)}（{f.citation}）"
        for f in content.findings
    ]


def _requests_zh(content: ReportContent) -> list[str]:
    rules = {f.rule for f in content.findings}
    wanted = ["立即停止一切违规催收行为"]
    if "CN-T" in rules:
        wanted.append("停止在每日 22:00 至次日 08:00 催收")
    if rules & {"CN-F1", "CN-F2", "CN-P"}:
        wanted.append("停止超频呼叫")
    if "CN-3P" in rules:
        wanted.append("立即停止联系本人通讯录联系人及无关第三人，删除违规收集的通讯录信息")
    if rules & {"CN-H", "CN-I"}:
        wanted.append("停止威胁、辱骂、冒充司法机关等行为")
    wanted.append("对相关机构依法调查处理，并书面答复处理结果")
    return [f"  {n}. {text}；" for n, text in enumerate(wanted, start=1)]


def _cn_letter(bundle: Bundle, content: ReportContent, to: str, extra: list[str]) -> list[str]:
    zone = content.timezone
    return [
        f"致：{to}",
        "",
        "投诉书",
        "",
        f"投诉人：{content.borrower_name or BLANK}    身份证号：{BLANK}    联系电话：{BLANK}",
        f"被投诉机构（放贷机构，以借款合同为准）：{content.lender or BLANK}",
        f"借款 App：{content.lending_app or BLANK}",
        f"催收机构（如知道）：{content.collection_agency or BLANK}",
        "",
        "投诉请求：",
        *_requests_zh(content),
        "",
        "事实与理由：",
        f"  自 {local(content.period_start, zone) if content.period_start else BLANK} 至 "
        f"{local(content.period_end, zone) if content.period_end else BLANK}，催收方对本人进行了以下催收行为"
        "（详见随附报告 report.pdf 及证据编号）：",
        *(_finding_lines(content, zone) or ["  （请补充事实经过）"]),
        "",
        *extra,
        "证据清单（原件见证据包 originals/，哈希值可用 sha256sum 核对）：",
        *_exhibit_lines(content),
        "",
        f"证据集哈希（evidence_set_sha256）：{content.evidence_set_sha256}",
        "",
        f"投诉人（签名）：{BLANK}    日期：____年__月__日",
    ]


def cn_12378(bundle: Bundle, content: ReportContent) -> dict[str, bytes]:
    first = [
        "已先向被投诉机构投诉（12378 要求先向机构投诉）：",
        f"  投诉日期：{BLANK}    工单号：{BLANK}    处理结果：{BLANK}",
        "  金融监管部门一般在 15 日内告知是否受理，受理后 30 日内答复。",
        "",
    ]
    return {"complaint/cn-12378.txt": _text(_cn_letter(bundle, content, "国家金融监督管理总局（12378）", first))}


def cn_nifa(bundle: Bundle, content: ReportContent) -> dict[str, bytes]:
    files = {}
    for exhibit in content.exhibits:
        if exhibit.image_path:
            files[f"complaint/working-copies/{exhibit.number}.jpg"] = working_copy(exhibit.image_path)
    note = [
        "附件说明：举报平台单个附件以 2 MB 为限。complaint/working-copies/ 中是按编号压缩的工作副本（JPEG，",
        "均不超过 2 MB），仅供上传；原件未作任何改动，见 originals/，可用 SHA256SUMS 核对。",
        "",
    ]
    letter = _cn_letter(bundle, content, "中国互联网金融协会 互联网金融举报信息平台", note)
    return {"complaint/cn-nifa.txt": _text(letter), **files}


def working_copy(path: str, limit: int = WORKING_COPY_LIMIT) -> bytes:
    """A JPEG of a picture under the size limit: lower quality first, then smaller."""
    with Image.open(path) as image:
        picture = image.convert("RGB")
    scale = 1.0
    while True:
        sized = picture if scale == 1.0 else picture.resize(
            (max(1, int(picture.width * scale)), max(1, int(picture.height * scale))))
        for quality in (85, 70, 55):
            buffer = io.BytesIO()
            sized.save(buffer, "JPEG", quality=quality, optimize=True)
            if buffer.tell() <= limit:
                return buffer.getvalue()
        scale *= 0.75


def cn_12321(bundle: Bundle, content: ReportContent) -> dict[str, bytes]:
    """12321 takes one report per number: calls to the second with durations, messages verbatim."""
    collectors = _collector_numbers(bundle, content)
    lines = ["12321 网络不良与垃圾信息举报 — 按号码逐一举报（每个号码单独提交）", "",
             f"举报人联系电话：{BLANK}", ""]
    by_number = defaultdict(list)
    events = Event.objects.filter(case=bundle.case, number_normalized__in=collectors).order_by("occurred_at")
    for event in events.iterator(2000):
        by_number[event.number_normalized].append(event)
    for number in sorted(by_number):
        rows = by_number[number]
        lines += [f"被举报号码：{number}（共 {len(rows)} 次）", "  骚扰电话（时间精确到秒 / 通话时长）与短信原文："]
        for event in rows[:PER_NUMBER_LINES]:
            when = local(event.occurred_at, content.timezone)
            if event.kind == EventKind.CALL:
                lines.append(f"  {when}  来电 {event.direction}  时长 {event.duration_s or 0} 秒")
            else:
                lines.append(f"  {when}  短信：{event.body}")
        if len(rows) > PER_NUMBER_LINES:
            lines.append(f"  ……其余 {len(rows) - PER_NUMBER_LINES} 条见 records/ 中的表格")
        lines.append("  短信请附显示发送号码和时间的截图（见证据清单）。")
        lines.append("")
    if not by_number:
        lines.append("（案件中尚未标注或识别出催收号码：请先在号码列表中标注。）")
    return {"complaint/cn-12321.txt": _text(lines + ["证据清单：", *_exhibit_lines(content)])}


def _collector_numbers(bundle: Bundle, content: ReportContent) -> list[str]:
    return [c["number"] for c in analysis_current(bundle.case).collectors]


def cn_police(bundle: Bundle, content: ReportContent) -> dict[str, bytes]:
    suspects = [f"  {number}" for number in _collector_numbers(bundle, content)] or [f"  {BLANK}"]
    extra = [
        "嫌疑人线索（号码、姓名或自称）：", *suspects,
        f"  催收机构：{content.collection_agency or BLANK}",
        "",
        "原始手机可供公安机关提取核验。请出具受案回执。",
        "",
    ]
    return {"complaint/cn-police.txt": _text(_cn_letter(bundle, content, "公安机关（派出所）", extra))}


def cn_12315(bundle: Bundle, content: ReportContent) -> dict[str, bytes]:
    extra = [f"被举报催收公司（是否具备相应资质存疑）：{content.collection_agency or BLANK}", ""]
    return {"complaint/cn-12315.txt": _text(_cn_letter(bundle, content, "市场监督管理部门（12315）", extra))}


def us_cfpb(bundle: Bundle, content: ReportContent) -> dict[str, bytes]:
    """The narrative the CFPB form asks for: ≤ 4,000 characters and no personal identifiers."""
    zone = content.timezone
    lines = [
        "What happened:",
        f"A debt collector contacted me about a debt between {local(content.period_start, zone)[:10]} and "
        f"{local(content.period_end, zone)[:10]}." if content.period_start else "A debt collector contacted me.",
    ]
    for f in content.findings:
        lines.append(f"- {f.title}: {f.count} times between {local(f.first_at, zone)[:10]} and "
                     f"{local(f.last_at, zone)[:10]} ({f.citation}).")
    lines += ["", "I keep the call log, messages and screenshots, each hashed when received; exhibit list and "
              "evidence set hash available on request.", "", "What I want: the calls at inconvenient times and "
              "the repeated calls to stop, and the collector to stop contacting other people about my debt."]
    narrative = _without_identifiers("\n".join(lines), bundle)[:CFPB_NARRATIVE_LIMIT]
    table = ["rule\tcount\tfirst\tlast\tcitation"] + [
        f"{f.rule}\t{f.count}\t{local(f.first_at, zone)}\t{local(f.last_at, zone)}\t{f.citation}"
        for f in content.findings]
    return {"complaint/us-cfpb-narrative.txt": _text([narrative]), "complaint/us-cfpb-violations.tsv": _text(table)}


def _without_identifiers(text: str, bundle: Bundle) -> str:
    """No names, no phone numbers, no e-mail addresses: the CFPB publishes narratives."""
    for name in filter(None, [bundle.borrower_name, bundle.case.owner.get_full_name(), bundle.case.owner.username]):
        text = text.replace(name, "[name]")
    text = re.sub(r"\+?\d[\d\s().-]{6,}\d", "[number]", text)
    return re.sub(r"[\w.+-]+@[\w-]+\.[\w.]+", "[e-mail]", text)


def _en_letter(content: ReportContent, to: str, first: list[str]) -> list[str]:
    zone = content.timezone
    return [
        f"To: {to}", "",
        f"Name: {content.borrower_name or BLANK}    Address: {BLANK}    Phone / e-mail: {BLANK}",
        f"Business complained about: {content.lender or BLANK} (collection agency: {content.collection_agency or BLANK})",
        "", *first,
        "What happened (see report.pdf for the evidence):",
        *[f"  {f.rule} {f.title}: {f.count} times, {local(f.first_at, zone)} … {local(f.last_at, zone)} ({f.citation})"
          for f in content.findings],
        "", "Evidence (originals in originals/, check with sha256sum -c SHA256SUMS):", *_exhibit_lines(content), "",
        f"Evidence set hash: {content.evidence_set_sha256}", "",
        f"Signed: {BLANK}    Date: {BLANK}",
    ]


def uk_fos(bundle: Bundle, content: ReportContent) -> dict[str, bytes]:
    first = [
        f"I complained to the business first: date {BLANK}, reference {BLANK}. The business has 8 weeks to send",
        "its final response; the Ombudsman can then look at the complaint (normally within 6 months of it).", "",
    ]
    return {"complaint/uk-fos.txt": _text(_en_letter(content, "Financial Ombudsman Service", first))}


def generic(bundle: Bundle, content: ReportContent) -> dict[str, bytes]:
    if content.language == "en":
        return {"complaint/complaint.txt": _text(_en_letter(content, BLANK, []))}
    return {"complaint/complaint.txt": _text(_cn_letter(bundle, content, BLANK, []))}


BUILDERS = {
    "cn-12378": cn_12378, "cn-nifa": cn_nifa, "cn-12321": cn_12321, "cn-police": cn_police,
    "cn-12315": cn_12315, "us-cfpb": us_cfpb, "uk-fos": uk_fos, "generic": generic,
}
