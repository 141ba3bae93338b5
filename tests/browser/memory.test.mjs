// Persistent Memory through the package in each engine: reloads restore
// closures and coroutines, failed runs roll back, several tabs share one
// database, storage failures are reported with nothing lost, damaged
// records are reported and the rest loads, backups round-trip.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openFixture, useBrowser } from './harness.mjs';

const env = useBrowser();

/** Opens the fixture page and starts window.lua with options. */
async function tab(context, options = {}) {
  const page = await openFixture(context, env.server.url);
  await start(page, options);
  return page;
}

async function start(page, options) {
  await page.evaluate(async (options) => {
    window.events = [];
    window.lua = await LuaWASM.init(options);
    for (const type of ['commit', 'persisted', 'storageerror', 'remotechange', 'warning']) {
      window.lua.on(type, (detail) => window.events.push({ type, detail: detail instanceof Error ? { name: detail.name, code: detail.code, message: detail.message } : detail }));
    }
  }, options);
}

async function reload(page, options = {}) {
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  await start(page, options);
}

test('closures with shared upvalues, coroutines and cycles survive a reload', async () => {
  const context = await env.browser.newContext();
  const page = await tab(context);
  await page.evaluate(async () => {
    lua.eval(`
      local n = 0
      Memory.inc = function() n = n + 1 return n end
      Memory.get = function() return n end
      Memory.co = coroutine.create(function() for i = 1, 3 do coroutine.yield(i) end return 'done' end)
      coroutine.resume(Memory.co)
      Memory.counter = nil
      local t = {name = 'loop'}
      t.self = t
      Memory.loop = t
      Memory.upper = string.upper
    `);
    lua.eval('Memory.inc() Memory.inc()');
    await lua.flush();
  });
  await reload(page);
  const r = await page.evaluate(() => lua.eval(`
    local a = Memory.inc()
    return {a, Memory.get(), select(2, coroutine.resume(Memory.co)), Memory.loop.self == Memory.loop, Memory.upper('x')}`));
  assert.deepEqual(r, [3, 3, 2, true, 'X']);
  await context.close();
});

test('a failed eval rolls Memory back, in memory and in the store', async () => {
  const context = await env.browser.newContext();
  const page = await tab(context);
  const r = await page.evaluate(async () => {
    lua.eval('Memory.x = 1 Memory.list = {1, 2}');
    let message;
    try {
      lua.eval('Memory.x = 2 table.insert(Memory.list, 3) error("boom")');
    } catch (e) {
      message = e.message;
    }
    await lua.flush();
    return { message, now: lua.eval('return {Memory.x, #Memory.list}') };
  });
  assert.deepEqual(r, { message: `[string "Memory.x = 2 table.insert(Memory.list, 3) err..."]:1: boom`, now: [1, 2] });
  await reload(page);
  assert.deepEqual(await page.evaluate(() => lua.eval('return {Memory.x, #Memory.list}')), [1, 2]);
  await context.close();
});

test('commit events describe each transaction; flush resolves once durable', async () => {
  const context = await env.browser.newContext();
  const page = await tab(context);
  const events = await page.evaluate(async () => {
    window.events = [];
    lua.eval('Memory.a = {1, 2, 3}');
    lua.eval('local unrelated = 1');
    await lua.flush();
    await new Promise((r) => setTimeout(r, 0));
    return window.events;
  });
  const commits = events.filter((e) => e.type === 'commit');
  assert.equal(commits.length, 1, 'an eval that does not touch Memory commits nothing');
  assert.equal(commits[0].detail.operation, 'eval');
  assert.ok(commits[0].detail.puts > 0);
  assert.ok(events.some((e) => e.type === 'persisted'));
  await context.close();
});

