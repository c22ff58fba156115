"""Import benchmark: a 100k-message sms.xml, against a bare streaming iterparse of the same file.

Prints the import job's wall time (parse, stage, insert, commit) as a ratio to a bare
`xml.etree.ElementTree.iterparse` pass that clears each element, and the import process's
peak memory. Targets: ratio <= 3, peak < 200 MiB. Also times a timeline page and the
numbers overview on the imported case.

    .venv/bin/python bench/imports.py [--messages 100000] [--runs 3]

It uses DATABASE_URL when set (the scaled setup, e.g. PostgreSQL), otherwise a fresh SQLite
database in a temporary DATA_DIR (the embedded default).
"""

import argparse
import json
import logging
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BODIES = [
    "【某某贷】您的借款已逾期{n}天，请今日 18:00 前还款，否则将联系您的紧急联系人。",
    "再不还钱我们就去你单位找你领导 😡 {n}",
    "您好，这里是某某调解中心，您的案件已提交法院立案 {n}",
    "好的，我知道了 {n}",
]


def readable_date(moment: datetime) -> str:
    """The phone's locale (zh-CN) as the app writes it: 2024年6月18日 下午11:59:58."""
    hour = moment.hour % 12 or 12
    noon = "上午" if moment.hour < 12 else "下午"
    return f"{moment.year}年{moment.month}月{moment.day}日 {noon}{hour}:{moment:%M:%S}"


def make_backup(path: Path, messages: int) -> None:
    """A realistic backup: rotating collector numbers, mixed types, emoji as real characters."""
    rng = random.Random(7)
    # Collectors rotate numbers, but a borrower's phone still sees hundreds, not thousands.
    numbers = [f"+86 1{rng.randint(30, 99)}{rng.randint(0, 9999):04d}{rng.randint(0, 9999):04d}" for _ in range(800)]
    # The messages lead up to the backup's date (18/06/2024 23:59:58 in China, 15:59:58 UTC).
    start = datetime(2024, 6, 18, 15, 59, 58, tzinfo=UTC) - timedelta(seconds=127 * messages)
    china = timezone(timedelta(hours=8))
    with open(path, "w", encoding="utf-8") as out:
        # The header exactly as the app writes it: comment with version and date, then the stylesheet.
        out.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
                  "<!--File Created By SMS Backup & Restore v10.05.612 on 18/06/2024 23:59:58-->\n"
                  '<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n'
                  f'<smses count="{messages}" backup_set="b90dbec0-5a3c-4e2b-9a6f-0c1d2e3f4a5b" '
                  'backup_date="1718726398000" type="full">\n')
        moment = start
        for n in range(messages):
            moment += timedelta(seconds=rng.randint(10, 240), milliseconds=rng.randint(0, 999))
            body = BODIES[n % len(BODIES)].format(n=n).replace("&", "&amp;").replace('"', "&quot;")
            date = int(moment.timestamp() * 1000)
            out.write(
                f'  <sms protocol="0" address="{rng.choice(numbers)}" '
                f'date="{date}" type="{1 if n % 5 else 2}" subject="null" body="{body}" toa="null" '
                f'sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="{date - 2000}" '
                f'sub_id="1" readable_date="{readable_date(moment.astimezone(china))}" contact_name="(Unknown)" />\n'
            )
        out.write("</smses>\n")


