"""The report PDF, checked with the tools a recipient would use: poppler's pdffonts, pdftotext, pdfimages."""

import hashlib
import random
import re
import struct
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

from evidence.reports import charts
from evidence.reports.content import CustodyRow, Exhibit, FindingRow, ReportContent, TimelineRow
from evidence.reports.images import place
from evidence.reports.labels import labels_for
from evidence.reports.logtable import log_columns, log_table, text_width
from evidence.reports.render import Clock, render_report

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SET_HASH = hashlib.sha256(b"evidence set").hexdigest()
START = datetime(2026, 9, 1, 1, 0, tzinfo=UTC)
NUMBERS = ["+8613800000001", "+8613800000002", "+8613900000003", "+8618600000004", ""]
TEXTS = ["【某某金融】您的借款已逾期{n}天，请今日还款。", "再不还款我们就联系你家人和单位。", "Pay now or we call your boss. Ref {n}"]


def screenshot(path: Path, size: tuple[int, int], fmt: str, text: str, mode: str = "RGB", exif=None) -> Path:
    """A phone-like screenshot with chat bubbles, with noise so it does not compress to nothing."""
    image = Image.effect_noise(size, 12).convert(mode if mode != "RGBA" else "RGB")
    image = Image.blend(image.convert("RGB"), Image.new("RGB", size, (236, 239, 242)), 0.85)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(CJK_FONT, max(14, size[0] // 22))
    for i in range(6):
        top = 40 + i * size[1] // 7
        draw.rounded_rectangle((20, top, size[0] * 3 // 4, top + size[1] // 10), 12, fill=(255, 255, 255))
        draw.text((32, top + 10), f"{text} {i + 1}", fill=(20, 20, 20), font=font)
    if mode == "RGBA":
        image = image.convert("RGBA")
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(path, fmt, **kwargs)
    return path


def exhibit(number: str, kind: str, path: Path | None, at: datetime, **extra) -> Exhibit:
    """An exhibit whose hash and size are those of the file (or of a fake recording)."""
    data = path.read_bytes() if path else f"recording {number}".encode() * 1000
    size = None
    if path:
        with Image.open(path) as im:
            size = im.size
    return Exhibit(
        number=number, item_id=f"item-{number}", kind=kind, title=extra.pop("title", f"{number} 催收短信截图.png"),
        source=extra.pop("source", "借款人手机上传 uploaded from the borrower's phone"),
        purpose="证明催收人员在夜间多次发送威胁短信", summary="短信内容包含威胁联系家人和单位的言语",
        sha256=hashlib.sha256(data).hexdigest(), size=len(data), mime=extra.pop("mime", "image/png"),
        received_at=at + timedelta(hours=2), occurred_at=at, occurred_at_source="exif",
        image_path=str(path) if path else None, image_size=size, **extra,
    )


def make_exhibits(folder: Path) -> list[Exhibit]:
    """Two PNG screenshots (one with alpha), a JPEG screenshot, a turned JPEG photo and a recording."""
    folder.mkdir(parents=True, exist_ok=True)
    turned = Image.Exif()
    turned[0x0112] = 6
    files = [
        # Stored as the locker stores originals: named by hash, no extension.
        ("E-001", "screenshot", screenshot(folder / "5924f5c2e0", (540, 1200), "PNG", "你再不还钱试试"), {}),
        ("E-002", "screenshot", screenshot(folder / "b.jpg", (480, 1000), "JPEG", "明天上门找你"), {"mime": "image/jpeg"}),
        ("E-003", "photo", screenshot(folder / "c.jpg", (800, 600), "JPEG", "催收函照片", exif=turned),
         {"mime": "image/jpeg", "title": "门上贴的催收函 photo of a notice"}),
        ("E-004", "screenshot", screenshot(folder / "d.png", (400, 880), "PNG", "透明图层", mode="RGBA"), {}),
    ]
    out = [exhibit(n, k, p, START + timedelta(days=i), **x) for i, (n, k, p, x) in enumerate(files)]
    out.append(exhibit("E-005", "recording", None, START + timedelta(days=5), mime="audio/mp4",
                       title="催收电话录音 call recording.m4a", duration_s=125.4))
    return out


def make_content(folder: Path, language: str = "zh-Hans", calls: int = 300, messages: int = 500) -> ReportContent:
    """A realistic case: findings, charts, 300 calls, 500 messages, custody entries."""
    rng = random.Random(7)
    zh = language == "zh-Hans"
    call_rows = [
        TimelineRow(at=START + timedelta(minutes=rng.randrange(60 * 24 * 90)), kind="call", channel="phone",
                    direction=rng.choice(["in", "missed", "rejected", "out", "blocked"]), number=rng.choice(NUMBERS),
                    label=rng.choice(["催收 王某", "collector", ""]), detail=f"{rng.randrange(5)}:{rng.randrange(60):02d}",
                    source=f"E-006 line {n + 2}")
        for n in range(calls)
    ]
    message_rows = [
        TimelineRow(at=START + timedelta(minutes=rng.randrange(60 * 24 * 90)), kind="message", channel="sms",
                    direction=rng.choice(["in", "in", "out"]), number=rng.choice(NUMBERS), label="催收 王某",
                    detail=rng.choice(TEXTS).format(n=n), source=f"E-007 line {n + 2}")
        for n in range(messages)
    ]
    days = [{"date": (START.date() + timedelta(days=d)).isoformat(), "calls": c, "answered": c // 3,
             "unanswered": c - c // 3, "messages": c // 2} for d, c in ((d, rng.randrange(0, 12)) for d in range(90))]
    return ReportContent(
        language=language, timezone="Asia/Shanghai", title="催收骚扰证据报告" if zh else "Evidence report: debt collection harassment",
        case_title="某某金融催收骚扰", borrower_name="张某", lender="某某小额贷款有限公司", lending_app="某某借",
        collection_agency="某某信息咨询有限公司", jurisdiction="CN", purpose="authority", authority="某市公安局某某派出所",
        period_start=START, period_end=START + timedelta(days=90), generated_at=datetime(2026, 11, 29, 5, 30, tzinfo=UTC),
        evidence_set_sha256=SET_HASH,
        charts={
            "calls_per_day": days, "contacts_by_hour": [rng.randrange(0, 30) for _ in range(24)],
            "top_numbers": [{"number": n or "", "role": "collector" if i < 2 else None, "inferred_collector": i == 2,
                             "calls": 40 - i * 5, "messages": 12 - i} for i, n in enumerate(NUMBERS[:4])],
            "night_contacts": {"from": "22:00", "to": "08:00", "count": 37, "by_day": [{"date": "2026-09-02", "count": 3}] * 9},
            "totals": {"events": calls + messages, "collection_contacts": 700, "calls": calls, "messages": messages},
        },
        findings=[
            FindingRow(rule="CN-T", title="夜间催收" if zh else "Collection at night", summary="22:00 至次日 08:00 之间不得催收。",
                       kind="self-regulatory", threshold="任何一次：当地时间 22:00 至次日 08:00", count=37,
                       first_at=START + timedelta(hours=15), last_at=START + timedelta(days=80),
                       citation="中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》", confidence="S"),
            FindingRow(rule="CN-THREAT", title="威胁恐吓" if zh else "Threats", summary="以暴力或其他方法威胁借款人。",
                       kind="criminal", threshold="任何一次", count=4, first_at=START + timedelta(days=3),
                       last_at=START + timedelta(days=40), citation="《中华人民共和国刑法》第二百九十三条之一", confidence="P"),
        ],
        findings_note="本报告中的时段和次数标准来自行业自律指引，违反这些标准本身并不构成犯罪。" if zh else
        "Industry limits are not crimes by themselves.",
        ruleset="cn 2026.11.1", exhibits=make_exhibits(folder), calls=sorted(call_rows, key=lambda r: r.at),
        messages=sorted(message_rows, key=lambda r: r.at),
        custody=[CustodyRow(at=START + timedelta(days=d), action="evidence.received", actor="张某", actor_role="borrower",
                            details={"size": 1000 + d}, sha256=hashlib.sha256(bytes([d, d])).hexdigest(),
                            exhibit=f"E-00{d + 1}", exhibit_kind="screenshot", about_item=True,
                            event_hash=hashlib.sha256(bytes([d])).hexdigest()) for d in range(5)],
        certification="本人 ________ 声明：以上证据均为本人手机中的原始记录。\n\n签名：________    日期：________",
        how_to_verify="1. 计算每个文件的 SHA-256。\n2. 与证据目录中的值核对。",
    )


def png_idat(path: Path) -> bytes:
    """A PNG's compressed image data: its IDAT chunks' contents, joined."""
    data, pos, parts = path.read_bytes(), 8, []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            parts.append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    return b"".join(parts)


def pdftotext(pdf: Path, page: int | None = None) -> str:
    """Text of the PDF (or of one page), in reading order."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def page_count(pdf: Path) -> int:
    """Pages, from pdfinfo."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.fixture(scope="module")
def zh_report(tmp_path_factory) -> tuple[ReportContent, Path]:
    """The Chinese report, rendered once for the module."""
    folder = tmp_path_factory.mktemp("zh")
    content = make_content(folder / "files")
    render_report(content, folder / "report.pdf")
    return content, folder / "report.pdf"


def test_it_embeds_the_cjk_font_as_a_subset(zh_report):
    fonts = subprocess.run(["pdffonts", str(zh_report[1])], check=True, capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if re.search(r"Noto-?Sans-?(Mono-?)?CJK", line)]
    assert any("Mono" in line for line in cjk) and any("Mono" not in line for line in cjk), fonts  # text and logs
    for line in cjk:
        assert re.search(r"\byes\s+yes\s+yes\b", line), line  # emb, sub, uni


def test_it_prints_the_chinese_headings_and_every_hash_in_full(zh_report):
    content, pdf = zh_report
    text = pdftotext(pdf)
    for heading in ("证据目录", "概要", "规则核查结果", "通话记录", "短信/消息记录", "保管链记录", "电子数据取证及真实性说明"):
        assert heading in text
    flat = re.sub(r"\s+", "", text)
    assert content.evidence_set_sha256 in flat
    for e in content.exhibits:
        assert flat.count(e.sha256) >= 2, e.number  # in the list and with the exhibit itself
    assert "________" in text and content.findings_note[:20] in flat


def test_it_says_how_far_the_citations_were_checked_once_in_the_method_section(zh_report):
    flat = re.sub(r"\s+", "", pdftotext(zh_report[1]))
    assert "方法说明" in flat and "依据可靠程度" not in flat and "S：仅有二手来源" not in flat
    assert "“威胁恐吓”所引条文已核对原文；“夜间催收”所引依据仅据可靠的二手来源核实" in flat
    assert "未能找到载明其条款号的文本" in flat  # the rule set's unconfirmed parts, said once


def test_it_puts_page_n_of_m_and_the_set_hash_on_every_page(zh_report):
    content, pdf = zh_report
    total = page_count(pdf)
    for page in (1, 2, total):
        text = pdftotext(pdf, page)
        assert f"第 {page} 页 / 共 {total} 页" in text
        assert content.evidence_set_sha256[:16] in text


def test_it_embeds_each_picture_at_its_original_pixel_size(zh_report):
    content, pdf = zh_report
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    sizes = [tuple(map(int, line.split()[3:5])) for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    expected = [e.image_size for e in content.exhibits if e.image_path]
    assert sorted(sizes) == sorted(expected), listing


def test_it_copies_png_and_jpeg_data_without_recompressing(zh_report):
    content, pdf = zh_report
    data = pdf.read_bytes()
    by_number = {e.number: Path(e.image_path) for e in content.exhibits if e.image_path}
    assert png_idat(by_number["E-001"]) in data  # RGB PNG: its IDAT stream as is
    assert by_number["E-002"].read_bytes() in data  # JPEG: the whole file as is
    assert by_number["E-003"].read_bytes() in data  # turned by CSS, not re-encoded


def test_it_points_the_exhibit_list_at_the_pages_where_the_exhibits_are(zh_report):
    content, pdf = zh_report
    list_page = next(p for p in range(1, page_count(pdf) + 1) if "证据目录" in pdftotext(pdf, p))
    listed = dict(re.findall(r"^\s*(E-\d{3})\b.*?\s(\d+)\s*$", pdftotext(pdf, list_page), re.M))
    assert set(listed) == {e.number for e in content.exhibits}
    for number, page in listed.items():
        exhibit_ = next(e for e in content.exhibits if e.number == number)
        assert exhibit_.sha256 in re.sub(r"\s+", "", pdftotext(pdf, int(page))), number


def test_it_prints_every_call_with_its_time_number_label_and_duration(zh_report):
    content, pdf = zh_report
    clock, zh = Clock(content.timezone), labels_for("zh-Hans")
    pages = pdftotext(pdf).split("\f")
    first = next(n for n, page in enumerate(pages) if "通话记录" in page)
    last = next(n for n, page in enumerate(pages) if "短信/消息记录" in page)  # the messages start a page
    stamp = re.compile(r"^\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s")
    rows = {}
    for page in pages[first:last]:
        lines = page.splitlines()
        header = next(n for n, line in enumerate(lines) if re.match(r"\s*时间\s+类型\s+号码\s+标注\s+时长\s+来源", line))
        body = [line for line in lines[header + 1:] if line.strip() and "SHA-256" not in line]
        assert stamp.match(body[0]), body[0]  # every page: the header again, then a whole row
        for line in body:
            if found := stamp.match(line):
                rows.setdefault(found.group(1), []).append(line)
    assert sum(map(len, rows.values())) == len(content.calls)
    for call in content.calls:
        at = clock.time(call.at)
        parts = [zh["directions"][call.direction], call.number or zh["hidden_number"], call.label, call.detail,
                 call.source]
        assert any(all(part in line for part in parts) for line in rows[at]), (call, rows[at])


def test_it_lines_up_the_log_columns_and_wraps_long_text_inside_its_column():
    header = ["时间", "类型", "号码", "标注", "来源", "内容"]
    body = "【某某金融】您的借款已逾期 12 天，请今日还款，否则我们将联系你的家人和单位。Pay now or we call your boss."
    rows = [("2026-09-01 10:20:00", "收到", "+8613800000002", "催收 王某", "E-007 line 4", body),
            ("2026-09-01 10:21:00", "发出", "（隐藏号码）", "", "手工录入", "好的"),
            ("2026-09-01 10:22:00", "收到", "+447700900123", "collector", "E-007 line 1234", "a\nb")]
    table = log_table(header, rows, flexible={3: 24, 5: None})
    start = text_width(table["header"][:table["header"].index("来源")])
    for row, text in zip(rows, table["rows"], strict=True):
        lines = text.split("\n")
        assert text_width(lines[0][:lines[0].index(row[4])]) == start  # the source column starts at one place
        assert all(text_width(line) <= log_columns() * 500 for line in lines)
    wrapped = table["rows"][0].split("\n")
    assert len(wrapped) > 2 and re.sub(r"\s", "", "".join(wrapped)).endswith(re.sub(r"\s", "", body))
    assert table["rows"][2].split("\n")[1].strip() == "b"  # a line break in a message is kept


def test_it_prints_a_message_longer_than_a_page_over_pages_and_every_character_it_was_sent_with(tmp_path):
    content = make_content(tmp_path / "files", calls=0, messages=3)
    long_body = "".join(f"第{n}句：再不还钱就去你单位。" for n in range(400))  # about five pages of text
    content.messages[1].detail = long_body
    content.messages[2].detail = "还钱😡 now ✅ 𠀋 ok"  # an emoji and a rare character the fonts lack
    render_report(content, tmp_path / "long.pdf")
    pages = pdftotext(tmp_path / "long.pdf").split("\f")
    holding = [n for n, page in enumerate(pages) if "第200句" in page or "第399句" in page or "第1句：" in page]
    assert len(set(holding)) >= 3  # the message runs over pages
    for n in range(holding[0], holding[-1] + 1):
        assert re.search(r"时间\s+类型\s+号码\s+标注\s+来源\s+内容", pages[n])  # each with the log's header
    frame = re.compile(r"催收骚扰证据报告|SHA-256|第 \d+ 页 / 共|时间\s+类型|短信/消息记录|时间均为")
    text = re.sub(r"\s", "", "".join(line for page in pages for line in page.splitlines() if not frame.search(line)))
    assert re.sub(r"\s", "", long_body) in text  # nothing lost where the pages break
    assert "还钱😡now✅𠀋ok" in text  # read back as sent, though drawn as boxes


def test_it_renders_the_english_report(tmp_path):
    content = make_content(tmp_path / "files", language="en", calls=20, messages=20)
    render_report(content, tmp_path / "en.pdf")
    text = pdftotext(tmp_path / "en.pdf")
    for heading in ("Exhibit list", "Findings", "Custody log", "How to verify", "UTC+08:00 (Asia/Shanghai)"):
        assert heading in text
    assert "Industry limits are not crimes by themselves." in text


def test_it_renders_an_empty_case(tmp_path):
    content = make_content(tmp_path / "files", calls=0, messages=0)
    content.exhibits, content.findings, content.custody = [], [], []
    content.charts = {"calls_per_day": [], "contacts_by_hour": [0] * 24, "top_numbers": [], "night_contacts": None,
                      "totals": {"events": 0, "collection_contacts": 0, "calls": 0, "messages": 0}}
    content.period_start = content.period_end = None
    render_report(content, tmp_path / "empty.pdf")
    text = pdftotext(tmp_path / "empty.pdf")
    assert "没有可显示的数据" in text and "在本期间内没有发现" in text and SET_HASH in re.sub(r"\s+", "", text)


def test_it_refuses_a_missing_picture(tmp_path):
    content = make_content(tmp_path / "files", calls=0, messages=0)
    Path(content.exhibits[0].image_path).unlink()
    with pytest.raises(FileNotFoundError):
        render_report(content, tmp_path / "x.pdf")


def test_it_takes_the_language_code_in_any_case():
    assert labels_for("zh-hans")["exhibit_list"] == "证据目录" and labels_for("en")["exhibit_list"] == "Exhibit list"


def test_it_sums_long_periods_per_week_and_then_per_month():
    day = datetime(2026, 1, 1).date()
    rows = [{"date": (day + timedelta(days=d)).isoformat(), "calls": 2, "answered": 1, "unanswered": 1, "messages": 1}
            for d in range(0, 300, 3)]
    unit, bins = charts.bin_days(rows)
    assert unit == "week" and sum(b["answered"] for b in bins.values()) == 100
    unit, bins = charts.bin_days(rows + [{"date": "2027-06-01", "calls": 0, "answered": 0, "unanswered": 0, "messages": 5}])
    assert unit == "month" and len(bins) == 18 and sum(b["messages"] for b in bins.values()) == 105
    assert charts.bin_days([]) == ("day", {}) and charts.calls_chart([]) == ("", "day")


def test_it_fits_pictures_in_the_page_and_turns_them_as_the_camera_says(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "p.jpg"
    Image.new("RGB", (4000, 3000)).save(path, "JPEG", exif=exif)
    spot = place(str(path), 182, 220)
    assert spot.orientation == 6
    assert spot.box_h == 220 and spot.box_w == pytest.approx(165, abs=0.01)  # shown upright: 3000 x 4000
    tiny = place(str(screenshot(tmp_path / "t.png", (50, 40), "PNG", "x")), 182, 220)
    assert tiny.box_w == pytest.approx(50 * 25.4 / 96 * 2, abs=0.01)  # enlarged twice at most


def test_it_labels_each_exhibit_page_with_its_number_and_bookmarks_and_links_it(zh_report):
    content, pdf_path = zh_report
    pictures = [e for e in content.exhibits if e.image_path]
    with pikepdf.open(pdf_path) as pdf:
        labels = [page.label for page in pdf.pages]
        pages = {e.number: labels.index(e.number) for e in pictures}  # each picture's page is labelled with it
        assert sorted(pages.values()) == list(range(len(pdf.pages) - len(pictures), len(pdf.pages)))  # at the end
        assert labels[:-len(pictures)] == [str(n + 1) for n in range(len(pdf.pages) - len(pictures))]  # as footers count
        text = {n: re.sub(r"\s+", "", pdftotext(pdf_path, i + 1)) for n, i in pages.items()}
        for e in pictures:
            assert e.sha256 in text[e.number], e.number
        with pdf.open_outline() as outline:
            flat, stack = [], list(outline.root)
            while stack:
                item = stack.pop()
                flat.append(item)
                stack.extend(item.children)
            for e in pictures:
                mark = next(item for item in flat if item.title.startswith(e.number))
                assert pdf.pages.index(pikepdf.Page(mark.destination[0])) == pages[e.number]
        named = pikepdf.NameTree(pdf.Root.Names.Dests)
        targets = set()
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                dest = annot.get("/Dest")
                if isinstance(dest, pikepdf.String) and str(dest) in named:
                    targets.add(pdf.pages.index(pikepdf.Page(named[str(dest)][0])))
                elif isinstance(dest, pikepdf.Array):
                    targets.add(pdf.pages.index(pikepdf.Page(dest[0])))
        assert set(pages.values()) <= targets  # the exhibit list links to every exhibit page


def test_it_bookmarks_the_logs_in_the_reports_order_at_their_first_pages(zh_report):
    _content, pdf_path = zh_report
    pages = pdftotext(pdf_path).split("\f")
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        sections = outline.root[0].children  # under the report's title, as WeasyPrint puts its headings
        titles = [item.title for item in sections]
        at = {item.title: pdf.pages.index(pikepdf.Page(item.destination[0])) for item in sections
              if item.destination is not None}
    order = ["概要", "规则核查结果", "证据目录", "通话记录", "短信/消息记录", "证据", "保管链记录", "电子数据取证及真实性说明"]
    assert [t for t in titles if t in order] == order
    for title in ("通话记录", "短信/消息记录", "保管链记录"):
        assert title in pages[at[title]][:400], title  # the page starts with the log's heading
        assert title not in pages[at[title] - 1][:400]  # the log's first page, not a later one


@pytest.mark.parametrize("orientation", range(1, 9))
def test_it_draws_a_turned_or_mirrored_photo_upright(tmp_path, orientation):
    """A photo with red, blue and green corners (top left, top right, bottom left) as the camera meant
    it, stored turned or mirrored with the EXIF orientation that undoes it."""
    upright = Image.new("RGB", (300, 200), (255, 255, 255))
    upright.paste((255, 0, 0), (0, 0, 60, 60))
    upright.paste((0, 0, 255), (240, 0, 300, 60))
    upright.paste((0, 160, 0), (0, 140, 60, 200))
    stored = upright.transpose({1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
                                4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
                                6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
                                8: Image.Transpose.ROTATE_270}[orientation]) if orientation > 1 else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "photo.jpg"
    stored.save(path, "JPEG", quality=95, exif=exif)
    assert ImageOps.exif_transpose(Image.open(path)).size == (300, 200)  # Pillow agrees on the upright shape
    content = make_content(tmp_path / "files", calls=0, messages=0)
    content.exhibits = [exhibit("E-001", "photo", path, START, mime="image/jpeg")]
    render_report(content, tmp_path / "report.pdf")
    with pikepdf.open(tmp_path / "report.pdf") as pdf:
        page = [p.label for p in pdf.pages].index("E-001") + 1
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(tmp_path / "report.pdf"), str(tmp_path / "page")], check=True)
    shot = Image.open(tmp_path / "page.png").convert("RGB")
    def centre(match) -> tuple[float, float]:
        found = [(x, y) for x in range(0, shot.width, 2) for y in range(0, shot.height, 2) if match(shot.getpixel((x, y)))]
        assert found, orientation
        return sum(x for x, _ in found) / len(found), sum(y for _, y in found) / len(found)

    red_x, red_y = centre(lambda px: px[0] > 200 and px[1] < 80 and px[2] < 80)
    blue_x, blue_y = centre(lambda px: px[2] > 200 and px[0] < 80 and px[1] < 80)
    green_x, green_y = centre(lambda px: px[1] > 120 and px[0] < 80 and px[2] < 80)
    assert red_x < blue_x and abs(red_y - blue_y) < 3  # red left of blue, on one line
    assert red_y < green_y and abs(red_x - green_x) < 3  # and above green: upright, not mirrored
