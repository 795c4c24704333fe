#!/usr/bin/env bash
# Proves set-up from a clean root: builds a minimal Debian 12 root (mmdebstrap, variant minbase: less than
# any real install has), copies this checkout in (tracked and untracked files, as `git ls-files` sees them,
# with ../shared beside it), and runs the README's commands inside it with chroot, as root, with nothing
# installed by hand and a cargo target directory of the root's own.
#
#   bash scripts/fresh-check.sh           # full: `bash scripts/test.sh`, then `bash scripts/run.sh` must open
#                                         # the window (under a virtual display); most of an hour on two cores
#   bash scripts/fresh-check.sh --quick   # set-up's package step in the clean root, then every external tool
#                                         # and system library the build scripts and tests use (a few minutes;
#                                         # .ci/run runs this)
#   --keep                                # leave the root in place afterwards (for a look inside)
#   --dir DIR                             # where the root and logs go (default /var/tmp/folio-fresh)
#
# Two things are lent from this machine: its own certificate authorities, if it added any, and the Rust toolchain (~/.rustup, mounted read-only), because rustup's
# download server is out of reach on the machines that build Folio; on a user's machine set-up installs it
# with rustup. Downloaded .deb files are cached in DIR/debs between runs (apt verifies them as usual);
# nothing else carries over from one run to the next.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
mode=full keep=0 dir=/var/tmp/folio-fresh
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --keep) keep=1 ;;
    --dir) dir="$2"; shift ;;
    *) echo "usage: scripts/fresh-check.sh [--quick] [--keep] [--dir DIR]" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "fresh-check: $*" >&2; }
[ "$(id -u)" -eq 0 ] || { say "needs root (it builds a Debian root and chroots into it)"; exit 2; }

# Everything below runs in a private mount namespace, so the mounts vanish with this process however it ends.
if [ -z "${FOLIO_FRESH_NS:-}" ]; then
  command -v mmdebstrap >/dev/null 2>&1 || {
    say "installing mmdebstrap on this machine"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >&2
  }
  args=(); [ "$mode" = quick ] && args+=(--quick); [ "$keep" = 1 ] && args+=(--keep)
  FOLIO_FRESH_NS=1 exec unshare --mount --propagation private bash "$0" "${args[@]}" --dir "$dir"
fi

root="$dir/root"
log="$dir/$mode.log"
mkdir -p "$dir/debs"
# Unmounts everything mounted under the root (the lent toolchain, the .deb cache, /dev, ...) before
# anything is removed, so that no removal can reach through a mount into this machine's files.
mounts_under_root() { awk -v r="$root/" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo | sort -r; }
unmount_all() {
  mounts_under_root | while read -r m; do umount -l "$m" || true; done
}
cleanup() {
  status=$?
  unmount_all
  if [ "$keep" != 1 ] && [ -z "$(mounts_under_root)" ]; then
    rm -rf --one-file-system "$root" || true
  fi
  exit "$status"
}
trap cleanup EXIT
[ -e "$root" ] && { say "removing the previous root"; unmount_all; rm -rf --one-file-system "$root"; }
t0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - t0 ))s"; }

say "building a minimal Debian 12 root in $root (log: $log)"
mirror=http://deb.debian.org/debian
mmdebstrap --variant=minbase --quiet \
  bookworm "$root" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main" >"$log" 2>&1
say "root ready after $(elapsed)"

