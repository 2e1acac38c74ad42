#!/usr/bin/env bash
# Where `opsbook build --no-checks --no-search` spends its time on the benchmark's book: perf's
# sampling profile (software cpu-clock event: this VM exposes no hardware counters), functions
# by inclusive share of all samples, Swift names demangled. Not part of `make bench`: run it by
# hand (`bash bench/profile.sh`, PAGES=1000 by default) on the release build. Needs perf
# (Debian linux-perf) and root or kernel.perf_event_paranoid ≤ 1.
# valgrind --tool=callgrind would count instructions exactly, but Debian 12's valgrind 3.19
# cannot read the Swift toolchain's DWARF 5 and, with debug info stripped, crashes in
# libdispatch's main-thread sigsuspend.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${OPSBOOK_BIN:-.build/release/opsbook}
PAGES=${PAGES:-1000}
TOP=${TOP:-45}
demangle() { if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else cat; fi; }
# On tmpfs when there is one, as bench/run.sh does: ext4's search past recently freed inodes
# otherwise shows up as a kernel hot spot that is the machine's, not opsbook's.
dir=${BENCH_DIR:-$([ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo /tmp)}
work=$(mktemp -d "$dir/opsbook-profile-XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 bench/generate.py "$work/book" "$PAGES"
# Warm the page cache; into another folder, as removing it would leave ext4 searching past the
# freed inodes in the measured run (see bench/run.sh).
"$BIN" build --root "$work/book" --no-checks --no-search --out "$work/site-warm" >/dev/null
perf record -q -e cpu-clock -F 1999 -g -o "$work/perf.data" \
  "$BIN" build --root "$work/book" --no-checks --no-search --out "$work/site" >/dev/null 2>&1
echo "== $PAGES pages: inclusive share of samples (children), top $TOP =="
perf report -i "$work/perf.data" --children --stdio -g none --sort dso,symbol --percent-limit 1 2>/dev/null |
  grep -E '^ +[0-9]' | head -n "$TOP" | demangle | sed "s/ *$//" | cut -c1-220 || true  # head ends perf's pipe early
echo "== self share, top 25 =="
perf report -i "$work/perf.data" --no-children --stdio -g none --sort dso,symbol --percent-limit 0.5 2>/dev/null |
  grep -E '^ +[0-9]' | head -n 25 | demangle | sed "s/ *$//" | cut -c1-220 || true
