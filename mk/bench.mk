# Benchmarks. Included by the Makefile; every table in docs/benchmarks.md is
# generated (docs/bench/*.md sections, assembled by scripts/bench-docs.sh).
#
#   make bench        the whole published table, in about 15 minutes on 2 cores:
#                     scripts/bench.sh with BENCH_VM_ONLY (default: luaw native
#                     against lua5.4), then the browser page in Chromium, Firefox
#                     and WebKit in turn (interpreters against wasmoon and fengari,
#                     storage against Dexie, LokiJS and raw IndexedDB, sizes and
#                     start-up), one section per engine
#   make bench-go     only the storage and query goals (Go benchmarks, native and wasm)
#   make bench-page   only the browser page
#   make bench-serve  serve the page for a desktop browser (press Run there)
#   make bench-vm     (Makefile) every native and node candidate: takes hours
#
# BENCH_RUNS: runs per figure (default 3); BENCH_VM_ONLY: the scripts/bench.sh
# candidates make bench runs, e.g. "native wasm wasmoon"; BENCH_PAGE_FLAGS:
# more options of bench/browser/run.mjs (e.g. --only fib,nbody --groups storage
# --browsers firefox).

BENCH_RUNS ?= 3
BENCH_VM_ONLY ?= native
BENCH_PAGE_FLAGS ?=
BENCH_VENDOR = bin/bench-browser/versions.json
BENCH_ADDR ?= localhost:8001

.PHONY: bench bench-go bench-page bench-serve

# The competitors bundled for the page (wasmoon, fengari, Dexie, LokiJS).
$(BENCH_VENDOR): bench/browser/build.mjs bench/node_modules node_modules/.package-lock.json
	$(NODE) bench/browser/build.mjs bin/bench-browser

BENCH_PAGE = $(NODE) bench/browser/run.mjs --runs $(BENCH_RUNS) --storage-runs $(BENCH_RUNS) $(BENCH_PAGE_FLAGS)

# Both parts run even when one reports a failure (a differing output), and
# the document is assembled from what they wrote; the status tells.
bench: luaw $(if $(filter wasm%,$(BENCH_VM_ONLY)),wasm) browser bin/serve chromium firefox webkit bench/node_modules $(BENCH_VENDOR)
	status=0; \
	BENCH_RUNS=$(BENCH_RUNS) BENCH_ONLY="$(BENCH_VM_ONLY)" scripts/bench.sh || status=1; \
	scripts/bench-go.sh || status=1; \
	$(BENCH_PAGE) || status=1; \
	scripts/bench-docs.sh; exit $$status

bench-go:
	scripts/bench-go.sh

bench-page: browser bin/serve chromium firefox webkit $(BENCH_VENDOR)
	status=0; $(BENCH_PAGE) || status=1; scripts/bench-docs.sh; exit $$status

bench-serve: browser bin/serve $(BENCH_VENDOR)
	bin/serve -addr $(BENCH_ADDR) -web bench/browser -dist dist \
	  -mount /vendor/=bin/bench-browser/ -mount /programs/=../shared/bench/
