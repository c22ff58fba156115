"""Search benchmark: GET /api/cases/{id}/search/ over a case of 100k events and 500 recognised screenshots.

    .venv/bin/python bench/search.py [--events 100000] [--texts 500] [--rounds 5] [--write-cost]

In a fresh process it migrates the database (DATABASE_URL when set, e.g. PostgreSQL; otherwise a
fresh SQLite in a temporary DATA_DIR, the embedded default), makes a borrower's case with
`--events` calls and messages (three in four are messages: collectors' texts in Chinese, some in
English, from 800 rotating numbers over a year; one call in twenty carries a note) written the way
an import writes them (events_insert: COPY or executemany, through the search triggers and
indexes), 500 evidence items with 20 lines of recognised text each, then times 20 queries —
2-character, 3-character and 5-character Chinese, English words, and misses — through the API
view with Django's test client, first page (50 hits), the access log written as in production.
One warm-up round, then `--rounds` rounds; prints the median and p95 per query kind and overall,
and how many hits each query has. Target: <= 200 ms per query.

`--write-cost` also times the same events written into a second case without the search indexes
(dropped for the run, then rebuilt, which is timed too): what the index upkeep adds to an import.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

APPS = ["某某贷", "闪电借", "极速花", "好易借", "随心贷"]
NAMES = ["张", "王", "李", "赵", "刘", "陈"]
BODIES = [
    "【{app}】您的借款已逾期{n}天，请于今日 18:00 前还款{amt}元，否则将联系您的紧急联系人。",
    "再不还钱我们就上门，联系你家人和你单位领导，后果自负 {n}",
    "你这个老赖，欠钱不还，我们已经把你的资料发到通讯录里了 {n}",
    "【{app}法务部】您的案件已提交法院立案，传票编号{n}，请尽快与我们联系处理。",
    "{name}先生，今天下午我们的外访人员会去你家，请在家等候。",
    "律师函：鉴于您长期拖欠{amt}元，本所受{app}委托，将依法追究您的法律责任。",
    "最后通知：今晚 24 点前不处理，明天直接起诉，并通知你的同事和亲戚 {n}",
    "您好，这里是{app}调解中心，您的欠款可以申请分期，回电 400-{n}",
    "好的，我知道了，我这个月发工资就还 {n}",
    "Your {app} loan is {n} days overdue. Pay {amt} CNY today to avoid legal action.",
    "This is the final notice before we contact your employer. Ref {n}",
    "您的验证码是{n}，五分钟内有效。",
    "快递{n}已到驿站，请凭取件码取件。",
]
NOTES = ["对方骂人，说要去我老家", "自称律师，说已经起诉", "凌晨打来，没有说话", "威胁要爆我通讯录", "说要上门找我父母"]
CHAT = [
    "你好在吗", "你的账单已经逾期了", "今天必须处理", "我现在没钱", "那就找你家人要", "别打给我家人",
    "不还钱就去你单位", "我们已经准备起诉了", "你等着收法院传票吧", "能不能分期", "不能分期，全额还款",
    "再不还就爆你通讯录", "你的照片我们已经做好了", "我会报警的", "随便你，报警也没用", "晚上十点前打款",
    "账号发你了", "我已经截图保存了", "你这是违法催收", "明天上门",
]
QUERIES = [
    ("2 characters", ["法院", "上门", "家人", "律师", "报警"]),
    ("3 characters", ["通讯录", "律师函", "验证码", "老赖，", "去你家"]),
    ("5 characters", ["紧急联系人", "联系你家人", "法院立案，", "依法追究您"]),
    ("English word", ["overdue", "employer", "legal"]),
    ("miss", ["没有这句话", "zebra", "鳄"]),
]


def _rows(rng, count: int, start: datetime, numbers: list[str]):
    from evidence.events.services import EventRow, event_fingerprint

    for n in range(count):
        at = start + timedelta(seconds=rng.randrange(365 * 86400), milliseconds=n % 1000)
        number = rng.choice(numbers)
        if rng.random() < 0.75:
            body = rng.choice(BODIES).format(app=rng.choice(APPS), name=rng.choice(NAMES), n=rng.randrange(10**6),
                                             amt=rng.randrange(500, 50000))
            kind, channel, direction, duration, status = "message", "sms", "in", None, "received"
        else:
            body, kind, channel, status = "", "call", "phone", ""
            direction = rng.choice(["in", "missed", "missed", "rejected", "out"])
            duration = rng.randrange(5, 300) if direction in ("in", "out") else 0
        fingerprint = event_fingerprint(kind=kind, channel=channel, occurred_at=at, number_normalized=number,
                                        direction=direction, duration_s=duration, body=body)
        yield EventRow(kind, channel, direction, status, at, number, number, "", duration, body, f"row {n}", None,
                       fingerprint)


def _fill_events(case, rng, count: int) -> float:
    """Write `count` events as an import does; seconds taken (one transaction)."""
    from django.db import transaction

    from evidence.events.models import Event
    from evidence.events.services import events_insert

    numbers = [f"+86 1{rng.randint(30, 99)}{rng.randint(0, 9999):04d}{rng.randint(0, 9999):04d}" for _ in range(800)]
    begin = time.perf_counter()
    with transaction.atomic():
        events_insert(case=case, source_item_id=None, rows=_rows(rng, count, datetime(2025, 12, 1, tzinfo=UTC), numbers))
        calls = list(Event.objects.filter(case=case, kind="call").values_list("id", flat=True))
        for event_id in rng.sample(calls, len(calls) // 20):  # one call in twenty has the borrower's note
            Event.objects.filter(id=event_id).update(note=rng.choice(NOTES))
    return time.perf_counter() - begin


def _fill_texts(case, owner, rng, count: int) -> None:
    from evidence.intake.models import EvidenceItem
    from evidence.ocr.models import RecognizedText

    received = datetime(2026, 11, 1, tzinfo=UTC)
    items = [EvidenceItem(case=case, kind="screenshot", sha256=uuid.uuid4().hex * 2, size=300_000, mime="image/png",
                          original_name=f"Screenshot_2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}-{n:04d}.png",
                          received_at=received + timedelta(minutes=n),
                          occurred_at=received - timedelta(days=rng.randrange(300)),
                          note=rng.choice(["", "", "", "催收短信截图", "微信聊天，对方威胁上门"]),
                          uploaded_by=owner) for n in range(count)]
    EvidenceItem.objects.bulk_create(items, batch_size=500)
    texts = []
    for item in items:
        lines = [f"{rng.choice(APPS)}客服"] + [rng.choice(CHAT) for _ in range(19)]
        passages = [{"n": i + 1, "side": rng.choice(["theirs", "mine"]), "text": line, "time": ""}
                    for i, line in enumerate(lines[1:])]
        texts.append(RecognizedText(item=item, case=case, status="done", lang="zh-Hans", layout="chat",
                                    content="\n".join(lines), title=lines[0], passages=passages))
    RecognizedText.objects.bulk_create(texts, batch_size=500)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _plan(case, query: str) -> str:
    """On PostgreSQL: which index the events part of a search reads, by EXPLAIN."""
    from django.db import connection

    from evidence.search.selectors import SearchScope, search_rows

    sql, params = search_rows(SearchScope(case=case), query).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) {sql} LIMIT 50", params)
        plan = [row[0] for row in cursor.fetchall()]
    return " | ".join(line.strip() for line in plan if "Index" in line or "Execution" in line)[:600]


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.test import APIClient

    from evidence.accounts.models import User
    from evidence.cases.services import case_create
    from evidence.search import backends

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    owner = User.objects.create(username=f"bench-{os.getpid()}-{time.time_ns()}", role="borrower")
    case = case_create(owner=owner, title="bench", jurisdiction="CN")
    result = {"vendor": connection.vendor, "write_s": _fill_events(case, rng, args.events)}
    _fill_texts(case, owner, rng, args.texts)
    if args.write_cost:
        other = case_create(owner=owner, title="bench without index", jurisdiction="CN")
        backends.uninstall()
        result["write_without_index_s"] = _fill_events(other, random.Random(7), args.events)
        begin = time.perf_counter()
        backends.install()
        result["rebuild_s"] = time.perf_counter() - begin
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = APIClient()
    client.force_authenticate(owner)
    url = f"/api/cases/{case.id}/search/"
    timings: dict[str, list[float]] = {}
    counts = {}
    for round_ in range(args.rounds + 1):
        for group, queries in QUERIES:
            for query in queries:
                begin = time.perf_counter()
                response = client.get(url, {"q": query}, HTTP_HOST="127.0.0.1")
                elapsed = (time.perf_counter() - begin) * 1000
                assert response.status_code == 200, (query, response.status_code, response.content[:300])
                counts[query] = response.json()["count"]
                if round_:  # the first round warms caches up
                    timings.setdefault(group, []).append(elapsed)
    result.update(timings=timings, counts=counts)
    if connection.vendor == "postgresql":
        result["plans"] = {query: _plan(case, query) for query in ("通讯录", "紧急联系人", "法院")}
    print(json.dumps(result, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write-cost", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        env = {**os.environ, "DATA_DIR": os.environ.get("DATA_DIR", folder), "LOG_LEVEL": "WARNING"}
        print(f"{args.events} events, {args.texts} recognised screenshots of 20 lines, database: "
              f"{'DATABASE_URL' if 'DATABASE_URL' in os.environ else 'SQLite (embedded default)'}")
        command = [sys.executable, __file__, "--child", "--events", str(args.events), "--texts", str(args.texts),
                   "--rounds", str(args.rounds), *(["--write-cost"] if args.write_cost else [])]
        run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        if run.returncode:
            sys.exit(f"the benchmark run failed:\n{run.stderr[-3000:]}")
        result = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"{result['vendor']}: {args.events} events written in {result['write_s']:.2f} s (with the search index)")
    if "write_without_index_s" in result:
        print(f"  the same without the search index: {result['write_without_index_s']:.2f} s; "
              f"rebuilding the index over both cases: {result['rebuild_s']:.2f} s")
    everything = []
    for group, queries in QUERIES:
        values = result["timings"][group]
        everything += values
        hits = ", ".join(f"{q.strip()} {result['counts'][q]}" for q in queries)
        print(f"  {group:13} median {statistics.median(values):6.1f} ms, p95 {_percentile(values, 95):6.1f} ms  "
              f"(hits: {hits})")
    print(f"  all {len(everything)} searches: median {statistics.median(everything):.1f} ms, "
          f"p95 {_percentile(everything, 95):.1f} ms, max {max(everything):.1f} ms (target <= 200 ms)")
    for query, plan in result.get("plans", {}).items():
        print(f"  plan for {query}: {plan}")


if __name__ == "__main__":
    main()
