// The side-by-side benchmark page: everything here runs in the browser, so
// all candidates are measured in one page of one browser, in one run.
//
// Three groups:
//   - interpreter: the shared Lua programs under luaw (our WebAssembly
//     build, /dist/), wasmoon (C Lua compiled with Emscripten) and fengari
//     (Lua 5.3 written in JavaScript), each program's output captured and
//     compared with wasmoon's (C Lua's);
//   - storage: the same durable IndexedDB workloads with Dexie, LokiJS (its
//     IndexedDB adapter), raw IndexedDB and, once the engine has it, our
//     persistent Memory;
//   - start-up: init() to the first result, per engine.
//
// The node driver (run.mjs) calls window.bench.* through playwright; the
// Run button does the same by hand in a desktop browser and shows tables.
// Files come from the server: / (this directory), /dist/ (our package),
// /vendor/ (build.mjs bundles of the competitors) and /programs/ (the
// shared benchmark programs).

/**
 * Program sizes used in the browser (the first argument each program reads
 * from arg[1]). The shared defaults take 1-3 s each in C Lua natively;
 * fengari is tens of times slower, so the browser group runs each at about
 * a tenth of that work (0.1-0.2 s in C Lua natively).
 */
export const browserSizes = {
  binary_trees: 12,
  closures: 600000,
  coroutine_pingpong: 400000,
  fannkuch: 8,
  fib: 30,
  mandelbrot: 400,
  nbody: 80000,
  oop_methods: 300000,
  pattern_match: 3000,
  spectral_norm: 300,
  string_build: 60000,
  table_ops: 30000,
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- Lua engines: create() resolves to { run(code) -> first result as a string or undefined, close() }.

export const engines = {
  luaw: {
    label: 'luaw (ours)',
    async create() {
      const { LuaWASM } = await import('/dist/index.js');
      const lua = await LuaWASM.init({ wasm: '/dist/lua.wasm', stdout: () => {}, stderr: () => {} });
      return {
        run: (code) => {
          const v = lua.eval(code);
          return v === undefined || v === null ? undefined : String(v);
        },
        close: () => lua.close(),
        instance: lua,
      };
    },
  },
  wasmoon: {
    label: 'wasmoon',
    async create() {
      const { LuaFactory } = await import('/vendor/wasmoon.js');
      const engine = await new LuaFactory('/vendor/glue.wasm').createEngine();
      return {
        run: (code) => {
          const v = engine.doStringSync(code);
          return v === undefined || v === null ? undefined : String(v);
        },
        close: () => engine.global.close(),
      };
    },
  },
  fengari: {
    label: 'fengari',
    async create() {
      const { lua, lauxlib, lualib, to_luastring } = await import('/vendor/fengari.js');
      const L = lauxlib.luaL_newstate();
      lualib.luaL_openlibs(L);
      const chunkname = to_luastring('=program');
      return {
        run: (code) => {
          const src = to_luastring(code);
          if (lauxlib.luaL_loadbuffer(L, src, src.length, chunkname) !== lua.LUA_OK
            || lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
            const msg = lua.lua_tojsstring(L, -1);
            lua.lua_settop(L, 0);
            throw new Error(msg);
          }
          const v = lua.lua_isnil(L, -1) ? undefined : lua.lua_tojsstring(L, -1);
          lua.lua_settop(L, 0);
          return v;
        },
        close: () => lua.lua_close(L),
      };
    },
  },
};

// The set-up chunk run before each program, the same in every engine: the
// program's arguments, and a print that collects lines (no engine's output
// path is measured, only the interpreter).
const setup = (name, size) => `
arg = { [0] = ${JSON.stringify(name + '.lua')}, ${JSON.stringify(String(size))} }
local out, n = {}, 0
print = function(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  n = n + 1
  out[n] = table.concat(t, "\\t", 1, t.n)
end
function bench_output() return table.concat(out, "\\n") end
`;

/** Lists the shared programs the server has at /programs/ (its directory listing). */
export async function programs() {
  const html = await (await fetch('/programs/')).text();
  return [...html.matchAll(/href="([\w-]+)\.lua"/g)].map((m) => m[1]).sort();
}

/**
 * Runs one program once in a fresh state of engine; resolves to
 * { ms, output } (ms: the program's chunk only, state creation excluded).
 */
async function runOnce(key, name, source, size) {
  const e = await engines[key].create();
  try {
    e.run(setup(name, size));
    const t0 = performance.now();
    e.run(source);
    const ms = performance.now() - t0;
    return { ms, output: e.run('return bench_output()') ?? '' };
  } finally {
    await e.close();
  }
}

/**
 * The interpreter group. Runs alternate between engines (program by
 * program, run by run) so that drift in the machine's load spreads evenly.
 * Resolves to { sizes, runs, rows: [{ program, size, results: { key:
 * { ms (median), runs: [...], output, error } } }] }.
 */
export async function interpreter({ runs = 3, only = null, keys = Object.keys(engines), log = console.log } = {}) {
  const names = (await programs()).filter((n) => !only || only.includes(n));
  const rows = [];
  for (const name of names) {
    const size = browserSizes[name];
    const source = await (await fetch(`/programs/${name}.lua`)).text();
    const results = Object.fromEntries(keys.map((k) => [k, { runs: [] }]));
    for (let r = 0; r < runs; r++) {
      for (const k of keys) {
        const res = results[k];
        if (res.error) continue;
        try {
          const { ms, output } = await runOnce(k, name, source, size);
          res.runs.push(ms);
          res.output = output;
        } catch (err) {
          res.error = String(err.message ?? err).split('\n')[0];
        }
      }
    }
    for (const k of keys) if (results[k].runs.length) results[k].ms = median(results[k].runs);
    rows.push({ program: name, size, results });
    log(`interpreter ${name} ${size}: ${keys.map((k) => `${k} ${results[k].error ? 'failed' : results[k].ms.toFixed(1) + ' ms'}`).join(', ')}`);
  }
  return { sizes: browserSizes, runs, rows };
}

/** init() of engine to its first result (return 1), in ms, fetching and compiling included. */
export async function startup(key) {
  const t0 = performance.now();
  const e = await engines[key].create();
  const v = e.run('return 1');
  const ms = performance.now() - t0;
  await e.close();
  if (v !== '1') throw new Error(`${key}: return 1 gave ${v}`);
  return ms;
}

// ---- storage ----

/** The records of the storage workloads: n of them, deterministic. */
export function records(n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      id: i + 1,
      name: `user${String(i + 1).padStart(6, '0')}`,
      email: `user${i + 1}@example.com`,
      age: 18 + (i % 60),
      score: (i * 7919) % 10000,
      active: i % 3 !== 0,
    };
  }
  return out;
}

