#!/usr/bin/env bash
# Builds Folio's Debian package: the desktop app with the embedding model, ONNX Runtime and the bundled
# SmolLM2 as resources (a downloaded Llama 3.1 or any GGUF comes from the user). The package lands in
# $CARGO_TARGET_DIR/<profile>/bundle/deb/.
#   scripts/package.sh            the scripts' `dev` profile (hot loops optimised; minutes on a warm cache)
#   scripts/package.sh --release  the release profile (a cold release build takes hours on two cores)
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
cp -L "$models/chat/SmolLM2-135M-Instruct.Q4_1.gguf" "$staged/chat/"
if [ "${1:-}" = "--release" ]; then
  ui/node_modules/.bin/tauri build --bundles deb --config src-tauri/tauri.deb.json
else
  # The scripts' own build (the whole workspace, so features match the cache), then Tauri bundles it.
  cargo build --workspace --bins
  ui/node_modules/.bin/tauri bundle --debug --bundles deb --config src-tauri/tauri.deb.json
fi
ls -l "$CARGO_TARGET_DIR"/*/bundle/deb/*.deb
