"""Bundle benchmark: bundle_build() on a big case, against img2pdf + zip over the same screenshots.

    .venv/bin/python bench/bundle.py [--screenshots 200] [--calls 2000] [--messages 10000] [--profile out.prof]

In a fresh process with the embedded default (SQLite in a temporary DATA_DIR; DATABASE_URL when
set) it makes a borrower and a case, uploads the screenshots (1080x2400 noisy PNGs, so they weigh
what real ones do) through stage_stream + evidence_ingest, labels a few collector numbers, imports
an SMS Backup & Restore calls.xml and sms.xml through import_receive + import_run, requests a
bundle and times bundle_build alone (verify, report PDF, signature, packet, storage), with the
process's peak RSS. Celery runs eagerly in that process, so the jobs that follow an upload or an
import (metadata, thumbnails, analysis) have run before the build, as a worker would have run them;
the bundle's own job is kept from running on commit and is called directly.

The floor is what any tool must do with the same files: img2pdf puts the 200 PNGs on pages and
`zip -q -r` packs them, timed together. Targets: bundle / floor <= 1.5, peak RSS < 500 MiB.
"""

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_render import SIZE, make_screenshots  # noqa: E402  (bench/, beside this file)

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


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_hwm() -> bool:
    """Reset this process's VmHWM (Linux; ru_maxrss follows it), so each phase's own peak can be read."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _hwm_mib() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def child(spec: dict) -> None:
    """Fresh process: build the case (untimed), then time bundle_build alone."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from evidence.accounts.models import User
    from evidence.cases.services import case_create, number_label_set
    from evidence.imports import services as imports
    from evidence.imports.models import Import
    from evidence.intake.services import evidence_ingest
    from evidence.reports import services as reports
    from evidence.reports.models import Bundle
    from evidence.storage.backends import get_storage
    from evidence.storage.uploads import stage_stream

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    owner = User.objects.create(username=f"bench-{os.getpid()}-{time.time_ns()}", role="borrower")
    case = case_create(owner=owner, title="bench: 催收骚扰", jurisdiction="CN", lender="某某小额贷款有限公司",
                       lending_app="某某借", collection_agency="某某信息咨询有限公司")
    for n, name in enumerate(spec["shots"]):
        with open(name, "rb") as stream:
            upload = stage_stream(stream, name=f"Screenshot_{n:03d}.png", content_type="image/png")
        evidence_ingest(case=case, upload=upload, uploaded_by=owner, kind="screenshot",
                        occurred_at=START + timedelta(days=DAYS * n / len(spec["shots"])), occurred_at_source="client")
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
    setup_s = time.perf_counter() - began

    reports._enqueue = lambda bundle_id: None  # built below, timed, not on commit
    bundle = reports.bundle_request(case=case, purpose="self", requested_by=owner)
    marks = []  # (time, percent, VmHWM since the mark before, MiB)
    progress = reports._progress

    def timed_progress(bundle_, attempt, percent):
        marks.append((time.perf_counter(), percent, _hwm_mib()))
        _reset_hwm()
        progress(bundle_, attempt, percent)

    reports._progress = timed_progress
    gc.collect()
    rss_before = _rss_mib()
    hwm_reset = _reset_hwm()
    start = time.perf_counter()
    if spec.get("profile"):
        import cProfile

        cProfile.runctx("reports.bundle_build(bundle_id=str(bundle.id))", globals(), locals(), spec["profile"])
    else:
        reports.bundle_build(bundle_id=str(bundle.id))
    elapsed = time.perf_counter() - start
    marks.append((start + elapsed, 100, _hwm_mib()))
    build_hwm = max((m[2] for m in marks), default=None) if hwm_reset else None
    bundle = Bundle.objects.get(id=bundle.id)
    assert bundle.status == "done", bundle.error

    # Phases from the progress bar: verify 0-30 %, report 30-60, signature 60-70, packet 70-95, store 95-100;
    # each with its seconds and the peak RSS reached in it (VmHWM, reset at every step of the bar; memory a
    # phase freed but the allocator kept still counts in the next ones).
    phases, last = {}, start
    for name, upto in (("verify_originals", 30), ("report_pdf", 60), ("sign_pdf", 70), ("packet", 95.0001),
                       ("store_and_finish", 100)):
        inside = [m for m in marks if m[0] > last and m[1] <= upto]
        if inside:
            phases[name] = [round(inside[-1][0] - last, 2), round(max(m[2] or 0 for m in inside))]
            last = inside[-1][0]
    storage = get_storage()
    print(json.dumps({
        "build_s": elapsed, "setup_s": setup_s, "phases": phases, "vendor": connection.vendor,
        # Resetting VmHWM lowers ru_maxrss too: the process's peak is the larger of before and during.
        "rss_before_mib": rss_before, "peak_rss_mib": max(rss_before, _rss_mib(), build_hwm or 0),
        "build_hwm_mib": build_hwm,
        "report_mib": storage._derived_path(f"reports/{bundle.report_sha256}.pdf").stat().st_size / 2**20,
        "packet_mib": storage._derived_path(f"packets/{bundle.packet_sha256}.zip").stat().st_size / 2**20,
        "events": case.events.count(), "items": len(bundle.items),
    }))


