#!/usr/bin/env bash
# Serve the web app (gunicorn behind nginx) and a Celery worker with the periodic scheduler built
# in; once all are up, print where to go, the demo logins and the signing CA's fingerprint.
# FRONT=none serves without nginx (when a proxy of your own buffers the requests).
# Ctrl-C stops them (twice: at once). nginx faces the network and buffers every request, so
# clients that send slowly (or stall on purpose) wait in nginx, never in gunicorn's threads;
# without nginx installed, gunicorn listens itself (and says so). HOST, PORT, WEB_WORKERS, WORKER_CONCURRENCY, DATA_DIR and
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

# gunicorn listens on a Unix socket only nginx reaches (or, without nginx, on HOST:PORT).
socket=$run/web.sock
[ "$(printf %s "$socket" | wc -c)" -le 107 ] || socket=$(mktemp -u "${TMPDIR:-/tmp}/evidence-web-XXXXXX.sock")
nginx_bin=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
[ "${FRONT:-nginx}" = none ] && nginx_bin=""  # FRONT=none: gunicorn alone (behind a proxy of your own)
if [ -n "$nginx_bin" ]; then
  bind="unix:$socket"
elif [ "${FRONT:-nginx}" = none ]; then
  bind="$host:$port"
else
  bind="$host:$port"
  echo "nginx is not installed: gunicorn faces the network itself, and slow clients can tie it up (apt-get install nginx-light)." >&2
fi
web=(.venv/bin/gunicorn config.wsgi --config config/gunicorn.conf.py --bind "$bind"
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

# nginx's own configuration, under DATA_DIR: the site (config/nginx-site.conf.template, shared with
# docker-compose.yml) inside a minimal main file with every path of its own.
if [ -n "$nginx_bin" ]; then
  mkdir -p "$run/nginx/temp"
  max_body=$(( $(.venv/bin/python -c "from config.settings import UPLOAD_MAX_BYTES as m; print(m)" 2>/dev/null || echo 536870912) + (2 << 20) ))
  EVIDENCE_UPSTREAM="unix:$socket" EVIDENCE_LISTEN="$host:$port" EVIDENCE_MAX_BODY=$max_body \
    .venv/bin/python scripts/nginx_site.py >"$run/nginx-site.conf"
  {
    [ "$(id -u)" -eq 0 ] && echo "user root;"  # its workers write the buffered bodies under DATA_DIR
    echo "worker_processes 1;"
    echo "daemon off;"
    echo "pid $run/nginx.pid;"
    echo "error_log $logs/nginx-error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http {"
    echo "  access_log off;"
    echo "  default_type application/octet-stream;"
    for kind in client_body proxy fastcgi uwsgi scgi; do echo "  ${kind}_temp_path $run/nginx/temp/$kind;"; done
    echo "  include $run/nginx-site.conf;"
    echo "}"
  } >"$run/nginx.conf"
  if ! "$nginx_bin" -t -q -p "$run/nginx" -c "$run/nginx.conf" -e "$logs/nginx-error.log" 2>>"$logs/nginx-error.log"; then
    echo "nginx does not accept its configuration ($run/nginx.conf); see $logs/nginx-error.log." >&2
    exit 1
  fi
fi

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
    [ -n "${pids[2]:-}" ] && kill -TERM "${pids[2]}" 2>/dev/null
  fi
}
trap stop INT TERM HUP
names=("web server (gunicorn)" "worker (Celery)" "front (nginx)")
# Is one of them gone while it should run? Then say so, stop the other and exit 1.
check_alive() {
  local i
  for i in "${!pids[@]}"; do
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
if [ -n "$nginx_bin" ]; then
  setsid "$nginx_bin" -p "$run/nginx" -c "$run/nginx.conf" -e "$logs/nginx-error.log" </dev/null 2>>"$logs/nginx-error.log" &
  pids+=($!)
fi

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
rm -f "$run/worker.ready" "$socket"
[ "$status" -eq 0 ] && echo "Stopped."
exit "$status"
