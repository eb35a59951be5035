#!/usr/bin/env bash
# Install the Ceph daemons that start.sh needs (monitor, OSD, radosgw) from the
# Debian 12 archive. Safe to run repeatedly: it does nothing when they are present.
set -euo pipefail

# Upstream release the scripts were measured with; the Debian revision is left
# open so security updates (deb12uN) still install.
CEPH_VERSION_GLOB='16.2.15+ds-0+deb12u*'
PACKAGES=(radosgw ceph-mon ceph-osd)
# start.sh needs these too (`ceph` only for inspecting a cluster by hand); they
# come in as dependencies of the packages above.
BINARIES=(radosgw ceph-mon ceph-osd ceph radosgw-admin ceph-authtool monmaptool)

die() { echo "s3-local/install.sh: $*" >&2; exit 1; }

missing=()
for b in "${BINARIES[@]}"; do
  command -v "$b" >/dev/null 2>&1 || missing+=("$b")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "s3-local/install.sh: already installed ($(ceph-mon --version 2>/dev/null | head -n1))" >&2
  exit 0
fi

echo "s3-local/install.sh: missing: ${missing[*]}" >&2
[ "$(id -u)" -eq 0 ] || die "must run as root to install packages (try: sudo $0)"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found; this script supports Debian 12 only"

export DEBIAN_FRONTEND=noninteractive
apt-get update || die "apt-get update failed"

specs=()
for p in "${PACKAGES[@]}"; do
  specs+=("$p=$CEPH_VERSION_GLOB")
done
# The packages also ship systemd units; start.sh never uses them (their
# "Failed to connect to bus" noise in containers is harmless).
apt-get install -y --no-install-recommends "${specs[@]}" \
  || die "apt-get install ${specs[*]} failed (is version $CEPH_VERSION_GLOB available? see: apt-cache policy radosgw)"

for b in "${BINARIES[@]}"; do
  command -v "$b" >/dev/null 2>&1 || die "installed packages but '$b' is still not on PATH"
done
echo "s3-local/install.sh: installed $(ceph-mon --version | head -n1)" >&2
