// The JS half of the wire format against byte strings that the Go half's
// tests (wasm/wire/wire_test.go) pin down too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decoder, Encoder, RefKind, Tag } from '../wire.js';

const hex = (u8) => Buffer.from(u8).toString('hex');
const bytes = (h) => new Uint8Array(Buffer.from(h, 'hex'));

function encoder(refs = new Map(), fns = new Map()) {
  return new Encoder((v) => refs.get(v), (fn) => {
    if (!fns.has(fn)) fns.set(fn, fns.size + 1);
    return fns.get(fn);
  });
}

test('encodes scalars as the Go side expects', () => {
  const cases = [
    [null, '00'], [undefined, '00'], [false, '01'], [true, '02'],
    [-2, '03feffffff'], [2 ** 40, '040000000000007042'], [0.5, '06000000000000e03f'],
    [-0, '060000000000000080'], [2 ** 62 + 1, '06000000000000d043'],
    [2n ** 62n + 1n, '050100000000000040'], ['hé', '070368c3a9'],
    [new Uint8Array([255, 0]), '0802ff00'], [[1, 'a'], '0902030100000007' + '0161'],
    [{ k: true }, '0a0107016b02'], [{ skip: undefined }, '0a00'], [{ a: true, skip: undefined, c: false }, '0a020701610207016301'],
  ];
  for (const [v, want] of cases) assert.equal(hex(encoder().encode([v])), want, String(v));
});

test('encodes cycles and shared parts as refs', () => {
  const inner = [7];
  const outer = { a: inner, b: inner };
  outer.self = outer;
  const msg = encoder().encode([outer]);
  const back = new Decoder().decode(msg);
  assert.equal(back.self, back);
  assert.equal(back.a, back.b);
  assert.deepEqual(back.a, [7]);
});

test('encodes functions and Lua references', () => {
  const f = () => 1;
  const ref = { handle: 3, kind: RefKind.Thread };
  const stand = {};
  const msg = encoder(new Map([[stand, ref]])).encode([f, stand, f]);
  assert.equal(hex(msg), '0d01' + '0c0302' + '0d01');
});

test('rejects what Lua cannot hold', () => {
  assert.throws(() => encoder().encode([Symbol('s')]), TypeError);
  assert.throws(() => encoder().encode([2n ** 64n]), RangeError);
  let deep = [];
  for (let i = 0; i < 300; i++) deep = [deep];
  assert.throws(() => encoder().encode([deep]), /too deeply nested/);
});

test('long and non-ASCII strings round-trip', () => {
  for (const s of ['', 'a'.repeat(63), 'a'.repeat(64), 'x'.repeat(100000), 'ünïcødé ✓ 😀', 'a'.repeat(40) + 'é']) {
    assert.equal(new Decoder().decode(encoder().encode([s])), s);
  }
});

test('decodes Go messages', () => {
  const calls = [];
  const d = new Decoder((h, k) => {
    calls.push([h, k]);
    return `ref${h}`;
  }, (id) => `fn${id}`);
  assert.deepEqual(d.decodeAll(bytes('0902' + '070178' + '0a01' + '07016b' + '0b00')), [['x', { k: ['x', { k: null }] }]].map(() => {
    const a = ['x'];
    a[1] = { k: a };
    return a;
  }));
  assert.deepEqual(d.decodeAll(bytes('0c0500' + '0d02' + '050100000000000040')), ['ref5', 'fn2', 2 ** 62]);
  assert.deepEqual(calls, [[5, RefKind.Function]]);
  assert.deepEqual(d.decodeAll(bytes('0a02' + '0301000000' + '02' + '070474727565' + '01')), [{ 1: true, true: false }]);
  assert.throws(() => d.decode(bytes('ff')), /malformed/);
  assert.equal(Tag.JSFunc, 13);
});

test('object keys decode alike from the name cache', () => {
  // One decoder across messages, as the bridge keeps it: keys of equal
  // length and keys sharing a cache slot must not be taken for each other.
  const dec = new Decoder();
  const keys = ['id', 'name', 'age', 'email', 'score', 'nome', 'mane', 'ab', 'ba', 'a'.repeat(24), 'a'.repeat(25), 'ünï', 'k'];
  for (let i = 0; i < 300; i++) keys.push(`f${i}`);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < keys.length; i += 5) {
      const obj = {};
      for (const k of keys.slice(i, i + 7)) obj[k] = `${k}-${round}`;
      assert.deepEqual(dec.decode(encoder().encode([obj])), obj);
    }
  }
  // A key that is not UTF-8 decodes to U+FFFD each time.
  for (let i = 0; i < 2; i++) assert.deepEqual(dec.decode(bytes('0a02' + '0701ff02' + '07014601')), { '\ufffd': true, F: false });
});
