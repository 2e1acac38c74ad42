#!/usr/bin/env python3
"""The `serve` one-page rebuild latency of `make bench` (issue 14).

Given a running `opsbook serve` on PORT over the book at ROOT, for each round: append a line with
a marker no page holds yet to one page, then poll that page's URL until the served HTML holds the
marker. Prints one line per round and `serve_rebuild_ms_median N` (or `serve_rebuild_ms_median
none` when a round timed out). bench/run.sh starts and always stops the server.

Usage: serve_latency.py ROOT PORT PAGE [ROUNDS]
PAGE is relative to content/ without .md (section-00/page-0003); it is served at PAGE.html.
"""
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid

START_TIMEOUT_S = 600   # the first full build of a 1000-page book on a loaded 2-core machine
ROUND_TIMEOUT_S = 30    # a rebuild slower than this is a failure, not a figure
POLL_S = 0.002          # fine enough for a 200 ms goal, coarse enough not to load the server


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, b""


def wait_until_serving(url):
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        status, _ = fetch(url)
        if status == 200:
            return True
        time.sleep(0.05)
    return False


def one_round(path, url):
    marker = f"bench-marker-{uuid.uuid4().hex}"
    with open(path, "a", encoding="utf-8") as page:
        page.write(f"\n{marker}\n")
    written = time.monotonic()
    while time.monotonic() - written < ROUND_TIMEOUT_S:
        _, body = fetch(url)
        if marker.encode() in body:
            return (time.monotonic() - written) * 1000
        time.sleep(POLL_S)
    return None


def main():
    root, port, page = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    url = f"http://127.0.0.1:{port}/{page}.html"
    if not wait_until_serving(url):
        print(f"serve did not answer {url} within {START_TIMEOUT_S} s", file=sys.stderr)
        print("serve_rebuild_ms_median none")
        return 1
    times = []
    for i in range(rounds):
        # A quiet gap first, so the watcher has settled and each round is one edit.
        time.sleep(1.0)
        ms = one_round(f"{root}/content/{page}.md", url)
        print(f"serve_round {i + 1} {'timeout' if ms is None else f'{ms:.0f}'} ms")
        if ms is None:
            print("serve_rebuild_ms_median none")
            return 1
        times.append(ms)
    print(f"serve_rebuild_ms_median {statistics.median(times):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
