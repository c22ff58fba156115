"""What each authority asks for, pre-filled from the case and its findings (purpose "authority").

Each authority gets a letter or form under complaint/ in the packet, in its own language
(Chinese for the mainland's, English otherwise), written as a letter the borrower can sign:
the parties, what happened in plain sentences (letters.py), what this authority is asked to do,
the instruments relied on (confirmed citations only) and the exhibits. Blanks (________) stand
for what the server cannot know (identity, contact, signature). Limits an authority sets are
kept here: 中国互联网金融协会 takes attachments of at most 2 MB, so the packet carries JPEG
working copies of the pictures — never altered originals; the CFPB narrative is at most 4,000
characters and names no one.
"""

import io
import re
from collections import defaultdict
from datetime import datetime

from PIL import Image

from evidence.analysis.facts import PLACED_BY_COLLECTOR
from evidence.analysis.services import analysis_current
from evidence.events.models import Event, EventKind
from evidence.reports.assemble import local
from evidence.reports.content import ReportContent
from evidence.reports.letters import LetterFacts, day_text, exhibit_text, letter_facts, local_day
from evidence.reports.models import Authority, Bundle

BLANK = "________________"
WORKING_COPY_LIMIT = 2 * 1024 * 1024  # 中国互联网金融协会: attachments up to 2 MB each
CFPB_NARRATIVE_LIMIT = 4000
PER_NUMBER_LINES = 300
SHOWN_NUMBERS = 5

# Only an authority that can act on the case's place: a US borrower gains nothing from 12378.
JURISDICTION_AUTHORITIES = {
    "CN": (Authority.CN_12378, Authority.CN_NIFA, Authority.CN_12321, Authority.CN_POLICE, Authority.CN_12315,
           Authority.GENERIC),
    "US": (Authority.US_CFPB, Authority.GENERIC),
    "UK": (Authority.UK_FOS, Authority.GENERIC),
    "OTHER": (Authority.GENERIC,),
}


def authorities_for(jurisdiction: str) -> tuple[str, ...]:
    """The authority codes a case of this jurisdiction may address; "generic" everywhere."""
    return tuple(str(a) for a in JURISDICTION_AUTHORITIES.get(jurisdiction, (Authority.GENERIC,)))


def complaint_files(bundle: Bundle, content: ReportContent) -> dict[str, bytes]:
    """The files for the bundle's authority, by packet path; none for other purposes."""
    builder = BUILDERS.get(bundle.authority)
    return builder(bundle, content, letter_facts(bundle.case)) if builder else {}


def _text(lines: list[str]) -> bytes:
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


# --- Chinese letters ------------------------------------------------------------------------


def _period_zh(facts: LetterFacts) -> str:
    start, end = local_day(facts.start, facts.zone), local_day(facts.end, facts.zone)
    if start is None:
        return f"{BLANK}至{BLANK}"
    return day_text(start, "zh-Hans") if start == end else f"{day_text(start, 'zh-Hans')}至{day_text(end, 'zh-Hans')}"


def _numbers_zh(facts: LetterFacts) -> str:
    shown = "、".join(facts.numbers[:SHOWN_NUMBERS]) + ("等" if len(facts.numbers) > SHOWN_NUMBERS else "")
    return f"使用 {len(facts.numbers)} 个号码（{shown}）" if facts.numbers else ""


def _parties_zh(content: ReportContent) -> str:
    name = content.lending_app.strip()
    # "示例借款 App" already says what it is: no second "App" after its name
    app = f"通过“{name}”{'' if name.lower().endswith('app') else 'App '}" if name else ""
    text = f"本人{app}向{content.lender or BLANK}借款"
    if content.collection_agency:
        text += f"，由{content.collection_agency}负责催收"
    return text + "。"


