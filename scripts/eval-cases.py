#!/usr/bin/env python3
"""Retrieval on a question set of files (the layout of ../shared/eval/notes-fr-dev): indexes the folder
with `folio`, searches each question, and reports where the expected file ranks among the files found.

    scripts/eval-cases.py [--folio BIN] [--mode hybrid|bm25|dense] CASES.jsonl FOLDER

CASES.jsonl has one case a line: {"question", "lang", "expected_file" (relative to FOLDER, or null),
"answer"}. Prints hit@1, hit@3, hit@5 and MRR@10 (files, not passages) for the answerable cases, by
question language and by question language -> file language (a file's language is guessed from its
function words), and the best score of the unanswerable ones against the answerable ones' (what a
decline threshold has to separate). Used for tuning; the project's quality
is judged on held-out questions."""
import argparse
import functools
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
    ap.add_argument("--passages", type=int, default=8, help="passages `folio ask` retrieves (its --passages)")
    ap.add_argument("--min-similarity", type=float, default=0.38, help="`folio ask`'s decline threshold")
    ap.add_argument("--ask", action="store_true",
                    help="also ask each question (`folio ask --max-tokens 1`: Folio's own decline decision, made "
                         "before the model writes) and report the declines by question language")
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
        # As `folio ask` decides: the best similarity among the passages it would give the model.
        sims = [r["similarity"] for r in results[:a.passages] if r.get("similarity") is not None]
        best = max(sims) if sims else None
        rank = files.index(c["expected_file"]) + 1 if c["expected_file"] in files[:10] else None
        rows.append((c, rank, best))
    answerable = [(c, r, b) for c, r, b in rows if c["expected_file"]]

    def summary(group):
        n = len(group)
        if not n:
            return "-"
        h1 = sum(1 for _, r, _ in group if r == 1) / n
        h3 = sum(1 for _, r, _ in group if r and r <= 3) / n
        h5 = sum(1 for _, r, _ in group if r and r <= 5) / n
        mrr = sum(1 / r for _, r, _ in group if r) / n
        return f"n={n:2d} hit@1 {h1:.3f} hit@3 {h3:.3f} hit@5 {h5:.3f} MRR@10 {mrr:.3f}"

    @functools.cache
    def lang_of(path):
        words = open(os.path.join(folder, path), encoding="utf-8", errors="replace").read().lower().split()
        fr = sum(w in ("le", "la", "les", "et", "des", "du", "une", "est", "pour", "dans") for w in words)
        en = sum(w in ("the", "and", "of", "to", "is", "for", "in", "with", "a", "an") for w in words)
        return "fr" if fr > en else "en"

    def file_lang(c):
        return lang_of(c["expected_file"])

    print(f"mode {a.mode}: all answerable   {summary(answerable)}")
    for lang in ("fr", "en"):
        print(f"mode {a.mode}: questions in {lang}  {summary([x for x in answerable if x[0]['lang'] == lang])}")
    for q, f in (("fr", "fr"), ("en", "fr"), ("fr", "en"), ("en", "en")):
        group = [x for x in answerable if x[0]["lang"] == q and file_lang(x[0]) == f]
        if group:
            print(f"mode {a.mode}: {q} -> {f} files     {summary(group)}")
    for c, r, b in answerable:
        if r != 1:
            print(f"  rank {r}: [{c['lang']}] {c['question']} -> {c['expected_file']}", file=sys.stderr)
    unans = [b for c, _, b in rows if not c["expected_file"] and b is not None]
    ans = [b for _, _, b in answerable if b is not None]
    if unans and ans:
        print(f"best similarity: unanswerable max {max(unans):.3f}, answerable min {min(ans):.3f} median {sorted(ans)[len(ans)//2]:.3f}")
    if a.mode != "bm25":
        t = a.min_similarity
        for lang in ("fr", "en"):
            a_l = [b for c, _, b in answerable if c["lang"] == lang]
            u_l = [(c, b) for c, _, b in rows if not c["expected_file"] and c["lang"] == lang]
            declined = sum(1 for b in a_l if b is None or b < t)
            answered = [c["question"] for c, b in u_l if b is not None and b >= t]
            print(f"decline at {t}: questions in {lang}: answerable declined {declined}/{len(a_l)}, "
                  f"unanswerable answered {len(answered)}/{len(u_l)} {answered}")
    if a.ask:
        grounded = {}
        for c in cases:
            out = subprocess.run([a.folio, "--library", lib, "ask", "--json", "--max-tokens", "1", c["question"]],
                                 check=True, capture_output=True, text=True).stdout
            grounded[c["question"]] = json.loads(out)["grounded"]
        for lang in ("fr", "en"):
            a_l = [c for c in cases if c["lang"] == lang and c["expected_file"]]
            u_l = [c for c in cases if c["lang"] == lang and not c["expected_file"]]
            declined = [c["question"] for c in a_l if not grounded[c["question"]]]
            answered = [c["question"] for c in u_l if grounded[c["question"]]]
            print(f"folio ask: questions in {lang}: answerable declined {len(declined)}/{len(a_l)} {declined}, "
                  f"unanswerable answered {len(answered)}/{len(u_l)} {answered}")


if __name__ == "__main__":
    main()
