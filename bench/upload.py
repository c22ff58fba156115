"""Upload benchmark: a 256 MiB file over HTTP against the `make run` server.

Prints the upload's wall time as a ratio to a baseline on the same file in the same run, and
how much the web workers' peak memory grew. Targets: ratio <= 1.3, growth < 64 MiB.
- local folder (default): the baseline is `sha256sum` of the file;
- `--s3`: the server keeps originals on S3 (OpenStack Swift's s3api on loopback, started with
  scripts/swift/s3.sh when nothing listens at --s3-endpoint), and the baseline is boto3's own
  upload_file of the same file to the same store (its defaults: 8 MiB parts, 10 threads).

    .venv/bin/python bench/upload.py [--size-mib 256] [--runs 3] [--url http://127.0.0.1:8000]
                                     [--s3] [--s3-endpoint http://127.0.0.1:18080]

Without --url it starts its own server (scripts/serve.sh) on a free port with a fresh
DATA_DIR, exactly as `make run` does.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-2026"


def make_recording(path: Path, size_mib: int) -> None:
    """A valid WAV of incompressible noise, so the server takes it as a call recording."""
    frames_bytes = size_mib * (1 << 20) - 44
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        chunk = os.urandom(1 << 20)
        written = 0
        while written < frames_bytes:
            piece = chunk[: min(len(chunk), frames_bytes - written)]
            out.writeframesraw(piece)
            written += len(piece)


def make_unique(path: Path, run: int) -> None:
    with open(path, "r+b") as f:
        f.seek(-8, os.SEEK_END)
        f.write(run.to_bytes(8, "big"))


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


S3_KEY, S3_SECRET = "test:tester", "testing"  # scripts/swift/s3.sh's account


def s3_env(endpoint: str, bucket: str) -> dict:
    return {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint, "S3_ACCESS_KEY_ID": S3_KEY,
            "S3_SECRET_ACCESS_KEY": S3_SECRET, "S3_REGION": "us-east-1", "S3_ADDRESSING_STYLE": "path"}


def start_server(data_dir: Path, port: int, extra_env: dict) -> subprocess.Popen:
    env = {**os.environ, "DATA_DIR": str(data_dir), "PORT": str(port), "DEMO_PASSWORD": PASSWORD,
           "UPLOAD_MAX_BYTES": str(1 << 30), **extra_env}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    py = str(ROOT / ".venv" / "bin" / "python")
    for step in (["migrate", "--noinput", "-v0"], ["storage_init"], ["seed_demo"]):
        subprocess.run([py, "manage.py", *step], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen([str(ROOT / "scripts" / "serve.sh")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def web_worker_pids(port: int) -> list[int]:
    # gunicorn binds a Unix socket under DATA_DIR behind nginx (or 127.0.0.1:PORT without it)
    out = subprocess.run(["pgrep", "-f", f"gunicorn config.wsgi .*--bind (unix:[^ ]*|127.0.0.1:{port})"],
                         capture_output=True, text=True).stdout
    masters = [int(p) for p in out.split()]
    children = []
    for master in masters:
        children += [int(p) for p in subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()]
    return children


def peak_rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total = max(total, int(line.split()[1]))
    return total / 1024


def api_json(url: str, body: dict | None = None, token: str = "") -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {})})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def wait_until_verified(url: str, token: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api_json(url, token=token)["verification"] != "pending":
            return
        time.sleep(0.2)
    raise SystemExit("the worker did not verify the upload in time")


def start_swift(endpoint: str) -> bool:
    """Start Swift unless something already answers at `endpoint`; True if this started it."""
    host, port = endpoint.split("//")[1].split(":")
    try:
        socket.create_connection((host, int(port.rstrip("/"))), timeout=1).close()
        return False
    except OSError:
        subprocess.run([str(ROOT / "scripts" / "swift" / "s3.sh"), "start"], check=True, capture_output=True)
        return True


def boto3_client(endpoint: str):
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET,
                        region_name="us-east-1",
                        config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                                      response_checksum_validation="when_required"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=256)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--username", default="demo")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--s3", action="store_true", help="originals on S3; baseline: boto3 upload_file")
    parser.add_argument("--s3-endpoint", default=os.environ.get("S3_TEST_ENDPOINT_URL", "http://127.0.0.1:18080"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
    server, swift, s3 = None, False, None
    bucket = f"bench-upload-{os.getpid()}"
    if args.s3:
        swift = start_swift(args.s3_endpoint)
        s3 = boto3_client(args.s3_endpoint)
        s3.create_bucket(Bucket=bucket)
    if args.url:
        base, port = args.url.rstrip("/"), None
    else:
        port = free_port()
        server = start_server(work / "data", port, s3_env(args.s3_endpoint, bucket) if args.s3 else {})
        base = f"http://127.0.0.1:{port}"
    try:
        token = api_json(f"{base}/api/auth/token/", {"username": args.username, "password": args.password})["token"]
        case_id = api_json(f"{base}/api/cases/", token=token)["results"][0]["id"]
        sample = work / "recording.wav"
        make_recording(sample, args.size_mib)

        pids = web_worker_pids(port) if port else []
        rss_before = peak_rss_mib(pids) if pids else 0.0
        hash_times, upload_times = [], []
        for run in range(args.runs):
            make_unique(sample, run + 1)
            subprocess.run(["cat", str(sample)], stdout=subprocess.DEVNULL, check=True)  # same page-cache state for both
            seconds, out = timed(["sha256sum", str(sample)])
            expected = out.split()[0]
            if s3 is not None:
                started = time.perf_counter()
                s3.upload_file(str(sample), bucket, f"baseline/{run}")
                seconds = time.perf_counter() - started
            hash_times.append(seconds)
            seconds, out = timed(["curl", "-sS", "--fail-with-body", "-H", f"Authorization: Token {token}",
                                  "-F", f"file=@{sample}", f"{base}/api/cases/{case_id}/evidence/"])
            upload_times.append(seconds)
            answer = json.loads(out)
            if answer["sha256"] != expected:
                raise SystemExit(f"server hash {answer['sha256']} != sha256sum {expected}")
            # Let this upload's background jobs (a full re-hash) finish before the next
            # timed run, so runs measure the upload and not the previous one's verification.
            wait_until_verified(f"{base}/api/evidence/{answer['id']}/", token)
        rss_after = peak_rss_mib(pids) if pids else 0.0
    finally:
        if server:
            os.killpg(server.pid, 15)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
        if s3 is not None:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for entry in page.get("Contents", []):
                    s3.delete_object(Bucket=bucket, Key=entry["Key"])
            s3.delete_bucket(Bucket=bucket)
        if swift:
            subprocess.run([str(ROOT / "scripts" / "swift" / "s3.sh"), "stop"], check=False)

    hash_s, upload_s = statistics.median(hash_times), statistics.median(upload_times)
    ratio = upload_s / hash_s
    growth = rss_after - rss_before
    result = {
        "store": "s3 (Swift on loopback)" if args.s3 else "local folder",
        "size_mib": args.size_mib, "runs": args.runs,
        ("boto3_upload_file_s" if args.s3 else "sha256sum_s"): round(hash_s, 3), "upload_s": round(upload_s, 3),
        "ratio": round(ratio, 2),
        "upload_mib_per_s": round(args.size_mib / upload_s, 1),
        "web_peak_rss_before_mib": round(rss_before, 1), "web_peak_rss_after_mib": round(rss_after, 1),
        "memory_growth_mib": round(growth, 1),
        "targets": {"ratio": 1.3, "memory_growth_mib": 64},
    }
    print(json.dumps(result, indent=2))
    ok = ratio <= 1.3 and (not pids or growth < 64)
    print("PASS" if ok else "MISSED TARGET", file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
