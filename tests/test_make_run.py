"""`make run` as a new user sees it: one line per step, then the banner; Ctrl-C stops it all.

It runs the real `make run` (bootstrap, migrate, collectstatic, seed_demo, gunicorn and a
Celery worker on the embedded default) with its own DATA_DIR and a free port, on the existing
.venv, and interrupts it the way a terminal's Ctrl-C does: SIGINT to the whole process group.
"""

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the suite's settings put in this process's environment, and what a surrounding `make test`
# adds: none of it is in a new user's shell.
NOT_IN_A_USERS_SHELL = ("DATABASE_URL", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER", "CELERY_QUEUE", "CACHE_PREFIX",
                        "DJANGO_SETTINGS_MODULE", "LOG_LEVEL", "MEDIA_ROOT", "STATIC_ROOT", "SECRET_KEY",
                        "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_ARGS")
DEFAULTS_EXPECTED = ("HOST", "WEB_WORKERS", "WORKER_CONCURRENCY", "DEMO_PASSWORD")


def _venv_is_installed() -> bool:
    """What scripts/bootstrap.sh checks: a stamp newer than requirements.txt (nothing to install)."""
    requirements = (ROOT / "requirements.txt").stat().st_mtime
    stamps = [ROOT / ".venv" / ".installed-run", ROOT / ".venv" / ".installed-test"]
    return any(stamp.exists() and stamp.stat().st_mtime >= requirements for stamp in stamps)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_using(data_dir: Path) -> dict[int, str]:
    """Every live process whose command line names data_dir: gunicorn's and Celery's (a zombie has none)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(data_dir) in cmdline:
            found[int(entry.name)] = cmdline
    return found


class Console:
    """The output of `make run`, line by line, with when each line came."""

    def __init__(self, process: subprocess.Popen):
        self.started = time.monotonic()
        self.lines: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process):
        for line in process.stdout:
            self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))

    def text(self) -> list[str]:
        return [line for _, line in self.lines]

    def wait_for(self, needle: str, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if needle in line:
                    return at
            time.sleep(0.1)
        return None

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


@pytest.mark.worker
def test_make_run_says_each_step_ends_with_the_banner_and_stops_cleanly_on_ctrl_c(tmp_path):
    if not _venv_is_installed():
        pytest.skip(".venv is not installed for requirements.txt yet (make install); this test does not install it")
    data_dir = tmp_path / "data"
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in NOT_IN_A_USERS_SHELL + DEFAULTS_EXPECTED}
    env.update(DATA_DIR=str(data_dir), PORT=str(port))
    make = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    console = Console(make)
    try:
        first_line_at = console.wait_for("", timeout=5)
        serving_at = console.wait_for("Press Ctrl-C to stop.", timeout=90)
        lines = console.text()
        assert serving_at is not None, "no banner within 90 s:\n" + "\n".join(lines)
        assert first_line_at is not None and first_line_at < 2, f"the first line came after {first_line_at} s"
        print(f"first line after {first_line_at:.2f} s, serving after {serving_at:.1f} s")

        # One line per step, the first naming the log file, then the banner.
        log = data_dir / "logs" / "make-run.log"
        assert str(log) in lines[0] and log.exists()
        start = lines.index("") if "" in lines else len(lines)
        steps = lines[1:start]
        assert steps and all(step.endswith("…") for step in steps), lines
        assert any(step.startswith("Seeding the demo case") for step in steps), steps
        assert not any(step.startswith("Installing") for step in steps), "it reinstalled what .venv has"

        # Nothing more is printed once it serves (the worker is already taking the demo's jobs).
        time.sleep(3)
        lines = console.text()
        banner = lines[start:]
        assert banner[-1] == "" and banner[-2].startswith("  Ready after "), lines
        assert banner[-2].endswith("Press Ctrl-C to stop."), banner
        text = "\n".join(banner)
        url = f"http://127.0.0.1:{port}/"
        assert f"running at {url}" in text
        assert "demo / demo-zhengju-2026" in text and "demo-lawyer" in text
        fingerprint = re.search(r"SHA-256 fingerprint: ([0-9A-F:]+)", text).group(1)
        assert re.fullmatch(r"[0-9A-F]{64}", fingerprint.replace(":", "")), fingerprint
        # ...the one the server publishes, and the URL answers.
        with urllib.request.urlopen(f"{url}api/verify/ca/", timeout=5) as response:
            assert json.load(response)["fingerprint_sha256"] == fingerprint
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200

        # A quiet console: no WeasyPrint progress (seed_demo built a bundle), no Celery banner or
        # warnings, no access log.
        everything = "\n".join(lines)
        assert "weasyprint" not in everything.lower()
        for noise in ("celery@", "[tasks]", "Warning:", "[WARNING]", "WARNING/", " WARNING ", "GET /healthz"):
            assert noise not in everything, f"{noise!r} on the console:\n{everything}"
        assert "GET /api/verify/ca/" in (data_dir / "logs" / "access.log").read_text()
        # The steps' output is in the log, at INFO, still without WeasyPrint's page-by-page progress.
        details = log.read_text()
        assert "Demo borrower: demo" in details and " INFO " in details
        assert "weasyprint.progress" not in details

        # gunicorn's control socket is this instance's own, in DATA_DIR, and answers.
        control = data_dir / "run" / "gunicorn.ctl"
        assert control.is_socket()
        status = subprocess.run([str(ROOT / ".venv" / "bin" / "gunicornc"), "-s", str(control), "-j", "-c", "show workers"],
                                capture_output=True, text=True, timeout=10)
        assert status.returncode == 0 and len(json.loads(status.stdout)["workers"]) == 2, status

        running = _processes_using(data_dir)
        assert any("gunicorn" in cmd for cmd in running.values()), running
        assert any("celery" in cmd for cmd in running.values()), running

        # Ctrl-C: the terminal sends SIGINT to the whole foreground process group.
        os.killpg(make.pid, signal.SIGINT)
        code = make.wait(timeout=40)
        console.join(5)
        lines = console.text()
        after = lines[lines.index(banner[-2]) + 2:]
        # make was interrupted itself (130, or killed by SIGINT), but reports no error.
        assert code in (0, 130, -signal.SIGINT), (code, after)
        assert after[-2:] == ["Stopping the web server and the worker (Ctrl-C again to stop at once)…", "Stopped."], after
        assert not any("make:" in line or "Error" in line or "Traceback" in line for line in after), after
        assert not _processes_using(data_dir), "still running after Ctrl-C"
        assert not control.exists()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait(10)
        for pid in _processes_using(data_dir):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
