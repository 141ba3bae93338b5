# The browser product: the WebAssembly build, the npm package in dist/, the
# playground, JS unit tests and browser tests. Included by the Makefile.
#
#   make browser        build dist/ (lua.wasm, ESM and script-tag builds, types), print sizes
#   make dev            build, then serve the playground at http://localhost:8000
#   make test-js        JS unit tests under node (wire format, stores, the API in node)
#   make test-browser   the browser tests in Chromium, Firefox and WebKit, one run per engine
#                       (tests/browser/run.mjs labels each line and names the engine that
#                       failed); installs the engines with apt when missing and root
#   make test-browser-chromium, test-browser-firefox, test-browser-webkit: one engine
#   make bench-browser  init() and eval round-trip timings in the three engines and node
#   make wasm-size      where the bytes of lua.wasm go: sections, data ranges, per-package code
#                       and runtime metadata, biggest functions (scripts/wasm-size.mjs; pass
#                       WASM_SIZE_FLAGS, e.g. "--why time.Time.Format" or "--compare old.wasm")

GO ?= go
NODE ?= node
NPM ?= npm
DEV_ADDR ?= localhost:8000

BROWSER_GO_SOURCES = $(shell find wasm lua lib compile syntax store query engine -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod go.sum
BROWSER_JS_SOURCES = $(wildcard js/*.js js/*.mjs js/*.d.ts js/package.json js/README.md)

.PHONY: browser wasm-size dev test-js test-browser test-browser-chromium test-browser-firefox test-browser-webkit bench-browser browser-deps chromium firefox webkit

node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	touch $@

browser-deps: node_modules/.package-lock.json

dist/lua.wasm: $(BROWSER_GO_SOURCES) $(BROWSER_JS_SOURCES) scripts/wasm-size.mjs node_modules/.package-lock.json
	$(NODE) js/build.mjs

browser: dist/lua.wasm

# Builds ./wasm as js/build.mjs does, into a temporary file, and measures it.
wasm-size:
	$(NODE) scripts/wasm-size.mjs $(WASM_SIZE_FLAGS)

bin/serve: cmd/serve/main.go
	$(GO) build -o $@ ./cmd/serve

dev: browser bin/serve
	bin/serve -addr $(DEV_ADDR)

test-js: browser
	$(NODE) --test js/test/

# The engines, from Debian, installed when missing and we are root (as in
# CI): chromium (driven by playwright-core), firefox-esr (puppeteer-core over
# WebDriver BiDi), WebKitGTK with WebKitWebDriver under Xvfb
# (selenium-webdriver), the browser being tests/browser/drivers/webkit-shell.py
# (Python's bindings of WebKitGTK: python3-gi, gir1.2-webkit2-4.1).
define install_engine
	$(call install_unless,command -v $(1),$(2))
endef

# Installs the packages $(2) unless the command $(1) succeeds ($(comma) for a
# comma in it).
comma := ,
define install_unless
	@$(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(2) fonts-dejavu-core >/dev/null; \
	  else echo "test-browser: install $(2) (apt-get install $(2))" >&2; exit 1; fi; }
endef

chromium:
	$(call install_engine,chromium,chromium)

firefox:
	$(call install_engine,firefox-esr,firefox-esr)

webkit:
	$(call install_engine,WebKitWebDriver,webkit2gtk-driver xvfb)
	$(call install_engine,Xvfb,xvfb)
	$(call install_unless,/usr/bin/python3 -c 'import gi; gi.require_version("WebKit2"$(comma) "4.1")',python3-gi gir1.2-webkit2-4.1)

BROWSER_TEST_DEPS = browser bin/serve browser-deps

test-browser: $(BROWSER_TEST_DEPS) chromium firefox webkit
	$(NODE) tests/browser/run.mjs chromium firefox webkit

test-browser-chromium test-browser-firefox test-browser-webkit: test-browser-%: $(BROWSER_TEST_DEPS) %
	$(NODE) tests/browser/run.mjs $*

bench-browser: $(BROWSER_TEST_DEPS) chromium firefox webkit
	$(NODE) tests/browser/bench.mjs chromium firefox webkit
