# opsbook — two commands on a fresh Debian machine: `make site` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
SWIFT ?= swift
OPSBOOK := .build/debug/opsbook
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# What building needs (jq too: the handbook's checks reduce JSON with it), and what the
# live-lab tests need on top (prometheus for promtool: the handbook's rule files are unit-tested).
BUILD_DEBS := libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config jq
TEST_DEBS := etcd-server etcd-client redis-server jq curl procps prometheus prometheus-alertmanager
# The browser tests (Tests/browser): Debian's Chromium driven by Playwright from PyPI, CJK fonts
# so zh-Hant pages render as readers see them, poppler to turn printed PDFs into images.
BROWSER_DEBS := chromium fonts-noto-cjk poppler-utils python3-pip
BROWSER_PIP := playwright pytest

.PHONY: site build static dist dist-check test deps test-deps browser-deps site-deps bench bench-deps lint check clean

site: deps site-deps build
	$(OPSBOOK) build --target demo
	@echo "open site/index.html (or run: $(OPSBOOK) serve)"

build: deps
	$(SWIFT) build

lint: build
	$(OPSBOOK) lint

check: build
	$(OPSBOOK) check --target demo

test: deps test-deps browser-deps site-deps static
	$(SWIFT) build
	@# Both suites run even when the first fails; the closing line any CI can read is the sum of
	@# XCTest's and pytest's totals, and the target fails when either did.
	@# StaticBinaryTests copy the release binary that `static` just built and must not skip it.
	@swift_rc=0; pytest_rc=0; \
	OPSBOOK_REQUIRE_STATIC=1 $(SWIFT) test --disable-swift-testing 2>&1 | tee .build/test.log || swift_rc=$$?; \
	python3 -m pytest -q -p no:cacheprovider Tests/browser 2>&1 | tee .build/browser-test.log || pytest_rc=$$?; \
	awk -v swift_rc=$$swift_rc -v pytest_rc=$$pytest_rc -f Tests/test-summary.awk .build/test.log .build/browser-test.log; \
	[ $$swift_rc = 0 ] && [ $$pytest_rc = 0 ]

# The self-contained release binary (docs/install.md): .build/static/release/opsbook.
static: deps
	SWIFT=$(SWIFT) bash packaging/build-static.sh

# dist/opsbook and dist/opsbook_<version>_amd64.deb (binary, man page, completions).
dist: static
	SWIFT=$(SWIFT) bash packaging/build-deb.sh

# Installs the .deb into a minimal Debian made with debootstrap and builds a new handbook
# there (needs root and network; not part of CI's run).
dist-check: dist
	bash packaging/dist-check.sh

# Issue 14's benchmark (docs/performance.md): the floor (bench/floor.c), Hugo and opsbook side by
# side at 100, 1000 and 5000 pages, and serve's one-page rebuild: 4 minutes on a quiet machine,
# 14 at a load average of 20 on 2 cores.
# BENCH_QUICK=1 make bench: 100 pages, one run (a minute).
bench: deps bench-deps
	$(SWIFT) build -c release
	bash bench/run.sh

# What the benchmark compares against and measures with: Debian's Hugo, GNU time for
# /usr/bin/time -v (peak RSS), cmark-gfm's command line to prove the floor renders the same HTML,
# a C compiler for the floor.
BENCH_DEBS := hugo time cmark-gfm gcc
bench-deps:
	@missing=$$(for p in $(BENCH_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# Install Debian packages only when one is missing, so repeated runs are quick and offline.
deps:
	@missing=$$(for p in $(BUILD_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

test-deps:
	@missing=$$(for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	@# Offline Kubernetes schema validation of deploy/kubernetes (issue 18).
	@command -v kubernetes-validate >/dev/null || python3 -m pip install -q kubernetes-validate

browser-deps:
	@missing=$$(for p in $(BROWSER_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	@python3 -c 'import playwright, pytest' 2>/dev/null || python3 -m pip install -q $(BROWSER_PIP) || \
	  python3 -m pip install -q --break-system-packages $(BROWSER_PIP)

# What the site draws code and diagrams with (docs/site-assets.md): Debian's highlight.js, and
# Mermaid's pinned browser build from PyPI's mermaidx (only its files: --no-deps). Search needs
# nothing: opsbook writes its own index. The site builds without either; code stays plain and
# diagrams stay labelled source.
SITE_DEBS := libjs-highlight.js
MERMAIDX_VERSION := 0.10.1
MERMAID_PIP := mermaidx==$(MERMAIDX_VERSION)
site-deps:
	@missing=$$(for p in $(SITE_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	@python3 -c 'import importlib.metadata as m, sys; sys.exit(m.version("mermaidx") != "$(MERMAIDX_VERSION)")' 2>/dev/null || \
	  python3 -m pip install -q --no-deps $(MERMAID_PIP) || python3 -m pip install -q --no-deps --break-system-packages $(MERMAID_PIP) || \
	  echo "opsbook: mermaidx not installed; diagrams will show as source"

clean:
	rm -rf .build site

# libFuzzer over the loader, front matter, transcripts, the matcher, the shell-word detector and
# the redactor, FUZZ_SECONDS each (not part of `make test`). New crashing inputs are left in
# .build-fuzz/crash-<target>-*; copy each into Fuzz/regressions/<target>/ (FuzzRegressionTests).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= loader front-matter transcript matcher shell-words redactor
.PHONY: fuzz
fuzz: deps
	OPSBOOK_FUZZ=1 $(SWIFT) build --build-path .build-fuzz --product opsbook-fuzz
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
	  ASAN_OPTIONS=detect_leaks=0 OPSBOOK_FUZZ_TARGET=$$t .build-fuzz/debug/opsbook-fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=4096 \
	    -max_len=65536 -detect_leaks=0 -print_final_stats=1 -artifact_prefix=.build-fuzz/crash-$$t- \
	    .build-fuzz/corpus/$$t Fuzz/seeds/$$t Fuzz/regressions/$$t || exit 1; \
	done
