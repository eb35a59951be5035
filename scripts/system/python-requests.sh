#!/usr/bin/env bash
# Installs Debian's python3-requests for the real-client suite (tests/real-clients),
# which runs it with Debian's own /usr/bin/python3 (not a python on PATH that may
# carry another requests). Idempotent; fails loudly when it cannot install.
set -euo pipefail

if /usr/bin/python3 -c 'import requests' >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "!!! python-requests.sh: python3-requests is missing and this is not root on Debian; install the python3-requests package by hand" >&2
  exit 1
fi

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-requests curl >/dev/null

/usr/bin/python3 -c 'import requests' || { echo "!!! python-requests.sh: python3-requests did not install" >&2; exit 1; }
echo "python-requests.sh: requests $(/usr/bin/python3 -c 'import requests; print(requests.__version__)')"
