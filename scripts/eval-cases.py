#!/usr/bin/env python3
"""Retrieval on a question set of files (the layout of ../shared/eval/notes-fr-dev): indexes the folder
with `folio`, searches each question, and reports where the expected file ranks among the files found.

    scripts/eval-cases.py [--folio BIN] [--mode hybrid|bm25|dense] CASES.jsonl FOLDER

CASES.jsonl has one case a line: {"question", "lang", "expected_file" (relative to FOLDER, or null),
"answer"}. Prints hit@1, hit@3 and MRR@10 (files, not passages) for the answerable cases, by
question language / file language, and the best score of the unanswerable ones against the
answerable ones' (what a decline threshold has to separate). Used for tuning; the project's quality
is judged on held-out questions."""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--folio", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/folio/target")), "debug/folio"))
    ap.add_argument("--mode", default="hybrid")
    ap.add_argument("--library", help="reuse this library (indexed already) instead of a scratch one")
    ap.add_argument("cases")
    ap.add_argument("folder")
    a = ap.parse_args()
    folder = os.path.abspath(a.folder)
    cases = [json.loads(l) for l in open(a.cases, encoding="utf-8") if l.strip()]
    scratch = None
    lib = a.library
    if lib is None:
        scratch = tempfile.TemporaryDirectory()
        lib = os.path.join(scratch.name, "library")
        subprocess.run([a.folio, "--library", lib, "index", folder], check=True, capture_output=True)
    rows = []
    for c in cases:
        out = subprocess.run([a.folio, "--library", lib, "search", "--json", "--mode", a.mode, "-k", "30", c["question"]],
                             check=True, capture_output=True, text=True).stdout
        results = json.loads(out)["results"]
        files = []
        for r in results:
            rel = os.path.relpath(r["path"], folder)
            if rel not in files:
                files.append(rel)
        best = results[0]["similarity"] if results and results[0].get("similarity") is not None else None
        rank = files.index(c["expected_file"]) + 1 if c["expected_file"] in files[:10] else None
        rows.append((c, rank, best))
    answerable = [(c, r, b) for c, r, b in rows if c["expected_file"]]

    def summary(group):
        n = len(group)
        if not n:
            return "-"
        h1 = sum(1 for _, r, _ in group if r == 1) / n
        h3 = sum(1 for _, r, _ in group if r and r <= 3) / n
        mrr = sum(1 / r for _, r, _ in group if r) / n
        return f"n={n:2d} hit@1 {h1:.3f} hit@3 {h3:.3f} MRR@10 {mrr:.3f}"

    def file_lang(c):
        return "en" if "english" in c["expected_file"].lower() or c["expected_file"].endswith("-en.md") else None

    print(f"mode {a.mode}: all answerable   {summary(answerable)}")
    for lang in ("fr", "en"):
        print(f"mode {a.mode}: questions in {lang}  {summary([x for x in answerable if x[0]['lang'] == lang])}")
    for c, r, b in answerable:
        if r != 1:
            print(f"  rank {r}: [{c['lang']}] {c['question']} -> {c['expected_file']}", file=sys.stderr)
    unans = [b for c, _, b in rows if not c["expected_file"] and b is not None]
    ans = [b for _, _, b in answerable if b is not None]
    if unans and ans:
        print(f"best similarity: unanswerable max {max(unans):.3f}, answerable min {min(ans):.3f} median {sorted(ans)[len(ans)//2]:.3f}")


if __name__ == "__main__":
    main()