// The queries each candidate answers; results are checked equal across
// candidates (as counts and first ids).
export const queries = {
  ge: { score: 5000, limit: 10 },
  between: { lo: 2000, hi: 2100 }, // lo <= score < hi
  prefix: 'user0012', // name startsWith: user001200..user001299
  scanAge: 42, // full scan: records with age == 42, counted
};

// Each candidate has a function per step that resolves to a check value (a
// count or the ids found, or a function giving it after the timing)
// compared across candidates, and optionally untimed preparations in
// `before`. Steps share state through `ctx` and run in this order.
export const stepNames = [
  ['write1k', 'write 1,000 records, durable'],
  ['write10k', 'write 10,000 records, durable'],
  ['read10k', 'read 10,000 back (reopened)'],
  ['index', 'create index over 10,000'],
  ['ge', 'indexed >= query, limit 10'],
  ['between', 'indexed between'],
  ['prefix', 'indexed startsWith'],
  ['scan', 'full scan (filter)'],
  ['func', 'persist a function, restore after reload'],
];

const idbDone = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});
const txDone = (tx) => new Promise((resolve, reject) => {
  tx.oncomplete = () => resolve();
  tx.onerror = () => reject(tx.error);
  tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
});
const deleteIDB = (name) => new Promise((resolve, reject) => {
  const req = indexedDB.deleteDatabase(name);
  req.onsuccess = () => resolve();
  req.onerror = () => reject(req.error);
  req.onblocked = () => reject(new Error(`deleting ${name} is blocked`));
});

