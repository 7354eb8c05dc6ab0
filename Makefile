# 家园巡检 (Jiayuan Inspect). `make run` opens the app, `make test` checks everything.
# Works on a fresh Debian 12 / Ubuntu machine with Go installed: the deps
# targets install the missing Debian packages (with sudo when not root).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO        ?= go
ARGS      ?=

# Debian packages. BUILD_PKGS: cgo and the OpenGL/X11 headers Fyne needs
# (ca-certificates so the go command can fetch modules on a bare system).
# TEST_PKGS: a headless X server for GUI tests and screenshots (xvfb, xauth
# for xvfb-run, xdotool, imagemagick's import/compare) and the tools tests use
# to check outputs (pdftotext from poppler-utils, qpdf, the sqlite3 shell).
BUILD_PKGS := ca-certificates gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
TEST_PKGS := xvfb xauth imagemagick poppler-utils qpdf xdotool sqlite3

# Recipes run in a UTF-8 locale. Fyne takes the UI language from LANGUAGE,
# LC_ALL, LC_MESSAGES and LANG, and logs "Error parsing user locale C" for
# C.UTF-8, so: a real locale the caller has (zh_CN.UTF-8, en_GB.UTF-8, ...) is
# kept; an unset, C, C.UTF-8 or POSIX one becomes en_US.UTF-8. C programs get
# UTF-8 character handling from LC_CTYPE=C.UTF-8, which every Debian has.
# For the Chinese UI on an English system: LANGUAGE=zh_CN make run.
ifneq ($(filter C C.% POSIX,$(LANG))$(if $(LANG),,unset),)
export LANG := en_US.UTF-8
endif
ifneq ($(filter C C.% POSIX,$(LC_ALL)),)
unexport LC_ALL
endif
export LC_CTYPE := C.UTF-8

# Run the tests on a private X server unless there is a display already.
XVFB_RUN := $(if $(DISPLAY),,xvfb-run -a -s "-screen 0 1280x800x24")

BUILD_GUI = CGO_ENABLED=1 $(GO) build -o bin/jiayuan ./cmd/jiayuan
# jiayuanctl is pure Go. Skipped while cmd/jiayuanctl holds no Go files yet.
BUILD_CTL = if ls cmd/jiayuanctl/*.go >/dev/null 2>&1; then \
		CGO_ENABLED=0 $(GO) build -o bin/jiayuanctl ./cmd/jiayuanctl; \
	else echo "cmd/jiayuanctl: no Go files yet, skipping bin/jiayuanctl"; fi

# apt_install installs those of the Debian packages $(1) that are not
# installed, and does nothing (silently) when all are.
define apt_install
	@if ! command -v dpkg-query >/dev/null; then \
		echo "not a Debian system: install the equivalents of: $(1)"; exit 0; fi; \
	missing=""; \
	for p in $(1); do \
		[ "$$(dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null)" = "install ok installed" ] || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		echo "installing:$$missing"; \
		$$sudo env LC_ALL=C.UTF-8 apt-get update; \
		$$sudo env LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends $$missing; \
	fi
endef

.PHONY: deps deps-test build run test lint bench clean test-long fuzz

## deps: install the Debian packages needed to build the app
deps:
	$(call apt_install,$(BUILD_PKGS))

## deps-test: install the Debian packages needed to build and test
deps-test:
	$(call apt_install,$(BUILD_PKGS) $(TEST_PKGS))

## build: bin/jiayuan (cgo, Fyne) and bin/jiayuanctl (no cgo)
build:
	$(BUILD_GUI)
	@$(BUILD_CTL)

## run: build and open the app; pass flags with ARGS="--db path/to/file.db"
run: deps
	$(BUILD_GUI)
	./bin/jiayuan $(ARGS)

## lint: gofmt (fails if any file needs formatting) and go vet
lint:
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## test: vet, gofmt, build both binaries (a broken GUI build fails), go test,
## then the real app under Xvfb: smoke test (first screen drawn, no error
## logged) and the Chinese typing proof (xdotool → note → data file)
test: deps-test
	$(GO) vet ./...
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(BUILD_GUI)
	@$(BUILD_CTL)
	$(XVFB_RUN) $(GO) test ./... -count=1 -timeout 20m
	scripts/smoke_test.sh
	scripts/typing_test.sh
	scripts/second_instance_test.sh
	$(MAKE) --no-print-directory bench-smoke

## bench: benchmarks with ratios to baselines measured in the same run (docs/PERFORMANCE.md)
bench:
	scripts/bench.sh

## bench-smoke: every benchmark (scripts/bench, store, exchange, report/pdf) once
## on a tiny generated city (scale 0.01), so they cannot rot; run by make test
## (the figures mean nothing at that size)
.PHONY: bench-smoke
bench-smoke:
	BENCH_SMOKE=1 scripts/bench.sh

## test-long: the crash tests at full length (not in CI, about 15 minutes):
## CRASH_KILLS SIGKILLs during autosave, IMPORT_KILLS during an import, each
## followed by integrity_check and audit verify (docs/RELIABILITY.md)
CRASH_KILLS  ?= 200
IMPORT_KILLS ?= 50
test-long:
	JIAYUAN_CRASH_KILLS=$(CRASH_KILLS) $(GO) test ./store -run '^TestCrashDuringAutosave$$' -count=1 -v -timeout 60m
	JIAYUAN_IMPORT_KILLS=$(IMPORT_KILLS) $(GO) test ./exchange -run '^TestKillDuringImport$$' -count=1 -v -timeout 60m

## fuzz: each fuzz target for FUZZTIME, one after the other, on FUZZPROCS
## cores (the short seed-corpus run is part of `make test`). New inputs are
## minimized for at most FUZZMINIMIZE: the seeds are whole packages and
## workbooks, and the default (60s each) spends most of the run shrinking.
FUZZTIME     ?= 10m
FUZZPROCS    ?= 1
FUZZMINIMIZE ?= 2s
FUZZ_TARGETS := ./exchange:FuzzReadPackage ./exchange:FuzzPackageDatabase \
	./report/xlsx:FuzzReadWorkbook ./report/xlsx:FuzzReadCommunities ./report/xlsx:FuzzReadFigures \
	./report/xlsx:FuzzReadLiaisons ./report/xlsx:FuzzReadTemplate ./inspection:FuzzParseTemplate
fuzz:
	@failed=""; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== $$pkg $$name ($(FUZZTIME))"; \
		GOMAXPROCS=$(FUZZPROCS) $(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -parallel $(FUZZPROCS) \
			-fuzzminimizetime $(FUZZMINIMIZE) \
			|| failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz failures:$$failed (inputs under */testdata/fuzz/)"; exit 1; fi

## dist: installable files in dist/ (scripts/dist.sh; not part of make test):
## the Linux tarball made by `fyne package` (binary, .desktop entry, icon,
## Makefile for `sudo make install`), the Windows .exe cross-compiled with
## mingw-w64 (GUI subsystem, icon and version resource), jiayuanctl for both;
## versions from git (docs/DIST.md). Installs its own Debian packages.
DIST_PKGS := $(BUILD_PKGS) gcc-mingw-w64-x86-64 xz-utils git
.PHONY: dist
dist:
	$(call apt_install,$(DIST_PKGS))
	scripts/dist.sh

clean:
	rm -rf bin
