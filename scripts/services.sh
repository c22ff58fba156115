#!/usr/bin/env bash
# Run a command with PostgreSQL, Redis and an S3 API (OpenStack Swift, scripts/swift/s3.sh)
# available on 127.0.0.1, starting them if they are down and stopping again only what this
# script started.
# Usage: scripts/services.sh COMMAND [ARGS...]
set -uo pipefail

started=()
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
port_open() { timeout 1 bash -c "</dev/tcp/127.0.0.1/$1" 2>/dev/null; }

stop_started() {
  for service in "${started[@]:-}"; do
    case "$service" in
      postgresql:*) pg_ctlcluster --skip-systemctl-redirect "${service#postgresql:}" main stop || true ;;
      redis) redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true ;;
      swift) scripts/swift/s3.sh stop >/dev/null 2>&1 || true ;;
    esac
  done
}
trap stop_started EXIT

if ! port_open 5432; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if [ ! -d "/etc/postgresql/$version/main" ]; then
    pg_createcluster "$version" main -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  fi
  echo "Starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  started+=("postgresql:$version")
  for _ in $(seq 30); do port_open 5432 && break; sleep 0.5; done
fi
# The tests connect as "evidence" (password "evidence") and create their own databases.
if ! as_postgres psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'evidence'" | grep -q 1; then
  as_postgres psql -qc "CREATE ROLE evidence LOGIN CREATEDB PASSWORD 'evidence'" >/dev/null
fi

if ! port_open 6379; then
  echo "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  started+=(redis)
  for _ in $(seq 30); do port_open 6379 && break; sleep 0.2; done
fi

# The storage tests run on the local folder and on S3: Swift with s3api, on 127.0.0.1:18080.
if ! port_open 18080; then
  if ! /usr/bin/python3 -c "import swift" 2>/dev/null || ! command -v memcached >/dev/null; then
    echo "OpenStack Swift is missing (Debian: python3-swift memcached; make test installs them)" >&2
    exit 1
  fi
  echo "Starting Swift (S3 API) on 127.0.0.1:18080"
  scripts/swift/s3.sh start >/dev/null || { echo "Swift did not start (see ${S3_BASE:-/tmp/swift-s3}/log)" >&2; exit 1; }
  started+=(swift)
fi
export S3_TEST_ENDPOINT_URL=${S3_TEST_ENDPOINT_URL:-http://127.0.0.1:18080}

"$@"