def bare_iterparse(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds: on a shared machine the CPU ratio is the steadier of the two."""
    start, cpu_start = time.perf_counter(), time.process_time()
    count = 0
    for _event, element in ElementTree.iterparse(path, events=("end",)):
        if element.tag == "sms":
            count += 1
        element.clear()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert count > 0
    return elapsed, cpu


def child(path: Path) -> None:
    """Run in a fresh process: receive the export, then time the import job alone."""
    sys.path.insert(0, str(ROOT))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from evidence.accounts.models import User
    from evidence.cases.services import case_create
    from evidence.imports.models import Import
    from evidence.imports.services import import_receive, import_run
    from evidence.intake.uploads import stage_stream

    call_command("migrate", verbosity=0)
    owner = User.objects.create(username=f"bench-{os.getpid()}-{time.time_ns()}", role="borrower")
    case = case_create(owner=owner, title="bench", jurisdiction="CN")
    with open(path, "rb") as stream:
        upload = stage_stream(stream, name="sms.xml")
    job = import_receive(case=case, upload=upload, created_by=owner)
    phases = {}

    class PhaseTimes(logging.Handler):
        def emit(self, record):
            phases.update(parse_s=getattr(record, "parse_s", None), write_s=getattr(record, "write_s", None))

    logging.getLogger("evidence.imports.services").addHandler(PhaseTimes())
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu_start = time.perf_counter(), time.process_time()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        cProfile.runctx("import_run(import_id=str(job.id))", globals(), locals(), os.environ["BENCH_PROFILE"])
    else:
        import_run(import_id=str(job.id))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    job = Import.objects.get(id=job.id)
    assert job.status == "done", (job.errors, job.warnings)

    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(owner)
    timings = {}
    top_number = case.events.values_list("number_normalized", flat=True).first()
    last_page = max(1, (case.events.count() + 99) // 100)
    for name, url in [
        ("timeline_first_page", f"/api/cases/{case.id}/timeline/?page_size=100"),
        ("timeline_last_page", f"/api/cases/{case.id}/timeline/?page_size=100&page={last_page}"),
        ("timeline_one_number", f"/api/cases/{case.id}/timeline/?number={top_number}&kind=message"),
        ("numbers_overview", f"/api/cases/{case.id}/numbers/"),
    ]:
        begin = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1")
        timings[name] = round(time.perf_counter() - begin, 3)
        assert response.status_code == 200, (url, response.status_code)
    print(json.dumps({
        "import_s": elapsed, "import_cpu_s": cpu, "counts": job.counts, **phases, "vendor": connection.vendor,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mib": rss_before / 1024, "reads_s": timings,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)

    with tempfile.TemporaryDirectory(prefix="bench-imports-") as folder:
        backup = Path(folder) / "sms.xml"
        make_backup(backup, args.messages)
        env = {**os.environ, "DATA_DIR": os.environ.get("DATA_DIR", folder)}
        print(f"{args.messages} messages, {backup.stat().st_size / (1 << 20):.1f} MiB, "
              f"database: {'DATABASE_URL' if 'DATABASE_URL' in os.environ else 'SQLite (embedded default)'}")
        ratios, cpu_ratios, results = [], [], []
        for run in range(args.runs):
            baseline, baseline_cpu = bare_iterparse(backup)
            child_run = subprocess.run([sys.executable, __file__, "--child", str(backup)], env=env, cwd=ROOT,
                                       capture_output=True, text=True)
            if child_run.returncode:
                sys.exit(f"the import run failed:\n{child_run.stderr[-3000:]}")
            output = child_run.stdout
            result = json.loads(output.strip().splitlines()[-1])
            results.append(result)
            ratios.append(result["import_s"] / baseline)
            cpu_ratios.append(result["import_cpu_s"] / baseline_cpu)
            print(f"run {run + 1}: iterparse {baseline:.2f} s, import {result['import_s']:.2f} s "
                  f"(parse and stage {result['parse_s']:.2f} s = {result['parse_s'] / baseline:.1f}x, "
                  f"database {result['write_s']:.2f} s), ratio {ratios[-1]:.2f}, CPU ratio {cpu_ratios[-1]:.2f}, peak RSS {result['peak_rss_mib']:.0f} MiB, counts {result['counts']}")
        print(f"median ratio {statistics.median(ratios):.2f} (target <= 3; CPU-time ratio "
              f"{statistics.median(cpu_ratios):.2f}, in-process work only), "
              f"max peak RSS {max(r['peak_rss_mib'] for r in results):.0f} MiB (target < 200)")
        print(f"reads on the imported case (s): {results[-1]['reads_s']}")


if __name__ == "__main__":
    main()
