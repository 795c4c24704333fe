#!/usr/bin/env python3
"""The fresh-root check's quick part (scripts/fresh-check.sh --quick), run inside the clean root after
set-up's package step: is every system library the build links, every external tool a build script runs
and every program a test or the app starts present? Libraries come from the locked crate graph's own
metadata (`cargo metadata`, given as the first argument): each -sys crate's system-deps table, and its
`links` key. A `links` key this script does not know fails the check, so a new native dependency cannot
slip in unchecked: teach LINKS below how to check it (and scripts/setup.sh how to install it)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

# `links` keys of crates in the graph: None for libraries a crate builds itself (bundled) or loads at run
# time, else the pkg-config name or `-l` flag that proves the system library is there.
LINKS = {
    "aws_lc": None, "aws_lc_rs": None, "ring_core": None, "sqlite3": None, "lz4": None, "onig": None,
    "zstd": None, "onnxruntime": None, "prettyplease": None, "rayon-core": None, "Tauri": None,
    "tauri-plugin": None, "wasm_bindgen": None,
    "atk-1.0": "pkg:atk", "gdk-3": "pkg:gdk-3.0", "gtk-3": "pkg:gtk+-3.0", "web_kit2": "pkg:webkit2gtk-4.1",
    "dbus": "pkg:dbus-1",
}
# Linked by Tauri without a -sys crate of its own.
EXTRA = ["lib:xdo"]
# Programs a build script, a test or the app starts.
PROGRAMS = [
    "cc", "clang", "mold", "cmake", "protoc", "pkg-config", "git", "curl", "python3", "node", "npm",
    "pdftotext", "pdftoppm", "tesseract", "qpdf", "xdg-mime", "xdg-open", "setpriv", "unshare", "kill",
    "pgrep", "mkfifo", "xvfb-run", "Xvfb", "xauth", "WebKitWebDriver",
]

failures = []


def check(ok, what, fix):
    print(f"  {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(f"{what}: {fix}")


def run(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def link_key(links):
    """The LINKS entry for a `links` value; crates add their version to it (`ring_core_0_17_14_`)."""
    for known in LINKS:
        rest = links[len(known):] if links.startswith(known) else None
        if rest is not None and (rest == "" or rest[0] in "_-" or rest.isdigit()):
            return known
    return None


meta = json.load(open(sys.argv[1]))
in_graph = {n["id"] for n in meta["resolve"]["nodes"]}
wanted = {}
for p in meta["packages"]:
    if p["id"] not in in_graph:
        continue
    for key, dep in ((p.get("metadata") or {}).get("system-deps") or {}).items():
        if isinstance(dep, dict) and not dep.get("optional"):
            version = dep.get("version")
            probe = f"pkg:{dep.get('name', key)}" + (f" >= {version}" if version else "")
            wanted[probe] = f"{p['name']} (system-deps)"
    if p.get("links"):
        known = link_key(p["links"])
        if known is None:
            check(False, f"{p['name']} links '{p['links']}'", "unknown native library: add it to LINKS in scripts/fresh-probe.py")
        elif LINKS[known]:
            wanted.setdefault(LINKS[known], f"{p['name']} (links = {p['links']})")
for extra in EXTRA:
    wanted.setdefault(extra, "tauri")

print("system libraries the build links:")
for probe, who in sorted(wanted.items()):
    kind, name = probe.split(":", 1)
    if kind == "pkg":
        ok = run("pkg-config", "--exists", name).returncode == 0
    else:
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "x.c")
            open(src, "w").write("int main(void) { return 0; }\n")
            ok = run("clang", src, "-o", os.path.join(d, "x"), "-fuse-ld=mold", f"-l{name}").returncode == 0
    check(ok, f"{name} for {who}", "add its -dev package to scripts/setup.sh")

print("build tools:")
with tempfile.TemporaryDirectory() as d:
    open(os.path.join(d, "p.proto"), "w").write(
        'syntax = "proto3";\nimport "google/protobuf/empty.proto";\nimport "google/protobuf/timestamp.proto";\n'
        "message M { google.protobuf.Timestamp t = 1; google.protobuf.Empty e = 2; }\n")
    r = run("protoc", "--include_imports", "-o", os.devnull, "p.proto", cwd=d)
    check(r.returncode == 0, "protoc with the well-known .proto files (Lance's prost-build)",
          f"install protobuf-compiler and libprotobuf-dev ({r.stderr.strip()[:200]})")
    src = os.path.join(d, "hello.c")
    open(src, "w").write("#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n")
    r = run("clang", src, "-o", os.path.join(d, "hello"), "-fuse-ld=mold")
    check(r.returncode == 0, "clang links with mold (.cargo/config.toml)", f"install clang and mold ({r.stderr.strip()[:200]})")

print("programs a build script, a test or the app starts:")
for prog in PROGRAMS:
    check(shutil.which(prog) is not None, prog, "add the Debian package that ships it to scripts/setup.sh")
langs = run("tesseract", "--list-langs").stdout.split() if shutil.which("tesseract") else []
for lang in ("eng", "fra"):
    check(lang in langs, f"Tesseract language data '{lang}'", f"install tesseract-ocr-{lang}")
for pair in ("fra-eng", "eng-fra"):
    check(os.path.isfile(f"/usr/share/dictd/freedict-{pair}.dict.dz"), f"the {pair} dictionary (the full text's translations)",
          f"install dict-freedict-{pair}")
node = run("node", "--version").stdout.strip().lstrip("v") if shutil.which("node") else "0"
check(tuple(int(x) for x in node.split(".")[:2]) >= (18, 19), f"Node.js {node} >= 18.19 (the UI)", "install nodejs")
check(run("python3", "-m", "pip", "--version").returncode == 0, "pip (the model wheels)", "install python3-pip")
check(run("python3", "-c", "import ensurepip, venv").returncode == 0, "venv with pip (the MCP client's environment)", "install python3-venv")

if failures:
    print(f"\n{len(failures)} missing on a fresh Debian 12 root after set-up:")
    for f in failures:
        print(f"  - {f}")
    sys.exit(1)
print("\nnothing missing")
