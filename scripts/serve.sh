#!/usr/bin/env bash
# Serve the web app (gunicorn) and a Celery worker with the periodic scheduler built in.
# Ctrl-C stops both. HOST, PORT, WEB_WORKERS and WORKER_CONCURRENCY are honoured.
set -euo pipefail
cd "$(dirname "$0")/.."
host=${HOST:-127.0.0.1}
port=${PORT:-8000}

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/celery -A config worker --beat --concurrency "${WORKER_CONCURRENCY:-2}" --loglevel INFO \
  --schedule "${DATA_DIR:-var}/celerybeat-schedule" &
pids+=($!)
.venv/bin/gunicorn config.wsgi --config config/gunicorn.conf.py --bind "$host:$port" --workers "${WEB_WORKERS:-2}" &
pids+=($!)

for _ in $(seq 60); do
  if .venv/bin/python -c "import urllib.request,sys; urllib.request.urlopen('http://$host:$port/healthz', timeout=1)" 2>/dev/null; then
    echo
    echo "  Evidence Locker is running at http://$host:$port/"
    echo "  API docs: http://$host:$port/api/docs/"
    # The signing root's fingerprint, as the server publishes it: what a packet's recipient compares.
    fingerprint=$(.venv/bin/python -c "import json,urllib.request; print(json.load(urllib.request.urlopen('http://$host:$port/api/verify/ca/', timeout=5))['fingerprint_sha256'] or 'none')" 2>/dev/null || echo "unavailable")
    echo "  Check a packet: http://$host:$port/verify/ (no sign-in)"
    echo "  Signing CA: http://$host:$port/.well-known/evidence-locker/ca.pem"
    echo "    SHA-256 fingerprint: $fingerprint"
    echo "  Demo login: demo / ${DEMO_PASSWORD:-demo-zhengju-2026} (the password set when the demo was first seeded)"
    echo "  Demo lawyer: demo-lawyer, same password: sees the demo bundle at http://$host:$port/shared/"
    echo "  Press Ctrl-C to stop."
    echo
    break
  fi
  sleep 0.5
done
wait -n "${pids[@]}"
