// Batch messages, the in-memory store and the commit queue.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore, Persister, compareBytes, formatBatch, parseBatch } from '../store.js';
import { StorageError } from '../errors.js';

const b = (s) => new TextEncoder().encode(s);
const s = (u8) => new TextDecoder().decode(u8);
const show = (ops) => ops.map(({ key, value }) => [s(key), value && s(value)]);

test('batch messages round-trip', () => {
  const ops = [{ key: b('a'), value: b('1') }, { key: b('b'.repeat(200)), value: null }, { key: b('c'), value: new Uint8Array(0) }];
  const msg = formatBatch(ops);
  assert.deepEqual(show(parseBatch(msg)), [['a', '1'], ['b'.repeat(200), null], ['c', '']]);
  assert.deepEqual(Array.from(formatBatch([[b('k'), b('v')]])), [0, 1, 107, 1, 118]);
  assert.throws(() => parseBatch(new Uint8Array([0, 5, 1])), StorageError);
});

test('keys order as byte strings', () => {
  const keys = [[2], [1, 255], [1], [], [1, 0]].map((k) => new Uint8Array(k));
  keys.sort(compareBytes);
  assert.deepEqual(keys.map((k) => Array.from(k)), [[], [1], [1, 0], [1, 255], [2]]);
});

test('MemoryStore keeps the last write per key, in key order', async () => {
  const store = new MemoryStore();
  await store.commit([{ key: b('b'), value: b('1') }, { key: b('a'), value: b('2') }]);
  await store.commit([{ key: b('b'), value: null }, { key: b('c'), value: b('3') }, { key: b('a'), value: b('4') }]);
  assert.deepEqual((await store.load()).map(([k, v]) => [s(k), s(v)]), [['a', '4'], ['c', '3']]);
  await store.close();
  await assert.rejects(store.load(), { name: 'StorageError', code: 'closed' });
});

// A store whose writes fail while .failing is set.
class FlakyStore extends MemoryStore {
  failing = false;
  writes = [];
  async commit(ops) {
    if (this.failing) throw new StorageError('quota', 'full');
    this.writes.push(show(ops));
    return super.commit(ops);
  }
}

test('Persister writes batches in order and flush waits for them', async () => {
  const store = new FlakyStore();
  const written = [];
  const p = new Persister(store, { onWritten: (ops) => written.push(show(ops)) });
  p.enqueue([{ key: b('a'), value: b('1') }]);
  p.enqueue([{ key: b('b'), value: b('2') }]);
  await p.flush();
  assert.equal(p.pending, 0);
  assert.deepEqual((await store.load()).map(([k, v]) => [s(k), s(v)]), [['a', '1'], ['b', '2']]);
  assert.equal(written.length >= 1, true);
});

test('a failed write keeps its batch and blocks later ones until a retry succeeds', async () => {
  const store = new FlakyStore();
  const failures = [];
  const p = new Persister(store, { onFailed: (e) => failures.push(e.code) });
  store.failing = true;
  p.enqueue([{ key: b('x'), value: b('1') }]);
  await assert.rejects(p.flush(), { name: 'StorageError', code: 'quota' });
  p.enqueue([{ key: b('x'), value: b('2') }, { key: b('y'), value: b('3') }]);
  await assert.rejects(p.flush(), { code: 'quota' });
  assert.equal(p.pending, 2);
  assert.deepEqual(await store.load(), []);
  store.failing = false;
  await p.flush();
  assert.equal(p.pending, 0);
  assert.equal(p.lastError, null);
  // The two batches went as one merged write in which the last x wins.
  assert.deepEqual(store.writes, [[['x', '2'], ['y', '3']]]);
  assert.deepEqual(failures.length >= 2, true);
});

test('the Persister copies ops, so the caller may reuse its buffers', async () => {
  const store = new MemoryStore();
  const p = new Persister(store);
  const buf = b('kv');
  p.enqueue([{ key: buf.subarray(0, 1), value: buf.subarray(1) }]);
  buf.fill(0);
  await p.flush();
  assert.deepEqual((await store.load()).map(([k, v]) => [s(k), s(v)]), [['k', 'v']]);
});

test('a conflict hands the stale batches to onConflict, whose new batches are written instead', async () => {
  const store = new MemoryStore();
  let refuse = 1;
  const commit = store.commit.bind(store);
  store.commit = async (ops) => {
    if (refuse-- > 0) throw new StorageError('conflict', 'another tab committed first');
    return commit(ops);
  };
  const redone = [];
  const p = new Persister(store, {
    // As lua.js does: batches queued behind the stale ones are stale too.
    onConflict: async (stale) => {
      for (const batch of [...stale, ...p.takeQueued()]) {
        redone.push(batch.redo());
        p.enqueue([{ key: b(batch.redo()), value: b('fresh') }], batch.redo);
      }
    },
  });
  p.enqueue([{ key: b('x'), value: b('stale') }], () => 'x');
  p.enqueue([{ key: b('y'), value: b('stale') }], () => 'y');
  await p.flush();
  assert.deepEqual(redone, ['x', 'y']);
  assert.deepEqual((await store.load()).map(([k, v]) => [s(k), s(v)]), [['x', 'fresh'], ['y', 'fresh']]);
  assert.equal(p.pending, 0);
});

test('conflicts without end fail like any write, and the batches stay queued', async () => {
  const store = new MemoryStore();
  store.commit = async () => {
    throw new StorageError('conflict', 'another tab committed first');
  };
  const p = new Persister(store, {
    onConflict: async (stale) => {
      for (const batch of stale) p.enqueue(batch.ops, batch.redo);
    },
  });
  p.enqueue([{ key: b('x'), value: b('1') }]);
  await assert.rejects(p.flush(), (e) => e.code === 'conflict');
  assert.equal(p.pending, 1);
});
