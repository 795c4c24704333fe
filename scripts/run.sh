#!/usr/bin/env bash
# Sets up the machine, builds Folio's desktop app and starts it (under Xvfb when there is no display).
# The same engine runs headless through the CLI: scripts/folio.sh index|search|ask ...
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
bash scripts/ui.sh
cargo build --workspace --bins
# The bundled chat model in Q8_0 (once; checked tensor by tensor): candle has no SIMD kernel for Q4_1.
"$CARGO_TARGET_DIR/debug/folio-dev" requantize
app="$CARGO_TARGET_DIR/debug/folio-app"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "folio: no display; starting the app under Xvfb" >&2
  exec xvfb-run -a "$app" "$@"
fi
exec "$app" "$@"
