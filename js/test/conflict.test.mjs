// Two tabs on one database under node: a transaction overtaken by another
// tab's commit runs again on the reloaded Memory, and when it fails there,
// flush() rejects instead of reporting it durable.
//
// SharedLog stands in for one IndexedDB database and TabStore for each
// tab's IndexedDBStore (idb.js), with the same contract: a numbered log of
// commits, a commit refused with code 'conflict' when another tab committed
// since this tab's base, readCommit(version), and exclusive(fn) in place of
// the Web Lock. Other tabs' commits are never announced (subscribe), so a
// tab finds out only by conflicting, which is what these tests are about.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LuaError, LuaWASM, StorageError } from '../../dist/index.js';

const hex = (key) => Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('');

class SharedLog {
  log = []; // commits, oldest first: [{ key, value }]
  #lock = Promise.resolve();

  tab() {
    return new TabStore(this);
  }

  // locked runs fn after every fn locked before it has finished.
  locked(fn) {
    const run = this.#lock.then(fn);
    this.#lock = run.then(() => {}, () => {});
    return run;
  }
}

class TabStore {
  #shared;
  #base = null;
  #locked = false;
  warnings = [];

  constructor(shared) {
    this.#shared = shared;
  }

  get version() {
    return this.#base;
  }

  async load() {
    const live = new Map();
    for (const ops of this.#shared.log) {
      for (const { key, value } of ops) {
        if (value) live.set(hex(key), [key, value]);
        else live.delete(hex(key));
      }
    }
    this.#base = this.#shared.log.length;
    return [...live.values()].sort(([a], [b]) => (hex(a) < hex(b) ? -1 : 1));
  }

  async commit(ops) {
    return this.exclusive(async () => {
      if (this.#base !== this.#shared.log.length) throw new StorageError('conflict', 'another tab committed first');
      this.#shared.log.push(ops.map(({ key, value }) => ({ key: key.slice(), value: value && value.slice() })));
      this.#base = this.#shared.log.length;
    });
  }

  async readCommit(version) {
    return this.#shared.log[version - 1] ?? null;
  }

  advance(version) {
    if (this.#base !== null && version === this.#base + 1) this.#base = version;
  }

  exclusive(fn) {
    if (this.#locked) return fn();
    return this.#shared.locked(async () => {
      this.#locked = true;
      try {
        return await fn();
      } finally {
        this.#locked = false;
      }
    });
  }

  subscribe() {
    return () => {};
  }

  async close() {}
}

// settled waits until the tabs' first commits (a new store's root, written
// by whichever opened first; the other may conflict and reload) are done.
async function settled(...tabs) {
  for (const tab of tabs) await tab.flush();
}

test('a transaction that fails when run again after a conflict rejects flush()', async () => {
  const shared = new SharedLog();
  const a = await LuaWASM.init({ store: shared.tab() });
  const b = await LuaWASM.init({ store: shared.tab() });
  await settled(a, b);
  const conflicts = [];
  b.on('conflict', (d) => conflicts.push(d));
  try {
    a.eval('Memory.owner = "a"');
    await a.flush();

    // Both of b's transactions were computed on a Memory without a's
    // commit: the first adds up when run again, the second refuses to.
    b.eval('Memory.count = (Memory.count or 0) + 1');
    b.eval('if Memory.owner then error("taken by " .. Memory.owner, 0) end Memory.owner = "b"');
    await assert.rejects(b.flush(), (e) => {
      assert.ok(e instanceof StorageError, `${e}`);
      assert.equal(e.code, 'conflict');
      assert.match(e.message, /run again after another tab's commit failed: taken by a/);
      assert.ok(e.cause instanceof LuaError);
      return true;
    });
    // Memory is the database's with the transaction that did run again.
    assert.equal(b.eval('return Memory.owner'), 'a');
    assert.equal(b.eval('return Memory.count'), 1);
    await new Promise((resolve) => setTimeout(resolve));
    assert.equal(conflicts.length, 1);
    assert.equal(conflicts[0].lost, true);

    // The loss is reported once; later work is durable as usual.
    await b.flush();
    b.eval('Memory.count = Memory.count + 1');
    await b.flush();
    const c = await LuaWASM.init({ store: shared.tab() });
    assert.deepEqual(c.eval('return {Memory.owner, Memory.count}'), ['a', 2]);
    await c.close();
  } finally {
    await a.close();
    await b.close();
  }
});

test('every flush() waiting when a transaction is lost rejects; the next one resolves', async () => {
  const shared = new SharedLog();
  const a = await LuaWASM.init({ store: shared.tab() });
  const b = await LuaWASM.init({ store: shared.tab() });
  await settled(a, b);
  try {
    a.eval('Memory.x = 1');
    await a.flush();
    const commits = shared.log.length;
    b.eval('assert(Memory.x == nil, "x is set") Memory.x = 2');
    const results = await Promise.allSettled([b.flush(), b.flush()]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(results[0].reason.code, 'conflict');
    await b.flush();
    assert.equal(b.eval('return Memory.x'), 1);
    assert.equal(shared.log.length, commits, 'the lost transaction wrote nothing');
  } finally {
    await a.close();
    await b.close();
  }
});

test('a transaction that runs again after a conflict is written, and flush() resolves', async () => {
  const shared = new SharedLog();
  const a = await LuaWASM.init({ store: shared.tab() });
  const b = await LuaWASM.init({ store: shared.tab() });
  await settled(a, b);
  try {
    a.eval('Memory.n = (Memory.n or 0) + 1');
    await a.flush();
    b.eval('Memory.n = (Memory.n or 0) + 1');
    await b.flush();
    assert.equal(b.eval('return Memory.n'), 2);
    const c = await LuaWASM.init({ store: shared.tab() });
    assert.equal(c.eval('return Memory.n'), 2);
    await c.close();
  } finally {
    await a.close();
    await b.close();
  }
});
