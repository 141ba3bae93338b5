// Batch messages, the in-memory store and the commit queue.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore, Persister, compareBytes, foldBatches, formatBatch, keyString, parseBatch } from '../store.js';
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

test('formatBatch writes into the buffer alloc gives it', () => {
  const ops = [{ key: b('a'), value: b('1') }, { key: b('b'), value: null }];
  const buf = new Uint8Array(64).fill(0xee);
  let asked = 0;
  const msg = formatBatch(ops, (n) => {
    asked = n;
    return buf.subarray(0, n);
  });
  assert.equal(msg.buffer, buf.buffer);
  assert.ok(asked >= msg.length);
  assert.deepEqual(Array.from(msg), Array.from(formatBatch(ops)));
});

test('enqueueMessage copies the message, which the engine reuses', async () => {
  const store = new FlakyStore(); // (defined below)
  const p = new Persister(store);
  store.failing = true; // the batch stays queued
  const msg = formatBatch([{ key: b('a'), value: b('1') }, { key: b('gone'), value: null }]);
  p.enqueueMessage(msg);
  await assert.rejects(p.flush(), { code: 'quota' });
  msg.fill(0x78);
  store.failing = false;
  await p.flush();
  assert.deepEqual((await store.load()).map(([k, v]) => [s(k), s(v)]), [['a', '1']]);
});

test('keys order as byte strings', () => {
  const keys = [[2], [1, 255], [1], [], [1, 0]].map((k) => new Uint8Array(k));
  keys.sort(compareBytes);
  assert.deepEqual(keys.map((k) => Array.from(k)), [[], [1], [1, 0], [1, 255], [2]]);
});

test('keyString gives distinct keys distinct strings, at any length', () => {
  const long = new Uint8Array(10000).map((_, i) => i % 251);
  const longer = new Uint8Array(10001).map((_, i) => i % 251);
  const keys = [[], [0], [0, 0], [255], [0x80, 0x81], [0x81, 0x80], [0xd8, 0x00], [0xdc, 0x00]].map((k) => new Uint8Array(k)).concat([long, longer, long.subarray(1)]);
  const strings = keys.map(keyString);
  assert.equal(new Set(strings).size, keys.length);
  strings.forEach((str, i) => assert.deepEqual(Array.from(str, (c) => c.charCodeAt(0)), Array.from(keys[i])));
  assert.equal(keyString(long.slice()), strings[8]);
});

test('foldBatches leaves the last write of each key, in key order, sorted runs or not', () => {
  const fold = (batches) => foldBatches(batches).map(([k, v]) => [s(k), s(v)]);
  const put = (k, v) => ({ key: b(k), value: b(v) });
  const del = (k) => ({ key: b(k), value: null });
  assert.deepEqual(fold([]), []);
  assert.deepEqual(fold([[], []]), []);
  // Sorted runs: merged, a later delete hiding a key from every older run.
  assert.deepEqual(fold([[put('a', '1'), put('b', '1'), put('c', '1')], [del('a'), put('ab', '2')], [put('b', '3')], [put('a', '4'), del('c')]]),
    [['a', '4'], ['ab', '2'], ['b', '3']]);
  // A run out of order (or repeating a key) takes the Map path: same answer.
  assert.deepEqual(fold([[put('b', '1'), put('a', '1')], [put('a', '2'), put('a', '3'), del('b')]]), [['a', '3']]);
  // Random logs against a model, in both shapes.
  let seed = 7;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  for (let round = 0; round < 200; round++) {
    const sorted = round % 2 === 0;
    const batches = [];
    const model = new Map();
    for (let n = rand(6); n > 0; n--) {
      const ops = new Map();
      for (let m = rand(8); m > 0; m--) {
        const k = 'k'.repeat(1 + rand(3)) + rand(4);
        ops.set(k, rand(3) === 0 ? null : String(round * 100 + n * 10 + m));
      }
      let keys = [...ops.keys()].sort();
      if (!sorted) keys = keys.reverse();
      batches.push(keys.map((k) => ({ key: b(k), value: ops.get(k) === null ? null : b(ops.get(k)) })));
      for (const k of keys) (ops.get(k) === null ? model.delete(k) : model.set(k, ops.get(k)));
    }
    assert.deepEqual(fold(batches), [...model].sort((x, y) => compareBytes(b(x[0]), b(y[0]))));
  }
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
