// The IndexedDB store's use of the Web Lock (js/idb.js), with navigator.locks
// standing in for the browser's: what the lock request's promise says must
// not pass for a commit. Firefox settles the requests of a page being
// closed without granting them, and a commit that took that for done was
// reported durable and never written (tests/browser/crash.test.mjs).

import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { IndexedDBStore } from '../idb.js';
import { Persister } from '../store.js';

const b = (s) => new TextEncoder().encode(s);

// locks sets navigator.locks to one whose requests run request(name, fn).
function locks(request) {
  Object.defineProperty(globalThis, 'navigator', { value: { locks: { request } }, configurable: true });
}

afterEach(() => {
  delete globalThis.navigator;
});

test('a lock request resolved without the lock fails the commit, and flush() rejects', async () => {
  const names = [];
  locks(async (name) => {
    names.push(name);
    return undefined; // settled, the callback never run
  });
  const store = new IndexedDBStore('crash');
  await assert.rejects(store.commit([{ key: b('k'), value: b('v') }]), (e) => {
    assert.equal(e.name, 'StorageError');
    assert.equal(e.code, 'closed');
    assert.match(e.message, /Web Lock "lua-wasm:crash" was not granted/);
    return true;
  });
  assert.deepEqual(names, ['lua-wasm:crash']);

  // Through the commit queue: the batch stays queued, for the next try.
  const failed = [];
  const p = new Persister(store, { onFailed: (e) => failed.push(e.code) });
  p.enqueue([{ key: b('k'), value: b('v') }]);
  await assert.rejects(p.flush(), { code: 'closed' });
  assert.equal(p.pending, 1);
  assert.deepEqual(new Set(failed), new Set(['closed'])); // the write at enqueue, then flush's
});

test('exclusive() fails when the lock is not granted, and resolves to fn\'s result when it is', async () => {
  locks(async () => undefined);
  const store = new IndexedDBStore('crash');
  let ran = false;
  await assert.rejects(store.exclusive(async () => {
    ran = true;
  }), { code: 'closed' });
  assert.equal(ran, false);

  locks(async (name, fn) => fn());
  assert.equal(await store.exclusive(async () => 42), 42);
});

test('a request that settles while fn still runs waits for fn', async () => {
  locks(async (name, fn) => {
    fn(); // granted, then the request settles at once
  });
  const store = new IndexedDBStore('crash');
  let finished = false;
  const result = await store.exclusive(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    finished = true;
    return 'written';
  });
  assert.equal(result, 'written');
  assert.equal(finished, true);

  // And fn's failure is the result, even when the request settles fine.
  await assert.rejects(store.exclusive(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    throw new Error('aborted');
  }), /aborted/);
});
