#!/usr/bin/env bash
# Runs the `folio` CLI (building it first if needed): scripts/folio.sh index ~/Documents
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/env.sh"
[ -f "$here/ui/dist/index.html" ] || bash "$here/scripts/ui.sh"
bash "$here/scripts/patch-crates.sh"
cargo build --quiet --manifest-path "$here/Cargo.toml" --workspace --bins >&2
"$CARGO_TARGET_DIR/debug/folio-dev" requantize
exec "$CARGO_TARGET_DIR/debug/folio" "$@"
