// The IndexedDB log entry format (js/idb.js): every op framed with its own
// checksum, so that one damaged byte costs at most the op it hits and is
// reported with the op's key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEntry, parseEntry } from '../idb.js';

const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

const ops = [
  { key: enc('root'), value: enc('r') },
  { key: new Uint8Array([0, 1, 0xff]), value: null },
  { key: enc('big'), value: new Uint8Array(300).map((_, i) => i) },
  { key: enc('k"\\'), value: enc('last') },
];

const show = (list) => list.map(({ key, value }) => [Array.from(key), value && Array.from(value)]);

test('an entry round-trips its ops, deletes included', () => {
  const damaged = [];
  assert.deepEqual(show(parseEntry(formatEntry(ops), damaged)), show(ops));
  assert.deepEqual(damaged, []);
  assert.deepEqual(parseEntry(formatEntry([])), []);
  // [key, value] pairs (load's records) are accepted too.
  assert.deepEqual(show(parseEntry(formatEntry([[enc('a'), enc('1')]]))), show([{ key: enc('a'), value: enc('1') }]));
});

test('each flipped byte loses at most the op it hits, and is reported', () => {
  const entry = formatEntry(ops);
  for (let pos = 0; pos < entry.length; pos++) {
    for (const bit of [0x01, 0x80]) {
      const bad = entry.slice();
      bad[pos] ^= bit;
      const damaged = [];
      const got = parseEntry(bad, damaged, 'entry 7');
      const intact = got.filter((op) => ops.some((o) => dec(o.key) === dec(op.key) && String(o.value) === String(op.value)));
      assert.equal(intact.length, got.length, `flip ${bit} at ${pos}: an op came back altered`);
      assert.ok(got.length >= ops.length - 1, `flip ${bit} at ${pos}: ${ops.length - got.length} ops lost`);
      assert.equal(damaged.length, 1, `flip ${bit} at ${pos}: ${JSON.stringify(damaged)}`);
      assert.match(damaged[0], /^entry 7: (the record ".*" is damaged|\d+ damaged bytes at offset \d+ were skipped)/);
    }
  }
});

test('a damaged op is named by its key, escaped as the engine does', () => {
  const entry = formatEntry(ops);
  const bad = entry.slice();
  bad[bad.length - 1] ^= 0xff; // the last op's checksum
  const damaged = [];
  assert.equal(parseEntry(bad, damaged, 'e').length, ops.length - 1);
  assert.deepEqual(damaged, ['e: the record "k\\"\\\\" is damaged (checksum mismatch) and was not loaded']);
});

test('a truncated entry keeps the ops before the cut', () => {
  const entry = formatEntry(ops);
  const damaged = [];
  const got = parseEntry(entry.subarray(0, entry.length - 3), damaged);
  assert.deepEqual(show(got), show(ops.slice(0, -1)));
  assert.equal(damaged.length, 1);
});
