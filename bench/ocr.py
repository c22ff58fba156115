"""OCR benchmark: generated WeChat-like chat screenshots through the app's reading pipeline.

    .venv/bin/python bench/ocr.py [--count 50] [--seed 1] [--rapidocr-python /tmp/rapid-venv/bin/python]
                                  [--keep DIR] [--show-failures 3]

Generates the screenshots with tests/samples/chat_screens.py (a fixed mix: 60 % light, 25 % dark,
15 % with JPEG or resize noise; one in seven with an English phone) and reads each with the
code of evidence/ocr/services.py::_read itself (open, for_reading if a phone screen, PNG to a
temp file, tesseract, read_layout), in one worker process of its own. Measures:
- seconds per screenshot (median, p95, max), and plain `tesseract IMG - -l chi_sim+eng --psm 6`
  (OMP_THREAD_LIMIT=1) on the same pictures in the same run, with the ratio of the medians;
- character accuracy, 1 - Levenshtein(truth, read) / len(truth) over the non-whitespace
  characters: of the passages (bubbles and time separators) in order, and of the flat text
  (every line read between the title bar and the input bar, ignoring the layout), so a reading
  error and a layout error can be told apart; "folded" also counts ，/, and ？/? as the same;
- the share of drawn passages given the right side, and of bubbles read as one passage;
- peak memory of the recognising process plus its largest tesseract child (ru_maxrss).
Targets: <= 1.5 s per screenshot, passage accuracy >= 97 %, peak memory < 700 MiB.

With --rapidocr-python, the same pictures also go through RapidOCR (rapidocr_onnxruntime) in
that interpreter, one ONNX thread, for its speed, flat accuracy and peak memory beside
tesseract's. RapidOCR is only measured here; it is not one of the project's requirements.
"""

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.samples.chat_screens import HAS_EMOJI_FONT, chat_screen  # noqa: E402

TARGET_SECONDS, TARGET_ACCURACY, TARGET_MIB = 1.5, 0.97, 700
NOISY = ("jpeg", "resize", "resize+jpeg")


# --- the pictures ---------------------------------------------------------------------------------

def make_screens(count: int, seed: int, out: Path) -> list[dict]:
    """Write the pictures to out; their truth, with the file's path and its group."""
    light, dark = round(count * 0.60), round(count * 0.25)
    kinds = [("light", "none")] * light + [("dark", "none")] * dark
    kinds += [(("light", "dark")[k % 2], NOISY[k % len(NOISY)]) for k in range(count - light - dark)]
    random.Random(seed).shuffle(kinds)
    truths = []
    for i, (theme, noise) in enumerate(kinds):
        screen = chat_screen(seed + i, theme=theme, noise=noise, english=i % 7 == 3)
        path = out / f"chat-{i:03d}.{'png' if screen.format == 'PNG' else 'jpg'}"
        path.write_bytes(screen.data)
        truth = screen.truth()
        truth.update(path=str(path), mime=screen.mime, group="noisy" if noise != "none" else theme)
        truths.append(truth)
    (out / "truth.json").write_text(json.dumps(truths, ensure_ascii=False))
    return truths


# --- the app's pipeline, in a worker process ----------------------------------------------------

class _Item:  # what services._read reads of an EvidenceItem
    def __init__(self, key: str, mime: str):
        self.sha256, self.mime, self.id = key, mime, key


class _Storage:  # what services._read reads of the storage backend
    def __init__(self, paths: dict[str, str], tmp: str):
        self.paths, self.tmp = paths, tmp

    def path(self, key: str) -> str:
        return self.paths[key]


