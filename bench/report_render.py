"""Report PDF benchmark: render_report() on a big case against img2pdf over the same screenshots.

    .venv/bin/python bench/report_render.py [--screenshots 200] [--calls 2000] [--messages 10000] [--dir /tmp/report-bench]

Makes 1080x2400 PNG screenshots (noisy, so they weigh what real ones do), a ReportContent with
that many calls and messages, then times each tool in its own child process and prints wall
time, peak RSS (getrusage in the child), output size and the ratio. img2pdf (a dev dependency)
is the floor: it only copies the pictures into pages, the way render_report should too.
"""

import argparse
import hashlib
import multiprocessing
import random
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = (1080, 2400)
TEXTS = [
    "【某某金融】您的借款已逾期{n}天，请于今日还款{amt}元，否则将联系您的紧急联系人。",
    "再不还款我们就上门，联系你家人和你单位。",
    "你这个老赖，不还钱就去死吧，第{n}次通知。",
    "Your account is past due. Pay ${amt} today to avoid legal action. Ref {n}",
    "我们已向法院提交材料，传票{n}号即将送达。",
]


def make_screenshots(folder: Path, count: int) -> list[Path]:
    """`count` distinct PNGs: a noisy background shared by all, bubbles and a number drawn on each."""
    from PIL import Image, ImageDraw, ImageFont

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"shot-{i:03d}.png" for i in range(count)]
    if all(p.exists() for p in paths):
        return paths  # made by an earlier run: the same bytes
    noise = Image.effect_noise(SIZE, 24).convert("RGB")
    background = Image.blend(noise, Image.new("RGB", SIZE, (236, 239, 242)), 0.8)
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 44)
    rng = random.Random(3)
    for i, path in enumerate(paths):
        image = background.copy()
        draw = ImageDraw.Draw(image)
        for row in range(8):
            top = 160 + row * 280 + rng.randrange(40)
            draw.rounded_rectangle((40, top, 900, top + 200), 28, fill=(255, 255, 255))
            draw.text((80, top + 40), f"#{i} " + rng.choice(TEXTS).format(n=i, amt=row)[:16], fill=(20, 20, 20), font=font)
        image.save(path, "PNG", compress_level=6)
    return paths


def make_content(paths: list[Path], calls: int, messages: int):
    """A ReportContent with one screenshot exhibit per file and the given timeline sizes."""
    from evidence.reports.content import CustodyRow, Exhibit, ReportContent, TimelineRow

    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    numbers = [f"+86138{rng.randrange(10**8):08d}" for _ in range(60)]

    def row(kind: str, n: int) -> TimelineRow:
        at = start + timedelta(seconds=rng.randrange(300 * 86400))
        detail = f"{rng.randrange(6)}:{rng.randrange(60):02d}" if kind == "call" else rng.choice(TEXTS).format(n=n, amt=n % 9999)
        direction = rng.choice(["in", "missed", "rejected", "out"]) if kind == "call" else rng.choice(["in", "in", "out"])
        return TimelineRow(at=at, kind=kind, channel="phone" if kind == "call" else "sms", direction=direction,
                           number=rng.choice(numbers), label=rng.choice(["催收 王某", "collector", ""]), detail=detail,
                           source=f"E-{len(paths) + 1:03d} line {n + 2}")

    exhibits = [
        Exhibit(number=f"E-{i + 1:03d}", item_id=str(i), kind="screenshot", title=p.name, source="uploaded from the phone",
                purpose="证明催收威胁", summary="催收短信截图", sha256=hashlib.sha256(p.read_bytes()).hexdigest(),
                size=p.stat().st_size, mime="image/png", received_at=start + timedelta(days=i), occurred_at=None,
                occurred_at_source="unknown", image_path=str(p), image_size=SIZE)
        for i, p in enumerate(paths)
    ]
    days = [{"date": (start.date() + timedelta(days=d)).isoformat(), "calls": 7, "answered": 2, "unanswered": 5,
             "messages": 30} for d in range(300)]
    return ReportContent(
        language="zh-Hans", timezone="Asia/Shanghai", title="催收骚扰证据报告", case_title="benchmark", borrower_name="张某",
        lender="某某小贷", lending_app="某某借", collection_agency="某某咨询", jurisdiction="CN", purpose="lawyer",
        authority="", period_start=start, period_end=start + timedelta(days=300), generated_at=datetime.now(UTC),
        evidence_set_sha256=hashlib.sha256(b"bench").hexdigest(),
        charts={"calls_per_day": days, "contacts_by_hour": [rng.randrange(100) for _ in range(24)], "top_numbers": [],
                "night_contacts": None, "totals": {"events": calls + messages, "collection_contacts": 0, "calls": calls,
                                                   "messages": messages}},
        findings=[], findings_note="", ruleset="cn 2026.11.1", exhibits=exhibits,
        calls=sorted((row("call", n) for n in range(calls)), key=lambda r: r.at),
        messages=sorted((row("message", n) for n in range(messages)), key=lambda r: r.at),
        custody=[CustodyRow(at=start, action="item.received", actor="张某", details="", event_hash="0" * 64)],
        certification="签名：________", how_to_verify="sha256sum",
    )


def run_render(paths: list[str], calls: int, messages: int, out: str, queue) -> None:
    """Child: build the content (untimed), then time render_report."""
    from django.conf import settings

    if not settings.configured:
        settings.configure()
    from evidence.reports.render import render_report

    content = make_content([Path(p) for p in paths], calls, messages)
    began = time.perf_counter()
    render_report(content, out)
    queue.put((time.perf_counter() - began, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def run_img2pdf(paths: list[str], out: str, queue) -> None:
    """Child: img2pdf over the same PNGs, each fitted into an A4 page."""
    import img2pdf

    began = time.perf_counter()
    a4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
    with open(out, "wb") as f:
        img2pdf.convert(paths, outputstream=f, layout_fun=img2pdf.get_layout_fun(a4))
    queue.put((time.perf_counter() - began, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def measure(target, *args) -> tuple[float, float]:
    """Run target in a fresh process: (seconds, peak RSS in MiB)."""
    context = multiprocessing.get_context("spawn")  # a clean interpreter each time: no shared caches
    queue = context.Queue()
    child = context.Process(target=target, args=(*args, queue))
    child.start()
    seconds, rss_kib = queue.get()
    child.join()
    if child.exitcode:
        raise SystemExit(f"{target.__name__} failed with exit code {child.exitcode}")
    return seconds, rss_kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=int, default=200)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/report-bench"))
    args = parser.parse_args()
    paths = [str(p) for p in make_screenshots(args.dir / "shots", args.screenshots)]
    weight = sum(Path(p).stat().st_size for p in paths) / 2**20
    print(f"{len(paths)} screenshots {SIZE[0]}x{SIZE[1]} ({weight:.0f} MiB), {args.calls} calls, {args.messages} messages")
    report, floor = args.dir / "report.pdf", args.dir / "img2pdf.pdf"
    r_time, r_rss = measure(run_render, paths, args.calls, args.messages, str(report))
    i_time, i_rss = measure(run_img2pdf, paths, str(floor))
    print(f"render_report  {r_time:8.2f} s  peak RSS {r_rss:7.0f} MiB  {report.stat().st_size / 2**20:7.1f} MiB")
    print(f"img2pdf        {i_time:8.2f} s  peak RSS {i_rss:7.0f} MiB  {floor.stat().st_size / 2**20:7.1f} MiB")
    print(f"ratio          {r_time / i_time:8.1f} x")


if __name__ == "__main__":
    main()
