// Bundles the benchmark page's competitors for the browser, one ES module
// each so their sizes can be reported separately:
//
//	node bench/browser/build.mjs OUTDIR
//
// wasmoon.js (and its glue.wasm beside it), fengari.js, dexie.js and
// lokijs.js (LokiJS with its IndexedDB adapter). Node's built-in modules
// resolve to an empty module: wasmoon imports them only on its node path,
// and fengari (written for node) requires them at load time for its io, os
// and package libraries (and tmp and readline-sync), which the benchmark programs do not use.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, '..', 'node_modules');
const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUTDIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const entries = {
  wasmoon: "export { LuaFactory } from 'wasmoon';",
  fengari: "export { lua, lauxlib, lualib, to_luastring, to_jsstring } from 'fengari';",
  dexie: "export { default as Dexie } from 'dexie';",
  lokijs: `import Loki from 'lokijs';
import LokiIndexedAdapter from 'lokijs/src/loki-indexed-adapter.js';
export { Loki, LokiIndexedAdapter };`,
};

const nodeOnly = {
  name: 'node-only',
  setup(b) {
    const names = new Set([...builtinModules, 'tmp', 'readline-sync']);
    b.onResolve({ filter: /^[\w:-]+$/ }, (a) => (names.has(a.path) ? { path: a.path, namespace: 'node-only' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'node-only' }, () => ({ contents: 'module.exports = {};' }));
  },
};

for (const [name, contents] of Object.entries(entries)) {
  await build({
    stdin: { contents, resolveDir: here, loader: 'js' },
    nodePaths: [modules],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    // Fengari reads its configuration from the environment (as fengari-web's build does, none).
    define: { 'process.env.NODE_ENV': '"production"', 'process.env.FENGARICONF': 'undefined' },
    plugins: [nodeOnly],
    outfile: join(out, `${name}.js`),
    logLevel: 'warning',
  });
}
copyFileSync(join(modules, 'wasmoon', 'dist', 'glue.wasm'), join(out, 'glue.wasm'));
const version = (p) => JSON.parse(readFileSync(join(modules, p, 'package.json'), "utf8")).version;
writeFileSync(join(out, 'versions.json'), JSON.stringify(
  Object.fromEntries(['wasmoon', 'fengari', 'dexie', 'lokijs'].map((p) => [p, version(p)])),
));
