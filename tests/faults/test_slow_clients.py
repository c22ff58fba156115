"""Slow clients cannot starve the server: 50 connections dripping one header line every 2 s while
/healthz keeps answering, on the server `make run` starts (nginx in front of gunicorn)."""

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """scripts/serve.sh on the embedded default, with a fresh DATA_DIR; stopped after."""
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "PORT": str(_free_port()), "LOG_LEVEL": "WARNING"}
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT", "CELERY_TASK_ALWAYS_EAGER",
                 "CELERY_QUEUE", "CACHE_PREFIX"):
        env.pop(name, None)  # the embedded default: SQLite, local files, a queue with no server
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen([str(ROOT / "scripts" / "serve.sh")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.monotonic() + 90
    lines = []
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        lines.append(line)
        if "Ready after" in line:
            break
        assert line or server.poll() is None, "".join(lines)
    else:
        pytest.fail("not ready: " + "".join(lines))
    try:
        yield int(env["PORT"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def _drip(port: int, seconds: float, opened: list) -> None:
    """A client that sends its request head one line every 2 s, never finishing it."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        opened.append(sock)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            sock.sendall(b"X-Slow: 1\r\n")
            time.sleep(2)
    except OSError:
        pass  # the server closed it: that is allowed


@pytest.mark.worker
def test_fifty_slow_clients_do_not_stop_healthz_from_answering(served):
    port, seconds = served, 20.0
    opened: list = []
    drips = [threading.Thread(target=_drip, args=(port, seconds, opened), daemon=True) for _ in range(50)]
    for drip in drips:
        drip.start()
    time.sleep(1.5)
    assert len(opened) == 50  # all connected and dripping
    timings, failures = [], 0
    end = time.monotonic() + seconds - 3
    while time.monotonic() < end:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                assert answer.status == 200
            timings.append(time.monotonic() - started)
        except OSError:
            failures += 1
        time.sleep(0.5)
    for sock in opened:
        sock.close()
    # Without the buffering front every probe timed out: 16 threads were held by the drips.
    assert failures == 0 and len(timings) >= 20
    assert statistics.median(timings) < 0.5 and max(timings) < 2


@pytest.mark.django_db
def test_the_clients_address_comes_from_the_front_and_from_nowhere_else(client):
    from evidence.custody.models import CustodyEvent

    def sign_up(name: str, **meta) -> str:
        response = client.post("/api/auth/signup/", {"username": name, "password": "correct horse battery staple"},
                               content_type="application/json", **meta)
        assert response.status_code == 201, response.content
        return CustodyEvent.objects.filter(action="account.created").order_by("-seq").values_list("ip", flat=True)[0]

    # nginx on this machine (or on gunicorn's Unix socket) says who the client is
    assert sign_up("via_front", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.23") == "198.51.100.23"
    assert sign_up("via_socket", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="198.51.100.24") == "198.51.100.24"
    # a client talking to gunicorn directly cannot pick the address its attempts are counted under
    assert sign_up("direct", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.25") == "203.0.113.9"
