# Lua WASM External Storage. `make dev` builds and serves the playground;
# `make test` runs every test.

GO ?= go
FUZZTIME ?= 10s
LONG_FUZZTIME ?= 5m


.PHONY: all build luaw wasm run test vet unit unit-wasm fuzz-short conformance conformance-wasm fuzz crash bench-vm clean

all: build

include mk/browser.mk
include mk/bench.mk

# bin/luaw and the npm package in dist/.
build: luaw browser

luaw:
	$(GO) build -o bin/luaw ./cmd/luaw

# luaw for GOOS=js (node with Go's wasm_exec_node.js runs it).
wasm:
	GOOS=js GOARCH=wasm $(GO) build -o bin/luaw.wasm ./cmd/luaw

run: luaw
	./bin/luaw

# All tests: vet, the unit tests (with the luatest suites), the engine's
# packages again as WebAssembly, a short run of every fuzz target, the
# shared conformance suite through bin/luaw and through its WebAssembly
# build, the JS unit tests under node and the browser tests in Chromium,
# Firefox and WebKit.
test: vet unit unit-wasm fuzz-short conformance conformance-wasm test-js test-browser

# internal/printf replaces fmt in the engine (wasm size); vet checks its
# format strings as it does fmt's (Sprintf and its wrappers; Errorf, which
# wraps with %w, goes through Appendf so that vet accepts its %w).
VETFLAGS = -printf.funcs=github.com/luawasm/luawasm/internal/printf.Sprintf

vet:
	$(GO) vet $(VETFLAGS) ./...
	GOOS=js GOARCH=wasm $(GO) vet $(VETFLAGS) ./...

unit:
	$(GO) test ./...

# The browser build's packages, compiled to WebAssembly and run under node
# (about 40 s of CPU for lua, 3 s for lib; the rest is quick).
WASM_EXEC = $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec
unit-wasm:
	GOOS=js GOARCH=wasm $(GO) test -short -exec=$(WASM_EXEC) ./lua ./lib ./persist ./query ./engine ./store/memstore ./wasm/... ./internal/...

fuzz-short:
	scripts/fuzz.sh $(FUZZTIME)

conformance: luaw
	scripts/conformance.sh bin/luaw

conformance-wasm: wasm
	scripts/conformance.sh scripts/luaw-wasm

# Longer fuzzing of every target.
fuzz:
	scripts/fuzz.sh $(LONG_FUZZTIME)

# Crash consistency at scale: the writer processes of the engine's and
# bbolt's crash tests killed CRASH_ITERATIONS times each (about 0.4 s a kill).
CRASH_ITERATIONS ?= 3000
crash:
	$(GO) test ./engine ./store/boltstore -run '^TestCrashConsistency$$' -v -timeout 0 -crash.kills=$(CRASH_ITERATIONS)

# VM benchmarks: native, WebAssembly in node, wasmoon; writes docs/benchmarks.md.
bench-vm: luaw wasm bench/node_modules
	scripts/bench.sh

bench/node_modules: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund
	touch $@

clean:
	rm -rf bin
