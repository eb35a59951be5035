#!/usr/bin/env bash
# Installs the system packages the integration suites use (Ceph radosgw for the
# S3 suite, Chromium for the browser tests). Needs root on Debian; elsewhere it
# says loudly what will not run, and under CI=true it fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."

need_root() {
  echo "!!! $1" >&2
  if [ "${CI:-}" = "true" ]; then
    echo "!!! CI=true: refusing to continue without it." >&2
    exit 1
  fi
}

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  need_root "Not root on Debian: cannot install radosgw/chromium; the S3 and browser suites will fail to start."
  exit 0
fi

if [ -f scripts/s3-local/install.sh ]; then
  bash scripts/s3-local/install.sh
fi

# Debian's Chromium for the demo pages' browser tests (playwright-core drives it;
# a browser download of Playwright's own cannot work on this network).
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
command -v chromium >/dev/null 2>&1 || { echo "!!! chromium did not install" >&2; exit 1; }

# Each further system need (redis-server, python3-requests, ...) has its own
# installer in scripts/system/; each is idempotent and fails loudly.
for installer in scripts/system/*.sh; do
  [ -e "$installer" ] || continue
  bash "$installer"
done