def worker(folder: Path) -> None:
    """Read every picture in folder/truth.json with services._read; write folder/pipeline.json."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATA_DIR", str(folder / "data"))  # a secret key file, nothing else
    import django

    django.setup()
    from evidence.ocr import services

    truths = json.loads((folder / "truth.json").read_text())
    storage = _Storage({str(i): t["path"] for i, t in enumerate(truths)}, str(folder))
    services._read(_Item("0", truths[0]["mime"]), storage)  # warm up: imports, engine_version()
    readings = []
    for i, truth in enumerate(truths):
        started = time.perf_counter()
        reading = services._read(_Item(str(i), truth["mime"]), storage)
        reading["wall"] = time.perf_counter() - started
        readings.append(reading)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    (folder / "pipeline.json").write_text(json.dumps({"readings": readings, "self_kib": own, "child_kib": child},
                                                     ensure_ascii=False))


def worker_command(folder: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", str(folder)]


def plain_tesseract(truths: list[dict]) -> tuple[list[float], int]:
    """Seconds per picture and the peak RSS (KiB) of plain tesseract on the same files."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    seconds, peak = [], 0
    for truth in truths:
        started = time.perf_counter()
        child = subprocess.Popen(["tesseract", truth["path"], "-", "-l", "chi_sim+eng", "--psm", "6"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds.append(time.perf_counter() - started)
        child.returncode = os.waitstatus_to_exitcode(status)
        peak = max(peak, usage.ru_maxrss)
    return seconds, peak


RAPID_SCRIPT = r"""
import json, resource, sys, time
from rapidocr_onnxruntime import RapidOCR
threads = int(sys.argv[1])
started = time.perf_counter()
engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=threads)
load = time.perf_counter() - started
out = []
for path in sys.argv[2:]:
    started = time.perf_counter()
    result, _ = engine(path)
    lines = [{"box": [min(p[0] for p in box), min(p[1] for p in box), max(p[0] for p in box), max(p[1] for p in box)],
              "text": text} for box, text, score in (result or [])]
    out.append({"seconds": time.perf_counter() - started, "lines": lines})
print(json.dumps({"load": load, "readings": out, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss},
                 ensure_ascii=False))
"""


def rapidocr(python: str, truths: list[dict], threads: int) -> dict:
    done = subprocess.run([python, "-c", RAPID_SCRIPT, str(threads), *(t["path"] for t in truths)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"RapidOCR failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- scoring ------------------------------------------------------------------------------------

def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def squeeze(text: str, *, fold: bool = False) -> str:
    text = "".join(text.split())
    return unicodedata.normalize("NFKC", text) if fold else text


def flat_lines(lines: list[dict], truth: dict) -> str:
    """The text of every line read between the title bar and the input bar, top to bottom."""
    inside = [line for line in lines if truth["chat_top"] <= (line["box"][1] + line["box"][3]) / 2 < truth["chat_bottom"]]
    inside.sort(key=lambda line: (line["box"][1], line["box"][0]))
    return "".join(line["text"] for line in inside)


def _overlap(a, b) -> int:
    w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0


def sides_and_grouping(truth: dict, passages: list[dict]) -> tuple[int, int, int]:
    """Of the drawn passages: how many, how many got the right side, how many were read as one passage."""
    drawn = truth["passages"]
    right = whole = 0
    for k, p in enumerate(drawn):
        box = [p["box"][0] - 4, p["box"][1] - 4, p["box"][2] + 4, p["box"][3] + 4]
        hits = [(r, _overlap(box, r["box"])) for r in passages]
        hits = [(r, area) for r, area in hits if area]
        if not hits:
            continue
        best = max(hits, key=lambda hit: hit[1])[0]
        right += best["side"] == p["side"]
        others = [q for j, q in enumerate(drawn) if j != k and _overlap(q["box"], best["box"])]
        whole += len(hits) == 1 and not others
    return len(drawn), right, whole


class Score:
    def __init__(self):
        self.distance, self.length = {}, {}

    def add(self, key: str, truth: str, read: str) -> int:
        d = levenshtein(truth, read)
        self.distance[key] = self.distance.get(key, 0) + d
        self.length[key] = self.length.get(key, 0) + len(truth)
        return d

    def accuracy(self, key: str) -> float:
        return 1 - self.distance.get(key, 0) / max(self.length.get(key, 0), 1)


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s, p95 {nearest_rank(values, 0.95):.2f} s, max {max(values):.2f} s"


# --- the run ------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rapidocr-python", metavar="PATH", help="an interpreter with rapidocr_onnxruntime installed")
    parser.add_argument("--rapidocr-threads", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the pictures, truth and readings here (default: a temp dir)")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N", help="print the N worst readings")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return

    with tempfile.TemporaryDirectory(prefix="evidence-bench-ocr-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        truths = make_screens(args.count, args.seed, folder)
        subprocess.run(worker_command(folder), check=True, cwd=ROOT)
        pipeline = json.loads((folder / "pipeline.json").read_text())
        plain_s, plain_kib = plain_tesseract(truths)
        rapid = rapidocr(args.rapidocr_python, truths, args.rapidocr_threads) if args.rapidocr_python else None
    report(args, truths, pipeline, plain_s, plain_kib, rapid)


def report(args, truths, pipeline, plain_s, plain_kib, rapid) -> None:
    readings = pipeline["readings"]
    score, drawn, right, whole, titles, worst = Score(), 0, 0, 0, 0, []
    for truth, reading in zip(truths, readings, strict=True):
        said = "".join(p["text"] for p in truth["passages"])
        read = "".join(p["text"] for p in reading["passages"])
        flat = flat_lines(reading["lines"], truth)
        for group in ("all", truth["group"], *(["english"] if truth["english"] else [])):
            d = score.add(f"passages {group}", squeeze(said), squeeze(read))
            score.add(f"flat {group}", squeeze(said), squeeze(flat))
        score.add("passages folded", squeeze(said, fold=True), squeeze(read, fold=True))
        score.add("flat folded", squeeze(said, fold=True), squeeze(flat, fold=True))
        n, r, w = sides_and_grouping(truth, reading["passages"])
        drawn, right, whole = drawn + n, right + r, whole + w
        titles += squeeze(reading["title"]) == squeeze(truth["title"])
        worst.append((d / max(len(squeeze(said)), 1), truth, reading))

    walls = [r["wall"] for r in readings]
    engine_s = [r["seconds"] for r in readings]
    peak_mib = (pipeline["self_kib"] + pipeline["child_kib"]) / 1024
    accuracy = score.accuracy("passages all")
    light, dark, noisy = (sum(t["group"] == g for t in truths) for g in ("light", "dark", "noisy"))
    english = sum(t["english"] for t in truths)
    print(f"OCR: {len(truths)} generated chat screenshots ({light} light, {dark} dark, {noisy} JPEG/resized; "
          f"{english} with an English phone; emoji {'from Noto Color Emoji' if HAS_EMOJI_FONT else 'as stand-in discs'})")
    print(f"  pipeline (services._read), one process: {spread(walls)}  [tesseract alone: median "
          f"{statistics.median(engine_s):.2f} s]")
    print(f"  plain tesseract, same pictures:          {spread(plain_s)}")
    print(f"  ratio pipeline / plain tesseract (medians): {statistics.median(walls) / statistics.median(plain_s):.2f}")
    said_all = "".join(squeeze(p["text"]) for t in truths for p in t["passages"])
    emoji = sum(ord(c) >= 0x1F000 for c in said_all)
    print(f"  truth: {len(said_all)} characters, {emoji} of them emoji (tesseract reads none: {emoji / len(said_all):.1%})")
    print(f"  accuracy, passages: {accuracy:.1%} (folded {score.accuracy('passages folded'):.1%}); "
          f"flat text: {score.accuracy('flat all'):.1%} (folded {score.accuracy('flat folded'):.1%})")
    groups = [g for g in ("light", "dark", "noisy", "english") if f"passages {g}" in score.length]
    print("  by group (passages / flat): " + ", ".join(
        f"{g} {score.accuracy(f'passages {g}'):.1%} / {score.accuracy(f'flat {g}'):.1%}" for g in groups))
    print(f"  sides right: {right}/{drawn} passages ({right / max(drawn, 1):.1%}); read as one passage: "
          f"{whole}/{drawn} ({whole / max(drawn, 1):.1%}); titles right: {titles}/{len(truths)}")
    print(f"  peak memory: {peak_mib:.0f} MiB (python {pipeline['self_kib'] / 1024:.0f} + tesseract "
          f"{pipeline['child_kib'] / 1024:.0f}); plain tesseract {plain_kib / 1024:.0f} MiB")
    if rapid:
        rscore = Score()
        for truth, reading in zip(truths, rapid["readings"], strict=True):
            said = "".join(p["text"] for p in truth["passages"])
            rscore.add("flat", squeeze(said), squeeze(flat_lines(reading["lines"], truth)))
            rscore.add("folded", squeeze(said, fold=True), squeeze(flat_lines(reading["lines"], truth), fold=True))
        rapid_s = [r["seconds"] for r in rapid["readings"]]
        print(f"  RapidOCR ({args.rapidocr_threads} thread(s), models loaded in {rapid['load']:.1f} s): {spread(rapid_s)}; "
              f"flat text {rscore.accuracy('flat'):.1%} (folded {rscore.accuracy('folded'):.1%}); "
              f"peak memory {rapid['peak_kib'] / 1024:.0f} MiB")
    ok = (statistics.median(walls) <= TARGET_SECONDS and accuracy >= TARGET_ACCURACY and peak_mib < TARGET_MIB)
    print(f"  targets: median <= {TARGET_SECONDS} s per screenshot, accuracy >= {TARGET_ACCURACY:.0%}, "
          f"peak memory < {TARGET_MIB} MiB: {'PASS' if ok else 'MISSED'}")
    worst.sort(key=lambda w: -w[0])
    for share, truth, reading in worst[: args.show_failures]:
        print(f"\n--- {truth['path']} ({truth['group']}, seed {truth['seed']}): {1 - share:.1%}")
        for p in truth["passages"]:
            print(f"  truth {p['side']:7} {p['text']}")
        for p in reading["passages"]:
            print(f"  read  {p['side']:7} {p['text']}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
