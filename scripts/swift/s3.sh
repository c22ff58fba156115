#!/bin/bash
# OpenStack Swift with its S3 API (s3api + tempauth) on loopback, from Debian's python3-swift and
# memcached: the object store the tests and `make cluster` run against. No /etc/swift, no services.
#   scripts/swift/s3.sh init|start|stop        NODES=1 (tests) or NODES=3 (3 replicas, on 127.0.0.1-3)
# Endpoint http://127.0.0.1:$PROXY_PORT (18080), key test:tester, secret testing, region us-east-1,
# path-style addressing. Files under $S3_BASE (default /tmp/swift-s3). Swift ignores S3 checksums
# and Object Lock; see evidence/storage/s3.py for what the app does about it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=${S3_BASE:-${TMPDIR:-/tmp}/swift-s3}; NODES=${NODES:-1}; PROXY_PORT=${PROXY_PORT:-18080}; MC_PORT=${MC_PORT:-11311}
U=$(id -un)
conf() { # $1=kind $2=node $3=port
  cat <<C
[DEFAULT]
bind_ip = 127.0.0.$2
bind_port = $3
workers = 0
user = $U
swift_dir = $BASE/etc
devices = $BASE/srv/$2
mount_check = false
recon_cache_path = $BASE/cache
[pipeline:main]
pipeline = $1-server
[app:$1-server]
use = egg:swift#$1
[$1-replicator]
sync_method = ssync
C
}
init() {
  rm -rf "$BASE/etc" "$BASE/srv" "$BASE/log" "$BASE/cache"; mkdir -p "$BASE/etc" "$BASE/run" "$BASE/log" "$BASE/cache"
  printf '[swift-hash]\nswift_hash_path_suffix = s3local\n[storage-policy:0]\nname = Policy-0\ndefault = yes\n' > "$BASE/etc/swift.conf"
  local args=() i f
  for i in $(seq 1 "$NODES"); do
    mkdir -p "$BASE/srv/$i/d$i"
    conf object $i 16010 > "$BASE/etc/object-$i.conf"
    conf container $i 16011 > "$BASE/etc/container-$i.conf"
    conf account $i 16012 > "$BASE/etc/account-$i.conf"
    args+=("127.0.0.$i:16010:16011:16012:$i:d$i")
  done
  cat > "$BASE/etc/proxy.conf" <<C
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = 0
user = $U
swift_dir = $BASE/etc
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:s3api]
use = egg:swift#s3api
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MC_PORT
[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_object_versioning = true
[filter:proxy-logging]
use = egg:swift#proxy_logging
C
  for f in catch_errors gatekeeper healthcheck listing_formats copy slo dlo symlink; do
    printf '[filter:%s]\nuse = egg:swift#%s\n' $f $f >> "$BASE/etc/proxy.conf"; done
  /usr/bin/python3 "$HERE/mkrings.py" "$BASE/etc" "$NODES" "${args[@]}"
}
spawn() { local n=$1; shift; "$@" >"$BASE/log/$n.log" 2>&1 & echo $! >"$BASE/run/$n.pid"; }
waitport() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.05; done
             echo "no listener on $1:$2" >&2; tail -n 5 "$BASE"/log/*.log >&2; return 1; }
start() {
  [ -f "$BASE/etc/proxy.conf" ] || init
  mkdir -p "$BASE/run" "$BASE/log"
  spawn memcached memcached -l 127.0.0.1 -p "$MC_PORT" -U 0 -m 32 -u "$U"
  local f n i p
  for f in "$BASE"/etc/{account,container,object}-*.conf; do
    n=$(basename "$f" .conf); spawn "$n" /usr/bin/python3 "$HERE/swiftd.py" "$BASE/etc" "${n%-*}" "$f"; done
  spawn proxy /usr/bin/python3 "$HERE/swiftd.py" "$BASE/etc" proxy "$BASE/etc/proxy.conf"
  waitport 127.0.0.1 "$MC_PORT"
  for i in $(seq 1 "$NODES"); do for p in 16010 16011 16012; do waitport 127.0.0.$i $p; done; done
  waitport 127.0.0.1 "$PROXY_PORT"
  echo "S3 endpoint http://127.0.0.1:$PROXY_PORT  key=test:tester secret=testing"
}
stop() {
  local pids=() f
  for f in "$BASE"/run/*.pid; do [ -f "$f" ] && pids+=("$(cat "$f")") && rm -f "$f"; done
  [ ${#pids[@]} -gt 0 ] || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  local alive p
  for _ in $(seq 1 50); do
    alive=(); for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
    [ ${#alive[@]} -eq 0 ] && return 0; sleep 0.1
  done
  kill -KILL "${alive[@]}" 2>/dev/null || true
}
"$@"
