#!/usr/bin/env bash
# The whole test suite from a fresh machine: installs dependencies (npm packages,
# and as root on Debian the real S3 server and Chromium the suites need), then
# runs every test. With CI=true a suite that cannot start fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/pnpm.sh install --frozen-lockfile
# Lint, format and types first: they take seconds and fail before the long suites.
bash scripts/pnpm.sh lint
bash scripts/pnpm.sh typecheck
bash scripts/setup-system.sh
bash scripts/pnpm.sh test
