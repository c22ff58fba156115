"""Bundle benchmark: bundle_build() on a case that looks like a phone's, against img2pdf + zip of its pictures.

    .venv/bin/python bench/bundle.py [--pictures 200] [--calls 2000] [--messages 100000] [--repeats 3]
                                     [--noisy 50] [--noisy-messages 10000] [--dir /tmp/bench-bundle]
                                     [--ocr] [--profile out.prof]

Two cases, each measured the same way:
- the phone case (the targets apply to it): `--pictures` pictures from bench/phone_screens.py —
  flat WeChat-like chats (some dark, some with a photo message or a sticker), call lists and SMS
  lists at phone sizes (1080×2400, 1080×2340, 720×1600, 1170×2532) as PNG, plus 17 % JPEGs
  (chats saved again by a chat app, photos of a demand letter); their size distribution is
  printed first (PNGs mostly 150–400 KiB, as real ones). Then an SMS Backup & Restore calls.xml
  (`--calls`) and sms.xml (`--messages`);
- the noisy case (`--noisy` pictures, 0 for none): bench/report_render.py's 1080×2400 PNGs under
  noise (about 2 MiB each, the worst a picture can weigh), with `--calls` calls and
  `--noisy-messages` messages, as this benchmark measured before the phone case.

Setting a case up runs in a child process with the embedded default (SQLite in DATA_DIR, a
temporary one unless DATA_DIR is set; DATABASE_URL when set): a borrower and a case, the pictures
uploaded through stage_stream + evidence_ingest, a few collector numbers labelled, the exports
imported through import_receive + import_run. Celery runs eagerly there, so the jobs that follow an
upload or an import (metadata, thumbnails, twins, text recognition, analysis) have run before any
build, as a worker would have run them. Text recognition stores what bench/phone_screens.py drew
(the reading a perfect engine would give, without tesseract's second or so per picture); `--ocr`
runs tesseract instead; the noisy pictures have no such record, so they are "unavailable".

Each build runs in a fresh child process, the way a worker takes the job: Django set up and the
report's modules imported (WeasyPrint, pyHanko), then a bundle requested and bundle_build timed
alone (verify, report PDF, signature, packet, storage) with the process's peak RSS growth: VmHWM,
reset through /proc/self/clear_refs just before the build, minus VmRSS at that moment. The phases
come from the bundle's progress bar (verify 0–30 %, report 30–60, signature 60–70, packet 70–95,
store 95–100), each with its seconds and its own peak; "probes" time a few calls inside them
(report_content, the template values, WeasyPrint's layout and PDF writing, records_files, ...),
and the pages WeasyPrint makes are counted by kind (exhibit, log, text) with the seconds it spent
laying them out and drawing them.

The floor is what any tool must do with the same files: the img2pdf command over the pictures onto
A4 pages, writing a PDF, then `zip -q -r` of the same pictures, timed together. Floor and build
alternate (floor, build, floor, build, ...) `--repeats` times so both see the same load; the
medians are compared. Targets (phone case): bundle / floor <= 1.1, peak RSS growth < 300 MiB;
each is printed PASS or MISS. With --profile one more build of the phone case runs under cProfile
(not counted in the medians); the stats go to that file and a breakdown is printed by area
(WeasyPrint layout, PDF writing, images, signing, zip, hashing, database, the logs' tables).

Pictures are kept in --dir and made again only when the count, seed or generator changes (making
200 takes a minute or two on two cores). Setting the two cases up takes about two minutes; the
rest is the runs themselves: with builds at the targets a run at the defaults ends in about four
minutes; with the phone case's builds at 60 s (2026-12-03) it took eight.
"""

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from phone_screens import make_pictures, size_table  # noqa: E402  (bench/, beside this file)
from report_render import make_screenshots  # noqa: E402