def floor(shots: list[str], folder: Path) -> float:
    """img2pdf over the PNGs onto A4 pages, then zip -q -r of the same files: seconds, together."""
    img2pdf = Path(sys.executable).parent / "img2pdf"
    command = [str(img2pdf)] if img2pdf.exists() else [sys.executable, "-m", "img2pdf"]
    out_pdf, out_zip = folder / "img2pdf.pdf", folder / "shots.zip"
    out_zip.unlink(missing_ok=True)
    began = time.perf_counter()
    subprocess.run([*command, "--pagesize", "A4", "--output", str(out_pdf), *shots], check=True)
    subprocess.run(["zip", "-q", "-r", str(out_zip), Path(shots[0]).parent.name], cwd=Path(shots[0]).parent.parent,
                   check=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=int, default=200)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--profile", type=Path, help="run bundle_build under cProfile, stats to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(json.loads(Path(args.child).read_text()))

    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as name:
        folder = Path(name)
        shots = [str(p) for p in make_screenshots(folder / "shots", args.screenshots)]
        calls_xml, sms_xml, collectors = make_exports(folder, args.calls, args.messages)
        spec = {"shots": shots, "calls_xml": str(calls_xml), "sms_xml": str(sms_xml), "collectors": collectors,
                "profile": str(args.profile.resolve()) if args.profile else None}
        (folder / "spec.json").write_text(json.dumps(spec))
        (folder / "data").mkdir()
        env = {**os.environ, "DATA_DIR": os.environ.get("DATA_DIR", str(folder / "data")),
               "CELERY_TASK_ALWAYS_EAGER": "true"}
        weight = sum(Path(p).stat().st_size for p in shots) / 2**20
        print(f"{len(shots)} screenshots {SIZE[0]}x{SIZE[1]} ({weight:.0f} MiB), {args.calls} calls, "
              f"{args.messages} messages; database: "
              f"{'DATABASE_URL' if 'DATABASE_URL' in os.environ else 'SQLite (embedded default)'}")
        run = subprocess.run([sys.executable, __file__, "--child", str(folder / "spec.json")], env=env, cwd=ROOT,
                             capture_output=True, text=True)
        if run.returncode:
            sys.exit(f"the bundle run failed:\n{run.stderr[-4000:]}")
        result = json.loads(run.stdout.strip().splitlines()[-1])
        baseline = floor(shots, folder)
        ratio = result["build_s"] / baseline
        print(f"case set up in {result['setup_s']:.1f} s ({result['items']} items, {result['events']} events, "
              f"{result['vendor']})")
        print(f"bundle_build   {result['build_s']:8.2f} s   report {result['report_mib']:.0f} MiB, "
              f"packet {result['packet_mib']:.0f} MiB")
        print("  phases       " + ", ".join(f"{name} {s:.1f} s (peak {mib} MiB)" for name, (s, mib) in
                                         result["phases"].items()))
        print(f"floor          {baseline:8.2f} s   (img2pdf + zip -q -r of the same PNGs)")
        print(f"ratio          {ratio:8.2f} x   (target <= 1.5)")
        hwm = result["build_hwm_mib"]
        print(f"peak RSS       {result['peak_rss_mib']:8.0f} MiB (process; {result['rss_before_mib']:.0f} MiB "
              f"before the build, +{result['peak_rss_mib'] - result['rss_before_mib']:.0f} MiB)"
              + (f", {hwm:.0f} MiB during the build alone" if hwm is not None else "") + "   (target < 500)")
        if args.profile:
            import pstats

            stats = pstats.Stats(str(args.profile))
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
