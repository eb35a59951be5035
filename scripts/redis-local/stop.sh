#!/usr/bin/env bash
# Stop a redis-server started by start.sh and remove its directory.
#
#   stop.sh DIR            # SIGTERM, then SIGKILL after 5 s; removes DIR
#   REDIS_LOCAL_KEEP_DIR=1 stop.sh DIR   # keeps DIR (and its port) for a restart
#   REDIS_LOCAL_SIGNAL=KILL stop.sh DIR  # kill at once (a crash)
set -euo pipefail
die() { echo "redis-local: ERROR: $*" >&2; exit 1; }
[ $# -ge 1 ] && [ -n "$1" ] || die "usage: stop.sh DIR"
DIR=$1
[ -d "$DIR" ] || exit 0
[ -f "$DIR/env" ] || die "$DIR was not made by redis-local start.sh (no env file); refusing to touch it"

if [ -f "$DIR/redis.pid" ]; then
  PID=$(cat "$DIR/redis.pid")
  if [[ "$PID" =~ ^[0-9]+$ ]] && kill -0 "$PID" 2>/dev/null; then
    kill "-${REDIS_LOCAL_SIGNAL:-TERM}" "$PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null || true; sleep 0.1; fi
    kill -0 "$PID" 2>/dev/null && die "redis-server pid $PID did not stop"
  fi
  rm -f "$DIR/redis.pid"
fi

if [ "${REDIS_LOCAL_KEEP_DIR:-0}" != 1 ]; then rm -rf "$DIR"; fi