test('two tabs: each sees the other\'s commits and neither loses an update', async () => {
  const context = await env.browser.newContext();
  const a = await tab(context, { dbName: 'tabs' });
  const b = await tab(context, { dbName: 'tabs' });
  const heard = b.evaluate(() => new Promise((resolve) => lua.on('remotechange', resolve)));
  await a.evaluate(() => lua.batchTableOperations([{ type: 'set', table: 'notes', key: 'fromA', value: { text: 'hello from A' } }]));
  await heard;
  assert.deepEqual(await b.evaluate(() => lua.eval('return Memory.notes.fromA.text')), 'hello from A');

  const heardA = a.evaluate(() => new Promise((resolve) => lua.on('remotechange', resolve)));
  await b.evaluate(async () => {
    lua.eval('Memory.notes.fromB = {text = "hello from B"}');
    await lua.flush();
  });
  await heardA;
  assert.deepEqual(await a.evaluate(() => lua.eval('return {Memory.notes.fromA.text, Memory.notes.fromB.text}')), ['hello from A', 'hello from B']);

  // Interleaved writes to different entries: all of them are kept.
  await Promise.all([
    a.evaluate(async () => {
      for (let i = 0; i < 5; i++) await lua.batchTableOperations([{ type: 'set', table: 'notes', key: `a${i}`, value: i }]);
    }),
    b.evaluate(async () => {
      for (let i = 0; i < 5; i++) await lua.batchTableOperations([{ type: 'set', table: 'notes', key: `b${i}`, value: i }]);
    }),
  ]);
  await a.close();
  await b.close();
  const c = await tab(context, { dbName: 'tabs' });
  const keys = await c.evaluate(() => lua.eval('local ks = {} for k in pairs(Memory.notes) do ks[#ks + 1] = k end table.sort(ks) return ks'));
  assert.deepEqual(keys, ['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4', 'fromA', 'fromB']);
  await context.close();
});

test('two tabs incrementing one counter: every increment counts', async () => {
  const context = await env.browser.newContext();
  const a = await tab(context, { dbName: 'counter' });
  await a.evaluate(async () => {
    lua.eval('Memory.n = 0');
    await lua.flush();
  });
  const b = await tab(context, { dbName: 'counter' });
  const bump = (page) => page.evaluate(async () => {
    for (let i = 0; i < 10; i++) {
      lua.eval('Memory.n = Memory.n + 1');
      await lua.flush();
    }
  });
  await Promise.all([bump(a), bump(b)]);
  await a.close();
  await b.close();
  const c = await tab(context, { dbName: 'counter' });
  assert.equal(await c.evaluate(() => lua.eval('return Memory.n')), 20);
  await context.close();
});

