// The node driver of the side-by-side benchmarks (make bench-page): serves
// the benchmark page on 127.0.0.1, drives it in each browser engine
// (Chromium, Firefox, WebKit, through the drivers of the browser tests:
// tests/browser/drivers/), prints the tables and writes
// docs/bench/browser.md, one section per engine, with an SVG chart per
// group and engine (docs/bench/*-ENGINE.svg).
//
//	node bench/browser/run.mjs [--runs N] [--storage-runs N] [--startup-runs N]
//	    [--only fib,nbody] [--groups startup,interpreter,storage]
//	    [--browsers chromium,firefox,webkit] [--out DIR]
//
// Defaults: 3 runs per interpreter and storage figure, 5 per start-up
// figure, every group, the three engines, DIR docs/bench. The competitors' bundles must be
// built first (build.mjs into bin/bench-browser, which make does).
// Interpreter outputs are checked against lua5.4 natively (when installed)
// run with the same program sizes; any mismatch or failure makes the exit
// status 1 after everything is written.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { startServer } from '../../tests/browser/server.mjs';
import { browserSizes, stepNames } from './bench.js';
import { barChart } from './chart.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const programsDir = join(root, '..', 'shared', 'bench');
const vendor = join(root, 'bin', 'bench-browser');

const opts = { runs: 3, 'storage-runs': 3, 'startup-runs': 5, only: '', groups: 'startup,interpreter,storage', browsers: 'chromium,firefox,webkit', out: join(root, 'docs', 'bench') };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in opts) || process.argv[i + 1] === undefined) {
    console.error(`bench: unknown or incomplete option ${process.argv[i]}`);
    process.exit(2);
  }
  opts[k] = typeof opts[k] === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}
const groups = new Set(opts.groups.split(','));
const only = opts.only ? opts.only.split(',') : null;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));

const engineNames = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' };

async function openPage(context, url) {
  const page = await context.newPage();
  page.on('console', (m) => console.log(`  page: ${m.text()}`));
  page.on('pageerror', (e) => console.error(`  page error: ${e.message}`));
  await page.goto(`${url}/index.html`);
  await page.waitForFunction(() => window.bench !== undefined);
  return page;
}

// ---- the run ----

const date = new Date();
const machine = {
  cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
  cores: cpus().length,
  load: loadavg().map((x) => x.toFixed(2)).join(' '),
  node: process.version,
};
const versions = JSON.parse(readFileSync(join(vendor, 'versions.json'), 'utf8'));
let commit = 'unknown';
try {
  commit = execFileSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8' }).trim();
} catch { /* not a git checkout */ }

const engineKeys = ['luaw', 'wasmoon', 'fengari'];
let failed = false;

/** Runs the groups in one browser engine; resolves to its results. */
async function runIn(engine) {
  const driver = await import(`../../tests/browser/drivers/${engine}.mjs`);
  const server = await startServer(root, {
    capture: Boolean(driver.needsCapture),
    web: here,
    mounts: { '/vendor/': vendor, '/programs/': programsDir },
  });
  const browser = await driver.launch({ proxy: server.proxy });
  const result = { version: driver.version() };
  console.log(`${result.version}:`);
  try {
    if (groups.has('startup')) {
      // Cold: a new browser context (empty HTTP and code caches), the engine's
      // first init() in the page. Warm: the same context reloaded (files
      // revalidated from the HTTP cache, the engine's cached code) and init() again.
      result.startup = {};
      for (const k of engineKeys) {
        const cold = [];
        const warm = [];
        for (let i = 0; i < opts['startup-runs']; i++) {
          const context = await browser.newContext();
          const page = await openPage(context, server.url);
          cold.push(await page.evaluate((key) => window.bench.startup(key), k));
          await page.reload();
          await page.waitForFunction(() => window.bench !== undefined);
          warm.push(await page.evaluate((key) => window.bench.startup(key), k));
          await context.close();
        }
        result.startup[k] = { cold: median(cold), warm: median(warm) };
        console.log(`startup ${k}: cold ${ms(result.startup[k].cold)} ms, warm ${ms(result.startup[k].warm)} ms`);
      }
    }
    if (groups.has('interpreter')) {
      const context = await browser.newContext();
      const page = await openPage(context, server.url);
      result.interpreter = await page.evaluate(
        ({ runs, only }) => window.bench.interpreter({ runs, only }),
        { runs: opts.runs, only },
      );
      await context.close();
    }
    if (groups.has('storage')) {
      const context = await browser.newContext();
      const page = await openPage(context, server.url);
      result.storage = await page.evaluate((runs) => window.bench.storage({ runs }), opts['storage-runs']);
      await context.close();
    }
  } finally {
    await browser.close();
    server.stop();
  }
  return result;
}