function openRaw(name, version, upgrade) {
  const req = indexedDB.open(name, version);
  req.onupgradeneeded = () => upgrade(req.result, req.transaction);
  return idbDone(req);
}

const rawSteps = {
  async write1k(ctx) {
    await deleteIDB('bench-raw-1k');
    const db = await openRaw('bench-raw-1k', 1, (d) => d.createObjectStore('records', { keyPath: 'id' }).createIndex('name', 'name'));
    const tx = db.transaction('records', 'readwrite', { durability: 'strict' });
    const s = tx.objectStore('records');
    for (const r of ctx.small) s.put(r);
    await txDone(tx);
    db.close();
    await deleteIDB('bench-raw-1k');
    return ctx.small.length;
  },
  async write10k(ctx) {
    const db = await openRaw('bench-raw', 1, (d) => d.createObjectStore('records', { keyPath: 'id' }).createIndex('name', 'name'));
    const tx = db.transaction('records', 'readwrite', { durability: 'strict' });
    const s = tx.objectStore('records');
    for (const r of ctx.large) s.put(r);
    await txDone(tx);
    db.close();
    return ctx.large.length;
  },
  async read10k(ctx) {
    ctx.db = await openRaw('bench-raw', 1, () => {});
    const all = await idbDone(ctx.db.transaction('records').objectStore('records').getAll());
    return all.length;
  },
  async index(ctx) {
    ctx.db.close();
    ctx.db = await openRaw('bench-raw', 2, (d, tx) => tx.objectStore('records').createIndex('score', 'score'));
    return idbDone(ctx.db.transaction('records').objectStore('records').index('score').count());
  },
  async ge(ctx) {
    const idx = ctx.db.transaction('records').objectStore('records').index('score');
    const got = await idbDone(idx.getAll(IDBKeyRange.lowerBound(queries.ge.score), queries.ge.limit));
    return got.map((r) => r.id).join(',');
  },
  async between(ctx) {
    const idx = ctx.db.transaction('records').objectStore('records').index('score');
    const got = await idbDone(idx.getAll(IDBKeyRange.bound(queries.between.lo, queries.between.hi, false, true)));
    return got.length;
  },
  async prefix(ctx) {
    const idx = ctx.db.transaction('records').objectStore('records').index('name');
    const got = await idbDone(idx.getAll(IDBKeyRange.bound(queries.prefix, queries.prefix + '\uffff')));
    return got.length;
  },
  async scan(ctx) {
    const req = ctx.db.transaction('records').objectStore('records').openCursor();
    let n = 0;
    await new Promise((resolve, reject) => {
      req.onsuccess = () => {
        const c = req.result;
        if (!c) return resolve();
        if (c.value.age === queries.scanAge) n++;
        c.continue();
      };
      req.onerror = () => reject(req.error);
    });
    return n;
  },
  async cleanup(ctx) {
    ctx.db?.close();
    await deleteIDB('bench-raw');
  },
};

const dexieSteps = {
  async open(ctx, withScore) {
    const db = new ctx.Dexie('bench-dexie', { chromeTransactionDurability: 'strict' });
    db.version(1).stores({ records: 'id, name' });
    if (withScore) db.version(2).stores({ records: 'id, name, score' });
    await db.open();
    return db;
  },
  async write1k(ctx) {
    ctx.Dexie ??= (await import('/vendor/dexie.js')).Dexie;
    await ctx.Dexie.delete('bench-dexie');
    const db = await dexieSteps.open(ctx, false);
    await db.records.bulkPut(ctx.small);
    db.close();
    await ctx.Dexie.delete('bench-dexie');
    return ctx.small.length;
  },
  async write10k(ctx) {
    const db = await dexieSteps.open(ctx, false);
    await db.records.bulkPut(ctx.large);
    db.close();
    return ctx.large.length;
  },
  async read10k(ctx) {
    ctx.db = await dexieSteps.open(ctx, false);
    return (await ctx.db.records.toArray()).length;
  },
  async index(ctx) {
    ctx.db.close();
    ctx.db = await dexieSteps.open(ctx, true);
    return ctx.db.records.where('score').aboveOrEqual(-Infinity).count();
  },
  async ge(ctx) {
    const got = await ctx.db.records.where('score').aboveOrEqual(queries.ge.score).limit(queries.ge.limit).toArray();
    return got.map((r) => r.id).join(',');
  },
  async between(ctx) {
    return (await ctx.db.records.where('score').between(queries.between.lo, queries.between.hi).toArray()).length;
  },
  async prefix(ctx) {
    return (await ctx.db.records.where('name').startsWith(queries.prefix).toArray()).length;
  },
  async scan(ctx) {
    return ctx.db.records.filter((r) => r.age === queries.scanAge).count();
  },
  async cleanup(ctx) {
    ctx.db?.close();
    await ctx.Dexie.delete('bench-dexie');
  },
};