def _facts_zh(content: ReportContent, facts: LetterFacts) -> list[str]:
    lines = [f"  {_parties_zh(content)}"]
    if facts.contacts:
        split = "，".join(part for part in (f"来电 {facts.calls} 次" if facts.calls else "",
                                             f"短信及其他信息 {facts.messages} 条" if facts.messages else "") if part)
        lines.append(f"  {_period_zh(facts)}，催收方{_numbers_zh(facts)}共联系本人 {facts.contacts} 次（{split}）"
                     + ("，其中：" if facts.facts else "。"))
    elif facts.facts:
        lines.append(f"  {_period_zh(facts)}，催收方对本人有下列行为：")
    else:
        lines.append(f"  {_period_zh(facts)}，催收方对本人进行催收的经过：{BLANK}")
    for n, fact in enumerate(facts.facts, start=1):
        end = "。" if n == len(facts.facts) else "；"
        lines.append(f"  {n}. {fact.text}{end}")
    lines.append("  以上事实有下列证据为证，通话和短信的逐条记录见随附报告（report.pdf）。")
    return lines


def _basis_zh(facts: LetterFacts) -> list[str]:
    basis = facts.basis()
    if not basis:
        return []
    return ["相关规定：", "  上述行为涉及下列规定和标准：",
            *[f"  {n}. {text}" for n, text in enumerate(basis, start=1)], ""]


def _exhibits_zh(content: ReportContent, facts: LetterFacts, hashes: bool = False) -> list[str]:
    lines = ["证据清单："]
    for exhibit in content.exhibits:
        lines.append(f"  {exhibit_text(exhibit, 'zh-Hans', facts.zone)}")
        if hashes:
            lines.append(f"        SHA-256 {exhibit.sha256}")
    if not content.exhibits:
        lines.append(f"  {BLANK}")
    lines += ["  证据原件保存在证据包的 originals/ 文件夹中，未作任何改动，可按 SHA256SUMS 逐一核对；",
              f"  证据集 SHA-256：{content.evidence_set_sha256}", ""]
    return lines


def _cn_letter(content: ReportContent, facts: LetterFacts, *, to: str, title: str, requests: list[str],
               middle: list[str] = (), signer: str = "投诉人", exhibit_hashes: bool = False,
               against: list[str] | None = None) -> list[str]:
    lines = [title, "", f"致：{to}", "",
             f"{signer}：{content.borrower_name or BLANK}    身份证号：{BLANK}",
             f"联系电话：{BLANK}    联系地址：{BLANK}"]
    if against is None:
        against = [f"被投诉机构（放贷机构）：{content.lender or BLANK}", f"借款 App：{content.lending_app or BLANK}",
                   f"催收机构：{content.collection_agency or BLANK}"]
    lines += [*against, "", "请求事项：", *_requests_zh(requests), "",
              "事实与理由：", *_facts_zh(content, facts), "", *_basis_zh(facts), *middle,
              *_exhibits_zh(content, facts, exhibit_hashes),
              "此致", to, "", f"{signer}（签名）：{BLANK}    日期：____年__月__日"]
    return lines


def _stop_zh(request: str, facts: LetterFacts) -> tuple[str, list[str]]:
    """A request to stop, with the practices found as its sub-items."""
    asks = facts.asks()
    return (f"{request}，具体包括：" if asks else f"{request}；"), [f"（{n}）{ask}；" for n, ask in enumerate(asks, start=1)]


def _requests_zh(requests: list) -> list[str]:
    """Numbered requests; a (text, sub-items) pair puts its sub-items under it."""
    lines = []
    for n, request in enumerate(requests, start=1):
        text, items = request if isinstance(request, tuple) else (request, [])
        lines += [f"  {n}. {text}", *[f"     {item}" for item in items]]
    return lines


def cn_12378(bundle: Bundle, content: ReportContent, facts: LetterFacts) -> dict[str, bytes]:
    lender = content.lender or "被投诉机构"
    requests = [_stop_zh(f"督促{lender}及其委托的催收机构立即停止违规催收并进行整改", facts),
                f"依法对{lender}的上述行为进行调查处理；", "将处理结果告知本人。"]
    first = ["已先向被投诉机构投诉：",
             f"  投诉日期：{BLANK}    受理编号/工单号：{BLANK}", f"  机构处理结果：{BLANK}", ""]
    letter = _cn_letter(content, facts, to="国家金融监督管理总局（12378）", title="投诉书", requests=requests,
                        middle=first)
    return {"complaint/cn-12378.txt": _text(letter)}


