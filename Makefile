# luaw: a Lua 5.4 interpreter in Go. `make run` starts it; `make test` runs every test.

GO ?= go
FUZZTIME ?= 10s
LONG_FUZZTIME ?= 5m

.PHONY: all build wasm run test vet unit fuzz-short conformance fuzz bench-vm clean

all: build

build:
	$(GO) build -o bin/luaw ./cmd/luaw

# luaw for GOOS=js (node with Go's wasm_exec_node.js runs it).
wasm:
	GOOS=js GOARCH=wasm $(GO) build -o bin/luaw.wasm ./cmd/luaw

run: build
	./bin/luaw

# All tests: vet, the unit tests (with the luatest suites), a short run of
# every fuzz target, the shared conformance suite through bin/luaw.
test: vet unit fuzz-short conformance

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...

unit:
	$(GO) test ./...

fuzz-short:
	scripts/fuzz.sh $(FUZZTIME)

conformance: build
	scripts/conformance.sh bin/luaw

# Longer fuzzing of every target.
fuzz:
	scripts/fuzz.sh $(LONG_FUZZTIME)

# VM benchmarks: native, WebAssembly in node, wasmoon; writes docs/benchmarks.md.
bench-vm: build wasm bench/node_modules
	scripts/bench.sh

bench/node_modules: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund
	touch $@

clean:
	rm -rf bin