// LokiJS keeps its collections in memory and saves the whole database
// through the adapter, which calls back when its put request succeeded (it
// gives no handle on the transaction's commit). Its indexes are in-memory
// binary indexes, so index creation is ensureIndex plus a save. The
// adapter's first save on a fresh adapter reports a failure although it
// saved (LokiJS 1.5.12 wraps its callback twice when it opens its catalog
// lazily), so the writes use an adapter whose catalog is already open.
const lokiSteps = {
  save: (db) => new Promise((resolve, reject) => db.saveDatabase((err) => (err ? reject(err) : resolve()))),
  load: (db) => new Promise((resolve, reject) => db.loadDatabase({}, (err) => (err ? reject(err) : resolve()))),
  deleteAll: (ctx) => new Promise((resolve) => ctx.adapter.deleteDatabase('bench-loki', () => resolve())),
  make: (ctx, adapter) => new ctx.Loki('bench-loki', { adapter, autosave: false }),
  async write(ctx, rows) {
    const db = lokiSteps.make(ctx, ctx.adapter);
    const coll = db.addCollection('records', { unique: ['id'], indices: ['name'] });
    coll.insert(rows.map((r) => ({ ...r })));
    await lokiSteps.save(db);
    db.close();
    return coll.count();
  },
  async write1k(ctx) {
    ({ Loki: ctx.Loki, LokiIndexedAdapter: ctx.LokiIndexedAdapter } = await import('/vendor/lokijs.js'));
    ctx.adapter = new ctx.LokiIndexedAdapter('bench');
    await lokiSteps.deleteAll(ctx);
    const n = await lokiSteps.write(ctx, ctx.small);
    await lokiSteps.deleteAll(ctx);
    return n;
  },
  write10k: (ctx) => lokiSteps.write(ctx, ctx.large),
  async read10k(ctx) {
    ctx.db = lokiSteps.make(ctx, new ctx.LokiIndexedAdapter('bench'));
    await lokiSteps.load(ctx.db);
    ctx.coll = ctx.db.getCollection('records');
    return ctx.coll.find().length;
  },
  async index(ctx) {
    ctx.coll.ensureIndex('score', true);
    await lokiSteps.save(ctx.db);
    return ctx.coll.count();
  },
  async ge(ctx) {
    const got = ctx.coll.chain().find({ score: { $gte: queries.ge.score } }).simplesort('score').limit(queries.ge.limit).data();
    return got.map((r) => r.id).join(',');
  },
  async between(ctx) {
    // $between is inclusive: hi - 1 makes it lo <= score < hi for integers.
    return ctx.coll.find({ score: { $between: [queries.between.lo, queries.between.hi - 1] } }).length;
  },
  async prefix(ctx) {
    return ctx.coll.find({ name: { $between: [queries.prefix, queries.prefix + '\uffff'] } }).length;
  },
  async scan(ctx) {
    return ctx.coll.find({ age: queries.scanAge }).length;
  },
  async cleanup(ctx) {
    ctx.db?.close();
    if (ctx.adapter) await lokiSteps.deleteAll(ctx);
  },
};

