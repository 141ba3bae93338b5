// The file-backed store of node: durability, torn tails, compaction.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../node-store.js';

const b = (s) => new TextEncoder().encode(s);
const s = (u8) => new TextDecoder().decode(u8);
const dump = async (store) => (await store.load()).map(([k, v]) => [s(k), s(v)]);

async function tempPath() {
  return join(await mkdtemp(join(tmpdir(), 'luawasm-')), 'memory.db');
}

test('commits survive reopening', async () => {
  const path = await tempPath();
  const a = new FileStore(path);
  assert.deepEqual(await dump(a), []);
  await a.commit([{ key: b('k1'), value: b('v1') }, { key: b('k2'), value: b('v2') }]);
  await a.commit([{ key: b('k1'), value: null }, { key: b('k3'), value: b('v3') }]);
  await a.close();
  const again = new FileStore(path);
  assert.deepEqual(await dump(again), [['k2', 'v2'], ['k3', 'v3']]);
  await again.close();
});

test('a torn last frame is dropped and overwritten', async () => {
  const path = await tempPath();
  const a = new FileStore(path);
  await a.commit([{ key: b('good'), value: b('1') }]);
  await a.close();
  await appendFile(path, Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 0, 1]));
  const c = new FileStore(path);
  assert.deepEqual(await dump(c), [['good', '1']]);
  await c.commit([{ key: b('next'), value: b('2') }]);
  await c.close();
  const d = new FileStore(path);
  assert.deepEqual(await dump(d), [['good', '1'], ['next', '2']]);
  await d.close();
});

test('a file that is not a log is refused', async () => {
  const path = await tempPath();
  await writeFile(path, 'hello, world');
  await assert.rejects(new FileStore(path).load(), { name: 'StorageError', code: 'corrupt' });
});

test('commit without load appends to an existing log', async () => {
  const path = await tempPath();
  const a = new FileStore(path);
  await a.commit([{ key: b('a'), value: b('1') }]);
  await a.close();
  const c = new FileStore(path);
  await c.commit([{ key: b('b'), value: b('2') }]);
  await c.close();
  assert.deepEqual(await dump(new FileStore(path)), [['a', '1'], ['b', '2']]);
});

test('the log is compacted when it outgrows the live data', async () => {
  const path = await tempPath();
  const a = new FileStore(path);
  const big = new Uint8Array(64 << 10).fill(7);
  for (let i = 0; i < 40; i++) await a.commit([{ key: b('same'), value: big }]);
  const size = (await stat(path)).size;
  assert.ok(size < 2 * big.length + (1 << 20) + 1024, `log is ${size} bytes`);
  await a.commit([{ key: b('after'), value: b('x') }]);
  await a.close();
  const c = new FileStore(path);
  const recs = await c.load();
  assert.deepEqual(recs.map(([k]) => s(k)), ['after', 'same']);
  assert.equal(recs[1][1].length, big.length);
  assert.ok((await readFile(path)).subarray(0, 13).toString() === 'LUAWASM-LOG1\n');
  await c.close();
});
