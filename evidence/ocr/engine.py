"""Tesseract, run as a separate process over one picture: lines of text with their boxes.

Why tesseract (bench/ocr.py has the numbers): on 50 generated 1080×2400 chat screenshots it reads
97.2 % of the characters through this pipeline (RapidOCR 98.6 %), in half RapidOCR's time on these
two cores when OpenMP is held to one thread (median 0.8 s against 1.5 s), in under half its memory
(294 MiB against 680 MiB), and it comes from Debian packages (tesseract-ocr, tesseract-ocr-chi-sim)
with no Python wheels of its own. `--psm 6` (one uniform block)
reads chat bubbles line by line; the automatic page segmentation splits and misses them.

The engine runs in its own process with a time limit and a memory limit, so a picture that
makes it spin or grow costs one failed reading, never a worker.
"""

import csv
import io
import os
import re
import resource
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from functools import lru_cache

from django.conf import settings

ENGINE_MEMORY_LIMIT = 1 << 30  # bytes of address space for one tesseract run


class EngineMissing(RuntimeError):
    """Tesseract (or its Chinese model) is not installed here."""


class EngineFailed(RuntimeError):
    """Tesseract ran but gave no usable answer (a crash, a time-out)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(slots=True)
class Line:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the picture read
    confidence: float  # 0-100, the mean of its words

    def as_dict(self) -> dict:
        data = asdict(self)
        data["box"] = list(self.box)
        return data


@dataclass(slots=True)
class Recognition:
    lines: list[Line]
    engine: str  # e.g. "tesseract 5.3.0 chi_sim+eng psm 6"
    seconds: float


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x2FA1F)


def join_words(words: list[str]) -> str:
    """Words of one line as text: tesseract splits Chinese into one-character words; no spaces there.

    Punctuation next to Chinese is written full-width, as Chinese is typed (你好，在吗？): the
    models often read it half-width (你好,在吗?), which a reader, a search and a quote would
    otherwise get wrong.
    """
    out = ""
    for word in words:
        if out and not (_is_cjk(out[-1]) or _is_cjk(word[0])):
            out += " "
        out += word
    out = _FULL_WIDTH_NEAR_HAN.sub(lambda m: m[1] + _FULL_WIDTH[m[2]], out)
    return _SPACE_AFTER_FULL_WIDTH.sub(r"\1", out)  # a full-width mark carries its own space


_FULL_WIDTH = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}  # brackets stay: names are typed either way
# A half-width mark right after a Chinese character (a colon between digits, 22:41, stays as it is).
_SPACE_AFTER_FULL_WIDTH = re.compile(r"([，？！：；]) ")
_FULL_WIDTH_NEAR_HAN = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])([,?!:;])")


@lru_cache(maxsize=1)
def engine_version() -> str:
    """'tesseract 5.3.0 chi_sim+eng psm 6', or raise EngineMissing."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise EngineMissing("tesseract is not installed")
    found = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    wanted = settings.OCR_LANGUAGES.split("+")
    if not all(lang in found for lang in wanted):
        raise EngineMissing(f"tesseract lacks the language models {settings.OCR_LANGUAGES}")
    first = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout.splitlines()
    version = first[0].split()[-1] if first else "?"
    return f"tesseract {version} {settings.OCR_LANGUAGES} psm 6"


def _limit_memory() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (ENGINE_MEMORY_LIMIT, ENGINE_MEMORY_LIMIT))


def recognise(path: str, *, timeout: float | None = None) -> Recognition:
    """Read the picture at path (PNG, or anything leptonica reads); lines in reading order."""
    engine = engine_version()
    started = time.monotonic()
    try:
        done = subprocess.run(
            ["tesseract", path, "stdout", "-l", settings.OCR_LANGUAGES, "--psm", "6", "tsv"],
            capture_output=True, timeout=timeout or settings.OCR_TIME_LIMIT, preexec_fn=_limit_memory,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # OpenMP threads make it twice as slow on 2 cores
        )
    except subprocess.TimeoutExpired:
        raise EngineFailed("ocr_timeout") from None
    if done.returncode != 0:
        raise EngineFailed("ocr_failed")
    return Recognition(lines=parse_tsv(done.stdout.decode("utf-8", errors="replace")), engine=engine,
                       seconds=round(time.monotonic() - started, 3))


_NOISE = re.compile(r"^(?![?？!！]+$)[\W_]{1,3}$")  # a lone "？" is a message, not an icon


def parse_tsv(tsv: str) -> list[Line]:
    """Tesseract's TSV (one row per word) -> lines with their union boxes and mean confidence."""
    lines: dict[tuple[str, str, str], list[tuple[str, int, int, int, int, float]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            left, top, width, height = (int(row[key]) for key in ("left", "top", "width", "height"))
            conf = float(row["conf"])
        except (KeyError, TypeError, ValueError):
            continue
        key = (row["block_num"], row["par_num"], row["line_num"])
        lines.setdefault(key, []).append((text, left, top, left + width, top + height, conf))
    out = []
    for words in lines.values():
        text = join_words([w[0] for w in words])
        if _NOISE.match(text):  # a lone bracket or dot read from an icon
            continue
        box = (min(w[1] for w in words), min(w[2] for w in words), max(w[3] for w in words), max(w[4] for w in words))
        out.append(Line(text=text, box=box, confidence=round(sum(w[5] for w in words) / len(words), 1)))
    out.sort(key=lambda line: (line.box[1], line.box[0]))
    return out