TARGET_RATIO, TARGET_GROWTH_MIB = 1.1, 300
START = datetime(2026, 1, 1, tzinfo=UTC)
DAYS = 300
BODIES = [
    "【某某金融】您的借款已逾期{n}天，请于今日 18:00 前还款{amt}元，否则将联系您的紧急联系人。",
    "再不还款我们就上门，联系你家人和你单位 😡",
    "你这个老赖，不还钱就去死吧，第{n}次通知。",
    "Your account is past due. Pay ${amt} today to avoid legal action. Ref {n}",
    "我们已向法院提交材料，传票{n}号即将送达。",
    "好的，我知道了，月底前还。",
]
CALL_TYPES = [1, 1, 2, 3, 3, 3, 5, 6]  # incoming, outgoing, missed (most), rejected, blocked
READABLE = "2026年5月1日 下午11:10:05"


def _attrs(values: dict) -> str:
    return " ".join(f"{key}={quoteattr(str(value))}" for key, value in values.items())


def make_exports(folder: Path, calls: int, messages: int) -> tuple[Path, Path, list[str]]:
    """calls.xml and sms.xml as SMS Backup & Restore writes them; and the collectors' numbers."""
    rng = random.Random(11)
    folder.mkdir(parents=True, exist_ok=True)
    collectors = [f"+86 1{rng.randint(30, 99)} {rng.randint(0, 9999):04d} {rng.randint(0, 9999):04d}"
                  for _ in range(60)]
    others = [f"1{rng.randint(30, 99)}{rng.randint(0, 99999999):08d}" for _ in range(40)]

    def moments(count: int):
        step = DAYS * 86400 / max(count, 1)
        moment = START
        for _ in range(count):
            moment += timedelta(seconds=rng.uniform(0.2, 1.8) * step)
            yield int(moment.timestamp() * 1000)

    calls_xml = folder / "calls.xml"
    with open(calls_xml, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        out.write(f'<calls count="{calls}" backup_set="bench-calls" backup_date="1777683600000" type="full">\n')
        for date in moments(calls):
            kind = rng.choice(CALL_TYPES)
            hidden = rng.random() < 0.03
            out.write("  <call " + _attrs({
                "number": "" if hidden else rng.choice(collectors if rng.random() < 0.85 else others),
                "duration": rng.randint(5, 400) if kind in (1, 2) else 0, "date": date, "type": kind,
                "presentation": 2 if hidden else 1, "subscription_id": "1", "post_dial_digits": "",
                "subscription_component_name": "null", "readable_date": READABLE, "contact_name": "(Unknown)",
            }) + " />\n")
        out.write("</calls>\n")

    sms_xml = folder / "sms.xml"
    with open(sms_xml, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        out.write("<!--File Created By SMS Backup & Restore v10.20.002 on 02/05/2026 09:00:00-->\n")
        out.write(f'<smses count="{messages}" backup_set="bench-sms" backup_date="1777683600000" type="full">\n')
        for n, date in enumerate(moments(messages)):
            sent = rng.random() < 0.1
            body = BODIES[5 if sent else rng.randrange(5)].format(n=n, amt=rng.randint(300, 9000))
            out.write("  <sms " + _attrs({
                "protocol": "0", "address": rng.choice(collectors if rng.random() < 0.9 else others), "date": date,
                "type": 2 if sent else 1, "subject": "null", "body": body, "toa": "null", "sc_toa": "null",
                "service_center": "null", "read": "1", "status": "-1", "locked": "0", "date_sent": date - 3000,
                "sub_id": "1", "readable_date": READABLE, "contact_name": "(Unknown)",
            }) + " />\n")
        out.write("</smses>\n")
    return calls_xml, sms_xml, collectors


# --- memory: VmHWM, reset at every sample ---------------------------------------------------------

def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def _reset_hwm() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux; ru_maxrss follows it)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Watermark:
    """The peak RSS of every stretch of the build, each read on its own.

    Every sample reads VmHWM (the peak since the sample before) and resets it, so the samples cut
    the build into stretches that do not overlap; a phase's or a probe's peak is the highest
    sample taken inside it, and the build's peak the highest of all.
    """

    def __init__(self):
        self.samples: list[tuple[float, float]] = []  # (time, peak MiB since the sample before)

    def start(self) -> float:
        _reset_hwm()
        return time.perf_counter()

    def sample(self) -> float:
        now = time.perf_counter()
        self.samples.append((now, _status_mib("VmHWM")))
        _reset_hwm()
        return now

    def peak(self, after: float, upto: float) -> float:
        return max((mib for at, mib in self.samples if after < at <= upto), default=0.0)


def _probe(watermark: Watermark, probes: dict, owner, name: str, label: str) -> None:
    """Wrap owner.name so each call records its seconds and its peak RSS under label."""
    original = getattr(owner, name, None)
    if original is None:
        return

    def timed(*args, **kwargs):
        began = watermark.sample()
        try:
            return original(*args, **kwargs)
        finally:
            ended = watermark.sample()
            entry = probes.setdefault(label, [0, 0.0, 0.0])
            entry[0] += 1
            entry[1] += ended - began
            entry[2] = max(entry[2], watermark.peak(began, ended))

    setattr(owner, name, timed)


def _page_probe(pages: dict) -> None:
    """Per page of the report that WeasyPrint makes, by the section it belongs to (cover, summary,
    findings, exhibit list, ...; the report's sections carry anchors "section-…" and each starts a
    page): how many, the seconds WeasyPrint spent laying them out and drawing them into the PDF.

    The logs' and the pictures' pages are drawn after layout (log_pages.py, exhibit_pages.py) and
    timed by the probe on exhibit_pages.append instead. Layout is timed per page
    (layout.page.remake_page, again when WeasyPrint repaginates); what comes before the first page
    (styles, the box tree) and after the last (margin boxes) is kept apart.
    """
    try:
        from weasyprint import HTML
        from weasyprint.document import Page
        from weasyprint.layout import page as paging
    except ImportError:
        return
    kinds: dict = {}
    render_, remake_, paint_ = HTML.render, paging.remake_page, Page.paint
    section = ["text"]

    def kind_of(page) -> str:
        names = [name for name in (getattr(page, "anchors", None) or ()) if name.startswith("section-")]
        if names:
            section[0] = names[0].removeprefix("section-")
        return section[0]

    def timed_render(self, *args, **kwargs):
        laid = {}  # page index -> seconds
        began = time.perf_counter()
        first = []

        def timed_remake(index, *rest, **named):
            started = time.perf_counter()
            first.append(started)
            try:
                return remake_(index, *rest, **named)
            finally:
                laid[index] = laid.get(index, 0.0) + time.perf_counter() - started

        paging.remake_page = timed_remake
        try:
            document = render_(self, *args, **kwargs)
        finally:
            paging.remake_page = remake_
        for index, page in enumerate(document.pages):
            kind = kinds[id(page)] = kind_of(page)
            entry = pages.setdefault(kind, [0, 0.0, 0.0])
            entry[0] += 1
            entry[1] += laid.get(index, 0.0)
        styles = (first[0] if first else time.perf_counter()) - began
        pages["styles and box tree"] = [0, styles, 0.0]
        pages["margin boxes, pages"] = [0, time.perf_counter() - began - styles - sum(laid.values()), 0.0]
        return document

    def timed_paint(self, *args, **kwargs):
        began = time.perf_counter()
        try:
            return paint_(self, *args, **kwargs)
        finally:
            pages.setdefault(kinds.get(id(self), "text"), [0, 0.0, 0.0])[2] += time.perf_counter() - began

    HTML.render, Page.paint = timed_render, timed_paint


# --- children -------------------------------------------------------------------------------------

def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _truth_reader(truths: dict):
    """services._read for pictures whose drawing is known: the reading a perfect engine would store.

    One recognised line per drawn passage (its text and box), the passages as read_layout gives
    them; pictures not drawn here have no engine ("unavailable"), as on a server without tesseract.
    """
    from evidence.ocr import engine, services

    def read(item, storage):
        known = truths.get(item.sha256)
        if known is None:
            raise engine.EngineMissing("no drawing known for this picture")
        truth, width, height = known
        lines = [{"text": p["text"], "box": list(p["box"]), "confidence": 96.0} for p in truth["passages"]]
        passages = [{"n": n + 1, "side": p["side"], "text": p["text"], "time": p["time"], "lines": [n],
                     "box": list(p["box"])} for n, p in enumerate(truth["passages"])]
        return {"version": services.DERIVED_VERSION, "engine": "bench/phone_screens.py (what was drawn)",
                "seconds": 0.0, "width": width, "height": height, "lines": lines, "layout": truth["layout"],
                "title": truth["title"], "passages": passages, "content_lines": list(range(len(lines)))}

    return read


def setup_child(spec: dict) -> None:
    """Fresh process: make the case (pictures, labels, exports); print its id and what it holds."""
    _django()
    from django.core.management import call_command
    from django.db import connection

    from evidence.accounts.models import User
    from evidence.cases.models import Case
    from evidence.cases.services import case_create, number_label_set
    from evidence.imports import services as imports
    from evidence.imports.models import Import
    from evidence.intake.services import evidence_ingest
    from evidence.intake.uploads import stage_stream
    from evidence.ocr import services as ocr
    from evidence.reports import signing

    began = time.perf_counter()
    if spec["migrate"]:
        call_command("migrate", verbosity=0)
    owner = User.objects.create(username=f"bench-{os.getpid()}-{time.time_ns()}", role="borrower")
    case = case_create(owner=owner, title=f"bench {spec['name']}: 催收骚扰", jurisdiction="CN",
                       lender="某某小额贷款有限公司", lending_app="某某借", collection_agency="某某信息咨询有限公司")
    truths = {}
    if not spec["ocr"]:
        ocr._read = _truth_reader(truths)
    pictures = spec["pictures"]
    for n, picture in enumerate(pictures):
        with open(picture["path"], "rb") as stream:
            upload = stage_stream(stream, name=Path(picture["path"]).name, content_type=picture["mime"])
        if picture.get("truth"):
            truths[upload.sha256] = (picture["truth"], picture["width"], picture["height"])
        evidence_ingest(case=case, upload=upload, uploaded_by=owner, kind=picture["kind"],
                        occurred_at=START + timedelta(days=DAYS * n / len(pictures)), occurred_at_source="client")
    pictures_s = time.perf_counter() - began
    for number in spec["collectors"][:8]:
        number_label_set(case=case, number=number, role="collector", name="王某", actor=owner)

    imports._enqueue = lambda import_id: None  # run right below, in this process
    for name in (spec["calls_xml"], spec["sms_xml"]):
        with open(name, "rb") as stream:
            upload = stage_stream(stream, name=Path(name).name)
        job = imports.import_receive(case=case, upload=upload, created_by=owner)
        imports.import_run(import_id=str(job.id))
        job = Import.objects.get(id=job.id)
        assert job.status == "done", (job.errors, job.warnings)
    signing.signing_identity()  # made on first use: the first build should not pay for the key
    case = Case.objects.get(id=case.id)
    print(json.dumps({"case": str(case.id), "owner": str(owner.id), "setup_s": time.perf_counter() - began,
                      "pictures_s": pictures_s, "events": case.events.count(),
                      "items": case.evidence_items.count(), "vendor": connection.vendor}))


PROBES = [  # (module, owner within it or "", attribute, label): calls timed inside a build, when they exist
    ("evidence.reports.services", "", "_verify_originals", "verify: hash the originals"),
    ("evidence.reports.assemble", "", "report_content", "report: content (queries, rows)"),
    ("evidence.reports.services", "", "analysis_findings", "report: findings (analysis)"),
    ("evidence.reports.render", "", "context", "report: template values (rows as text)"),
    ("evidence.reports.render", "", "build_html", "report: HTML (template)"),
    ("weasyprint", "HTML", "render", "report: WeasyPrint layout"),
    ("weasyprint.document", "Document", "write_pdf", "report: WeasyPrint PDF writing"),
    ("evidence.reports.render", "", "draw_pictures", "report: exhibit pictures into their slots"),
    ("evidence.reports.exhibit_pages", "", "append", "report: picture pages after the text"),
    ("evidence.reports.signing", "", "sign_pdf", "sign: PAdES signature"),
    ("evidence.reports.records", "", "records_files", "packet: records (calls, messages CSV)"),
    ("evidence.reports.services", "", "write_packet", "packet: ZIP (originals, report, records)"),
    ("evidence.reports.services", "", "_store_and_finish", "store: derived storage, done"),
]


def build_child(spec: dict) -> None:
    """Fresh process, as a worker taking the job: request a bundle, time bundle_build alone."""
    _django()
    import importlib

    from evidence.cases.models import Case
    from evidence.reports import services as reports
    from evidence.reports.models import Bundle
    from evidence.storage.backends import get_storage

    # What a worker has imported before its first bundle, or by its second one.
    for name in ("weasyprint", "evidence.reports.render", "evidence.reports.signing", "evidence.reports.packet",
                 "pyhanko.sign.signers", "img2pdf", "pikepdf"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    case = Case.objects.get(id=spec["case"])
    reports._enqueue = lambda bundle_id: None  # built below, timed, not on commit
    bundle = reports.bundle_request(case=case, purpose="self", requested_by=case.owner)  # the borrower asks

    watermark, marks, probes = Watermark(), [], {}
    progress = reports._progress

    def timed_progress(bundle_, attempt, percent):
        marks.append((watermark.sample(), percent))
        progress(bundle_, attempt, percent)

    reports._progress = timed_progress
    page_kinds: dict = {}
    if not spec.get("profile"):  # under cProfile the probes would only add their own calls
        for module, owner, attribute, label in PROBES:
            try:
                target = importlib.import_module(module)
            except ImportError:
                continue
            _probe(watermark, probes, getattr(target, owner) if owner else target, attribute, label)
        _page_probe(page_kinds)
    gc.collect()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # e.g. forked at import
    rss_before = _status_mib("VmRSS")
    hwm_works = _reset_hwm()
    start = watermark.start()
    if spec.get("profile"):
        import cProfile

        cProfile.runctx("reports.bundle_build(bundle_id=str(bundle.id))", globals(), locals(), spec["profile"])
    else:
        reports.bundle_build(bundle_id=str(bundle.id))
    end = watermark.sample()
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    bundle = Bundle.objects.get(id=bundle.id)
    assert bundle.status == "done", bundle.error
    peak = watermark.peak(start, end) if hwm_works else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    phases, last = {}, start
    for name, upto in (("verify", 30), ("report", 60), ("sign", 70), ("packet", 95.0001), ("store", 100)):
        inside = [at for at, percent in marks if at > last and percent <= upto]
        if name == "store":
            inside = [end]
        if inside:
            phases[name] = [inside[-1] - last, watermark.peak(last, inside[-1])]
            last = inside[-1]
    storage = get_storage()
    report = storage._derived_path(f"reports/{bundle.report_sha256}.pdf")
    try:
        import pikepdf

        with pikepdf.open(report) as pdf:
            pages = len(pdf.pages)
    except ImportError:
        pages = None
    print(json.dumps({
        "build_s": end - start, "phases": phases, "probes": probes, "rss_before_mib": rss_before, "peak_mib": peak,
        "growth_mib": peak - rss_before, "hwm_reset": hwm_works,
        # the peak of a child process the build started, when higher than any before it (0: none was)
        "report_pages": page_kinds,
        "children_peak_mib": children_after if children_after > children_before else 0,
        "report_mib": report.stat().st_size / 2**20, "pages": pages,
        "packet_mib": storage._derived_path(f"packets/{bundle.packet_sha256}.zip").stat().st_size / 2**20,
        "items": len(bundle.items),
    }))


# --- the parent -----------------------------------------------------------------------------------

def floor(paths: list[str], out: Path) -> float:
    """The img2pdf command over the pictures onto A4 pages, then zip -q -r of their folder: seconds, together."""
    img2pdf = Path(sys.executable).parent / "img2pdf"
    command = [str(img2pdf)] if img2pdf.exists() else [sys.executable, "-m", "img2pdf"]
    out_pdf, out_zip = out / "img2pdf.pdf", out / "pictures.zip"
    out_zip.unlink(missing_ok=True)
    folder = Path(paths[0]).parent
    began = time.perf_counter()
    subprocess.run([*command, "--pagesize", "A4", "--output", str(out_pdf), *paths], check=True)
    subprocess.run(["zip", "-q", "-r", str(out_zip), folder.name], cwd=folder.parent, check=True)
    return time.perf_counter() - began


def _child(mode: str, spec: dict, folder: Path, env: dict) -> dict:
    path = folder / f"{mode}-{time.time_ns()}.json"
    path.write_text(json.dumps(spec, ensure_ascii=False))
    run = subprocess.run([sys.executable, __file__, f"--{mode}", str(path)], env=env, cwd=ROOT, capture_output=True,
                         text=True)
    if run.returncode:
        sys.exit(f"the {mode} run of the {spec.get('name', '')} case failed:\n{run.stderr[-4000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def measure(name: str, pictures: list[dict], exports: tuple, args, folder: Path, env: dict, migrate: bool) -> dict:
    """Set the case up, then alternate floor and build --repeats times; print the medians."""
    calls_xml, sms_xml, collectors = exports
    paths = [p["path"] for p in pictures]
    weight = sum(Path(p).stat().st_size for p in paths) / 2**20
    setup = _child("setup", {"name": name, "pictures": pictures, "calls_xml": str(calls_xml), "sms_xml": str(sms_xml),
                             "collectors": collectors, "ocr": args.ocr, "migrate": migrate}, folder, env)
    print(f"[{name}] case set up in {setup['setup_s']:.0f} s (pictures {setup['pictures_s']:.0f} s): "
          f"{setup['items']} items, {setup['events']} events, {setup['vendor']}; {len(paths)} pictures, {weight:.1f} MiB",
          flush=True)
    floors, builds = [], []
    for _ in range(args.repeats):
        floors.append(floor(paths, folder))
        builds.append(_child("build", {"name": name, "case": setup["case"]}, folder, env))
    seconds = [b["build_s"] for b in builds]
    growth = [b["growth_mib"] for b in builds]
    base, built = statistics.median(floors), statistics.median(seconds)
    middle = sorted(builds, key=lambda b: b["build_s"])[len(builds) // 2]
    ratio, grown = built / base, statistics.median(growth)
    runs = lambda values, unit: ", ".join(f"{v:.{1 if unit == 's' else 0}f}" for v in values)  # noqa: E731
    print(f"[{name}] floor          {base:8.2f} s   (img2pdf + zip -q -r of the same pictures; runs {runs(floors, 's')})")
    print(f"[{name}] bundle_build   {built:8.2f} s   (runs {runs(seconds, 's')}); report {middle['report_mib']:.1f} MiB, "
          f"{middle['pages']} pages; packet {middle['packet_mib']:.1f} MiB; {middle['items']} items")
    print(f"[{name}] ratio          {ratio:8.2f} x   target <= {TARGET_RATIO}   {_verdict(ratio <= TARGET_RATIO)}")
    print(f"[{name}] peak RSS growth {grown:7.0f} MiB target < {TARGET_GROWTH_MIB}   {_verdict(grown < TARGET_GROWTH_MIB)}"
          f"   (runs {runs(growth, 'MiB')}; {middle['rss_before_mib']:.0f} MiB before the build, peak "
          f"{middle['peak_mib']:.0f} MiB; "
          + (f"a child process of the build peaked at {middle['children_peak_mib']:.0f} MiB"
             if middle["children_peak_mib"] else "no larger child process during the build")
          + ("" if middle["hwm_reset"] else "; VmHWM could not be reset: ru_maxrss since the process began") + ")")
    print(f"[{name}]   phases (median run): " + ", ".join(f"{phase} {s:.1f} s (peak {mib:.0f} MiB)"
                                                        for phase, (s, mib) in middle["phases"].items()))
    for label, (count, s, mib) in middle["probes"].items():
        print(f"[{name}]     {label:<42} {s:6.2f} s  peak {mib:5.0f} MiB" + (f"  ({count} calls)" if count > 1 else ""))
    pages = middle.get("report_pages") or {}
    if pages:
        print(f"[{name}]   WeasyPrint's pages: " + "; ".join(
            f"{count} {kind} (layout {layout:.1f} s, drawing {drawing:.1f} s)" if count else f"{kind} {layout:.1f} s"
            for kind, (count, layout, drawing) in pages.items()))
    return {"case": setup["case"], "ratio": ratio, "growth": grown}


# Areas of a profile: the cumulative time of the calls that enter each one (first match wins
# per function; areas can nest, e.g. images inside WeasyPrint's layout, so they do not add up).
AREAS = [
    ("report content (assemble.report_content)", lambda f, n: f.endswith("reports/assemble.py") and n == "report_content"),
    ("  of it: timeline rows (calls, messages)", lambda f, n: f.endswith("reports/assemble.py") and n == "timeline"),
    ("report template values (render.context)", lambda f, n: f.endswith("reports/render.py") and n == "context"),
    ("  of it: the logs' tables (log_table)", lambda f, n: n == "log_table" and "evidence/reports" in f),
    ("report PDF in all (render.render_report)", lambda f, n: f.endswith("reports/render.py") and n == "render_report"),
    ("WeasyPrint layout (HTML.render: all pages)", lambda f, n: f.endswith("weasyprint/__init__.py") and n == "render"),
    ("  of it: lines of text (split_inline_box)", lambda f, n: f.endswith("layout/inline.py") and n == "split_inline_box"),
    ("  of it: tables (table_layout)", lambda f, n: f.endswith("layout/table.py") and n == "table_layout"),
    ("  of it: images loaded by WeasyPrint", lambda f, n: f.endswith("weasyprint/images.py") and n == "get_image_from_uri"),
    ("WeasyPrint PDF writing (write_pdf)", lambda f, n: f.endswith("weasyprint/document.py") and n == "write_pdf"),
    ("  of it: drawing pages", lambda f, n: f.endswith("draw/__init__.py") and n == "draw_page"),
    ("  of it: images encoded by WeasyPrint", lambda f, n: f.endswith("weasyprint/images.py") and n == "get_x_object"),
    ("exhibit pictures (images.draw_pictures)", lambda f, n: f.endswith("reports/images.py") and n == "draw_pictures"),
    ("picture pages (exhibit_pages.append)", lambda f, n: f.endswith("reports/exhibit_pages.py") and n == "append"),
    ("  of it: captions as a text layer", lambda f, n: f.endswith("reports/exhibit_pages.py") and n == "_caption_page"),
    ("  of it: img2pdf", lambda f, n: f.endswith("img2pdf.py") and n == "convert"),
    ("  of it: pikepdf save", lambda f, n: "pikepdf" in f and n == "save"),
    ("exhibit slots (images.slot_of, place)", lambda f, n: f.endswith("reports/images.py") and n in ("slot_of", "place")),
    ("signing (signing.sign_pdf)", lambda f, n: f.endswith("signing/pdf.py") and n == "sign_pdf"),
    ("packet (packet.write_packet)", lambda f, n: f.endswith("reports/packet.py") and n == "write_packet"),
    ("  zlib compression", lambda f, n: n.startswith(("<method 'compress' of 'zlib", "<built-in method zlib.compress"))),
    ("records files (records.records_files)", lambda f, n: f.endswith("reports/records.py") and n == "records_files"),
    ("hashing (sha256 updates)", lambda f, n: "_hashlib.HASH" in n and "update" in n),
    ("database: queries (CursorWrapper.execute*)", lambda f, n: f.endswith("django/db/backends/utils.py")
     and n in ("execute", "executemany")),
    ("database: rows fetched (sqlite3 fetchmany)", lambda f, n: n == "<method 'fetchmany' of 'sqlite3.Cursor' objects>"),
    ("database: values converted (dates, UUIDs)", lambda f, n: f.endswith("sql/compiler.py") and n == "apply_converters"),
    ("database: model instances (Model.from_db)", lambda f, n: f.endswith("django/db/models/base.py")
     and n == "from_db"),
]


def profile_breakdown(path: Path, total: float) -> None:
    """The profile by area (cumulative seconds), then the top functions by cumulative and own time."""
    import pstats

    stats = pstats.Stats(str(path))
    seconds = {label: 0.0 for label, _ in AREAS}
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for label, matches in AREAS:
            if matches(filename, function):
                # several functions of one file (images.py) add up; recursive ones count once per entry
                seconds[label] += cumulative
                break
    print(f"profile of one phone-case build ({total:.1f} s under cProfile), by area (cumulative: an 'of it' line is "
          "inside the one above it; the database's lines are inside report content and records files):")
    for label, s in seconds.items():
        if s:
            print(f"  {label:<48} {s:7.2f} s  {100 * s / total:5.1f} %")
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pictures", "--screenshots", type=int, default=200, help="pictures in the phone case")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3, help="floor and build runs per case, alternated")
    parser.add_argument("--noisy", type=int, default=50, help="noisy PNGs in the second case (0: no second case)")
    parser.add_argument("--noisy-messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-bundle"), help="where pictures are kept")
    parser.add_argument("--ocr", action="store_true", help="read the pictures with tesseract while setting up")
    parser.add_argument("--profile", type=Path, help="one more phone-case build under cProfile, stats to this file")
    parser.add_argument("--setup", help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        return setup_child(json.loads(Path(args.setup).read_text()))
    if args.build:
        return build_child(json.loads(Path(args.build).read_text()))

    began = time.perf_counter()
    made = time.perf_counter()
    phone = make_pictures(args.dir / "phone", args.pictures, args.seed)
    print(f"{len(phone)} phone pictures in {args.dir / 'phone'} ({time.perf_counter() - made:.0f} s):")
    print(size_table(phone), flush=True)
    noisy = [str(p) for p in make_screenshots(args.dir / "noisy" / "shots", args.noisy)] if args.noisy else []
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as name:
        folder = Path(name)
        (folder / "data").mkdir()
        env = {**os.environ, "DATA_DIR": os.environ.get("DATA_DIR", str(folder / "data")),
               "CELERY_TASK_ALWAYS_EAGER": "true", "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING")}
        print(f"database: {'DATABASE_URL' if 'DATABASE_URL' in os.environ else 'SQLite (embedded default)'}; "
              f"{args.repeats} runs of each side, alternated; text recognition: "
              f"{'tesseract' if args.ocr else 'what was drawn'}", flush=True)
        exports = make_exports(folder / "phone-exports", args.calls, args.messages)
        pictures = [{"path": p.path, "mime": p.mime, "kind": p.kind, "width": p.width, "height": p.height,
                     "truth": p.truth} for p in phone]
        print(f"[phone] {len(phone)} pictures, {args.calls} calls, {args.messages} messages", flush=True)
        result = measure("phone", pictures, exports, args, folder, env, migrate=True)
        if noisy:
            exports_noisy = make_exports(folder / "noisy-exports", args.calls, args.noisy_messages)
            print(f"[noisy] {len(noisy)} noisy 1080x2400 PNGs, {args.calls} calls, {args.noisy_messages} messages",
                  flush=True)
            measure("noisy", [{"path": p, "mime": "image/png", "kind": "screenshot", "width": 1080, "height": 2400,
                               "truth": None} for p in noisy], exports_noisy, args, folder, env, migrate=False)
        print(f"phone case: ratio {result['ratio']:.2f} x ({_verdict(result['ratio'] <= TARGET_RATIO)}), "
              f"peak RSS growth {result['growth']:.0f} MiB ({_verdict(result['growth'] < TARGET_GROWTH_MIB)}); "
              f"{time.perf_counter() - began:.0f} s in all", flush=True)
        if args.profile:
            profiled = _child("build", {"name": "phone", "case": result["case"], "profile": str(args.profile.resolve())},
                              folder, env)
            profile_breakdown(args.profile, profiled["build_s"])


if __name__ == "__main__":
    main()