def cn_nifa(bundle: Bundle, content: ReportContent, facts: LetterFacts) -> dict[str, bytes]:
    files = {}
    for exhibit in content.exhibits:
        if exhibit.image_path:
            files[f"complaint/working-copies/{exhibit.number}.jpg"] = working_copy(exhibit.image_path)
    lender = content.lender or "被举报机构"
    requests = [_stop_zh(f"对{lender}及其委托的催收机构的上述行为进行核查，督促其停止违规催收并整改", facts),
                "依照行业自律规则予以处理；", "将处理结果告知本人。"]
    note = ["附件说明：", "  所附图片为证据原件按编号压缩的副本（每件不超过 2 MB），原件保存完好，可随时提供核验。", ""]
    letter = _cn_letter(content, facts, to="中国互联网金融协会 互联网金融举报信息平台", title="举报信",
                        requests=requests, middle=note, signer="举报人")
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


CALL_WORDS = {"in": "来电（已接听）", "missed": "未接来电", "rejected": "来电（已拒接）", "blocked": "来电（已拦截）",
              "voicemail": "来电（语音留言）", "out": "本人去电"}
CHANNEL_WORDS = {"sms": "短信", "mms": "彩信", "wechat": "微信", "email": "邮件"}


def cn_12321(bundle: Bundle, content: ReportContent, facts: LetterFacts) -> dict[str, bytes]:
    """12321 takes one report per number: calls to the second with durations, messages verbatim."""
    collectors = _collector_numbers(bundle)
    by_number = defaultdict(list)
    # What the numbers did to the borrower: the borrower's own calls back are not the harassment.
    events = Event.objects.filter(case=bundle.case, number_normalized__in=collectors,
                                  direction__in=PLACED_BY_COLLECTOR).order_by("occurred_at")
    for event in events.iterator(2000):
        by_number[event.number_normalized].append(event)
    lines = ["骚扰电话、短信举报", "", "致：12321 网络不良与垃圾信息举报受理中心", "",
             f"举报人：{content.borrower_name or BLANK}    联系电话：{BLANK}", "",
             "  本人持续收到下列号码以催收为名拨打的骚扰电话和发送的短信，请核查并处置这些骚扰号码。", "",
             "事实经过：", *_facts_zh(content, facts), ""]
    for number in sorted(by_number):
        rows = by_number[number]
        calls = sum(1 for e in rows if e.kind == EventKind.CALL)
        lines += [f"被举报号码：{number}（来电 {calls} 次，短信 {len(rows) - calls} 条）",
                  "  时间（精确到秒）、类型、通话时长或短信原文："]
        for event in rows[:PER_NUMBER_LINES]:
            when = local(event.occurred_at, content.timezone)[:19]
            if event.kind == EventKind.CALL:
                lines.append(f"  {when}  {CALL_WORDS.get(event.direction, event.direction)}  时长 {event.duration_s or 0} 秒")
            else:
                lines.append(f"  {when}  {CHANNEL_WORDS.get(event.channel, '信息')}：{event.body}")
        if len(rows) > PER_NUMBER_LINES:
            lines.append(f"  ……其余 {len(rows) - PER_NUMBER_LINES} 条见证据包 records/ 中的表格")
        lines.append("")
    if not by_number:
        lines += [f"被举报号码：{BLANK}", ""]
    shots = [e.number for e in content.exhibits if e.kind == "screenshot"]
    lines += [*_basis_zh(facts), *_exhibits_zh(content, facts),
              *([f"短信截图（{'、'.join(shots)}）显示了发送号码和时间。", ""] if shots else []),
              f"举报人（签名）：{BLANK}    日期：____年__月__日"]
    return {"complaint/cn-12321.txt": _text(lines)}


def _collector_numbers(bundle: Bundle) -> list[str]:
    return [c["number"] for c in analysis_current(bundle.case).collectors]


def cn_police(bundle: Bundle, content: ReportContent, facts: LetterFacts) -> dict[str, bytes]:
    suspects = [f"  {number}" for number in (facts.numbers or _collector_numbers(bundle))] or [f"  {BLANK}"]
    extra = ["嫌疑人线索：", "  催收方使用的号码：", *[f"  {line}" for line in suspects],
             f"  催收机构：{content.collection_agency or BLANK}", f"  放贷机构：{content.lender or BLANK}", "",
             "本人的原始手机可供公安机关提取、核验。", ""]
    letter = _cn_letter(content, facts, to="公安机关（派出所）", title="报案材料",
                        requests=["依法对上述行为进行调查处理；", "出具受案回执。"], middle=extra, signer="报案人",
                        exhibit_hashes=True, against=[])
    return {"complaint/cn-police.txt": _text(letter)}


