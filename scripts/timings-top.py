#!/usr/bin/env python3
"""Prints the ten slowest crates of a cargo --timings HTML report (the fresh-root check's cold build)."""
import json
import re
import sys

html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S)
if not m:
    sys.exit("no UNIT_DATA in the report (cargo changed its format)")
units = json.loads(m.group(1))
per_crate = {}
for u in units:
    key = f"{u['name']} {u['version']}" + (f" ({u['target'].strip()})" if u.get("target", "").strip() else "")
    per_crate[key] = per_crate.get(key, 0.0) + u["duration"]
total = re.search(r"<td>Total time:</td><td>([^<]*)</td>", html)
print("cargo --timings: ten slowest units" + (f" (whole build {total.group(1)})" if total else ""))
for name, secs in sorted(per_crate.items(), key=lambda kv: -kv[1])[:10]:
    print(f"  {secs:7.1f}s  {name}")