test('a full quota is reported and nothing is lost', async () => {
  const context = await env.browser.newContext();
  // The quota applies to storage opened after it is set.
  const page = await openFixture(context, env.server.url);
  await page.setStorageQuota(64 * 1024);
  await start(page, { dbName: 'quota' });
  const r = await page.evaluate(async () => {
    // Random bytes: compression cannot shrink them under the quota.
    lua.eval('local t = {} for i = 1, 65536 do t[i] = string.pack("<i8", math.random(math.mininteger, math.maxinteger)) end Memory.big = table.concat(t) .. "!"');
    let error;
    try {
      await lua.flush();
    } catch (e) {
      error = { name: e.name, code: e.code };
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { error, event: window.events.find((e) => e.type === 'storageerror'), inMemory: lua.eval('return #Memory.big') };
  });
  assert.deepEqual(r.error, { name: 'StorageError', code: 'quota' });
  assert.equal(r.event.detail.code, 'quota');
  assert.match(r.event.detail.message, /quota/);
  assert.equal(r.inMemory, 512 * 1024 + 1);
  await page.setStorageQuota(undefined);
  await page.evaluate(() => lua.flush());
  await reload(page, { dbName: 'quota' });
  assert.equal(await page.evaluate(() => lua.eval('return #Memory.big')), 512 * 1024 + 1);
  await context.close();
});

test('without IndexedDB, init says what to do, and persistence "memory" runs', async () => {
  const context = await env.browser.newContext();
  // As some private modes do: touching indexedDB throws.
  const page = await openFixture(context, env.server.url, '?indexeddb=denied');
  const r = await page.evaluate(async () => {
    let error;
    try {
      await LuaWASM.init();
    } catch (e) {
      error = { name: e.name, code: e.code, message: e.message };
    }
    const lua = await LuaWASM.init({ persistence: 'memory' });
    await lua.persistFunction('Memory', 'twice', 'function(x) return 2 * x end');
    return { error, persistent: lua.persistent, twice: lua.eval('return Memory.twice(21)') };
  });
  assert.equal(r.error.name, 'StorageError');
  assert.equal(r.error.code, 'unavailable');
  assert.match(r.error.message, /persistence: "memory"/);
  assert.equal(r.persistent, false);
  assert.equal(r.twice, 42);
  await context.close();
});

test('a damaged record is reported and everything else loads', async () => {
  const context = await env.browser.newContext();
  const page = await tab(context, { dbName: 'damaged' });
  await page.evaluate(async () => {
    lua.eval('Memory.keep = {ok = true} Memory.damaged = {payload = "DAMAGE-ME"}');
    await lua.flush();
    await lua.close();
    // Flip a byte of the record holding the marker string, in the commit
    // that wrote it.
    const db = await new Promise((resolve) => {
      const req = indexedDB.open('damaged');
      req.onsuccess = () => resolve(req.result);
    });
    const marker = new TextEncoder().encode('DAMAGE-ME');
    await new Promise((resolve, reject) => {
      const tx = db.transaction('log', 'readwrite');
      const store = tx.objectStore('log');
      const cursor = store.openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return;
        const v = c.value;
        for (let i = 0; i + marker.length <= v.length; i++) {
          if (marker.every((b, j) => v[i + j] === b)) {
            const copy = v.slice();
            copy[i] ^= 0xff;
            c.update(copy);
            break;
          }
        }
        c.continue();
      };
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  });
  await reload(page, { dbName: 'damaged' });
  const r = await page.evaluate(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { warnings: lua.warnings, keep: lua.eval('return Memory.keep.ok') };
  });
  assert.equal(r.keep, true);
  assert.ok(r.warnings.length > 0, 'the damaged record is reported');
  assert.match(r.warnings.join('\n'), /checksum|corrupt|damaged/i);
  await context.close();
});

test('exportData and importData round-trip a backup', async () => {
  const context = await env.browser.newContext();
  const page = await tab(context, { dbName: 'backup' });
  const r = await page.evaluate(async () => {
    await lua.persistFunction('Memory', 'square', 'function(x) return x * x end');
    lua.eval('Memory.data = {1, 2, 3}');
    const backup = await lua.exportData();
    lua.eval('Memory.data = nil Memory.square = nil');
    await lua.importData(new Blob([backup]));
    let bad;
    try {
      await lua.importData(new Uint8Array([1, 2, 3]));
    } catch (e) {
      bad = e.name;
    }
    return { isBytes: backup instanceof Uint8Array, square: lua.eval('return Memory.square(7)'), data: lua.eval('return Memory.data'), bad };
  });
  assert.deepEqual(r, { isBytes: true, square: 49, data: [1, 2, 3], bad: 'LuaError' });
  await reload(page, { dbName: 'backup' });
  assert.equal(await page.evaluate(() => lua.eval('return Memory.square(8)')), 64);
  await context.close();
});

test('maxInstructions bounds each eval', async () => {
  const context = await env.browser.newContext();
  const page = await tab(context, { persistence: 'memory', maxInstructions: 100000 });
  const r = await page.evaluate(() => {
    try {
      lua.eval('while true do end');
    } catch (e) {
      return { name: e.name, message: e.message, after: lua.eval('return 1 + 1') };
    }
  });
  assert.equal(r.name, 'LuaError');
  assert.match(r.message, /instruction/);
  assert.equal(r.after, 2);
  await context.close();
});
