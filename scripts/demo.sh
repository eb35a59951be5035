#!/usr/bin/env bash
# Runs the demo from a fresh machine: installs dependencies with the pinned
# pnpm, then starts the Express demo on http://localhost:${PORT:-3000} with
# disk storage in ./uploads (no cloud account needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/pnpm.sh install --frozen-lockfile
exec bash scripts/pnpm.sh demo
