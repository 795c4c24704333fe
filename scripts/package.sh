#!/usr/bin/env bash
# Builds Folio's Debian package: the desktop app with the embedding model, ONNX Runtime and the bundled
# SmolLM2 as resources (a downloaded Llama 3.1 or any GGUF comes from the user). The package lands in
# $CARGO_TARGET_DIR/<profile>/bundle/deb/.
#   scripts/package.sh            the scripts' `dev` profile (hot loops optimised; a few minutes on a warm cache)
#   scripts/package.sh --release  the release profile: the same per-package opt-levels, Folio's own crates at 3
#                                 and no debug assertions; its first build is a cold build of every dependency
#                                 (about 50 minutes on two cores)
# Arguments after the profile flag go to cargo (e.g. --timings).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
bash scripts/ui.sh
models="${FOLIO_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/folio/models}"
staged=src-tauri/resources/models
rm -rf "$staged"
mkdir -p "$staged/embed" "$staged/onnxruntime" "$staged/chat"
cp -rL "$models/embed/all-MiniLM-L6-v2-int8" "$staged/embed/"
cp -L "$models/onnxruntime/libonnxruntime.so" "$staged/onnxruntime/"
cargo build --workspace --bins
"$CARGO_TARGET_DIR/debug/folio-dev" requantize
cp -L "$models/chat/SmolLM2-135M-Instruct.Q8_0.gguf" "$staged/chat/"
# `tauri build` (the CLI from npm, same as `cargo tauri build`) over the whole workspace, so that
# features resolve as in every other build and only Tauri's production-mode crates are rebuilt.
profile=(--debug)
if [ "${1:-}" = "--release" ]; then
  profile=()
  shift
fi
ui/node_modules/.bin/tauri build "${profile[@]}" --bundles deb --config src-tauri/tauri.deb.json -- --workspace "$@"
ls -l "$CARGO_TARGET_DIR"/*/bundle/deb/*.deb
