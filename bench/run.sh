#!/usr/bin/env bash
# make bench: measured, not guessed. Prints a table; copy it into docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${OPSBOOK_BIN:-.build/release/opsbook}
PAGES=${PAGES:-1000}
RUNS=${RUNS:-5}
work=$(mktemp -d /tmp/opsbook-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

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

echo "== site build: $PAGES pages, opsbook build --no-checks --no-search (median of $RUNS) =="
python3 bench/generate.py "$work/book" "$PAGES"
plain=$(for i in $(seq "$RUNS"); do ms "$BIN" build --root "$work/book" --no-checks --no-search --out "$work/site"; done | median)
echo "time_ms $plain"
/usr/bin/time -v "$BIN" build --root "$work/book" --no-checks --no-search --out "$work/site" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print "peak_rss_kb " $2}'
echo "output_mb $(du -sm "$work/site" | cut -f1)"


# The search index is written by the build itself (search-index.js); its cost is the difference.
echo "== search index: $PAGES pages, opsbook build --no-checks with the index (median of $RUNS) =="
with=$(for i in $(seq "$RUNS"); do ms "$BIN" build --root "$work/book" --no-checks --out "$work/site-search"; done | median)
echo "time_with_search_ms $with search_index_ms $(awk -v a="$with" -v b="$plain" 'BEGIN {print a - b}')"
echo "search_index_bytes $(stat -c %s "$work/site-search/search-index.js") ($(du -k "$work/site-search/search-index.js" | cut -f1) KiB, limit 10 MiB)"
