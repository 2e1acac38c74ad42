#!/usr/bin/env bash
# make bench: measured, not guessed (issue 14). In one run, side by side, the median of several
# runs each: the floor (bench/floor.c: libcmark-gfm parse + render + write), Hugo on the same
# pages, and `opsbook build --no-checks --no-search`, at 100, 1000 and 5000 pages; then the
# `serve` one-page rebuild latency, the check overhead and the search index. Ends with a table of
# issue 14's goals, each met / not met. It judges nothing else: no figure fails the run, only a
# tool that fails or writes too few pages does.
#
# BENCH_QUICK=1: 100 pages only, one run, two serve rounds (a smoke test of the harness).
# Other knobs: SIZES="100 1000 5000", RUNS=5 (RUNS_LARGE=3 at 5000 pages and more),
# SERVE_PAGES=1000, SERVE_ROUNDS=5, OPSBOOK_BIN, CC, BENCH_DIR (where books and outputs go; tmpfs by default).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${OPSBOOK_BIN:-.build/release/opsbook}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  SIZES=${SIZES:-100} RUNS=${RUNS:-1} RUNS_LARGE=${RUNS_LARGE:-1} SERVE_PAGES=${SERVE_PAGES:-100} SERVE_ROUNDS=${SERVE_ROUNDS:-2}
else
  SIZES=${SIZES:-100 1000 5000} RUNS=${RUNS:-5} RUNS_LARGE=${RUNS_LARGE:-3} SERVE_PAGES=${SERVE_PAGES:-1000} SERVE_ROUNDS=${SERVE_ROUNDS:-5}