def cn_12315(bundle: Bundle, content: ReportContent, facts: LetterFacts) -> dict[str, bytes]:
    agency = content.collection_agency or "该催收公司"
    requests = [f"对{agency}的经营资质和上述催收行为进行调查，依法处理；", "将处理结果告知本人。"]
    against = [f"被举报催收公司：{content.collection_agency or BLANK}（本人对其是否具备相应经营资质存疑）",
               f"委托其催收的放贷机构：{content.lender or BLANK}", f"借款 App：{content.lending_app or BLANK}"]
    letter = _cn_letter(content, facts, to="市场监督管理部门（12315）", title="举报信", requests=requests,
                        signer="举报人", against=against)
    return {"complaint/cn-12315.txt": _text(letter)}


# --- English letters ------------------------------------------------------------------------


def _period_en(facts: LetterFacts, jurisdiction: str) -> str:
    start, end = local_day(facts.start, facts.zone), local_day(facts.end, facts.zone)
    if start is None:
        return f"Between {BLANK} and {BLANK}"
    if start == end:
        return f"On {day_text(start, 'en', jurisdiction)}"
    return f"Between {day_text(start, 'en', jurisdiction)} and {day_text(end, 'en', jurisdiction)}"


def _facts_en(facts: LetterFacts, jurisdiction: str, who: str) -> list[str]:
    numbers = f" from {len(facts.numbers)} phone number{'s' if len(facts.numbers) != 1 else ''}" if facts.numbers else ""
    if facts.contacts:
        split = " and ".join(part for part in (f"{facts.calls} call{'s' if facts.calls != 1 else ''}" if facts.calls else "",
                                                f"{facts.messages} message{'s' if facts.messages != 1 else ''}"
                                                if facts.messages else "") if part)
        lead = f"{_period_en(facts, jurisdiction)}, {who} contacted me {facts.contacts} times{numbers} ({split})"
    else:
        lead = f"{_period_en(facts, jurisdiction)}, {who} contacted me about the debt"
    if not facts.facts:
        return [f"{lead}: {BLANK}"]
    return [f"{lead}. In particular, {who}:",
            *[f"- {fact.text}{'.' if n == len(facts.facts) else ';'}" for n, fact in enumerate(facts.facts, start=1)]]


def _basis_en(facts: LetterFacts) -> list[str]:
    basis = facts.basis()
    return ["The rules involved:", *[f"- {text}" for text in basis], ""] if basis else []


def _exhibits_en(content: ReportContent, facts: LetterFacts, names: bool = True) -> list[str]:
    lines = ["Evidence:"]
    for exhibit in content.exhibits:
        lines.append(f"- {exhibit_text(exhibit, 'en', facts.zone, with_name=names)}")
    if not content.exhibits:
        lines.append(f"- {BLANK}")
    return lines + [""]


def _stop_en(facts: LetterFacts, indent: str = "  ") -> str:
    """The practices to stop, one indented line each, after a colon."""
    asks = facts.asks() or ["stop the practices described above"]
    return ":\n" + "\n".join(f"{indent}- {ask}{'.' if n == len(asks) else ';'}" for n, ask in enumerate(asks, start=1))


def us_cfpb(bundle: Bundle, content: ReportContent, facts: LetterFacts) -> dict[str, bytes]:
    """The narrative the CFPB form asks for: ≤ 4,000 characters and no personal identifiers."""
    company = content.collection_agency or content.lender
    who = "the debt collector"
    lines = [f"I am complaining about the debt collector {company}." if company else "I am complaining about a debt collector.",
             "", *_facts_en(facts, "US", who), "", *_basis_en(facts),
             f"What I want: I ask the CFPB to investigate these practices and to have the collector{_stop_en(facts)}", "",
             "I kept the call log, the messages and screenshots, each stored and hashed (SHA-256) when received, "
             "and can provide them:", *_exhibits_en(content, facts, names=False)[1:]]
    narrative = _without_identifiers("\n".join(lines), bundle)[:CFPB_NARRATIVE_LIMIT]
    table = ["what happened\ttimes\tfirst\tlast\tlaw"]
    for fact, finding in zip(facts.facts, analysis_current(bundle.case).findings, strict=False):
        table.append("\t".join([fact.text, str(fact.count), local(datetime.fromisoformat(finding["first_at"]), content.timezone),
                                local(datetime.fromisoformat(finding["last_at"]), content.timezone), "; ".join(fact.basis)]))
    # The table goes to the same form: quoted messages in it may carry numbers too.
    table = [_without_identifiers(row, bundle) for row in table]
    return {"complaint/us-cfpb-narrative.txt": _text([narrative]), "complaint/us-cfpb-violations.tsv": _text(table)}