const engines = opts.browsers.split(',');
const results = {};
for (const engine of engines) {
  try {
    results[engine] = await runIn(engine);
  } catch (e) {
    console.error(`bench: ${engine}: ${e.stack || e}`);
    results[engine] = { error: String(e.message || e) };
    failed = true;
  }
}

// The reference outputs: lua5.4 natively with the browser sizes.
function reference(name) {
  try {
    return execFileSync('lua5.4', [`${name}.lua`, String(browserSizes[name])], { cwd: programsDir, encoding: 'utf8' }).replace(/\n$/, '');
  } catch (err) {
    return err.code === 'ENOENT' ? undefined : `lua5.4 failed: ${err.message}`;
  }
}

// ---- sizes ----

function sizes(files) {
  const bytes = files.map((f) => readFileSync(f));
  const sum = (f) => bytes.reduce((n, b) => n + f(b), 0);
  return {
    raw: sum((b) => b.length),
    gzip: sum((b) => gzipSync(b, { level: 9 }).length),
    brotli: sum((b) => brotliCompressSync(b, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length),
  };
}
const sizeRows = [
  ['luaw', 'lua.wasm', [join(root, 'dist', 'lua.wasm')]],
  ['luaw', 'index.js (ESM, with its imports)', [join(root, 'dist', 'index.js')]],
  ['wasmoon', 'glue.wasm', [join(vendor, 'glue.wasm')]],
  ['wasmoon', 'wasmoon.js (bundled, minified)', [join(vendor, 'wasmoon.js')]],
  ['fengari', 'fengari.js (bundled, minified)', [join(vendor, 'fengari.js')]],
].map(([engine, what, files]) => ({ engine, what, ...sizes(files) }));

// ---- docs/bench/browser.md ----

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const lines = [];
const p = (...s) => lines.push(...s);
mkdirSync(opts.out, { recursive: true });
// The charts of the single-engine layout, superseded by per-engine ones.
for (const old of ['startup.svg', 'interpreter.svg', 'storage.svg']) rmSync(join(opts.out, old), { force: true });

p('## In the browser: interpreters, storage, start-up', '');
p(`Generated by \`make bench-page\` (bench/browser/run.mjs: one page, run in each headless engine in turn: ${engines.map((e) => engineNames[e]).join(', ')}); do not edit by hand. `
  + 'The same page runs by hand in a desktop browser: `make bench-serve`, open the URL, press Run.', '');
p(`- Date: ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC, luaw commit ${commit}`);
p(`- Machine: ${machine.cpu}, ${machine.cores} cores; driven by node ${machine.node}; load average before the run: ${machine.load}`);
p(`- Engines: ${engines.map((e) => `${engineNames[e]}: ${results[e].version || 'failed'}`).join('; ')}`);
p(`- Candidates: luaw (dist/, this commit), wasmoon ${versions.wasmoon} (C Lua 5.4 via Emscripten), fengari ${versions.fengari} (Lua 5.3 in JavaScript), `
  + `Dexie ${versions.dexie}, LokiJS ${versions.lokijs} (loki-indexed-adapter), raw IndexedDB`, '');

p('### Sizes', '');
p('Sizes of what a page loads (minified bundles of the npm packages, built by bench/browser/build.mjs with esbuild; gzip level 9, brotli quality 11).', '');
p('| engine | file | raw | gzip | brotli |', '| --- | --- | ---: | ---: | ---: |');
for (const r of sizeRows) p(`| ${r.engine} | ${r.what} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`);
p('');

// One line per browser engine: the candidates side by side.
const geomean = (xs) => (xs.length ? Math.exp(xs.reduce((a, b) => a + Math.log(b), 0) / xs.length) : undefined);
const ratio = (x) => (x === undefined ? '–' : `${x.toFixed(2)}x`);
p('### Summary per browser engine', '');
p('Interpreter: geometric mean over the programs of time / wasmoon\'s in that engine (programs where an engine failed are left out). '
  + 'Start-up: cold init() to the first result, ms. The sections below have every figure.', '');
p('| browser engine | luaw / wasmoon | fengari / wasmoon | cold start luaw | wasmoon | fengari |', '| --- | ---: | ---: | ---: | ---: | ---: |');
for (const engine of engines) {
  const r = results[engine];
  if (r.error) {
    p(`| ${engineNames[engine]} | failed | | | | |`);
    continue;
  }
  const rows = r.interpreter?.rows || [];
  const rel = (k) => geomean(rows.filter((row) => row.results[k].ms && row.results.wasmoon.ms).map((row) => row.results[k].ms / row.results.wasmoon.ms));
  const cold = (k) => (r.startup ? ms(r.startup[k].cold) : '–');
  p(`| ${r.version} | ${ratio(rel('luaw'))} | ${ratio(rel('fengari'))} | ${cold('luaw')} | ${cold('wasmoon')} | ${cold('fengari')} |`);
}
p('');

for (const engine of engines) {
  const result = results[engine];
  const name = engineNames[engine];
  p(`### ${name}`, '');
  if (result.error) {
    p(`The run failed: ${result.error}`, '');
    continue;
  }
  p(`${result.version}, ${engine === 'webkit' ? 'under Xvfb' : 'headless'}.`, '');
  const stamp = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${machine.cpu}, ${machine.cores} cores · ${result.version}`;
  const chart = (file, spec) => {
    writeFileSync(join(opts.out, file), barChart({ ...spec, title: `${name}: ${spec.title}`, footer: stamp }));
    p(`![${name}: ${spec.title}](bench/${file})`, '');
  };
  if (result.startup) {
    p(`#### ${name}: start-up`, '');
    p(`init() to the first result of \`return 1\`, module import, wasm fetch and compilation included; medians of ${opts['startup-runs']}. `
      + 'Cold: a fresh browser context (empty caches). Warm: that context reloaded (files revalidated from the HTTP cache, the engine\'s code cache).', '');
    p('| engine | cold (ms) | warm (ms) | cold / wasmoon | warm / wasmoon |', '| --- | ---: | ---: | ---: | ---: |');
    const base = result.startup.wasmoon;
    for (const k of engineKeys) {
      const s = result.startup[k];
      p(`| ${k} | ${ms(s.cold)} | ${ms(s.warm)} | ${(s.cold / base.cold).toFixed(2)}x | ${(s.warm / base.warm).toFixed(2)}x |`);
    }
    p('');
    chart(`startup-${engine}.svg`, {
      title: 'init() to first result (ms, lower is better)',
      series: ['cold', 'warm'],
      groups: engineKeys.map((k) => ({ label: k, values: [result.startup[k].cold, result.startup[k].warm] })),
    });
  }

  if (result.interpreter) {
    const { rows, runs } = result.interpreter;
    p(`#### ${name}: interpreter`, '');
    p(`The programs of ../shared/bench/ at browser sizes (the argument each reads from \`arg[1]\`, about a tenth of the native benchmark's work, `
      + 'so that fengari finishes), each run in a fresh state; the time is the program\'s chunk only, '
      + `median of ${runs} runs, engines alternating. Ratio = engine / wasmoon in this run. `
      + 'Outputs (print captured by the same Lua function in every engine) are checked against lua5.4 natively at the same size.', '');
    p('| program | size | luaw (ms) | wasmoon (ms) | fengari (ms) |', '| --- | ---: | ---: | ---: | ---: |');
    const logs = { luaw: [], fengari: [] };
    for (const row of rows) {
      const ref = reference(row.program);
      const base = row.results.wasmoon;
      const cell = (k) => {
        const r = row.results[k];
        if (r.error) {
          failed ||= k !== 'fengari';
          return `failed: ${r.error.slice(0, 60).replace(/\|/g, '\\|')}`;
        }
        let s = ms(r.ms);
        if (k !== 'wasmoon' && !base.error) {
          s += ` (${(r.ms / base.ms).toFixed(2)}x)`;
          logs[k].push(Math.log(r.ms / base.ms));
        }
        if (ref !== undefined && r.output !== ref) {
          // fengari implements Lua 5.3: a differing output is reported, not a failure of ours.
          failed ||= k !== 'fengari';
          s += ' output differs';
        }
        return s;
      };
      p(`| ${row.program} | ${row.size} | ${cell('luaw')} | ${cell('wasmoon')} | ${cell('fengari')} |`);
    }
    const geo = (xs) => (xs.length ? `${Math.exp(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2)}x` : 'n/a');
    p(`| geomean ratio to wasmoon | | ${geo(logs.luaw)} | 1.00x | ${geo(logs.fengari)} |`, '');
    p('fengari implements Lua 5.3 with 32-bit integers: programs whose checksums overflow 32 bits print other numbers there '
      + '(its time is still shown, and its ratio counts in its geomean); a differing output of luaw or wasmoon fails the run.', '');
    chart(`interpreter-${engine}.svg`, {
      title: 'Interpreter: time / wasmoon\'s (lower is better)',
      series: engineKeys,
      log: true,
      groups: rows.map((row) => ({
        label: row.program,
        values: engineKeys.map((k) => (row.results[k].ms && row.results.wasmoon.ms ? row.results[k].ms / row.results.wasmoon.ms : undefined)),
      })),
    });
  }

  if (result.storage) {
    const { results, runs } = result.storage;
    const keys = Object.keys(results);
    const labels = { luaw: 'luaw Memory (ours)', dexie: 'Dexie', lokijs: 'LokiJS', raw: 'raw IndexedDB' };
    p(`#### ${name}: storage`, '');
    p('Records `{id, name, email, age, score, active}`; writes are one transaction each, awaited until committed '
      + '(Dexie and raw IndexedDB with `durability: "strict"`; LokiJS saves its whole database through its adapter, whose callback comes when the put request succeeded, before the commit: its write figures leave the commit out). '
      + 'Reading back reopens the database (LokiJS: loadDatabase; luaw: a new instance restoring Memory, then a query of the whole collection). The index is on `score`; `>=` returns the 10 lowest scores from 5000, '
      + '`between` is 2000 <= score < 2100, `startsWith` is name prefix "user0012" (on the index on name), the full scan counts age = 42 without an index. '
      + 'luaw and LokiJS answer queries from memory (their stores hold everything in memory and persist it); Dexie and raw IndexedDB read IndexedDB. '
      + `Medians of ${runs} runs in ms; in brackets the check value, which must agree across candidates (a count, or the ids found).`, '');
    p(`| workload | ${keys.map((k) => labels[k]).join(' | ')} |`, `| --- |${keys.map(() => ' ---: |').join('')}`);
    for (const [step, label] of stepNames) {
      const checks = new Set();
      const cells = keys.map((k) => {
        const c = results[k];
        if (c.note) return 'not available';
        const r = c.steps[step];
        if (!r) return '–';
        if (r.error) {
          failed = true;
          return `failed: ${r.error.slice(0, 60).replace(/\|/g, '\\|')}`;
        }
        if (r.note) return r.note;
        checks.add(r.check);
        return `${ms(r.ms)} (${r.check.length > 12 ? `${r.check.slice(0, 12)}…` : r.check})`;
      });
      const differ = checks.size > 1 ? ' **(results differ)**' : '';
      failed ||= differ !== '';
      p(`| ${label}${differ} | ${cells.join(' | ')} |`);
    }
    p('');
    for (const k of keys) if (results[k].note) p(`${labels[k]}: ${results[k].note}.`, '');
    const measured = keys.filter((k) => !results[k].note);
    chart(`storage-${engine}.svg`, {
      title: 'Storage workloads (ms, lower is better)',
      series: measured.map((k) => labels[k]),
      log: true,
      groups: stepNames.filter(([step]) => measured.some((k) => results[k].steps[step]?.ms !== undefined))
        .map(([step, label]) => ({ label, values: measured.map((k) => results[k].steps[step]?.ms) })),
    });
  }
}

const md = `${lines.join('\n')}\n`;
writeFileSync(join(opts.out, 'browser.md'), md);
console.log(`\n${md}`);
console.log(`wrote ${join(opts.out, 'browser.md')}`);
process.exit(failed ? 1 : 0);
