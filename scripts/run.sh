#!/usr/bin/env bash
# `make run`: install what is missing, migrate, collect static files, seed the demo case, then
# serve web + worker (scripts/serve.sh). The console gets one line per step; each step's full
# output goes to $DATA_DIR/logs/make-run.log (the latest run's), and a failing step shows its tail.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR=$(realpath -m "${DATA_DIR:-var}")
export DATA_DIR RUN_LOG=$DATA_DIR/logs/make-run.log MAKE_RUN_STARTED=$EPOCHREALTIME
mkdir -p "$DATA_DIR/logs"
: >"$RUN_LOG"
echo "Starting Evidence Locker in $DATA_DIR (details: $RUN_LOG)"

# Ctrl-C before serving: say so on the console (not into the log the interrupted step wrote to).
exec {console}>&1
trap 'printf "\nInterrupted before the server started; nothing is left running.\n" >&"$console"; exit 0' INT TERM HUP

if (exec 3<>"/dev/tcp/${HOST:-127.0.0.1}/${PORT:-8000}") 2>/dev/null; then
  echo "Port ${PORT:-8000} is taken (another make run?); choose another: make run PORT=8001" >&2
  exit 1
fi

scripts/bootstrap.sh run
source scripts/steps.sh

# The steps write to the log file, not the console: there they log at INFO unless LOG_LEVEL
# says otherwise. The server's console follows LOG_LEVEL, WARNING by default (serve.sh).
steps_level=${LOG_LEVEL:-INFO}
py() { LOG_LEVEL=$steps_level .venv/bin/python "$@"; }
step "Migrating the database (first time: a few seconds)…" py manage.py migrate --noinput
step "Collecting static files (first time: about 20 s)…" py scripts/collectstatic.py
step "Seeding the demo case (first time: about 10 s)…" py manage.py seed_demo

exec scripts/serve.sh
