#!/usr/bin/env bash
# Start a throw-away single-node Ceph cluster (1 mon, 1 OSD, radosgw) on
# loopback, to serve as a real S3 endpoint for tests.
#
#   start.sh [DIR]
#
# Everything (config, mon store, OSD block file, pid files, logs) lives under
# DIR, which must not exist yet or be empty (default: a fresh mktemp dir).
# On success the last lines of stdout are the contents of DIR/env; all
# diagnostics go to stderr. Stop with: stop.sh DIR
#
# The settings follow the measurements in the project's S3-LOCAL design notes;
# see README.md in this folder for the environment variables.
set -euo pipefail

TIMEOUT=${S3_LOCAL_TIMEOUT:-90}
ACCESS_KEY=${S3_LOCAL_ACCESS_KEY:-sluice-test}
SECRET_KEY=${S3_LOCAL_SECRET_KEY:-sluice-test-secret}
S3_USER=${S3_LOCAL_USER:-sluice-test}
# The helper snippets below need the distribution's python (python3-rados is
# installed for it), not whatever python3 comes first on PATH (pyenv, venvs).
PY=/usr/bin/python3

T0=$SECONDS
log() { echo "s3-local: [$((SECONDS - T0))s] $*" >&2; }
die() { echo "s3-local: ERROR: $*" >&2; exit 1; }
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "S3_LOCAL_TIMEOUT must be a whole number of seconds"
DEADLINE=$((SECONDS + TIMEOUT))

for b in ceph-authtool monmaptool ceph-mon ceph-osd radosgw radosgw-admin "$PY"; do
  command -v "$b" >/dev/null 2>&1 || die "'$b' not found; run scripts/s3-local/install.sh (as root) first"
done
"$PY" -c 'import rados' 2>/dev/null || die "$PY cannot import rados (package python3-rados); run install.sh"

