#!/usr/bin/env bash
# Serve the web app (gunicorn) and a Celery worker with the periodic scheduler built in; once
# both are up, print where to go, the demo logins and the signing CA's fingerprint. Ctrl-C
# stops both (twice: at once). HOST, PORT, WEB_WORKERS, WORKER_CONCURRENCY, DATA_DIR and
# LOG_LEVEL (default here: WARNING) are honoured.
set -uo pipefail
cd "$(dirname "$0")/.."
host=${HOST:-127.0.0.1}
port=${PORT:-8000}
url="http://$host:$port"
DATA_DIR=$(realpath -m "${DATA_DIR:-var}")
LOG_LEVEL=${LOG_LEVEL:-WARNING}
LOG_LEVEL=${LOG_LEVEL^^}
export DATA_DIR LOG_LEVEL
logs=$DATA_DIR/logs
run=$DATA_DIR/run
mkdir -p "$logs" "$run"
started=${MAKE_RUN_STARTED:-$EPOCHREALTIME}

web=(.venv/bin/gunicorn config.wsgi --config config/gunicorn.conf.py --bind "$host:$port"
     --workers "${WEB_WORKERS:-2}" --log-level "${LOG_LEVEL,,}")
worker=(.venv/bin/celery -A config worker --beat --concurrency "${WORKER_CONCURRENCY:-2}"
        --loglevel "$LOG_LEVEL" --schedule "$DATA_DIR/celerybeat-schedule")
# gunicorn's control socket (for `gunicornc -s DATA_DIR/run/gunicorn.ctl`) is this instance's
# own, not the per-user default that every gunicorn on the machine would share. A path too
# long for a Unix socket (107 bytes) gets none.
control=$run/gunicorn.ctl
if [ "$(printf %s "$control" | wc -c)" -le 107 ]; then
  web+=(--control-socket "$control")
else
  web+=(--no-control-socket)
fi
# Below INFO the console shows warnings and errors only: the access log goes to a file, and the
# worker's banner and shutdown notices (its standard output) to another.
case $LOG_LEVEL in
  DEBUG | INFO)
    exec {worker_out}>&1
    where="everything here (LOG_LEVEL=$LOG_LEVEL)"
    ;;
  *)
    where="warnings and errors here (LOG_LEVEL=$LOG_LEVEL); access log and worker notices in $logs/"
    web+=(--access-logfile "$logs/access.log")
    worker=("${worker[@]:0:3}" --quiet "${worker[@]:3}")
    exec {worker_out}>>"$logs/worker.log"
    ;;
esac

exec {console}>&1  # what stop() prints goes there, whatever command it interrupted
pids=()
stopping=0
status=0
stop() {
  if [ "$stopping" -eq 0 ]; then
    stopping=1
    printf '\nStopping the web server and the worker (Ctrl-C again to stop at once)…\n' >&"$console"
    kill -TERM "${pids[@]}" 2>/dev/null
  else
    # gunicorn: quick shutdown; Celery: cold shutdown (running jobs are delivered again later).
    [ -n "${pids[0]:-}" ] && kill -INT "${pids[0]}" 2>/dev/null
    [ -n "${pids[1]:-}" ] && kill -QUIT "${pids[1]}" 2>/dev/null
  fi
}
trap stop INT TERM HUP
names=("web server (gunicorn)" "worker (Celery)")
# Is one of them gone while it should run? Then say so, stop the other and exit 1.
check_alive() {
  local i
  for i in 0 1; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      wait "${pids[$i]}"
      echo "The ${names[$i]} stopped unexpectedly (exit $?); see the messages above and $logs." >&2
      status=1
      stopping=1
      kill -TERM "${pids[@]}" 2>/dev/null
      return 1
    fi
  done
}

# Each in its own session, so a terminal's Ctrl-C reaches only this script, which stops both with
# SIGTERM (gunicorn finishes its requests, Celery its jobs) and waits for them. The worker writes
# WORKER_READY_FILE once it takes jobs.
echo "Starting the web server and the worker (a few seconds)…"
rm -f "$run/worker.ready"
setsid "${web[@]}" </dev/null &
pids+=($!)
WORKER_READY_FILE=$run/worker.ready setsid "${worker[@]}" </dev/null >&"$worker_out" &
pids+=($!)

healthy() { .venv/bin/python -c "import urllib.request; urllib.request.urlopen('$url/healthz', timeout=2)" 2>/dev/null; }
deadline=$((SECONDS + 120))
while [ "$stopping" -eq 0 ]; do
  check_alive || break
  if [ -f "$run/worker.ready" ] && healthy; then
    # The signing root's fingerprint, as the server publishes it: what a packet's recipient compares.
    fingerprint=$(.venv/bin/python -c "import json,urllib.request; print(json.load(urllib.request.urlopen('$url/api/verify/ca/', timeout=5))['fingerprint_sha256'] or 'none')" 2>/dev/null || echo "unavailable")
    now=$EPOCHREALTIME
    elapsed=$(( (${now//[.,]/} - ${started//[.,]/}) / 1000000 ))
    echo
    echo "  Evidence Locker is running at $url/"
    echo "  API docs: $url/api/docs/"
    echo "  Check a packet: $url/verify/ (no sign-in)"
    echo "  Signing CA: $url/.well-known/evidence-locker/ca.pem"
    echo "    SHA-256 fingerprint: $fingerprint"
    echo "  Demo login: demo / ${DEMO_PASSWORD:-demo-zhengju-2026} (the password set when the demo was first seeded)"
    echo "  Demo lawyer: demo-lawyer, same password: sees the demo bundle at $url/shared/"
    echo "  Logs: $where"
    echo "  Ready after ${elapsed} s. Press Ctrl-C to stop."
    echo
    break
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "The web server and the worker were not ready after 120 s; stopping them. See $logs/." >&2
    status=1
    stopping=1
    kill -TERM "${pids[@]}" 2>/dev/null
    break
  fi
  sleep 0.3
done

# Serve until Ctrl-C (or until one of them stops by itself).
while [ "$stopping" -eq 0 ]; do
  wait -n "${pids[@]}"
  [ "$stopping" -eq 0 ] && { check_alive || break; }
done
for pid in "${pids[@]}"; do
  while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
done
rm -f "$run/worker.ready"
[ "$status" -eq 0 ] && echo "Stopped."
exit "$status"