# The checkout as git sees it (tracked, and untracked but not ignored), ../shared beside it.
mkdir -p "$root/root/folio/main" "$root/root/folio/shared"
(cd "$here" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -xf - -C "$root/root/folio/main"
[ -d "$here/../shared" ] && cp -a "$here/../shared/." "$root/root/folio/shared/"

# The lent toolchain: rustup's proxies, over the machine's toolchains mounted read-only.
rustup_home="${RUSTUP_HOME:-$HOME/.rustup}"
if [ -d "$rustup_home/toolchains" ]; then
  mkdir -p "$root/root/.rustup" "$root/root/.cargo/bin"
  mount --bind "$rustup_home" "$root/root/.rustup"
  mount -o remount,bind,ro "$root/root/.rustup"
  cp "${CARGO_HOME:-$HOME/.cargo}/bin/rustup" "$root/root/.cargo/bin/rustup"
  for p in cargo rustc rustdoc cargo-clippy clippy-driver cargo-fmt rustfmt; do
    ln -f "$root/root/.cargo/bin/rustup" "$root/root/.cargo/bin/$p"
  done
else
  say "no rustup toolchain on this machine to lend: set-up will try rustup's installer"
fi

mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/tmp"
mount -t tmpfs tmpfs "$root/dev/shm"
mount --bind "$dir/debs" "$root/var/cache/apt/archives"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# What an installed Debian has and a bare root lacks: names for the loopback address.
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
# Lent as well: certificate authorities this machine added itself (a network that passes HTTPS through a
# proxy of its own needs them); Debian's ca-certificates package takes them in when set-up installs it.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
# Like a fresh install: the apt cache stays (it is a download cache), so keep Debian's default of keeping debs.
echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >"$root/etc/apt/apt.conf.d/01keep-debs"

inside() {
  chroot "$root" /usr/bin/env -i HOME=/root USER=root LANG=C.UTF-8 TERM=dumb \
    PATH=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    bash -c "cd /root/folio/main || exit 1; $1"
}

if [ "$mode" = quick ]; then
  say "set-up's package step in the clean root"
  inside "bash scripts/setup.sh --packages" 2>&1 | tee -a "$log" >&2
  say "packages installed after $(elapsed); probing what the build scripts and tests use"
  # The system libraries the build probes, read from the locked crate graph's own metadata (system-deps
  # tables and `links` keys), so a new -sys crate is checked without anyone editing this script.
  say "set-up's patched crates step in the clean root (crates.io)"
  inside "bash scripts/patch-crates.sh && test -f vendor/mistralrs-core/.folio-patched" 2>&1 | tee -a "$log" >&2
  (cd "$here" && bash scripts/patch-crates.sh && source scripts/env.sh && cargo metadata --locked --format-version 1 \
    --filter-platform x86_64-unknown-linux-gnu) >"$root/tmp/metadata.json"
  cp "$here/scripts/fresh-probe.py" "$root/tmp/fresh-probe.py"
  inside "python3 /tmp/fresh-probe.py /tmp/metadata.json" 2>&1 | tee -a "$log" >&2
  say "set-up's MCP client step (a virtual environment from PyPI) in the clean root"
  inside "bash scripts/setup.sh --mcp-client && ~/.cache/folio/mcp-venv/bin/python -c 'import mcp.client.stdio'" \
    2>&1 | tee -a "$log" >&2
  say "quick check passed in $(elapsed)"
  exit 0
fi

say "running \`bash scripts/test.sh\` in the clean root (most of an hour on two cores)"
ts=$(date +%s)
inside "FOLIO_CARGO_TIMINGS=1 bash scripts/test.sh" 2>&1 | tee -a "$log" | { grep --line-buffered -E \
  '^(folio|fresh-check|test result|error|FAILED|failed)|Compiling (folio|lance |mistralrs |tauri )|Finished' >&2 || true; }
test_s=$(( $(date +%s) - ts ))
say "test.sh passed in ${test_s}s"
timings=$(ls -t "$root"/root/.cache/folio/target/cargo-timings/cargo-timing-*.html 2>/dev/null | head -n1 || true)
if [ -n "$timings" ]; then
  cp "$timings" "$dir/cargo-timing.html"
  python3 "$here/scripts/timings-top.py" "$dir/cargo-timing.html" 2>&1 | tee -a "$log" >&2 || true
fi

say "running \`bash scripts/run.sh\`: the window must open"
inside "apt-get install -y -qq --no-install-recommends x11-utils >/dev/null" # the checker's tool, after the tests
inside "Xvfb :77 -screen 0 1280x800x24 >/tmp/xvfb.log 2>&1 & sleep 2; \
  DISPLAY=:77 bash scripts/run.sh >/tmp/run.log 2>&1 & app=\$!; \
  for i in \$(seq 1 300); do \
    if DISPLAY=:77 xwininfo -root -tree | grep -q '\"Folio\"'; then echo 'fresh-check: the window \"Folio\" opened'; \
      kill \$app; exit 0; fi; \
    kill -0 \$app 2>/dev/null || { tail -n 30 /tmp/run.log; exit 1; }; sleep 1; done; \
  tail -n 30 /tmp/run.log; echo 'fresh-check: no window after 300 s'; exit 1" 2>&1 | tee -a "$log" >&2
say "passed: test.sh ${test_s}s, whole check $(elapsed); commit $(cd "$here" && git rev-parse --short HEAD)"
