# Sourced by run.sh and bootstrap.sh: one console line per step, each step's full output in
# $RUN_LOG (default $DATA_DIR/logs/install.log); a failing step shows the log's last lines.

: "${RUN_LOG:=${DATA_DIR:-$PWD/var}/logs/install.log}"

# step "What happens (how long)…" COMMAND [ARGS...]
step() {
  local what=$1 started=$SECONDS status=0 before
  shift
  echo "$what"
  mkdir -p "$(dirname "$RUN_LOG")"
  before=0
  [ -f "$RUN_LOG" ] && before=$(wc -l <"$RUN_LOG")  # a first run has no log yet (and pipefail is on)
  printf '\n=== %s %s\n' "$(date '+%F %T')" "$what" >>"$RUN_LOG"
  "$@" </dev/null >>"$RUN_LOG" 2>&1 || status=$?
  printf '=== exit %d after %d s\n' "$status" $((SECONDS - started)) >>"$RUN_LOG"
  if [ "$status" -ne 0 ]; then
    {
      echo "Failed: ${what%…}. The last lines of $RUN_LOG:"
      tail -n +$((before + 2)) "$RUN_LOG" | tail -n 30 | sed 's/^/  | /'
    } >&2
    exit "$status"
  fi
}