// Our engine: Memory's collection "records", persisted to IndexedDB by the
// package (dbName bench-luaw); every method resolves once its commit is
// durable (flush). Creating the Lua instance before a write is not timed
// (the other candidates only open a database there); reading back is a new
// instance restoring the store, then a query of the whole collection. The
// name index that startsWith uses is created untimed before that query (the
// other candidates make it with the store).
const luawSteps = {
  db: 'bench-luaw',
  async open() {
    const { LuaWASM } = await import('/dist/index.js');
    return LuaWASM.init({ wasm: '/dist/lua.wasm', dbName: luawSteps.db, stdout: () => {}, stderr: () => {} });
  },
  put: (lua, rows) => lua.batchTableOperations(rows.map((r) => ({ type: 'set', table: 'records', key: r.id, value: r }))),
  // queryTable returns at most 100 records unless told more.
  query: (lua, q) => lua.queryTable('Memory', { table: 'records', limit: 1e6, ...q }),
  before: {
    async write1k(ctx) {
      await deleteIDB(luawSteps.db);
      ctx.lua = await luawSteps.open();
    },
    async write10k(ctx) {
      await deleteIDB(luawSteps.db);
      ctx.lua = await luawSteps.open();
    },
    prefix: (ctx) => ctx.lua.createIndex('Memory', 'records.name', 'btree'),
  },
  async write1k(ctx) {
    await luawSteps.put(ctx.lua, ctx.small);
    await ctx.lua.close();
    return ctx.small.length;
  },
  async write10k(ctx) {
    await luawSteps.put(ctx.lua, ctx.large);
    await ctx.lua.close();
    return ctx.large.length;
  },
  async read10k(ctx) {
    ctx.lua = await luawSteps.open();
    return (await luawSteps.query(ctx.lua, {})).length;
  },
  async index(ctx) {
    await ctx.lua.createIndex('Memory', 'records.score', 'btree');
    return async () => (await luawSteps.query(ctx.lua, { field: 'score', operator: '>=', value: -1 })).length;
  },
  async ge(ctx) {
    const got = await luawSteps.query(ctx.lua, { field: 'score', operator: '>=', value: queries.ge.score, sort: { field: 'score', order: 'asc' }, limit: queries.ge.limit });
    return got.map((r) => r.id).join(',');
  },
  async between(ctx) {
    // between is inclusive: hi - 1 makes it lo <= score < hi for integers.
    return (await luawSteps.query(ctx.lua, { field: 'score', operator: 'between', value: [queries.between.lo, queries.between.hi - 1] })).length;
  },
  async prefix(ctx) {
    return (await luawSteps.query(ctx.lua, { field: 'name', operator: 'startsWith', value: queries.prefix })).length;
  },
  async scan(ctx) {
    return (await luawSteps.query(ctx.lua, { field: 'age', operator: '=', value: queries.scanAge })).length;
  },
  async func(ctx) {
    await ctx.lua.persistFunction('Memory', 'greet', 'function(name) return "hello " .. name end');
    await ctx.lua.close();
    ctx.lua = await luawSteps.open();
    return ctx.lua.eval('return Memory.greet("bench")');
  },
  async cleanup(ctx) {
    if (ctx.lua && !ctx.lua.closed) await ctx.lua.close();
    await deleteIDB(luawSteps.db);
  },
};

/**
 * Whether our engine's persistent Memory API is in the build; the storage
 * rows of luaw say why not when it is absent.
 */
async function ourStorage() {
  const e = await engines.luaw.create();
  const missing = ['batchTableOperations', 'createIndex', 'queryTable', 'persistFunction']
    .filter((m) => typeof e.instance[m] !== 'function');
  await e.close();
  return missing.length ? `not available: the build has no ${missing.join(', ')}` : null;
}

export const storageCandidates = {
  luaw: { label: 'luaw Memory (ours)', steps: luawSteps },
  dexie: { label: 'Dexie', steps: dexieSteps },
  lokijs: { label: 'LokiJS + IndexedDB adapter', steps: lokiSteps },
  raw: { label: 'raw IndexedDB', steps: rawSteps },
};

/**
 * The storage group: runs times each candidate's steps in order (candidates
 * alternating run by run); resolves to { runs, results: { key: { steps:
 * { step: { ms, runs, check, error } }, note } } }.
 */
