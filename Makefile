# ferry — build, test, demo, bench.
#   make test    everything CI runs: system packages, the interop venv, swift test, interop checks
#   make demo    the main job on bundled fixtures, into out/demo/
#   make bench   benchmarks beside their peers; figures go to docs/BENCHMARKS.md
# Each area adds its interop checks and benchmarks in mk/<area>.mk (INTEROP += …, BENCHES += …).

SWIFT        ?= swift
PREFIX       ?= /usr/local
VENV         := .venv
PY           := $(VENV)/bin/python
CONFIG       ?= debug
BUILD_FLAGS  ?=
FERRY_DEBUG  := .build/debug/ferry
FERRY_REL    := .build/release/ferry
INTEROP      :=
BENCHES      :=

.PHONY: all build release test unit interop demo bench accept install deps venv bench-venv clean format completions man

all: build

deps:
	@scripts/install-deps.sh

venv: $(VENV)/.stamp
$(VENV)/.stamp: scripts/requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r scripts/requirements.txt
	touch $@

# Reference engines that only the benchmarks run (DuckDB, Polars): installed by `make bench`,
# so that `make test` does not download them.
bench-venv: $(VENV)/.bench-stamp
$(VENV)/.bench-stamp: scripts/requirements-bench.txt $(VENV)/.stamp
	$(PY) -m pip install --quiet --disable-pip-version-check -r scripts/requirements-bench.txt
	touch $@

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

# The release binary links the Swift runtime and Foundation statically: it runs on a
# machine without a Swift toolchain (a mail server the file is handed to), and it starts
# and calls the runtime without going through the dynamic linker (2-3% fewer instructions).
# It allocates with jemalloc (Debian's libjemalloc2) instead of glibc's malloc: a record is a
# few dozen small strings and arrays, made on a reader thread and freed on another, and
# glibc's malloc took 8% of the CPU time of a conversion; jemalloc takes 7-10% less CPU
# time in all (docs/BENCHMARKS.md). The debug build and the tests use glibc's.
RELEASE_FLAGS ?= --static-swift-stdlib -Xlinker -ljemalloc
# SwiftPM does not link again when only the linker flags change: the flags of the last
# release build are kept beside it, and the binary is removed when they differ.
RELEASE_STAMP := .build/release-flags.txt
release: deps
	@mkdir -p .build
	@if [ "$$(cat $(RELEASE_STAMP) 2>/dev/null)" != "$(RELEASE_FLAGS) $(BUILD_FLAGS)" ]; then rm -f $(FERRY_REL); fi
	$(SWIFT) build -c release $(RELEASE_FLAGS) $(BUILD_FLAGS)
	@echo "$(RELEASE_FLAGS) $(BUILD_FLAGS)" > $(RELEASE_STAMP)

unit: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

test: deps venv unit build
	@$(MAKE) --no-print-directory interop
	@echo "make test: all checks passed"

accept: deps
	FERRY_ACCEPT=1 $(SWIFT) test $(BUILD_FLAGS)

include mk/*.mk

interop: $(INTEROP)

bench: deps venv bench-venv release
	@mkdir -p out/bench bench-data
	@rm -f out/bench/*.md
	@for b in $(BENCHES); do $(MAKE) --no-print-directory $$b || exit 1; done
	@scripts/bench-report.sh

install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(FERRY_REL) $(DESTDIR)$(PREFIX)/bin/ferry

completions: build
	mkdir -p out/completions
	$(FERRY_DEBUG) --generate-completion-script bash > out/completions/ferry.bash
	$(FERRY_DEBUG) --generate-completion-script zsh > out/completions/_ferry
	$(FERRY_DEBUG) --generate-completion-script fish > out/completions/ferry.fish

# swift-argument-parser's generate-manual plugin, on the debug build `build` just made (its
# default, release, would build the whole package again in release mode first).
man: build
	mkdir -p out/man
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --configuration debug --output-directory out/man >/dev/null
	@test -s out/man/ferry.1
	@echo "man page: out/man/ferry.1 (man -l out/man/ferry.1)"

clean:
	rm -rf .build out $(VENV)
