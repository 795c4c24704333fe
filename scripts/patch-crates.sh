#!/usr/bin/env bash
# The dependencies Folio builds with a patch of its own: each crate in the list below is taken from
# crates.io (cargo's download cache when it has it, else static.crates.io), checked against the SHA-256
# pinned here, unpacked into vendor/<crate> (ignored by git) and patched with patches/<crate>-<version>.patch,
# whose header says why. Cargo.toml's [patch.crates-io] builds from there. Idempotent: a second run
# finds vendor/<crate> made from the same crate and patch and does nothing. Set-up runs it, and so does
# every script that builds; plain `cargo` in a fresh clone needs it run once first.
#
# Every unpacked file keeps one fixed time (a patched file: its patch's commit time), so that a fresh
# clone's copy looks to cargo like the one the build cache was made from, and a changed patch does not.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "folio patch-crates: $*" >&2; }

# name version sha256-of-the-.crate (as crates.io's index and Cargo.lock give it)
crates=(
  "mistralrs-core 0.8.1 a2b8b9e5c94491d9ceeded3a30291cb6af6ae74810a5776dd55e3bbb8b3429d4"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for entry in "${crates[@]}"; do
  read -r name version sha <<<"$entry"
  patch="$PWD/patches/$name-$version.patch"
  dest="vendor/$name"
  want="$name $version $sha $(sha256sum "$patch" | cut -d' ' -f1)"
  [ "$(cat "$dest/.folio-patched" 2>/dev/null || true)" = "$want" ] && continue

  crate=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$name-$version.crate" 2>/dev/null | head -n1 || true)
  if [ -z "$crate" ] || [ "$(sha256sum "$crate" | cut -d' ' -f1)" != "$sha" ]; then
    say "downloading $name $version from crates.io"
    crate="$tmp/$name-$version.crate"
    curl --proto '=https' --tlsv1.2 -fsSL --retry 3 -o "$crate" \
      "https://static.crates.io/crates/$name/$name-$version.crate"
  fi
  got=$(sha256sum "$crate" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    say "$name $version: SHA-256 $got, expected $sha; not used"
    exit 1
  fi
  rm -rf "$tmp/$name-$version"
  tar -xzf "$crate" -C "$tmp"
  # Outside any repository, `git apply` is a plain, strict patch tool (a hunk that does not apply fails).
  (cd "$tmp/$name-$version" && git apply "$patch")
  changed=$(cd "$tmp/$name-$version" && git apply --numstat "$patch" | cut -f3)
  fixed=$(git log -1 --format=%ct -- "$patch" 2>/dev/null || true)
  [ -n "$fixed" ] || fixed=$(date +%s)
  find "$tmp/$name-$version" -exec touch -h -d "@1153704088" {} +
  for f in $changed; do touch -d "@$fixed" "$tmp/$name-$version/$f"; done
  echo "$want" >"$tmp/$name-$version/.folio-patched"
  touch -d "@$fixed" "$tmp/$name-$version/.folio-patched"
  rm -rf "$dest"
  mkdir -p vendor
  mv "$tmp/$name-$version" "$dest"
  say "$name $version unpacked into $dest and patched ($(basename "$patch"))"
done
