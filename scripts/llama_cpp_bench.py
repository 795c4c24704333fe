#!/usr/bin/env python3
"""The llama.cpp half of `folio bench answer`: times each request (system + user message) on a GGUF
with llama-cpp-python, which renders the GGUF's own chat template like mistral.rs does. Prints a JSON
list of {ttft_ms, decode_tps, tokens}, one per request, in order (the caller treats the first as a
warm-up). Tokens are counted as streamed pieces: llama-cpp-python yields one per generated token."""

import argparse
import json
import sys
import time

from llama_cpp import Llama


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--requests", required=True, help="JSON list of {system, user, max_tokens}")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--context", type=int, default=4096)
    args = parser.parse_args()

    with open(args.requests, encoding="utf-8") as f:
        requests = json.load(f)
    llm = Llama(
        model_path=args.model,
        n_ctx=args.context,
        n_threads=args.threads,
        n_threads_batch=args.threads,
        n_batch=512,
        verbose=False,
    )
    results = []
    for r in requests:
        messages = [{"role": "system", "content": r["system"]}, {"role": "user", "content": r["user"]}]
        start = time.perf_counter()
        first = None
        tokens = 0
        for chunk in llm.create_chat_completion(
            messages=messages, max_tokens=r["max_tokens"], temperature=0.0, stream=True
        ):
            choice = chunk["choices"][0]
            if choice.get("finish_reason"):
                break
            if "content" not in choice["delta"]:
                continue  # the opening {"role": "assistant"} piece carries no token
            if first is None:
                first = time.perf_counter()
            tokens += 1
        end = time.perf_counter()
        if first is None:
            sys.exit("llama.cpp generated no token")
        results.append(
            {
                "ttft_ms": (first - start) * 1000.0,
                "decode_tps": max(tokens - 1, 0) / max(end - first, 1e-9),
                "tokens": tokens,
            }
        )
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
