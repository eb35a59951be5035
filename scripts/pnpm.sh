#!/usr/bin/env bash
# Runs the pinned pnpm without needing it installed: corepack's download of pnpm
# fails its signature check on some machines, npx of the pinned version works.
set -euo pipefail
PNPM_VERSION=10.34.8
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
  exec pnpm "$@"
fi
exec npx --yes "pnpm@${PNPM_VERSION}" "$@"
