// The IndexedDB store in each engine: atomic commits, reload, several tabs,
// quota and foreign data. It imports js/idb.js directly (served at /js/).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from './harness.mjs';

const env = useBrowser();

async function idbPage(context) {
  const page = await openPage(context, `${env.server.url}/fixtures/idb.html`);
  await page.evaluate(() => window.idb || new Promise((r) => window.addEventListener('idb-ready', r, { once: true })));
  return page;
}

test('commits are durable across reloads, in key order', async () => {
  const context = await env.browser.newContext();
  const page = await idbPage(context);
  await page.evaluate(async () => {
    const s = new idb.IndexedDBStore('t-durable');
    await s.commit([{ key: enc('b'), value: enc('2') }, { key: enc('a'), value: enc('1') }, { key: new Uint8Array([0xff, 0]), value: enc('hi') }]);
    await s.commit([{ key: enc('b'), value: null }, { key: enc('c'), value: enc('3') }]);
    await s.close();
  });
  await page.reload();
  await page.evaluate(() => window.idb || new Promise((r) => window.addEventListener('idb-ready', r, { once: true })));
  const records = await page.evaluate(async () => {
    const s = new idb.IndexedDBStore('t-durable');
    const recs = (await s.load()).map(([k, v]) => [Array.from(k), dec(v)]);
    await s.close();
    return recs;
  });
  assert.deepEqual(records, [[[97], '1'], [[99], '3'], [[0xff, 0], 'hi']]);
  await context.close();
});

test('another tab hears which keys changed and reads their values', async () => {
  const context = await env.browser.newContext();
  const a = await idbPage(context);
  const b = await idbPage(context);
  await b.evaluate(() => {
    window.store = new idb.IndexedDBStore('t-tabs');
    window.heard = new Promise((resolve) => {
      window.store.subscribe(async (keys) => resolve({ keys: keys.map(dec), values: (await window.store.read(keys)).map((v) => v && dec(v)) }));
    });
  });
  await a.evaluate(async () => {
    const s = new idb.IndexedDBStore('t-tabs');
    await s.commit([{ key: enc('x'), value: enc('from a') }, { key: enc('gone'), value: null }]);
  });
  assert.deepEqual(await b.evaluate(() => window.heard), { keys: ['x', 'gone'], values: ['from a', null] });
  await context.close();
});

test('a full quota fails with a StorageError and the batch can be written later', async () => {
  const context = await env.browser.newContext();
  const page = await idbPage(context);
  await page.setStorageQuota(64 * 1024);
  const r = await page.evaluate(async () => {
    const store = new idb.IndexedDBStore('t-quota');
    const p = new idb.Persister(store);
    p.enqueue([{ key: enc('big'), value: randomBytes(1 << 20) }]);
    let error;
    try {
      await p.flush();
    } catch (e) {
      error = { name: e.name, code: e.code, message: e.message };
    }
    return { error, pending: p.pending };
  });
  assert.equal(r.error.name, 'StorageError');
  assert.equal(r.error.code, 'quota');
  assert.match(r.error.message, /quota/);
  assert.equal(r.pending, 1);
  await page.setStorageQuota(undefined);
  const after = await page.evaluate(async () => {
    const store = new idb.IndexedDBStore('t-quota');
    const p = new idb.Persister(store);
    p.enqueue([{ key: enc('big'), value: randomBytes(1 << 20) }]);
    await p.flush();
    return (await store.load()).map(([k, v]) => [dec(k), v.length]);
  });
  assert.deepEqual(after, [['big', 1 << 20]]);
  await context.close();
});

test('entries this library did not write are reported as corrupt', async () => {
  const context = await env.browser.newContext();
  const page = await idbPage(context);
  const r = await page.evaluate(async () => {
    const s = new idb.IndexedDBStore('t-corrupt');
    await s.commit([{ key: enc('k'), value: enc('v') }]);
    const db = await s.open();
    await new Promise((resolve) => {
      const tx = db.transaction('log', 'readwrite');
      tx.objectStore('log').put('a string, not bytes', 99);
      tx.oncomplete = resolve;
    });
    try {
      await s.load();
    } catch (e) {
      return { name: e.name, code: e.code };
    }
  });
  assert.deepEqual(r, { name: 'StorageError', code: 'corrupt' });
  await context.close();
});

test('a database of a newer version is refused clearly', async () => {
  const context = await env.browser.newContext();
  const page = await idbPage(context);
  const r = await page.evaluate(async () => {
    await new Promise((resolve) => {
      const req = indexedDB.open('t-newer', 5);
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
    });
    try {
      await new idb.IndexedDBStore('t-newer').load();
    } catch (e) {
      return { name: e.name, code: e.code, message: e.message };
    }
  });
  assert.equal(r.name, 'StorageError');
  assert.equal(r.code, 'blocked');
  assert.match(r.message, /newer version/);
  await context.close();
});

test('a tab deleting the database does not get stuck behind open connections', async () => {
  const context = await env.browser.newContext();
  const a = await idbPage(context);
  const b = await idbPage(context);
  await a.evaluate(async () => {
    window.store = new idb.IndexedDBStore('t-delete');
    await window.store.commit([{ key: enc('k'), value: enc('v') }]);
  });
  await b.evaluate(() => idb.IndexedDBStore.destroy('t-delete'));
  // a's connection closed itself on versionchange; its next commit reopens.
  const recs = await a.evaluate(async () => {
    await window.store.commit([{ key: enc('k2'), value: enc('v2') }]);
    return (await window.store.load()).map(([k]) => dec(k));
  });
  assert.deepEqual(recs, ['k2']);
  await context.close();
});

test('a commit on a stale base is refused as a conflict; the log compacts', async () => {
  const context = await env.browser.newContext();
  const page = await idbPage(context);
  const r = await page.evaluate(async () => {
    const a = new idb.IndexedDBStore('t-conflict');
    const b = new idb.IndexedDBStore('t-conflict');
    await a.load();
    await b.load();
    await a.commit([{ key: enc('k'), value: enc('from a') }]);
    let conflict;
    try {
      await b.commit([{ key: enc('k'), value: enc('from b') }]);
    } catch (e) {
      conflict = e.code;
    }
    // b catches up by reloading, then commits.
    await b.load();
    for (let i = 0; i < 20; i++) await b.commit([{ key: enc('k'), value: enc(`from b ${i}`) }]);
    const c = new idb.IndexedDBStore('t-conflict');
    const records = (await c.load()).map(([k, v]) => [dec(k), dec(v)]);
    const version = c.version;
    const db = await c.open();
    const entries = await new Promise((resolve) => {
      const req = db.transaction('log').objectStore('log').count();
      req.onsuccess = () => resolve(req.result);
    });
    // The compacted log still loads the same, at the same version.
    const d = new idb.IndexedDBStore('t-conflict');
    return { conflict, records, version, entries, again: (await d.load()).map(([k, v]) => [dec(k), dec(v)]), versionAgain: d.version };
  });
  assert.equal(r.conflict, 'conflict');
  assert.deepEqual(r.records, [['k', 'from b 19']]);
  assert.equal(r.version, 21);
  assert.equal(r.entries, 1);
  assert.deepEqual(r.again, r.records);
  assert.equal(r.versionAgain, 21);
  await context.close();
});