# ---- scratch directory ------------------------------------------------------
CREATED_DIR=0
if [ $# -ge 1 ] && [ -n "$1" ]; then
  DIR=$1
  if [ -e "$DIR" ]; then
    [ -d "$DIR" ] || die "$DIR exists and is not a directory"
    # A leftover cluster in DIR would be silently reused or corrupted.
    [ -z "$(ls -A "$DIR")" ] || die "$DIR is not empty; use a fresh directory per run"
  else
    mkdir -p "$DIR"
    CREATED_DIR=1
  fi
else
  DIR=$(mktemp -d /tmp/sluice-s3.XXXXXX)
  CREATED_DIR=1
fi
DIR=$(cd "$DIR" && pwd -P)
# DIR and the keys end up unquoted in DIR/env and ceph.conf.
for v in "$DIR" "$ACCESS_KEY" "$SECRET_KEY" "$S3_USER"; do
  [[ "$v" =~ ^[A-Za-z0-9._/+:-]+$ ]] || die "'$v' contains characters not allowed here (A-Za-z0-9._/+:-)"
done
# Unix socket paths (admin sockets) are limited to 107 bytes.
[ "${#DIR}" -le 60 ] || log "warning: long DIR path; admin sockets may fail to bind"

CONF=$DIR/ceph.conf
mkdir -p "$DIR"/{run,log,pids,mon,osd,rgw,crash}

# ---- failure handling -------------------------------------------------------
OK=0
MKFS_PID=
cleanup() {
  local rc=$?
  [ "$OK" -eq 1 ] && return 0
  # The only helper that runs in the background without a pid file.
  [ -z "$MKFS_PID" ] || kill "$MKFS_PID" 2>/dev/null || true
  echo "s3-local: start FAILED (exit $rc) after $((SECONDS - T0))s; DIR=$DIR" >&2
  local f
  for f in "$DIR"/log/*; do
    [ -s "$f" ] || continue
    echo "----- tail of $f -----" >&2
    tail -n 15 "$f" >&2 || true
  done
  # Leave no daemons behind: stop.sh kills by pid file and removes DIR.
  if [ "${S3_LOCAL_KEEP:-0}" = 1 ] || [ "$CREATED_DIR" -eq 0 ]; then
    S3_LOCAL_KEEP_DIR=1 "$(dirname "$0")/stop.sh" "$DIR" >&2 || true
    echo "s3-local: kept $DIR for inspection" >&2
  else
    "$(dirname "$0")/stop.sh" "$DIR" >&2 || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Seconds left before the overall deadline; fails once it has passed.
left() {
  local l=$((DEADLINE - SECONDS))
  [ "$l" -gt 0 ] || die "overall timeout of ${TIMEOUT}s exceeded"
  echo "$l"
}
# Run a command bounded by the overall deadline, so nothing can hang forever.
bounded() {
  local l
  l=$(left) || exit 1
  timeout -k 2 "$l" "$@"
}

# ---- ports ------------------------------------------------------------------
# Let the kernel hand out free ports (bind to port 0), all at once so they differ.
# There is a small race until the daemons bind them; an explicit port that is
# already taken is refused here rather than failing obscurely later.
pick_ports() {
  "$PY" - "$@" <<'PY'
import socket, sys
socks = []
for want in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", int(want)))
    except OSError as e:
        sys.exit(f"port {want} on 127.0.0.1 is not free: {e}")
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}
read -r RGW_PORT MON_PORT < <(pick_ports "${S3_LOCAL_PORT:-0}" "${S3_LOCAL_MON_PORT:-0}") \
  || die "could not pick ports"
[ -n "${MON_PORT:-}" ] || die "could not pick ports"
log "DIR=$DIR mon=127.0.0.1:$MON_PORT rgw=127.0.0.1:$RGW_PORT"

# ---- config -----------------------------------------------------------------
# The kernel's uuid source: uuidgen is not always installed.
FSID=$(cat /proc/sys/kernel/random/uuid)
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
# \$cluster, \$name, \$id are ceph metavariables, expanded by ceph, not the shell.
cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon_host = v2:127.0.0.1:$MON_PORT
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
# Only msgr2: one mon port, fewer sockets.
ms_bind_msgr1 = false

# Nothing here is reachable from outside loopback; auth only costs start time.
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# With auth none, clients must not insist on a secure mon session, or
# radosgw retries forever (get_initial_auth_request returned -13).
ms_mon_client_mode = crc
ms_client_mode = crc

# Keep every path inside DIR so neither root nor /etc/ceph, /var/run/ceph,
# /var/lib/ceph, /var/log/ceph are needed.
keyring = $DIR/keyring
run_dir = $DIR/run
admin_socket = $DIR/run/\$cluster-\$name.asok
pid_file = $DIR/run/\$cluster-\$name.pid
log_file = $DIR/log/\$name.log
crash_dir = $DIR/crash
log_to_stderr = false
err_to_stderr = true

# One OSD: every pool has a single replica and few PGs.
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_max_pg_per_osd = 1000
mon_warn_on_pool_no_redundancy = false

[mon]
mon_data = $DIR/mon/\$cluster-\$id
# Commit map changes every 0.1 s instead of 1 s: cold start ~6 s instead of 15-20 s.
paxos_propose_interval = 0.1
mon_cluster_log_to_file = false
# Do not refuse to run on a fairly full /tmp.
mon_data_avail_warn = 2
mon_data_avail_crit = 1
mon_warn_on_insecure_global_id_reclaim = false
mon_warn_on_insecure_global_id_reclaim_allowed = false

[osd]
osd_data = $DIR/osd/\$cluster-\$id
osd_objectstore = bluestore
# Unused by bluestore, but otherwise logged as a path under /var/lib/ceph.
osd_journal = $DIR/osd/\$cluster-\$id/journal
# A sparse 10 GiB file instead of a disk. Not inside osd_data: bluestore
# symlinks osd_data/block to this path, which would then point at itself.
bluestore_block_path = $DIR/osd/\$cluster-\$id.block
bluestore_block_create = true
bluestore_block_size = 10737418240
bluestore_fsck_on_mkfs = false
# Closing the block device waits out one aio poll interval (default 250 ms);
# mkfs and start-up open and close it about ten times.
bdev_aio_poll_ms = 20
# Small machines: a fixed 128 MiB cache instead of growing it towards
# osd_memory_target (which is set near its minimum anyway).
osd_memory_target = 939524096
bluestore_cache_autotune = false
bluestore_cache_size = 134217728

[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw_data = $DIR/rgw
# Default 512 threads; tests never come close to 64 concurrent requests.
rgw_thread_pool_size = 64
# Fail within the start deadline instead of the default 300 s.
rgw_init_timeout = 60
EOF

# ---- daemons ----------------------------------------------------------------
# Start a daemon in the foreground (-f) as a background job, detached into its
# own session so it outlives this script and ignores the caller's Ctrl-C, with
# stdio off the caller's pipes (a caller reading our stdout must see EOF).
start_daemon() {
  local name=$1; shift
  setsid "$@" -f </dev/null >>"$DIR/log/$name.stdio" 2>&1 &
  echo $! >"$DIR/pids/$name.pid"
  # Not our job to report on: stop.sh / cleanup kill it, quietly.
  disown $!
}
alive() { kill -0 "$(cat "$DIR/pids/$1.pid")" 2>/dev/null; }

# Monitor commands through librados from one short python process: ~0.1 s
# each, where every `ceph` CLI call costs ~0.3 s of start-up.
#   mon_py osd-new UUID ID | create-pools POOL... | wait-osd-up OSD_PID
mon_py() {
  local l
  l=$(left) || exit 1
  bounded "$PY" - "$CONF" "$l" "$@" <<'PY'
import json, os, sys, threading, time
import rados

conf, budget, mode, *args = sys.argv[1:]
deadline = time.monotonic() + float(budget)
cluster = rados.Rados(conffile=conf)
# Waits for the monitor if it is still starting.
cluster.connect(timeout=max(1, int(float(budget))))

def mon(**cmd):
    ret, out, err = cluster.mon_command(json.dumps(cmd), b"", timeout=max(1, int(deadline - time.monotonic())))
    if ret != 0:
        raise RuntimeError(f"mon command {cmd}: {err} ({ret})")
    return out

if mode == "osd-new":
    mon(prefix="osd new", uuid=args[0], id=int(args[1]))
elif mode == "create-pools":
    # In parallel: the monitor folds them into one or two map commits.
    errors = []
    def create(pool):
        try:
            mon(prefix="osd pool create", pool=pool, pg_num=8, pgp_num=8)
            mon(prefix="osd pool application enable", pool=pool, app="rgw")
        except Exception as e:
            errors.append(str(e))
    threads = [threading.Thread(target=create, args=(p,)) for p in args]
    for t in threads: t.start()
    for t in threads: t.join()
    if errors:
        sys.exit("\n".join(errors))
elif mode == "wait-osd-up":
    pid = int(args[0])
    while json.loads(mon(prefix="osd stat", format="json"))["num_up_osds"] < 1:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit("ceph-osd exited before coming up")
        if time.monotonic() > deadline:
            sys.exit("timed out waiting for the OSD to come up")
        time.sleep(0.1)
else:
    sys.exit(f"unknown mode {mode}")
cluster.shutdown()
PY
}

log "creating monitor"
bounded ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
bounded monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
bounded ceph-mon -c "$CONF" -i a --mkfs --monmap "$DIR/monmap" --keyring "$DIR/keyring"
start_daemon mon.a ceph-mon -c "$CONF" -i a

# Formatting the OSD needs nothing from the monitor (--no-mon-config), so it
# runs while the monitor starts and the OSD and pools are registered.
OSD_ID=0
mkdir -p "$DIR/osd/ceph-$OSD_ID"
bounded ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" --no-mon-config \
  >"$DIR/log/osd.mkfs.stdio" 2>&1 &
MKFS_PID=$!

# Fail fast if the monitor dies (e.g. its port was taken meanwhile) instead of
# letting the librados connect below wait out the whole time limit.
until (exec 3<>"/dev/tcp/127.0.0.1/$MON_PORT") 2>/dev/null; do
  alive mon.a || die "ceph-mon exited"
  left >/dev/null
  sleep 0.05
done

log "registering OSD"
mon_py osd-new "$OSD_UUID" "$OSD_ID" || die "could not register the OSD with the monitor"

# Pre-create rgw's pools: otherwise radosgw creates them on first use and the
# first CreateBucket and first PutObject each stall ~2 s waiting for new PGs.
# The first four radosgw would create at start-up anyway.
log "creating rgw pools"
mon_py create-pools .rgw.root default.rgw.control default.rgw.meta default.rgw.log \
  default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec \
  || die "could not create the rgw pools"

wait "$MKFS_PID" || die "ceph-osd --mkfs failed"
MKFS_PID=
log "starting OSD"
start_daemon "osd.$OSD_ID" ceph-osd -c "$CONF" -i "$OSD_ID"
mon_py wait-osd-up "$(cat "$DIR/pids/osd.$OSD_ID.pid")" || die "the OSD did not come up"

log "starting radosgw"
start_daemon client.rgw.a radosgw -c "$CONF" -n client.rgw.a
# Any HTTP answer (radosgw says 200 to an anonymous ListBuckets) means ready.
# Reading the body avoids a "connection reset" error line in the rgw log.
until "$PY" -c 'import sys, urllib.request as u
try: u.urlopen(sys.argv[1], timeout=1).read()
except u.HTTPError: pass' "http://127.0.0.1:$RGW_PORT/" 2>/dev/null; do
  alive client.rgw.a || die "radosgw exited"
  left >/dev/null
  sleep 0.1
done

log "creating S3 user $S3_USER"
bounded radosgw-admin -c "$CONF" user create --uid="$S3_USER" --display-name="$S3_USER" \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null

cat >"$DIR/env" <<EOF
S3_ENDPOINT=http://127.0.0.1:$RGW_PORT
S3_REGION=us-east-1
AWS_ACCESS_KEY_ID=$ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$SECRET_KEY
S3_FORCE_PATH_STYLE=true
S3_LOCAL_DIR=$DIR
EOF
OK=1
log "ready in $((SECONDS - T0))s"
cat "$DIR/env"
