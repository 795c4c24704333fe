#!/usr/bin/env bash
# Builds the web UI into ui/dist (which the desktop app embeds at compile time). With --test it also
# type-checks and runs the UI's unit tests. Dependencies come from npm, pinned by ui/package-lock.json;
# they are reinstalled only when the lock file changes.
set -euo pipefail
cd "$(dirname "$0")/../ui"
stamp=node_modules/.folio-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" > "$stamp"
fi
if [ "${1:-}" = "--test" ]; then
  npm run --silent check >&2
  npm test --silent >&2
fi
npm run --silent build >&2
