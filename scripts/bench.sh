#!/usr/bin/env bash
# Folio's benchmarks. Each reports its baseline measured in the same run.
#   scripts/bench.sh fixtures   index / re-index / search / ask on the fixture corpus (BASELINE_BIN=DIR: the
#                               same with another build's `folio`, in the same run)
#   scripts/bench.sh index      `folio-dev bench index` on a mixed corpus (600 SciFact abstracts written as .txt,
#                               .md, .html, .rtf and .eml, ten copies of the fixture corpus with its bad files,
#                               and ten copies of tests/fixtures/budget.xls), against the embedder alone on
#                               the same chunks; again without the LanceDB fsyncs, to show their cost; and with
#                               BASELINE_BIN=DIR, with another build's `folio` (e.g. before a change)
#   scripts/bench.sh hostile    `folio-dev bench index` on the mixed corpus plus the folder of hostile files
#                               (`folio-fixtures hostile`: deep nesting, bombs, far cells, long lines, FIFOs,
#                               ...): every file's status and reason, the main process's peak RSS, and the
#                               same corpus without the hostile files as the baseline. BASELINE_BIN=DIR adds
#                               the same two runs with another build's binaries (e.g. before a change)
#   scripts/bench.sh search     `folio-dev bench search` at 10k and 100k chunks (SIZES=... to change, e.g. add
#                               1000000): whole-search latency and memory, exact vs IVF-PQ vs IVF-HNSW-SQ,
#                               ANN recall@10 against exact search; BASELINE_BIN=DIR: the same with another
#                               build, in the same run (the libraries are cached and shared)
#   scripts/bench.sh eval       `folio-dev eval` on both shared sets: BM25, dense and hybrid
#   scripts/bench.sh french     scripts/eval-cases.py on the French / mixed-language set (notes-fr-dev):
#                               where the expected file ranks (BM25, dense, hybrid; by question and file
#                               language), and `folio ask`'s declines by question language (hybrid;
#                               about 7 minutes a build); BASELINE_BIN=DIR runs another build's `folio`
#                               on it too, in the same run
#   scripts/bench.sh ask        `folio-dev bench ask` on notes-fr-dev: every question asked of the chat model
#                               with the prompt as now (by evidence, trimmed) and then as before (every
#                               passage, whole: the baseline), in one run: first-token p50/p95, prompt tokens,
#                               expected file cited, declines, cited sentences supported (LIMIT=N cases)
#   scripts/bench.sh ask-scifact  `folio-dev bench ask --only-now` on 60 SciFact-train claims (each its first cited
#                               abstract among 395 abstracts written as .txt files): the same figures on a set
#                               twice the notes set's size, in English; BASELINE_BIN=DIR runs another build's
#                               folio-dev on it too, in the same run (a 135M model's citations turn on near-ties,
#                               so a change of one or two of 28 notes questions is within noise)
#   scripts/bench.sh ask-indexing  the first LIMIT (12) notes-fr-dev questions asked alone, then while the same
#                               process indexes 3,000 SciFact abstracts (answers first), then the same with
#                               FOLIO_NO_ANSWERS_FIRST=1 (indexing embeds through answers: the baseline); #19 item 4
#   scripts/bench.sh mcp        the `search` tool of `folio mcp` over stdio, driven by the official MCP Python
#                               SDK, on the fixture corpus: p50/p95/p99, against `folio search` in the same run
#   scripts/bench.sh answer     `folio-dev bench answer`: first token with ~600 passage tokens (PASSAGE_TOKENS)
#                               and decode speed of the bundled model in Q4_1, Q8_0 and Q4_0, each under mistral.rs
#                               and, in the same run, llama.cpp (llama-cpp-python from PyPI, built once into
#                               ~/.cache/folio/llama-cpp; GGUF=... to time another model); about 10 minutes
#   scripts/bench.sh languages  Folio's language detection (folio_core::lang, whatlang) against lingua on labelled
#                               questions (notes-fr-dev, SciFact-train claims, Cranfield queries) and
#                               notes-fr-dev paragraphs: texts got wrong and time (scripts/langdetect, built
#                               apart so that lingua never enters Folio's build)
# With no argument, all but hostile and languages run in that order. Needs ../shared beside the clone for index, search, eval, french and languages.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
[ -f ui/dist/index.html ] || bash scripts/ui.sh
bash scripts/patch-crates.sh
cargo build --quiet --workspace --bins
bin="$CARGO_TARGET_DIR/debug"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shared="${FOLIO_SHARED:-../shared}"
# The benchmarking binary of a build directory: folio-dev, or `folio` itself in builds before it existed.
dev() { if [ -x "$1/folio-dev" ]; then echo "$1/folio-dev"; else echo "$1/folio"; fi; }

