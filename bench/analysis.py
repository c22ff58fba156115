"""Analysis benchmark: time analyse() and charts() on a synthetic log of 100k events.

    .venv/bin/python bench/analysis.py [--events 100000] [--runs 3] [--jurisdiction CN]

Prints wall and CPU time of each over the runs (best, median), and the findings per rule.
Target: analyse() well under 2 s on one core for 100k events.
"""

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence.analysis.engine import analyse, charts  # noqa: E402
from evidence.analysis.facts import EventFact, ThirdPartyFact  # noqa: E402
from evidence.analysis.rulesets import load_ruleset  # noqa: E402

ZONES = {"CN": "Asia/Shanghai", "US": "America/New_York", "UK": "Europe/London"}
TEXTS = [
    "【某某金融】您的借款已逾期{n}天，请于今日还款{amt}元。",
    "再不还款我们就上门，联系你家人和你单位。",
    "你这个老赖，不还钱就去死吧，第{n}次通知。",
    "我们已向法院提交材料，传票{n}号即将送达。",
    "Your account is past due. Pay ${amt} today to avoid legal action. Ref {n}",
    "This is a courtesy reminder, however, please call us back. Ref {n}",
    "您的验证码是{n}，五分钟内有效。",
    "晚上一起吃饭吗？{n}",
    "Your parcel {n} is out for delivery.",
]
CALL_DIRECTIONS = ["in"] * 30 + ["missed"] * 40 + ["rejected"] * 10 + ["blocked"] * 5 + ["voicemail"] * 5 + ["out"] * 10


def make_log(n: int, seed: int = 7) -> tuple[list[EventFact], dict[str, str], list[ThirdPartyFact]]:
    """A year of calls and messages from 300 numbers, some labelled, some typed in by hand."""
    rng = random.Random(seed)
    numbers = [f"+86138{rng.randrange(10**8):08d}" for _ in range(300)]
    labels = {number: "collector" for number in numbers[:40]}
    labels.update({number: "relative" for number in numbers[40:50]})
    start = datetime(2026, 1, 1, tzinfo=UTC)
    events = []
    for _ in range(n):
        at = start + timedelta(seconds=rng.randrange(365 * 86400))
        number = "" if rng.random() < 0.02 else rng.choice(numbers)
        text = rng.choice(TEXTS).format(n=rng.randrange(10**6), amt=rng.randrange(100, 99999))
        if rng.random() < 0.7:
            direction = rng.choice(CALL_DIRECTIONS)
            duration = rng.randrange(0, 300) if direction in ("in", "out") else 0
            note = text if rng.random() < 0.05 else ""
            events.append(_event(rng, "call", "phone", direction, at, number, duration, note))
        else:
            direction = "out" if rng.random() < 0.1 else "in"
            events.append(_event(rng, "message", "sms", direction, at, number, None, text))
    third = [
        ThirdPartyFact(
            id=str(uuid.UUID(int=rng.getrandbits(128))),
            contacted_at=start + timedelta(seconds=rng.randrange(365 * 86400)),
            relation=rng.choice(["relative", "employer", "colleague", "friend", "other"]),
            channel="phone",
            disclosed_debt=rng.random() < 0.3,
            after_refusal=rng.random() < 0.1,
        )
        for _ in range(1000)
    ]
    return events, labels, third


def _event(rng, kind, channel, direction, at, number, duration, text) -> EventFact:
    return EventFact(
        id=str(uuid.UUID(int=rng.getrandbits(128))),
        kind=kind,
        channel=channel,
        direction=direction,
        occurred_at=at,
        number=number,
        duration_s=duration,
        text=text,
        manual=rng.random() < 0.01,
    )


def timed(fn, runs: int):
    """Best wall and CPU seconds over runs (CPU time is steadier on a busy machine), and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return f"wall best {min(walls):.3f} s (median {statistics.median(walls):.3f}), cpu best {min(cpus):.3f} s", result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jurisdiction", default="CN", choices=sorted(ZONES))
    args = parser.parse_args()

    events, labels, third = make_log(args.events)
    ruleset, zone = load_ruleset(args.jurisdiction), ZoneInfo(ZONES[args.jurisdiction])
    times, result = timed(
        lambda: analyse(events=events, labels=labels, third_parties=third, ruleset=ruleset, zone=zone), args.runs
    )
    print(f"analyse(): {len(events)} events, {len(third)} third-party contacts, {args.jurisdiction}: {times}")
    for finding in result.findings:
        print(f"  {finding.rule:6} count {finding.count:6}  windows {len(finding.windows)}")
    print(f"  collectors: {len(result.collectors)}")
    times, _ = timed(
        lambda: charts(events=events, labels=labels, ruleset=ruleset, zone=zone, collectors=result.collectors),
        args.runs,
    )
    print(f"charts(): {times}")
    presorted = sorted(events, key=lambda e: (e.occurred_at, e.id))  # as the database returns them
    times, _ = timed(
        lambda: analyse(events=presorted, labels=labels, third_parties=third, ruleset=ruleset, zone=zone), args.runs
    )
    print(f"analyse(), events already in time order: {times}")


if __name__ == "__main__":
    main()
