// The built package (dist/, `make browser`) under node.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { LuaError, LuaHandle, LuaWASM } from '../../dist/index.js';

test('eval, conversions and errors in node', async () => {
  const printed = [];
  const lua = await LuaWASM.init({ stdout: (s) => printed.push(s) });
  try {
    assert.equal(lua.eval('return 2 + 2'), 4);
    assert.equal(lua.eval('x = 1'), undefined);
    assert.equal(lua.eval('return nil'), null);
    assert.deepEqual(lua.eval('return {1, "two", {three = 3.5}}'), [1, 'two', { three: 3.5 }]);
    assert.ok(lua.eval('return coroutine.create(print)') instanceof LuaHandle);
    lua.eval('print("a", 1) io.write("b")');
    assert.equal(printed.join(''), 'a\t1\nb');
    assert.throws(() => lua.eval('error("boom", 0)'), (e) => e instanceof LuaError && e.message === 'boom' && e.traceback.startsWith('stack traceback:'));
    assert.throws(() => lua.eval(42), TypeError);
  } finally {
    await lua.close();
  }
});

// Node loads its fetch implementation (undici) when a script first names
// Response or fetch: ~35 ms of CPU at start-up that reading the module
// from its file does not need.
test('init in node reads the module without loading node\'s fetch', (t) => {
  if (!Array.isArray(process.moduleLoadList)) return t.skip('this node does not list its loaded modules');
  const script = `const { LuaWASM } = await import(${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)});
const lua = await LuaWASM.init();
lua.eval('return 1');
await lua.close();
console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))));`;
  assert.deepEqual(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })), []);
});

test('functions both ways, nested calls and identity', async () => {
  const lua = await LuaWASM.init();
  try {
    const seen = [];
    lua.register('visit', (n, f) => {
      seen.push(n);
      return n > 0 ? f(n - 1, f) : 'done';
    });
    // Lua -> JS -> Lua -> JS ... ten levels deep.
    assert.equal(lua.eval('return visit(10, function(n, f) return visit(n, f) end)'), 'done');
    assert.deepEqual(seen, [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const f = lua.eval('return function(...) return select("#", ...) end');
    assert.equal(f(1, null, 3), 3);
    lua.global.set('f', f);
    assert.equal(lua.eval('return f(1, 2)'), 2);
    assert.equal(lua.call('string.rep', 'ab', 3), 'ababab');
    assert.throws(() => lua.call('nope'), /nope is not a function/);
  } finally {
    await lua.close();
  }
});

test('instances are independent and close frees them', async () => {
  const a = await LuaWASM.init();
  const b = await LuaWASM.init();
  a.eval('shared = "a"');
  assert.equal(b.eval('return shared'), null);
  await a.close();
  assert.equal(a.closed, true);
  assert.throws(() => a.eval('return 1'), /closed/);
  assert.equal(b.eval('return 1'), 1);
  await b.close();
  await b.close(); // twice is fine
});