export async function storage({ runs = 3, log = console.log } = {}) {
  const results = {};
  for (const key of Object.keys(storageCandidates)) results[key] = { steps: {} };
  const unavailable = await ourStorage();
  if (unavailable) results.luaw.note = unavailable;
  for (let r = 0; r < runs; r++) {
    for (const [key, cand] of Object.entries(storageCandidates)) {
      if (results[key].note) continue;
      const ctx = { small: records(1000), large: records(10000) };
      for (const [step] of stepNames) {
        const res = (results[key].steps[step] ??= { runs: [] });
        if (!cand.steps[step]) {
          res.note = 'no equivalent';
          continue;
        }
        if (res.error) continue;
        try {
          await cand.steps.before?.[step]?.(ctx);
          const t0 = performance.now();
          let check = await cand.steps[step](ctx);
          res.runs.push(performance.now() - t0);
          // A step may leave its check for after the timing.
          if (typeof check === 'function') check = await check();
          res.check = String(check);
        } catch (err) {
          res.error = String(err.message ?? err);
          break;
        }
      }
      await cand.steps.cleanup(ctx).catch(() => {});
    }
    log(`storage run ${r + 1}/${runs} done`);
  }
  for (const key of Object.keys(results)) {
    for (const res of Object.values(results[key].steps)) if (res.runs.length) res.ms = median(res.runs);
  }
  return { runs, records: { small: 1000, large: 10000 }, queries, results };
}

// ---- by hand: the Run button ----

function table(head, rows) {
  const t = document.createElement('table');
  const tr = (cells, tag) => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  t.innerHTML = `<thead>${tr(head, 'th')}</thead><tbody>${rows.map((r) => tr(r, 'td')).join('')}</tbody>`;
  return t;
}

const fmt = (ms) => (ms === undefined ? '–' : ms.toFixed(1));

async function runByHand() {
  const out = document.getElementById('results');
  const status = document.getElementById('status');
  const runs = Number(document.getElementById('runs').value) || 3;
  out.textContent = '';
  const log = (s) => { status.textContent = s; };
  const ua = navigator.userAgent;
  out.append(Object.assign(document.createElement('p'), { textContent: `${new Date().toISOString()} · ${ua} · ${navigator.hardwareConcurrency} threads` }));

  const start = [];
  for (const k of Object.keys(engines)) start.push([engines[k].label, fmt(await startup(k)), fmt(await startup(k))]);
  out.append(Object.assign(document.createElement('h2'), { textContent: 'Start-up: init() to first result (ms)' }));
  out.append(table(['engine', 'first in this page', 'again'], start));

  const interp = await interpreter({ runs, log });
  const keys = Object.keys(engines);
  out.append(Object.assign(document.createElement('h2'), { textContent: `Interpreter (median ms of ${runs}; ratio to wasmoon)` }));
  out.append(table(['program', 'size', ...keys.map((k) => engines[k].label)], interp.rows.map((row) => {
    const base = row.results.wasmoon;
    return [row.program, row.size, ...keys.map((k) => {
      const r = row.results[k];
      if (r.error) return `failed: ${r.error}`;
      const same = r.output === base.output ? '' : ' (output differs)';
      return `${fmt(r.ms)} (${(r.ms / base.ms).toFixed(2)}x)${same}`;
    })];
  })));

  const st = await storage({ runs, log });
  const skeys = Object.keys(storageCandidates);
  out.append(Object.assign(document.createElement('h2'), { textContent: `Storage (median ms of ${runs})` }));
  out.append(table(['workload', ...skeys.map((k) => storageCandidates[k].label)], stepNames.map(([step, label]) => [label, ...skeys.map((k) => {
    const c = st.results[k];
    if (c.note) return c.note;
    const r = c.steps[step];
    return r.error ? `failed: ${r.error}` : r.note ?? `${fmt(r.ms)} (${r.check})`;
  })])));
  log('done');
}

if (typeof document !== 'undefined') {
  window.bench = { engines, programs, interpreter, startup, storage, records, browserSizes, stepNames, storageCandidates };
  document.getElementById('run')?.addEventListener('click', (ev) => {
    ev.target.disabled = true;
    runByHand().catch((err) => { document.getElementById('status').textContent = `failed: ${err.message ?? err}`; })
      .finally(() => { ev.target.disabled = false; });
  });
  document.documentElement.dataset.ready = 'true';
}