def _without_identifiers(text: str, bundle: Bundle) -> str:
    """No names, no phone numbers, no e-mail addresses: the CFPB publishes narratives."""
    for name in filter(None, [bundle.borrower_name, bundle.case.owner.get_full_name(), bundle.case.owner.username]):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "[name]", text)
    text = re.sub(r"\+?\d[\d\s().-]{6,}\d", "[number]", text)
    return re.sub(r"[\w.+-]+@[\w-]+\.[\w.]+", "[e-mail]", text)


def _en_letter(content: ReportContent, facts: LetterFacts, *, to: str, jurisdiction: str, asks: list[str],
               middle: list[str] = ()) -> list[str]:
    business = content.lender or BLANK
    extras = [f"lending app: {content.lending_app}" if content.lending_app else "",
              f"collection agency: {content.collection_agency}" if content.collection_agency else ""]
    extras = [e for e in extras if e]
    return [
        f"To: {to}", "",
        f"Complaint about: {business}" + (f" ({'; '.join(extras)})" if extras else ""),
        f"From: {content.borrower_name or BLANK}    Address: {BLANK}", f"Phone / e-mail: {BLANK}", "",
        "What happened:", *_facts_en(facts, jurisdiction, "the business and its collectors"), "",
        "I keep every call, message and screenshot as evidence; each call and message is listed in the "
        "attached report (report.pdf).", "",
        *_basis_en(facts), *middle,
        "What I am asking for:", *[f"- {ask}" for ask in asks], "",
        *_exhibits_en(content, facts),
        "The original files are in the originals/ folder of the packet, unchanged; each can be checked "
        "against SHA256SUMS.", f"Evidence set SHA-256: {content.evidence_set_sha256}", "",
        f"Signed: {BLANK}    Date: {BLANK}",
    ]


def uk_fos(bundle: Bundle, content: ReportContent, facts: LetterFacts) -> dict[str, bytes]:
    business = content.lender or "the business"
    first = ["My complaint to the business:",
             f"I complained to {business} on {BLANK} (its reference: {BLANK}).",
             f"Its final response: received on {BLANK} / not received within 8 weeks of my complaint (delete one).", ""]
    asks = ["that the Ombudsman look into my complaint now that the business has given its final response "
            "(or 8 weeks have passed without one);",
            f"that {business} put right the distress and inconvenience this has caused me;",
            f"that {business} be told to{_stop_en(facts, '    ')}"]
    letter = _en_letter(content, facts, to="Financial Ombudsman Service", jurisdiction="UK", asks=asks, middle=first)
    return {"complaint/uk-fos.txt": _text(letter)}


def generic(bundle: Bundle, content: ReportContent, facts: LetterFacts) -> dict[str, bytes]:
    if facts.language == "en":
        asks = ["that you look into these practices, take the action open to you and let me know the outcome;",
                f"that the business be told to{_stop_en(facts, '    ')}"]
        letter = _en_letter(content, facts, to=BLANK, jurisdiction=bundle.case.jurisdiction, asks=asks)
        return {"complaint/complaint.txt": _text(letter)}
    requests = [_stop_zh("依法处理上述行为，责令其停止违规催收", facts), "将处理结果告知本人。"]
    return {"complaint/complaint.txt": _text(_cn_letter(content, facts, to=BLANK, title="投诉书", requests=requests))}


BUILDERS = {
    "cn-12378": cn_12378, "cn-nifa": cn_nifa, "cn-12321": cn_12321, "cn-police": cn_police,
    "cn-12315": cn_12315, "us-cfpb": us_cfpb, "uk-fos": uk_fos, "generic": generic,
}
