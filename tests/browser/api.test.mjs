// The package in a real page: the script-tag build and the ESM build load
// the wasm, eval works, errors throw LuaError, functions cross both ways.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from './harness.mjs';

let context;
const env = useBrowser(async () => {
  context = await env.browser.newContext();
});

describe('script-tag build', () => {
  let page;
  before(async () => {
    page = await openPage(context, `${env.server.url}/fixtures/script-tag.html`);
    await page.evaluate(async () => {
      window.lua = await LuaWASM.init();
    });
  });

  test('defines window.LuaWASM and no other global', async () => {
    const added = await page.evaluate(() => {
      const before = new Set(window.__globalsBefore);
      return Object.getOwnPropertyNames(window).filter((k) => !before.has(k) && k !== 'lua' && k !== '__globalsBefore');
    });
    assert.deepEqual(added, ['LuaWASM']);
    assert.deepEqual(page.errors, []);
  });

  test('eval returns converted results', async () => {
    const r = await page.evaluate(() => [
      lua.eval('return 2 + 2'),
      lua.eval('return "Hello from enhanced Lua!"'),
      lua.eval('return 1.5, 2'),
      lua.eval('return nil'),
      lua.eval('local x = 1'),
      lua.eval('return {1, 2, {a = true}}'),
      lua.eval('return {name = "Alice", age = 30}'),
      lua.eval('return 2^53'),
      lua.eval('return math.maxinteger'),
    ]);
    assert.deepEqual(r, [4, 'Hello from enhanced Lua!', 1.5, null, undefined, [1, 2, { a: true }], { name: 'Alice', age: 30 }, 2 ** 53, 9223372036854775807]);
  });

  test('cycles come back as cycles', async () => {
    const ok = await page.evaluate(() => {
      const t = lua.eval('local t = {list = {}}; t.list[1] = t; t.me = t; return t');
      return t.me === t && t.list[0] === t;
    });
    assert.equal(ok, true);
  });

  test('errors throw LuaError with message and traceback', async () => {
    const e = await page.evaluate(() => {
      try {
        lua.eval('local function f() error("boom") end\nf()');
      } catch (e) {
        return { isLuaError: e instanceof LuaWASM.LuaError, name: e.name, message: e.message, traceback: e.traceback };
      }
    });
    assert.equal(e.isLuaError, true);
    assert.equal(e.name, 'LuaError');
    assert.equal(e.message, '[string "local function f() error("boom") end..."]:1: boom');
    assert.match(e.traceback, /^stack traceback:\n\t\[C\]: in function 'error'\n/);
  });

  test('syntax errors and error values', async () => {
    const r = await page.evaluate(() => {
      const out = [];
      for (const code of ['return 1 +', 'error({code = 42})', 'function(income, deductions = 0) end']) {
        try {
          lua.eval(code);
        } catch (e) {
          out.push('value' in e ? { message: e.message, value: e.value } : { message: e.message });
        }
      }
      return out;
    });
    assert.deepEqual(r, [
      { message: '[string "return 1 +"]:1: unexpected symbol near <eof>' },
      { message: '(error object is a table value)', value: { code: 42 } },
      { message: `[string "function(income, deductions = 0) end"]:1: <name> expected near '('` },
    ]);
  });

  test('JS functions are callable from Lua and keep their identity', async () => {
    const r = await page.evaluate(() => {
      const seen = [];
      lua.register('jsAdd', (a, b) => a + b);
      lua.global.set('jsLog', (...args) => {
        seen.push(args);
      });
      lua.global.set('id', (x) => x);
      lua.eval('jsLog("x", 1, nil, {1, 2}, {k = "v"})');
      return [lua.eval('return jsAdd(2, 3)'), seen, lua.eval('return id(id) == id'), lua.global.get('id') === lua.global.get('id')];
    });
    assert.deepEqual(r, [5, [['x', 1, null, [1, 2], { k: 'v' }]], true, true]);
  });

  test('a JS exception becomes a Lua error with position', async () => {
    const r = await page.evaluate(() => {
      lua.global.set('fail', () => {
        throw new Error('js failed');
      });
      const caught = lua.eval('local ok, err = pcall(fail) return err');
      let thrown;
      try {
        lua.eval('fail()');
      } catch (e) {
        thrown = e.message;
      }
      return [caught, thrown];
    });
    // As for a C function: called by pcall, there is no Lua caller to blame.
    assert.deepEqual(r, ['js failed', '[string "fail()"]:1: js failed']);
  });

  test('Lua functions are callable from JS, also re-entrantly', async () => {
    const r = await page.evaluate(() => {
      const mul = lua.eval('return function(a, b) return a * b end');
      lua.eval('function greet(name) return "hi " .. name end');
      lua.global.set('twice', (f, x) => f(f(x)));
      const inc = lua.eval('return function(x) return x + 1 end');
      return [mul(6, 7), lua.call('greet', 'Bob'), lua.call('string.format', '%05.1f', 3.14159), lua.eval('return twice(function(x) return x * 3 end, 2)'), lua.global.get('twice')(inc, 1)];
    });
    assert.deepEqual(r, [42, 'hi Bob', '003.1', 18, 3]);
  });

  test('print goes to the console', async () => {
    page.logs.length = 0;
    await page.evaluate(() => lua.eval('print("hello", 1, 2.5, nil) io.write("a", "b", "\\n")'));
    assert.deepEqual(page.logs, ['hello\t1\t2.5\tnil', 'ab']);
  });

  test('values from JS convert to Lua', async () => {
    const r = await page.evaluate(() => {
      lua.global.set('cfg', { list: [1, 2, 3], nested: { x: 'y' }, flag: false, big: 2n ** 60n, bytes: new Uint8Array([104, 105]), when: new Date(0), skip: undefined });
      return lua.eval('return {#cfg.list, cfg.nested.x, cfg.flag, math.type(cfg.big), tostring(cfg.big), cfg.bytes, cfg.when, cfg.skip == nil, math.type(cfg.list[1])}');
    });
    assert.deepEqual(r, [3, 'y', false, 'integer', '1152921504606846976', 'hi', '1970-01-01T00:00:00.000Z', true, 'integer']);
  });

  test('close ends the instance', async () => {
    const r = await page.evaluate(async () => {
      const other = await LuaWASM.init();
      other.eval('x = 1');
      await other.close();
      try {
        other.eval('return x');
      } catch (e) {
        return [other.closed, e.message, lua.eval('return x')];
      }
    });
    assert.deepEqual(r, [true, 'this Lua instance is closed', null]);
  });
});

describe('ESM build', () => {
  test('imports and runs', async () => {
    const page = await openPage(context, `${env.server.url}/fixtures/esm.html`);
    const r = await page.evaluate(async () => {
      if (!window.esm) await new Promise((resolve) => window.addEventListener('esm-ready', resolve, { once: true }));
      const lua = await window.esm.LuaWASM.init();
      let isLuaError = false;
      try {
        lua.eval('error("x")');
      } catch (e) {
        isLuaError = e instanceof window.esm.LuaError;
      }
      return [lua.eval('return _VERSION'), isLuaError];
    });
    assert.deepEqual(r, ['Lua 5.4', true]);
    assert.deepEqual(page.errors, []);
  });
});
