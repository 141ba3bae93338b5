// Persistent Memory under node: argument checks of the Promise methods
// (js/memory-api.js) and the built package with a FileStore across
// instances.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchOps, indexArgs, initOptions, persistArgs, queryArgs, schemaArgs, auditArgs } from '../memory-api.js';
import { BatchError, LuaError, LuaWASM } from '../../dist/index.js';
import { FileStore } from '../../dist/node.js';

test('arguments are shaped for the engine', () => {
  const cases = [
    [() => persistArgs('Memory', 'f', 'function() end'), ['Memory', 'f', 'function() end', { compress: true, validate: true }]],
    [() => indexArgs('Memory', 'appUsers.score', 'btree'), ['appUsers', 'score', 'btree']],
    [() => indexArgs('Memory', 'appUsers.address.city'), ['appUsers', 'address.city', 'btree']],
    [() => indexArgs('users', 'age', 'hash'), ['users', 'age', 'hash']],
    [() => queryArgs('Memory', { table: 'appUsers', field: 'score', operator: '>=', value: 800, limit: 10, sort: 'desc' }), ['appUsers', { field: 'score', operator: '>=', value: 800, limit: 10, sort: 'desc' }]],
    [() => queryArgs('users', { field: 'age', operator: 'between', value: [18, 65] }), ['users', { field: 'age', operator: 'between', value: [18, 65] }]],
    [() => schemaArgs('users', { email: { type: 'string', pattern: /^[^\s@]+@[^\s@]+$/ } }), ['users', { email: { type: 'string', pattern: '^[^\\s@]+@[^\\s@]+$' } }]],
    [() => schemaArgs('users', { name: { pattern: /^ab/i } }), ['users', { name: { pattern: '(?i)^ab' } }]],
    [() => schemaArgs('users', { address: { type: 'table', fields: { city: { type: 'string', required: true } } } }), ['users', { address: { type: 'table', fields: { city: { type: 'string', required: true } } } }]],
    [() => batchOps([{ type: 'set', table: 't', key: 1, value: 'x' }, { type: 'get', table: 't', key: 'k' }]), [{ type: 'set', table: 't', key: 1, value: 'x' }, { type: 'get', table: 't', key: 'k' }]],
    [() => auditArgs(['persistFunction', 'batchTableOperations']), [['persistFunction', 'batchTableOperations'], 0]],
    [() => auditArgs(['eval'], { maxEntries: 50 }), [['eval'], 50]],
  ];
  for (const [fn, want] of cases) assert.deepEqual(fn(), want);
});

test('misuse fails with the method, the argument and what was expected', () => {
  const cases = [
    [() => persistArgs('', 'f', 'x'), /^persistFunction: table must be a non-empty string, got ""/],
    [() => persistArgs('Memory', 'f', 42), /^persistFunction: code must be a string of Lua code, got number/],
    [() => persistArgs('Memory', 'f', 'x', { compres: true }), /unknown option 'compres'/],
    [() => batchOps({}), /^batchTableOperations: operations must be an array, got object/],
    [() => batchOps([{ type: 'put', table: 't', key: 'k' }]), /operation 1: type must be one of set, get, delete, query, got "put"/],
    [() => batchOps([{ type: 'set', table: 't', key: 'k' }]), /operation 1: a set needs a value/],
    [() => batchOps([{ type: 'get', table: 't', key: {} }]), /operation 1: key must be a string or a finite number/],
    [() => batchOps([{ type: 'set', table: 't', key: 'k', value: 1, extra: 1 }]), /operation 1: unknown field 'extra'/],
    [() => indexArgs('Memory', 'score'), /field names the collection first: 'appUsers.score'/],
    [() => indexArgs('users', 'age', 'rtree'), /type must be one of btree, hash, suffix, got "rtree"/],
    [() => queryArgs('Memory', { field: 'score', operator: '>=', value: 1 }), /needs the collection/],
    [() => queryArgs('users', { field: 'age', operator: 'like', value: 1 }), /query.operator must be one of =, !=/],
    [() => queryArgs('users', { field: 'age', operator: 'between', value: 5 }), /between needs value: \[low, high\], got number/],
    [() => queryArgs('users', { field: 'name', operator: 'startsWith', value: 5 }), /startsWith needs a string value/],
    [() => queryArgs('users', { field: 'age', operator: '=', value: 1, limit: -1 }), /query.limit must be a non-negative integer/],
    [() => queryArgs('users', { field: 'age', operator: '=', value: 1, sort: 'up' }), /query.sort must be 'asc', 'desc'/],
    [() => queryArgs('users', { table: 'other', field: 'age', operator: '=', value: 1 }), /names another collection than "users"/],
    [() => schemaArgs('users', { age: { type: 'int' } }), /schema.age.type must be one of string, number, integer/],
    [() => schemaArgs('users', { age: { minimum: 0 } }), /schema.age: unknown rule 'minimum'/],
    [() => schemaArgs('users', { age: { enum: [] } }), /schema.age.enum must be a non-empty array/],
    [() => schemaArgs('users', { name: { pattern: 42 } }), /schema.name.pattern must be a RegExp or a string/],
    [() => schemaArgs('users', { name: { pattern: /a/d } }), /the flag 'd' cannot be stored with a schema/],
    [() => auditArgs('eval'), /operations must be a non-empty array of names/],
    [() => auditArgs(['delete', 'drop']), /unknown operation "drop"/],
    [() => initOptions({ autoRestor: true }), /LuaWASM.init: unknown option 'autoRestor'/],
    [() => initOptions({ maxInstructions: -1 }), /options.maxInstructions must be a non-negative integer/],
    [() => initOptions({ persistence: 'disk' }), /options.persistence must be 'indexeddb', 'memory' or 'none'/],
    [() => initOptions({ store: {} }), /options.store must have load\(\) and commit\(ops\)/],
  ];
  for (const [fn, want] of cases) assert.throws(fn, (e) => e instanceof TypeError && want.test(e.message), String(want));
});

