#!/usr/bin/env bash
# Sets up the machine, builds everything (the CLI and the desktop app included) and runs the whole
# test suite: the UI's unit tests (Vitest), the pure crates' unit tests, and the one integration-test
# binary on real models, the desktop app end to end in a real window included.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
bash scripts/ui.sh --test
start=$(date +%s)
# FOLIO_CARGO_TIMINGS=1 adds cargo's --timings report (the fresh-root check sets it for the cold build).
cargo build --workspace --bins ${FOLIO_CARGO_TIMINGS:+--timings}
echo "folio test: build took $(( $(date +%s) - start ))s (target dir $CARGO_TARGET_DIR)" >&2
# The bundled chat model in Q8_0 (once; checked tensor by tensor): candle has no SIMD kernel for Q4_1.
"$CARGO_TARGET_DIR/debug/folio-dev" requantize
start=$(date +%s)
cargo test --workspace -- --test-threads=2
echo "folio test: tests took $(( $(date +%s) - start ))s (build of the test binaries included)" >&2
