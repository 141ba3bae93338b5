// The IndexedDB log entry format (js/idb.js): every op framed with its own
// checksum, so that one damaged byte costs at most the op it hits and is
// reported with the op's key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldLog, formatEntry, parseEntry } from '../idb.js';
import { foldBatches } from '../store.js';

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

// scanSpans returns the spans parseEntry's ops have in entry, as load()
// hands them to foldLog.
function scanSpans(entry) {
  const spans = [];
  for (const { key, value } of parseEntry(entry)) {
    const at = (view) => view.byteOffset - entry.byteOffset;
    spans.push(at(key), at(key) + key.length, value ? at(value) : -1, value ? at(value) + value.length : -1);
  }
  return spans;
}

test('foldLog folds a log on the spans of its ops as foldBatches folds the ops', () => {
  const show2 = (records) => records.map(([k, v]) => [dec(k), dec(v)]);
  let seed = 11;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  for (let round = 0; round < 300; round++) {
    // Sorted runs (the engine's commits) mostly, a run out of order in a
    // round out of five; one damaged entry in ten.
    const batches = [];
    for (let n = rand(6); n > 0; n--) {
      const ops = new Map();
      for (let m = rand(10); m > 0; m--) ops.set('k'.repeat(1 + rand(3)) + rand(5), rand(3) === 0 ? null : `v${round}.${n}.${m}`);
      let keys = [...ops.keys()].sort();
      if (round % 5 === 4 && n === 1) keys = keys.reverse();
      batches.push(keys.map((k) => ({ key: enc(k), value: ops.get(k) === null ? null : enc(ops.get(k)) })));
    }
    // An entry may also hold several commits one after the other, keys
    // repeated (the last op on a key wins).
    if (round % 7 === 3 && batches.length > 1) batches.splice(0, 2, [...batches[0], ...batches[1]]);
    const entries = batches.map((ops) => formatEntry(ops));
    if (round % 10 === 9 && entries.length > 0 && entries[0].length > 0) entries[0][rand(entries[0].length)] ^= 0x40;
    const want = foldBatches(entries.map((e) => parseEntry(e)));
    assert.deepEqual(show2(foldLog(entries, entries.map(scanSpans))), show2(want), `round ${round}`);
  }
});