test('a FileStore keeps Memory, schemas, indexes and the audit log across instances', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'luawasm-'));
  const path = join(dir, 'memory.db');
  try {
    let store = new FileStore(path);
    let lua = await LuaWASM.init({ store });
    assert.equal(lua.persistent, true);
    await lua.persistFunction('Memory', 'fibonacci', 'function(n) if n <= 1 then return n end return fibonacci(n - 1) + fibonacci(n - 2) end');
    lua.eval('Memory.counter = (function() local n = 0 return function() n = n + 1 return n end end)() Memory.counter()');
    await lua.setSchema('users', { age: { type: 'integer', min: 0 } });
    await lua.createIndex('users', 'age');
    await lua.enableAuditLog(['batchTableOperations']);
    const results = await lua.batchTableOperations([
      { type: 'set', table: 'users', key: 'ann', value: { age: 31 } },
      { type: 'set', table: 'users', key: 'bob', value: { age: 25 } },
      { type: 'get', table: 'users', key: 'ann' },
      { type: 'query', table: 'users', query: { field: 'age', operator: '<', value: 30 } },
    ]);
    assert.deepEqual(results, [
      { type: 'set', key: 'ann', found: false },
      { type: 'set', key: 'bob', found: false },
      { type: 'get', key: 'ann', found: true, value: { age: 31 } },
      { type: 'query', rows: [{ age: 25 }], count: 1 },
    ]);
    await assert.rejects(lua.batchTableOperations([
      { type: 'set', table: 'users', key: 'cid', value: { age: 40 } },
      { type: 'set', table: 'users', key: 'dan', value: { age: -1 } },
    ]), (e) => e instanceof BatchError && e.index === 1 && e.operation.key === 'dan' && /must be at least 0/.test(e.reason));
    await lua.close();
    await store.close();

    store = new FileStore(path);
    lua = await LuaWASM.init({ store });
    assert.equal(lua.eval('return Memory.fibonacci(15)'), 610);
    assert.equal(lua.eval('return Memory.counter()'), 2);
    assert.equal(lua.eval('return Memory.users.cid'), null, 'the failed batch left nothing');
    assert.deepEqual(await lua.queryTable('users', { field: 'age', operator: '>', value: 30 }), [{ age: 31 }]);
    assert.match((await lua.explainQuery('users', { field: 'age', operator: '>', value: 30 })).plan, /btree/);
    assert.throws(() => lua.eval('Memory.users.eve = {age = 1.5}'), (e) => e instanceof LuaError && /age/.test(e.message));
    const log = await lua.getAuditLog();
    assert.deepEqual(log.map((e) => [e.operation, e.key, e.outcome === 'ok']), [
      ['set', 'ann', true], ['set', 'bob', true], ['get', 'ann', true], ['query', '', true], ['set', 'cid', false], ['set', 'dan', false],
    ]);
    await lua.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('autoRestore false starts an empty Memory that does not persist', async () => {
  const lua = await LuaWASM.init({ autoRestore: false });
  assert.equal(lua.persistent, false);
  await lua.persistFunction('Memory', 'f', 'function() return 1 end');
  assert.equal(lua.eval('return Memory.f()'), 1);
  await lua.flush();
  await lua.close();
});

test('methods of a closed instance reject', async () => {
  const lua = await LuaWASM.init();
  await lua.close();
  await assert.rejects(lua.queryTable('users', {}), /closed/);
  await assert.rejects(lua.flush(), /closed/);
});

test('memorySize bounds what one eval allocates', async () => {
  const lua = await LuaWASM.init({ memorySize: 1 << 20 });
  try {
    assert.throws(() => lua.eval('return string.rep("x", 4 << 20)'), (e) => e instanceof LuaError && e.message === 'not enough memory');
    assert.equal(lua.eval('return #string.rep("x", 1000)'), 1000);
  } finally {
    await lua.close();
  }
});

test('batch results: what each op found, in order, with values shared as in Lua', async () => {
  const lua = await LuaWASM.init({ persistence: 'memory' });
  lua.eval('Memory.notes = { a = { text = "A" }, b = false, n = 7 } Memory.notes.c = Memory.notes.a');
  const results = await lua.batchTableOperations([
    { type: 'get', table: 'notes', key: 'a' },
    { type: 'get', table: 'notes', key: 'missing' },
    { type: 'get', table: 'notes', key: 'c' },
    { type: 'set', table: 'notes', key: 'b', value: true },
    { type: 'query', table: 'notes', query: { field: 'text', operator: '=', value: 'none' } },
    { type: 'delete', table: 'notes', key: 'n' },
    { type: 'delete', table: 'notes', key: 'n' },
    { type: 'set', table: 'fresh', key: 1.5, value: 'x' },
  ]);
  assert.deepEqual(results, [
    { type: 'get', key: 'a', found: true, value: { text: 'A' } },
    { type: 'get', key: 'missing', found: false },
    { type: 'get', key: 'c', found: true, value: { text: 'A' } },
    { type: 'set', key: 'b', found: true, value: false },
    { type: 'query', rows: [], count: 0 },
    { type: 'delete', key: 'n', found: true, value: 7 },
    { type: 'delete', key: 'n', found: false },
    { type: 'set', key: 1.5, found: false },
  ]);
  assert.equal(results[0].value, results[2].value); // one table, one object
  assert.equal(lua.eval('return Memory.notes.b and Memory.notes.n == nil and Memory.fresh[1.5]'), 'x');
  await lua.close();
});
