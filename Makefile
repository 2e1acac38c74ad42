# opsbook — two commands on a fresh Debian machine: `make site` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
SWIFT ?= swift
OPSBOOK := .build/debug/opsbook
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# What building needs (jq too: the handbook's checks reduce JSON with it), and what the
# live-lab tests need on top.
BUILD_DEBS := libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config jq
TEST_DEBS := etcd-server etcd-client redis-server jq curl procps

.PHONY: site build test deps test-deps search-deps bench lint check clean

site: deps search-deps build
	$(OPSBOOK) build --target demo
	@echo "open site/index.html (or run: $(OPSBOOK) serve)"

build: deps
	$(SWIFT) build

lint: build
	$(OPSBOOK) lint

check: build
	$(OPSBOOK) check --target demo

test: deps test-deps
	$(SWIFT) build
	$(SWIFT) test --disable-swift-testing 2>&1 | tee .build/test.log
	@# A closing line any CI can read, from XCTest's own total.
	@awk '/Executed [0-9]+ tests?, with [0-9]+ failures?/ { n = $$2; f = $$5 } END { print n - f " passed, " f " failed" }' .build/test.log

bench: deps
	$(SWIFT) build -c release
	bash bench/run.sh

# Install Debian packages only when one is missing, so repeated runs are quick and offline.
deps:
	@missing=$$(for p in $(BUILD_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

test-deps:
	@missing=$$(for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# Pagefind (static search with CJK segmentation) comes from PyPI; the site builds without it.
search-deps:
	@python3 -c 'import pagefind_bin_extended' 2>/dev/null || python3 -m pip install -q pagefind_bin_extended || \
	  echo "opsbook: pagefind_bin_extended not installed; the site will have no search index"

clean:
	rm -rf .build site
