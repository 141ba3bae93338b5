// LuaWASM.init({ sandbox: true }) under node: the libraries that reach the
// host are gone, the rest work, and Memory still persists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LuaError, LuaWASM } from '../../dist/index.js';
import { FileStore } from '../../dist/node.js';

test('a sandboxed instance has no host libraries', async () => {
  const lua = await LuaWASM.init({ sandbox: true });
  try {
    for (const name of ['io', 'debug', 'require', 'package', 'loadfile', 'dofile']) {
      assert.equal(lua.eval(`return type(${name})`), 'nil', name);
    }
    // Of os, only what reads the clock, and the engine's exit.
    assert.equal(lua.eval('local k = {} for name in pairs(os) do k[#k + 1] = name end table.sort(k) return table.concat(k, " ")'), 'clock date difftime exit time');
    assert.equal(lua.eval('return math.type(os.time())'), 'integer');
    assert.equal(lua.eval('return os.date("!%Y", 0)'), '1970');
    assert.equal(lua.eval('return type(os.clock()) .. type(os.difftime(2, 1))'), 'numbernumber');
    assert.equal(lua.eval('return string.format("%d", #{table.unpack({1, 2})})'), '2');
    assert.equal(lua.eval('return load("return 6 * 7")()'), 42);
    assert.throws(() => lua.eval('io.write("x")'), (e) => e instanceof LuaError && /attempt to index a nil value \(global 'io'\)/.test(e.message));
  } finally {
    await lua.close();
  }
});

test('an instance without the option keeps every library', async () => {
  const lua = await LuaWASM.init({ sandbox: false });
  try {
    assert.equal(lua.eval('return type(io) .. type(debug) .. type(require) .. type(loadfile)'), 'tabletablefunctionfunction');
  } finally {
    await lua.close();
  }
});

test('a sandboxed instance persists Memory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'luawasm-sandbox-'));
  const path = join(dir, 'memory.log');
  try {
    let store = new FileStore(path);
    let lua = await LuaWASM.init({ sandbox: true, store });
    await lua.persistFunction('lib', 'double', 'function(x) return 2 * x end');
    lua.eval('Memory.notes = {first = "kept"}');
    await lua.close();
    await store.close();
    store = new FileStore(path);
    lua = await LuaWASM.init({ sandbox: true, store });
    try {
      assert.equal(lua.eval('return Memory.lib.double(21)'), 42);
      assert.equal(lua.eval('return Memory.notes.first'), 'kept');
      assert.equal(lua.eval('return io'), null);
    } finally {
      await lua.close();
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sandbox must be a boolean', async () => {
  await assert.rejects(LuaWASM.init({ sandbox: 'yes' }), /options\.sandbox/);
});
