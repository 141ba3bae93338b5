// Start-up and round-trip timings of the package, in each browser engine
// and in node.
//
//   node tests/browser/bench.mjs [chromium] [firefox] [webkit]   (make bench-browser; default: all)
//
// In each engine: init() to the first eval's result on a first visit (the
// wasm is downloaded and compiled), on a reload (the wasm comes from the
// HTTP cache, with the engine's compiled code when it kept it), and for a
// second instance in the same page (the compiled module is reused); then
// the cost of one eval / call / global.get round trip, median of batches,
// once the engine has optimized the hot code (the first calls run on a
// baseline compiler).

import { LuaWASM } from '../../dist/index.js';
import { join } from 'node:path';
import { root } from './harness.mjs';
import { startServer } from './server.mjs';

const engineNames = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' };
const engines = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(engineNames);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// roundTrips runs in the page (or in node) with a ready instance `lua`.
async function roundTrips(lua) {
  const time = (fn, n) => {
    const runs = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) fn();
      runs.push(((performance.now() - t0) / n) * 1000);
    }
    runs.sort((a, b) => a - b);
    return runs[3];
  };
  const inc = lua.eval('return function(x) return x + 1 end');
  lua.eval('n = 42');
  lua.eval('big = {} for i = 1, 100 do big[i] = {id = i, name = "user" .. i} end');
  let x = 0;
  const cold = time(() => lua.eval('return 1'), 200);
  // V8 first runs wasm on its baseline compiler and optimizes hot functions
  // in the background: warm up before measuring the steady state.
  for (let i = 0; i < 30000; i++) {
    lua.eval('return 1');
    x = inc(x);
    if (i % 100 === 0) lua.eval('return big');
  }
  return {
    'eval("return 1"), first calls': cold,
    'eval("return 1")': time(() => lua.eval('return 1'), 2000),
    'eval("n = n + 1")': time(() => lua.eval('n = n + 1'), 2000),
    'call Lua function from JS': time(() => (x = inc(x)), 5000),
    'global.get("n")': time(() => lua.global.get('n'), 5000),
    'eval returning 100 records': time(() => lua.eval('return big'), 500),
  };
}

// storage runs in the page with a ready instance `lua`: the persistence
// goals of the engine issues, each measured until durable in IndexedDB
// (median of runs, after a warm-up run).
async function storage(lua) {
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const timed = async (fn, runs) => {
    await fn(-1);
    const ms = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await fn(r);
      ms.push(performance.now() - t0);
    }
    return med(ms);
  };
  const sets = (n, r) => Array.from({ length: n }, (_, i) => ({ type: 'set', table: `bench${n}`, key: `k${i}`, value: { id: i, score: (i * 7919 + r) % 1000, name: `user ${i}` } }));
  const out = {};
  out['persistFunction, durable'] = await timed((r) => lua.persistFunction('Memory', `f${r + 1}`, 'function(x) return x * 2 end'), 9);
  out['batch of 1,000 sets, durable'] = await timed((r) => lua.batchTableOperations(sets(1000, r)), 5);
  out['batch of 10,000 sets, durable'] = await timed((r) => lua.batchTableOperations(sets(10000, r)), 3);
  out['eval changing 1 field of 10,000 records, durable'] = await timed(async (r) => {
    lua.eval(`Memory.bench10000.k5.score = ${r}`);
    await lua.flush();
  }, 9);
  await lua.createIndex('Memory', 'bench10000.score', 'btree');
  out['indexed range query, 10,000 records, limit 10'] = await timed(() => lua.queryTable('Memory', { table: 'bench10000', field: 'score', operator: 'between', value: [100, 200], limit: 10 }), 9);
  return out;
}

const rows = [];
for (const engine of engines) {
  const name = engineNames[engine];
  const driver = await import(`./drivers/${engine}.mjs`);
  const server = await startServer(root, { capture: Boolean(driver.needsCapture), mounts: { '/fixtures/': join(root, 'tests', 'browser', 'fixtures') } });
  const browser = await driver.launch({ proxy: server.proxy });
  console.log(driver.version());
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/fixtures/bench.html`);
    rows.push([`${name}: init() to first eval, first visit`, await page.evaluate(() => window.startup)]);
    const reloads = [];
    for (let i = 0; i < 5; i++) {
      await page.reload();
      reloads.push(await page.evaluate(() => window.startup));
    }
    rows.push([`${name}: init() to first eval, reload (wasm cached), median of 5`, median(reloads)]);
    const again = [];
    for (let i = 0; i < 5; i++) {
      again.push(await page.evaluate(async () => {
        const t0 = performance.now();
        const other = await LuaWASM.init();
        other.eval('return 1');
        const ms = performance.now() - t0;
        await other.close();
        return ms;
      }));
    }
    rows.push([`${name}: another instance in the same page, median of 5`, median(again)]);
    const trips = await page.evaluate(`(${roundTrips.toString()})(window.lua)`);
    for (const [k, v] of Object.entries(trips)) rows.push([`${name}: ${k} (µs)`, v]);
    const stored = await page.evaluate(`(${storage.toString()})(window.lua)`);
    for (const [k, v] of Object.entries(stored)) rows.push([`${name} + IndexedDB: ${k}`, v]);
  } finally {
    await browser.close();
    server.stop();
  }
}

const t0 = performance.now();
const lua = await LuaWASM.init();
lua.eval('return 1');
rows.push([`node ${process.version}: init() to first eval, first`, performance.now() - t0]);
const t1 = performance.now();
const second = await LuaWASM.init();
second.eval('return 1');
rows.push([`node ${process.version}: init() to first eval, second instance`, performance.now() - t1]);
await second.close();
for (const [k, v] of Object.entries(await roundTrips(lua))) rows.push([`node: ${k} (µs)`, v]);
await lua.close();

console.log('| measure | ms or µs |\n| --- | ---: |');
for (const [k, v] of rows) console.log(`| ${k} | ${v.toFixed(k.includes('µs') ? 2 : 1)} |`);
