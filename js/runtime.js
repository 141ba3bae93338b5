// Loading the WebAssembly module and starting Go programs in it.
//
// Go's runtime glue (wasm_exec.js, copied from the Go installation at build
// time into wasm_exec.gen.js) normally installs globalThis.Go, fs, process
// and path. Here it runs against a private stand-in for the global object:
// reads fall through to the real global, writes stay private. The Go
// program sees that stand-in as js.Global(), which is also where the
// one-shot handshake name lives, so nothing is ever added to the page's
// global object.

import { defineGo } from './wasm_exec.gen.js';

function privateGlobal() {
  const own = Object.create(null);
  const real = globalThis;
  return new Proxy(real, {
    // The receiver is the real global: browser getters (crypto,
    // performance) refuse any other.
    get: (target, key) => (key in own ? own[key] : Reflect.get(target, key)),
    set: (target, key, value) => {
      own[key] = value;
      return true;
    },
    has: (target, key) => key in own || key in target,
    deleteProperty: (target, key) => delete own[key],
  });
}

let sandbox;
let GoClass;

function goRuntime() {
  if (!GoClass) {
    sandbox = privateGlobal();
    GoClass = defineGo(sandbox);
  }
  return { Go: GoClass, sandbox };
}

const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node);

const modules = new Map(); // wasm URL -> Promise<WebAssembly.Module>

/**
 * Returns the compiled module for source: a WebAssembly.Module, bytes
 * (ArrayBuffer or view), a Response, or a URL (string or URL object). A URL
 * is fetched and compiled once per page.
 */
export function compileModule(source) {
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  // A URL is recognised before Response is mentioned: in node, the first
  // mention of Response loads its fetch implementation (~35 ms of CPU in
  // node 20), which reading the module from a file does without.
  const isURL = typeof source === 'string' || (typeof URL !== 'undefined' && source instanceof URL);
  if (!isURL && typeof Response !== 'undefined' && source instanceof Response) return compileResponse(Promise.resolve(source));
  const url = String(source);
  let m = modules.get(url);
  if (!m) {
    m = fetchAndCompile(url);
    modules.set(url, m);
    m.catch(() => modules.delete(url)); // let a later init try again
  }
  return m;
}

async function fetchAndCompile(url) {
  if (isNode && url.startsWith('file:')) {
    const { readFile } = await import('node:fs/promises');
    return WebAssembly.compile(await readFile(new URL(url)));
  }
  return compileResponse(fetch(url));
}

async function compileResponse(responsePromise) {
  const response = await responsePromise;
  if (!response.ok) throw new Error(`cannot load the Lua WebAssembly module from ${response.url}: HTTP ${response.status}`);
  if (WebAssembly.compileStreaming && (response.headers.get('Content-Type') || '').startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

let serial = 0;

// gcPercent is the Go collector's growth factor (GOGC), passed in the
// program's environment, 200 where Go's default is 100 and cmd/luaw's 400.
// Measured through the dist package in node 22 (oop_methods 1e5,
// binary_trees 12, table_ops 2e4, string_build 5e4; CPU time, median of 5,
// 4 alternated pairs on a loaded 2-core machine): 200 took ~15-20% less CPU
// than 100 in three pairs of four (8% more in one); 400 was no faster than
// 200. The linear memory, which never shrinks, peaked at ~22 MB at 100,
// 35-40 MB at 200 and 140-175 MB at 400; init needs 5 MB at each. At 200
// the heap grows to about three times the live data before a collection
// (twice at 100): the extra headroom follows what Lua keeps alive, not
// memorySize, which still bounds what each call allocates. Under node a
// GOGC in the process's environment wins (for measuring).
const gcPercent = 200;

/**
 * Starts the Go program of module with host as its bridge object. Resolves
 * to the WebAssembly instance once the program has called host.ready.
 * exited(code) is called, synchronously, when the program ends: after
 * lw_close, or at once on a fatal runtime error (out of memory), even in
 * the middle of a call into Go.
 */
export async function startGo(module, host, exited) {
  const { Go, sandbox } = goRuntime();
  const go = new Go();
  const name = `__luawasm_${Date.now().toString(36)}_${(serial++).toString(36)}_${Math.random().toString(36).slice(2)}`;
  go.argv = ['luawasm', name];
  go.env = { GOGC: (isNode && process.env.GOGC) || String(gcPercent) };
  go.exit = exited;
  let isReady = false;
  host.ready = () => {
    isReady = true;
  };
  sandbox[name] = host;
  let instance;
  try {
    instance = await WebAssembly.instantiate(module, go.importObject);
    // main runs until it waits for lw_close, calling host.ready first.
    go.run(instance);
  } finally {
    delete sandbox[name];
    delete host.ready;
  }
  if (!isReady) throw new Error('the Lua WebAssembly module did not start');
  return instance;
}
