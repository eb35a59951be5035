#!/usr/bin/env bash
# Stop a cluster started by start.sh and delete its directory.
#
#   stop.sh DIR
#
# Idempotent: a missing DIR or already-dead daemons are fine. The data is
# throw-away, so the daemons get SIGKILL (no orderly shutdown to wait for).
set -euo pipefail

die() { echo "s3-local/stop.sh: $*" >&2; exit 1; }
if [ $# -ne 1 ] || [ -z "$1" ]; then
  die "usage: stop.sh DIR"
fi
DIR=$1
[ -e "$DIR" ] || exit 0
[ -d "$DIR" ] || die "$DIR is not a directory"
DIR=$(cd "$DIR" && pwd -P)
# Guard against rm -rf of an unrelated directory (e.g. a typo'd argument).
if [ -n "$(ls -A "$DIR")" ] && [ ! -e "$DIR/ceph.conf" ] && [ ! -d "$DIR/pids" ]; then
  die "$DIR does not look like a start.sh directory (no ceph.conf, no pids/); not touching it"
fi

# A pid is only ours if the process was started with this DIR's config, so a
# recycled pid never gets an unrelated process killed.
ours() {
  local cmd
  cmd=$({ tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null) || return 1
  [[ "$cmd" == *"$DIR/ceph.conf"* ]]
}
# Gone includes zombies: their parent (often init, or start.sh itself) reaps them.
gone() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
  [ "$state" = Z ]
}

pids=()
shopt -s nullglob
# pids/ is written by start.sh, run/ by the daemons themselves; read both.
for f in "$DIR"/pids/*.pid "$DIR"/run/*.pid; do
  pid=$(tr -dc '0-9' <"$f" || true)
  [ -n "$pid" ] || continue
  if ours "$pid"; then
    pids+=("$pid")
  fi
done

if [ "${#pids[@]}" -gt 0 ]; then
  kill -KILL "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 100); do
    alive=0
    for pid in "${pids[@]}"; do
      gone "$pid" || alive=1
    done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  [ "$alive" -eq 0 ] || die "daemons still running after SIGKILL: ${pids[*]}"
fi

# start.sh's failure path sets S3_LOCAL_KEEP_DIR=1: kill the daemons, keep the logs.
if [ "${S3_LOCAL_KEEP_DIR:-0}" != 1 ]; then
  rm -rf -- "$DIR"
fi