fixtures() {
  "$bin/folio-fixtures" "$work/docs"
  local lib="$work/library"
  t() {
    local s=$EPOCHREALTIME
    "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    awk "BEGIN { print $EPOCHREALTIME - $s }"
  }
  for b in "$bin" ${BASELINE_BIN:+"$BASELINE_BIN"}; do
    rm -rf "$lib"
    cold=$(t "$b/folio" --library "$lib" index "$work/docs")
    warm=$(t "$b/folio" --library "$lib" index "$work/docs")
    search=$(t "$b/folio" --library "$lib" search "orbital period of comet Halvard")
    ask=$(t "$b/folio" --library "$lib" ask --max-tokens 96 "How often does comet Halvard return?")
    echo "== $b: fixture corpus, $(find "$work/docs" -type f | wc -l) files"
    printf 'folio index (cold, process start to exit): %.2fs\n' "$cold"
    printf 'folio index (warm re-index, nothing changed): %.2fs\n' "$warm"
    printf 'folio search (process start to exit): %.2fs\n' "$search"
    printf 'folio ask (process start to exit, 96 tokens max): %.2fs\n' "$ask"
  done
  "$bin/folio" --library "$lib" ask --json --max-tokens 96 "How often does comet Halvard return?" >"$work/ask.json" 2>/dev/null
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("ask timings:", json.dumps(d["timings"]))' "$work/ask.json"
}

