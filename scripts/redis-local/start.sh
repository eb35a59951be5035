#!/usr/bin/env bash
# Start a throw-away redis-server on loopback for tests and demos.
#
#   start.sh [DIR]
#
# DIR (default: a fresh mktemp dir) holds the pid file, the log and DIR/env;
# it must be empty or absent, except that a DIR left by `REDIS_LOCAL_KEEP_DIR=1
# stop.sh DIR` may be reused (a restart: same port unless REDIS_LOCAL_PORT says
# otherwise). The port is a free loopback port unless REDIS_LOCAL_PORT is set.
# No persistence (no RDB, no AOF): a restart starts empty, like a crashed
# cache. On success the last lines of stdout are DIR/env:
#   REDIS_URL=redis://127.0.0.1:PORT
#   REDIS_DIR=DIR
# Diagnostics go to stderr. Stop with: stop.sh DIR
set -euo pipefail

TIMEOUT=${REDIS_LOCAL_TIMEOUT:-20}
die() { echo "redis-local: ERROR: $*" >&2; exit 1; }
command -v redis-server >/dev/null 2>&1 || die "redis-server not found; run scripts/system/redis.sh (as root) first"
command -v redis-cli >/dev/null 2>&1 || die "redis-cli not found; run scripts/system/redis.sh (as root) first"

if [ $# -ge 1 ] && [ -n "$1" ]; then
  DIR=$1
  mkdir -p "$DIR"
  if [ -n "$(ls -A "$DIR")" ] && [ ! -f "$DIR/env" ]; then die "$DIR is not empty and holds no earlier redis-local run"; fi
else
  DIR=$(mktemp -d /tmp/sluice-redis.XXXXXX)
fi
DIR=$(cd "$DIR" && pwd -P)
[ ! -f "$DIR/redis.pid" ] || ! kill -0 "$(cat "$DIR/redis.pid")" 2>/dev/null || die "a redis-server from $DIR is still running (pid $(cat "$DIR/redis.pid"))"

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
PORT=${REDIS_LOCAL_PORT:-}
if [ -z "$PORT" ] && [ -f "$DIR/env" ]; then PORT=$(sed -n 's#^REDIS_URL=redis://127.0.0.1:##p' "$DIR/env"); fi
[ -n "$PORT" ] || PORT=$(free_port)
[[ "$PORT" =~ ^[0-9]+$ ]] || die "bad port '$PORT'"

rm -f "$DIR/redis.pid"
# Loopback only, no persistence, no dangerous-command renames needed for tests.
redis-server --bind 127.0.0.1 --port "$PORT" --dir "$DIR" --daemonize yes \
  --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" \
  --save '' --appendonly no --protected-mode yes >&2 || die "redis-server failed to start; see $DIR/redis.log"

DEADLINE=$((SECONDS + TIMEOUT))
until [ "$(redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null)" = "PONG" ]; do
  if [ $SECONDS -ge $DEADLINE ]; then
    tail -n 20 "$DIR/redis.log" >&2 || true
    die "redis-server on port $PORT did not answer PING within ${TIMEOUT}s"
  fi
  sleep 0.1
done

printf 'REDIS_URL=redis://127.0.0.1:%s\nREDIS_DIR=%s\n' "$PORT" "$DIR" >"$DIR/env"
cat "$DIR/env"