fi
# The check-overhead and search-index parts: the middle size measured.
PAGES=${PAGES:-$(echo $SIZES | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')}
CC=${CC:-$(command -v cc || command -v clang || true)}
[ -x "$BIN" ] || { echo "bench: $BIN missing: swift build -c release" >&2; exit 1; }
command -v hugo >/dev/null || { echo "bench: hugo missing: make bench-deps" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing: make bench-deps" >&2; exit 1; }
[ -n "$CC" ] || { echo "bench: no C compiler (cc or clang)" >&2; exit 1; }

# The judge is tested before it judges (made-up figures with known answers).
python3 -m unittest -q bench/test_report.py 2>&1 | tail -1

started=$(date +%s)
# The books and every tool's output go to a RAM file system when there is one with room
# (BENCH_DIR overrides): on ext4 a run that creates thousands of files soon after thousands were
# deleted (by the last benchmark, or anything else on the machine) spends most of its time in the
# kernel skipping recently freed inodes, and within one hour the floor's 5000 pages took
# anything from 0.2 to 0.8 s. In RAM the three tools are timed doing their own work.
if [ -z "${BENCH_DIR:-}" ]; then
  BENCH_DIR=/tmp
  if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 {print $4}')" -gt $((4 * 1024 * 1024)) ]; then BENCH_DIR=/dev/shm; fi
fi
work=$(mktemp -d "$BENCH_DIR/opsbook-bench-XXXXXX")
serve_pid=
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
samples=$work/samples.tsv outputs=$work/outputs.tsv
: >"$samples"; : >"$outputs"
mkdir -p bench-out
echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), files in $BENCH_DIR ($(df -PT "$BENCH_DIR" | awk 'NR == 2 {print $2}')), opsbook $("$BIN" --version 2>/dev/null | head -1 || echo ?), $(hugo version | cut -d' ' -f1-2)"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

# One timed run into a new output folder, wall time from the clock around /usr/bin/time -v,
# peak RSS and CPU time (user + system, all threads) from its report. A tool that fails stops the benchmark.
# Nothing is deleted until the end: ext4 skips inodes freed in the last ~30 s when it creates
# files (recently_deleted), so a run right after removing thousands of files spends a fifth of
# its time in the kernel's inode search (seen in the profile); that cost is the deletion's.
sample() {
  local tool=$1 size=$2 out=$3 counted=$4 s e rss cpu; shift 4
  s=$(date +%s%N)
  if ! /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/stdout.txt" 2>"$work/stderr.txt"; then
    echo "bench: $tool failed at $size pages: $*" >&2; tail -20 "$work/stderr.txt" "$work/time.txt" >&2; exit 1
  fi
  e=$(date +%s%N)
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {t += $2} END {printf "%d", t * 1000}' "$work/time.txt")
  [ "$counted" = 1 ] && printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$size" $(( (e - s) / 1000 )) "$rss" "$cpu" >>"$samples"
  return 0
}

# The output's disk use and HTML page count, after the last run; fewer pages than the book has
# means the tool did not do the work measured.
output() {
  local tool=$1 size=$2 out=$3 html
  html=$(find "$out" -name '*.html' | wc -l)
  if [ "$html" -lt "$size" ]; then echo "bench: $tool wrote $html HTML files for $size pages" >&2; exit 1; fi
  printf '%s\t%s\t%s\t%s\n' "$tool" "$size" "$(du -sB1 "$out" | cut -f1)" "$html" >>"$outputs"
}

# The floor, and proof it does the work: its page equals cmark-gfm's own command line output.
"$CC" -O2 -o "$work/floor" bench/floor.c $(pkg-config --cflags --libs libcmark-gfm) -lcmark-gfm-extensions
if command -v cmark-gfm >/dev/null; then
  python3 bench/generate.py "$work/floor-check" 4
  "$work/floor" "$work/floor-check/content" "$work/floor-check/html" 2>/dev/null
  python3 -c 'import sys; t = open(sys.argv[1], encoding="utf-8").read(); sys.stdout.write(t.split("\n---\n", 1)[1])' \
    "$work/floor-check/content/section-00/page-0003.md" |
    cmark-gfm -e table -e strikethrough -e autolink -e tagfilter -e tasklist >"$work/floor-check/cli.html"
  cmp -s "$work/floor-check/cli.html" "$work/floor-check/html/section-00/page-0003.html" ||
    { echo "bench: floor's HTML differs from cmark-gfm's" >&2; exit 1; }
  echo "floor: HTML equals cmark-gfm's command line output (one page checked)"
fi

# Checks first: the site runs create and delete thousands of files, and the file system's
# clean-up afterwards slows the spawns measured next.
echo "== checks: 200 trivial transcript checks vs 200 bare bash -c spawns (median of $RUNS) =="
python3 bench/checks.py "$work/checks" 200
bare=$(for i in $(seq "$RUNS"); do ms bash -c 'while read -r c; do bash -o pipefail -c "$c"; done < '"$work/checks/commands.txt"; done | median)
echo "bare_bash_ms $bare"
for jobs in 1 2; do
  t=$(for i in $(seq "$RUNS"); do ms "$BIN" check --root "$work/checks" --jobs "$jobs"; done | median)
  echo "opsbook_jobs${jobs}_ms $t ratio $(awk -v a="$t" -v b="$bare" 'BEGIN {printf "%.2f", a/b}')"
done

# The three tools, interleaved run by run so a drift in the machine's speed hits all three; one
# warm-up round first (page cache, Hugo's and the floor's first start), not counted; none at
# 5000 pages and more, where the tools are warm and a round costs a minute on a busy machine.
for size in $SIZES; do
  runs=$RUNS first=0; [ "$size" -ge 5000 ] && runs=$RUNS_LARGE first=1
  echo "== site build: $size pages, floor / Hugo / opsbook build --no-checks --no-search (median of $runs) =="
  book=$work/book-$size
  python3 bench/generate.py "$book" "$size"
  # Hugo's site: the committed layout and a copy of the pages (the home page is _index.md to Hugo).
  hsite=$work/hugo-$size
  mkdir -p "$hsite"
  cp -r bench/hugo/. "$hsite/"
  cp -r "$book/content" "$hsite/content"
  mv "$hsite/content/index.md" "$hsite/content/_index.md"
  for r in $(seq "$first" "$runs"); do
    counted=$([ "$r" = 0 ] && echo 0 || echo 1)
    o=$work/out-$size-$r
    sample floor "$size" "$o-floor" "$counted" "$work/floor" "$book/content" "$o-floor"
    sample hugo "$size" "$o-hugo" "$counted" hugo --quiet --source "$hsite" --destination "$o-hugo" --cacheDir "$work/hugo-cache"
    sample opsbook "$size" "$o-opsbook" "$counted" "$BIN" build --root "$book" --no-checks --no-search --out "$o-opsbook"
  done
  output floor "$size" "$o-floor"
  output hugo "$size" "$o-hugo"
  output opsbook "$size" "$o-opsbook"
  for tool in floor hugo opsbook; do
    printf '%s %s ms  ' "$tool" "$(awk -F'\t' -v t="$tool" -v n="$size" '$1 == t && $2 == n {print int($3 / 1000)}' "$samples" | median)"
  done
  echo "(medians)"

  # The search index is written by the build itself (search-index.js); its cost is the difference.
  if [ "$size" = "$PAGES" ]; then
    echo "== search index: $PAGES pages, opsbook build --no-checks with the index (median of $RUNS) =="
    plain=$(awk -F'\t' -v n="$size" '$1 == "opsbook" && $2 == n {print int($3 / 1000)}' "$samples" | median)
    with=$(for i in $(seq "$RUNS"); do ms "$BIN" build --root "$book" --no-checks --out "$work/site-search-$i"; done | median)
    echo "time_with_search_ms $with search_index_ms $(awk -v a="$with" -v b="$plain" 'BEGIN {print a - b}')"
    echo "search_index_bytes $(stat -c %s "$work/site-search-1/search-index.js") ($(du -k "$work/site-search-1/search-index.js" | cut -f1) KiB, limit 10 MiB)"
  fi
done

# serve: edit one page of the book, time until the server hands out the rebuilt page.
echo "== serve: one-page rebuild latency, $SERVE_PAGES pages, $SERVE_ROUNDS rounds =="
python3 bench/generate.py "$work/serve-book" "$SERVE_PAGES"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --root "$work/serve-book" --out "$work/serve-site" --port "$port" >"$work/serve.log" 2>&1 &
serve_pid=$!
serve_page=section-00/page-0003
serve_out=$(python3 bench/serve_latency.py "$work/serve-book" "$port" "$serve_page" "$SERVE_ROUNDS" || true)
echo "$serve_out"
kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; serve_pid=
serve_ms=$(echo "$serve_out" | awk '/^serve_rebuild_ms_median/ {print $2}')

python3 bench/report.py "$samples" "$outputs" "${serve_ms:-none}" "$SERVE_PAGES" | tee bench-out/last-report.md
cp "$samples" bench-out/last-samples.tsv; cp "$outputs" bench-out/last-outputs.tsv
echo "bench: took $(( $(date +%s) - started )) s; load average now $(cut -d' ' -f1-3 /proc/loadavg); tables in bench-out/last-report.md"
