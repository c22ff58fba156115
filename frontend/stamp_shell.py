"""After editing anything in frontend/public/: `.venv/bin/python frontend/stamp_shell.py`.

It does two things, so that the phone app stays small and phones pick up changes:
1. writes `<file>.gz` next to every text file of the shell (gzip -9). WhiteNoise sends the .gz to
   browsers that accept gzip (about a third of the bytes on a slow network) and reads the folder
   at start, so restart the server afterwards;
2. stamps sw.js's cache name with a hash of the shell (`el-shell-<hash>`). The service worker
   serves the shell cache-first, so phones only fetch changed files when sw.js itself changes.

`--check` changes nothing and exits 1 if either is out of date; tests/frontend/test_pwa.py runs it.
Not a build step: the files in frontend/public/ are the source and are served as they are.
"""

import gzip
import hashlib
import re
import sys
from pathlib import Path

PUBLIC = Path(__file__).resolve().parent / "public"
SW = PUBLIC / "sw.js"
VERSION_LINE = re.compile(r"var VERSION = 'el-shell-[0-9a-z]+';")
COMPRESSED = {".html", ".js", ".css", ".webmanifest"}


def sources() -> list[Path]:
    return sorted(p for p in PUBLIC.rglob("*") if p.is_file() and p.suffix != ".gz")


def shell_hash() -> str:
    """Over every file the shell is made of (sw.js apart from its own VERSION line)."""
    digest = hashlib.sha256()
    for path in sources():
        data = path.read_bytes()
        if path == SW:
            data = VERSION_LINE.sub("", data.decode()).encode()
        digest.update(path.relative_to(PUBLIC).as_posix().encode() + b"\0" + data + b"\0")
    return digest.hexdigest()[:12]


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)  # mtime 0: the same input, the same bytes


def main() -> int:
    check = "--check" in sys.argv
    stale = []
    text = SW.read_text()
    current = VERSION_LINE.search(text)
    if current is None:
        print("sw.js has no VERSION line", file=sys.stderr)
        return 1
    wanted = f"var VERSION = 'el-shell-{shell_hash()}';"
    if current.group(0) != wanted:
        stale.append(f"sw.js: {wanted}")
        if not check:
            SW.write_text(text.replace(current.group(0), wanted))
    expected = {path.with_name(path.name + ".gz") for path in sources() if path.suffix in COMPRESSED}
    for gz in sorted(expected):
        data = gzipped(gz.with_suffix("").read_bytes())
        if not gz.exists() or gz.read_bytes() != data:
            stale.append(gz.relative_to(PUBLIC).as_posix())
            if not check:
                gz.write_bytes(data)
    for orphan in sorted(set(PUBLIC.rglob("*.gz")) - expected):
        stale.append(f"{orphan.relative_to(PUBLIC).as_posix()} (no source)")
        if not check:
            orphan.unlink()
    if check and stale:
        print("frontend/public is not stamped; run .venv/bin/python frontend/stamp_shell.py:", *stale, sep="\n  ")
        return 1
    print("\n".join(stale) if stale else "frontend/public: up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
