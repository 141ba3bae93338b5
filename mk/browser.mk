# The browser product: the WebAssembly build, the npm package in dist/, the
# playground, JS unit tests and browser tests. Included by the Makefile.
#
#   make browser        build dist/ (lua.wasm, ESM and script-tag builds, types), print sizes
#   make dev            build, then serve the playground at http://localhost:8000
#   make test-js        JS unit tests under node (wire format, stores, the API in node)
#   make test-browser   browser tests in headless Chromium (installs Chromium with apt when root)
#   make bench-browser  init() and eval round-trip timings in Chromium and node

GO ?= go
NODE ?= node
NPM ?= npm
DEV_ADDR ?= localhost:8000

BROWSER_GO_SOURCES = $(shell find wasm lua lib compile syntax store query engine -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod go.sum
BROWSER_JS_SOURCES = $(wildcard js/*.js js/*.mjs js/*.d.ts js/package.json js/README.md)

.PHONY: browser dev test-js test-browser bench-browser browser-deps chromium

node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	touch $@

browser-deps: node_modules/.package-lock.json

dist/lua.wasm: $(BROWSER_GO_SOURCES) $(BROWSER_JS_SOURCES) node_modules/.package-lock.json
	$(NODE) js/build.mjs

browser: dist/lua.wasm

bin/serve: cmd/serve/main.go
	$(GO) build -o $@ ./cmd/serve

dev: browser bin/serve
	bin/serve -addr $(DEV_ADDR)

test-js: browser
	$(NODE) --test js/test/

# Debian's chromium, installed when missing and we are root (as in CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
	  else echo "test-browser: install chromium (apt-get install chromium)" >&2; exit 1; fi; }

test-browser: browser bin/serve chromium
	$(NODE) --test --test-concurrency=1 tests/browser/

bench-browser: browser bin/serve chromium
	$(NODE) tests/browser/bench.mjs
