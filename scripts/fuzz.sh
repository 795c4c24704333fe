#!/usr/bin/env bash
# Fuzzes every extractor through the real extraction worker for N minutes each (default 10):
#   scripts/fuzz.sh [MINUTES] [FORMAT]
# Inputs that kill or stop the worker are saved under fuzz-findings/ (git-ignored); see tests/support/fuzz.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
[ -f ui/dist/index.html ] || bash scripts/ui.sh
bash scripts/patch-crates.sh
cargo build --quiet --workspace --bins
exec "$CARGO_TARGET_DIR/debug/folio-fuzz" --minutes "${1:-10}" ${2:+--format "$2"} --out fuzz-findings