mixed_corpus() {
  python3 - "$shared/eval/scifact-train/corpus.jsonl" "$work/mixed/scifact" <<'PY'
import html, json, os, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with open(src) as f:
    for i, line in enumerate(f):
        if i == 600:
            break
        d = json.loads(line)
        title, text = d.get("title", ""), d.get("text", "")
        kind = ("txt", "md", "html", "rtf", "eml")[i % 5]
        if kind == "txt":
            body = f"{title}\n\n{text}\n"
        elif kind == "md":
            body = f"# {title}\n\n{text}\n"
        elif kind == "rtf":
            def rtf(s):
                out = []
                for ch in s:
                    if ch in "\\{}":
                        out.append("\\" + ch)
                    elif ord(ch) < 128:
                        out.append(ch)
                    elif ord(ch) < 0x10000:
                        out.append(f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?")
                return "".join(out)
            body = "{\\rtf1\\ansi{\\fonttbl{\\f0 Times;}}\\f0 {\\b " + rtf(title) + "}\\par\n" + rtf(text) + "\\par}\n"
        elif kind == "eml":
            body = (f"From: Lab <lab@example.org>\nTo: Team <team@example.org>\nSubject: {title[:120]}\n"
                    f"Date: Mon, 2 Mar 2026 09:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n{text}\n")
        else:
            body = f"<html><head><title>{html.escape(title)}</title></head><body><nav>Home | About</nav>" \
                   f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>\n"
        with open(os.path.join(out, f"{d['_id']}.{kind}"), "w") as g:
            g.write(body)
PY
  for i in 0 1 2 3 4 5 6 7 8 9; do
    "$bin/folio-fixtures" "$work/mixed/fixtures-$i" >/dev/null
    cp tests/fixtures/budget.xls "$work/mixed/fixtures-$i/budget.xls"
  done
}

index() {
  mixed_corpus
  echo "corpus: $(find "$work/mixed" -type f | wc -l) files, $(du -sh "$work/mixed" | cut -f1)"
  echo "== this build"
  "$bin/folio-dev" bench index "$work/mixed"
  echo "== this build, LanceDB writes not fsynced (FOLIO_BENCH_NO_VECTOR_SYNC=1: what the syncs cost)"
  FOLIO_BENCH_NO_VECTOR_SYNC=1 "$bin/folio-dev" bench index "$work/mixed"
  if [ -n "${BASELINE_BIN:-}" ]; then
    echo "== baseline build $BASELINE_BIN"
    "$(dev "$BASELINE_BIN")" bench index "$work/mixed"
  fi
}

hostile() {
  mixed_corpus
  "$bin/folio-fixtures" hostile "$work/mixed/hostile" >"$work/hostile.tsv"
  mkdir -p "$work/plain"
  cp -r "$work/mixed/scifact" "$work/mixed"/fixtures-* "$work/plain/"
  echo "corpus: $(find "$work/mixed" -type f | wc -l) regular files, $(du -sh "$work/mixed" | cut -f1), of which" \
    "$(wc -l <"$work/hostile.tsv") hostile; baseline: the same without them"
  run_pair() { # binary dir, label
    local b="$1" label="$2"
    echo "== $label: with the hostile files"
    rm -rf "$work/lib"
    /usr/bin/time -f "wall %e s; largest process (main or a worker) peak RSS %M KiB" \
      timeout 1800 "$(dev "$b")" --library "$work/lib" bench index "$work/mixed" || echo "FAILED or timed out (exit $?)"
    [ "$b" = "$bin" ] && cp -r "$work/lib" "$work/lib-this-build"
    echo "== $label: baseline, without them"
    timeout 1800 "$(dev "$b")" bench index "$work/plain" || echo "FAILED (exit $?)"
  }
  run_pair "$bin" "this build"
  if [ -n "${BASELINE_BIN:-}" ]; then
    run_pair "$BASELINE_BIN" "baseline build $BASELINE_BIN"
  fi
  # What became of each hostile file, in the last library `bench index` left.
  lib="$work/lib-this-build"
  "$bin/folio" --library "$lib" status --json >"$work/status.json"
  python3 - "$work/hostile.tsv" "$work/status.json" <<'PY'
import json, re, sys
# Keys of names that are not UTF-8 hold their odd bytes as \xNN; the list shows them as U+FFFD.
lossy = lambda p: re.sub(r"\\x[0-9A-F]{2}", "\ufffd", p)
status = {lossy(f["path"]): (f["status"], f["reason"] or "") for f in json.load(open(sys.argv[2]))["files"]}
for line in open(sys.argv[1]):
    cls, path, expect = line.rstrip("\n").split("\t")
    s, why = status.get(path, ("not listed", ""))
    print(f"  {cls:34} {s:9} {why[:90]}")
PY
}

search() {
  for b in "$bin" ${BASELINE_BIN:+"$BASELINE_BIN"}; do
    echo "== $b"
    "$(dev "$b")" bench search --sizes "${SIZES:-10000,100000}" --queries "${QUERIES:-200}" \
      --corpus "$shared/eval/cranfield" --corpus "$shared/eval/scifact-train"
  done
}

eval_sets() {
  for set in cranfield scifact-train; do
    "$bin/folio-dev" eval "$shared/eval/$set"
  done
}

answer() {
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/folio/llama-cpp"
  if ! "$venv/bin/python" -c 'import llama_cpp' 2>/dev/null; then
    echo "building llama-cpp-python 0.3.36 from PyPI (once; several minutes)" >&2
    python3 -m venv "$venv"
    CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv/bin/pip" install --quiet llama-cpp-python==0.3.36 >&2
  fi
  # The bundled model as shipped (Q4_1) and rewritten (Q8_0, what Folio answers with; Q4_0 for
  # comparison), each under mistral.rs and llama.cpp, ~600 passage tokens as Folio's prompts carry.
  local chat="${FOLIO_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/folio/models}/chat"
  "$bin/folio-dev" requantize "$chat/SmolLM2-135M-Instruct.Q4_1.gguf" "$work/SmolLM2-135M-Instruct.Q4_0.gguf" \
    --to q4_0 --keep-any-change
  local ggufs=(--gguf "$chat/SmolLM2-135M-Instruct.Q4_1.gguf" --gguf "$chat/SmolLM2-135M-Instruct.Q8_0.gguf"
    --gguf "$work/SmolLM2-135M-Instruct.Q4_0.gguf")
  [ -n "${GGUF:-}" ] && ggufs=(--gguf "$GGUF")
  "$bin/folio-dev" bench answer "${ggufs[@]}" --corpus "$shared/eval/scifact-train" \
    --passage-tokens "${PASSAGE_TOKENS:-600}" --runs "${RUNS:-5}" --llama-cpp-python "$venv/bin/python"
}

ask() {
  "$bin/folio-dev" bench ask --cases "$shared/eval/notes-fr-dev.cases.jsonl" --folder "$shared/eval/notes-fr-dev" \
    ${LIMIT:+--limit "$LIMIT"}
}

ask_scifact() {
  python3 - "$shared/eval/scifact-train" "$work/scifact-ask" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
first_cited = {}
for line in open(os.path.join(src, "qrels.tsv"), encoding="utf-8"):
    q, *rest = line.strip().split("\t")
    if rest and q.isdigit():
        first_cited.setdefault(q, rest[0])
claims = [json.loads(l) for l in open(os.path.join(src, "queries.jsonl"), encoding="utf-8")]
cases = [(c["text"], first_cited[c["_id"]]) for c in claims if c["_id"] in first_cited][:60]
wanted = {d for _, d in cases}
os.makedirs(os.path.join(out, "docs"), exist_ok=True)
written = 0
for line in open(os.path.join(src, "corpus.jsonl"), encoding="utf-8"):
    d = json.loads(line)
    if d["_id"] in wanted or written < 400 - len(wanted):
        written += 1
        with open(os.path.join(out, "docs", d["_id"] + ".txt"), "w", encoding="utf-8") as f:
            f.write(d.get("title", "") + "\n\n" + d["text"] + "\n")
with open(os.path.join(out, "cases.jsonl"), "w", encoding="utf-8") as f:
    for text, doc in cases:
        f.write(json.dumps({"question": text, "lang": "en", "expected_file": doc + ".txt"}) + "\n")
PY
  for b in "$bin" ${BASELINE_BIN:+"$BASELINE_BIN"}; do
    echo "== $(dev "$b")"
    "$(dev "$b")" bench ask --only-now --cases "$work/scifact-ask/cases.jsonl" --folder "$work/scifact-ask/docs" \
      ${LIMIT:+--limit "$LIMIT"}
  done
}

ask_indexing() {
  # 3,000 SciFact abstracts as .txt files: enough embedding to outlast the questions.
  python3 - "$shared/eval/scifact-train/corpus.jsonl" "$work/background" <<'PY'
import json, os, sys
os.makedirs(sys.argv[2], exist_ok=True)
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    if i >= 3000:
        break
    d = json.loads(line)
    open(os.path.join(sys.argv[2], f"{i:05d}.txt"), "w", encoding="utf-8").write(d.get("title", "") + "\n\n" + d.get("text", ""))
PY
  local args=(bench ask --cases "$shared/eval/notes-fr-dev.cases.jsonl" --folder "$shared/eval/notes-fr-dev"
    --only-now --limit "${LIMIT:-12}")
  echo "== alone"; "$bin/folio-dev" "${args[@]}"
  echo "== while indexing, answers first"; "$bin/folio-dev" "${args[@]}" --while-indexing "$work/background"
  echo "== while indexing, FOLIO_NO_ANSWERS_FIRST=1 (the baseline)"
  FOLIO_NO_ANSWERS_FIRST=1 "$bin/folio-dev" "${args[@]}" --while-indexing "$work/background"
}

mcp() {
  "$bin/folio-fixtures" "$work/docs" >/dev/null
  "$bin/folio" --library "$work/library" index "$work/docs" 2>/dev/null
  "${XDG_CACHE_HOME:-$HOME/.cache}/folio/mcp-venv/bin/python" scripts/mcp_bench.py "$bin/folio" "$work/library" \
    "${FOLIO_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/folio/models}" "${QUERIES:-200}"
}

french() {
  local cases="$shared/eval/notes-fr-dev.cases.jsonl" folder="$shared/eval/notes-fr-dev"
  for b in "$bin" ${BASELINE_BIN:+"$BASELINE_BIN"}; do
    echo "== $b/folio"
    rm -rf "$work/fr-library"
    "$b/folio" --library "$work/fr-library" index "$folder" >/dev/null 2>&1
    for mode in bm25 dense hybrid; do
      python3 scripts/eval-cases.py --folio "$b/folio" --library "$work/fr-library" --mode "$mode" \
        $([ "$mode" = hybrid ] && echo --ask) "$cases" "$folder" 2>/dev/null
    done
  done
}

languages() {
  local target="${XDG_CACHE_HOME:-$HOME/.cache}/folio/langdetect-target"
  CARGO_TARGET_DIR="$target" cargo build --quiet --release --manifest-path scripts/langdetect/Cargo.toml
  "$target/release/folio-langdetect-bench" "$shared/eval"
}

case "${1:-all}" in
  fixtures) fixtures ;;
  index) index ;;
  hostile) hostile ;;
  search) search ;;
  eval) eval_sets ;;
  french) french ;;
  answer) answer ;;
  ask) ask ;;
  ask-indexing) ask_indexing ;;
  ask-scifact) ask_scifact ;;
  mcp) mcp ;;
  languages) languages ;;
  all) fixtures; index; search; eval_sets; french; ask; answer ;;
  *) echo "usage: scripts/bench.sh [fixtures|index|hostile|search|eval|french|ask|ask-indexing|ask-scifact|mcp|answer|all]" >&2; exit 2 ;;
esac
