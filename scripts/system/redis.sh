#!/usr/bin/env bash
# Installs Debian's redis-server (the lock service of the cluster tests and
# demos; scripts/redis-local/start.sh runs throw-away instances of it).
# Idempotent; fails loudly when it cannot install. The package's own system
# service is not needed: it is stopped and disabled when the package enables it.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "!!! redis.sh: redis-server is missing and this is not root on Debian; install the redis-server package by hand" >&2
  exit 1
fi

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
# The packaged service would hold port 6379; tests start their own instances.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  systemctl disable --now redis-server >/dev/null 2>&1 || true
fi

command -v redis-server >/dev/null 2>&1 || { echo "!!! redis.sh: redis-server did not install" >&2; exit 1; }
command -v redis-cli >/dev/null 2>&1 || { echo "!!! redis.sh: redis-cli did not install" >&2; exit 1; }
echo "redis.sh: $(redis-server --version)"
