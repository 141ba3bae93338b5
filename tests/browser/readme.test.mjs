// The README's examples (section "Examples"), run verbatim in each engine:
// the CDN page as written (the test server stands in for unpkg.com), the npm module through an
// import map, and the rest with `lua` bound to an instance of the page,
// reloading the page where the README says "after page reload".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openFixture, openPage, readmeExamples, useBrowser } from './harness.mjs';

const env = useBrowser();
const examples = readmeExamples();

/** Opens the fixture page with a fresh instance as window.lua. */
async function fixtureWithLua(context) {
  const page = await openFixture(context, env.server.url);
  await page.evaluate(async () => {
    window.lua = await LuaWASM.init();
  });
  return page;
}

/** Runs a README example in page; resolves to what it printed, or its error. */
async function run(page, id) {
  assert.ok(examples[id], `README.md has no example '${id}'`);
  return page.evaluate(async (code) => {
    window.logs = [];
    try {
      await window.runExample(code);
      return { logs: window.logs };
    } catch (e) {
      return { logs: window.logs, error: { name: e.name, message: e.message } };
    }
  }, examples[id]);
}

function ok(r) {
  assert.equal(r.error, undefined, r.error && `${r.error.name}: ${r.error.message}`);
  return r.logs;
}

test('README lists the examples the tests run', () => {
  assert.deepEqual(Object.keys(examples), [
    'cdn', 'npm', 'persist-seed', 'persist', 'after-reload', 'batch', 'query',
    'analytics', 'analysis-seed', 'analysis', 'security', 'schema-audit', 'bench',
  ]);
});

test('Quick Start: the CDN page as written, and fibonacci after a reload', async () => {
  const context = await env.browser.newContext();
  env.server.page('/quickstart.html', examples.cdn);
  const page = await openPage(context, `${env.server.url}/quickstart.html`);
  await page.waitForFunction(() => window.LuaWASM !== undefined);
  const logged = () => page.logs.filter((l) => l.startsWith('Result:') || l.startsWith('Fibonacci'));
  await page.until(() => logged().length === 2);
  assert.deepEqual(logged(), ['Result: 4', 'Fibonacci(10): 55']);
  assert.deepEqual(page.errors, []);

  // A new session of the same origin finds the function without persisting it.
  await page.close();
  const later = await fixtureWithLua(context);
  assert.equal(await later.evaluate(() => lua.eval('return Memory.fibonacci(10)')), 55);
  assert.equal(await later.evaluate(() => lua.eval('return Memory.fibonacci(20)')), 6765);
  await context.close();
});

test('npm: the module example through an import map', async () => {
  const context = await env.browser.newContext();
  const page = await openFixture(context, env.server.url);
  const done = page.waitForFunction(() => window.npmDone === true);
  await page.addScriptTag({ type: 'module', content: `${examples.npm}\nwindow.lua = lua;\nwindow.npmDone = true;\n` });
  await done;
  const logs = await page.evaluate(() => window.logs);
  assert.deepEqual(logs[0], ['Hello from enhanced Lua!']);
  assert.deepEqual(logs[1], ['Batch results:', [{ type: 'set', key: 'user1', found: false }, { type: 'set', key: 'user2', found: false }]]);
  assert.deepEqual(await page.evaluate(() => lua.eval('return Memory.users')), { user1: { name: 'Alice', age: 30 }, user2: { name: 'Bob', age: 25 } });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('function persistence: the seed code fails clearly, the corrected code survives a reload', async () => {
  const context = await env.browser.newContext();
  let page = await fixtureWithLua(context);
  const seed = await run(page, 'persist-seed');
  assert.deepEqual(seed.error, { name: 'LuaError', message: `[string "..."]:2: ')' expected near '='` });
  ok(await run(page, 'persist'));
  await page.reload();
  page = await fixtureAgain(page);
  assert.deepEqual(ok(await run(page, 'after-reload')), [[{ tax: 15000, count1: 101, count2: 102 }]]);
  await context.close();
});

test('batch operations, queries and analytics, restored after a reload', async () => {
  const context = await env.browser.newContext();
  let page = await fixtureWithLua(context);
  ok(await run(page, 'batch'));
  assert.deepEqual(await page.evaluate(() => lua.eval(`
    local n, bumped = 0, 0
    for k, u in pairs(Memory.appUsers) do
      n = n + 1
      if u.id < 100 and u.score >= 100 then bumped = bumped + 1 end
    end
    return {n, bumped}`)), [1000, 100]);

  const logs = ok(await run(page, 'query'));
  const [label, top] = logs[0];
  assert.equal(label, 'Top 10 high scorers:');
  assert.ok(top.length > 0 && top.length <= 10);
  for (let i = 0; i < top.length; i++) {
    assert.ok(top[i].score >= 800);
    if (i > 0) assert.ok(top[i - 1].score >= top[i].score, 'sorted by score, descending');
  }

  ok(await run(page, 'analytics'));
  const seed = await run(page, 'analysis-seed');
  assert.deepEqual(seed.error, { name: 'LuaError', message: `[string "..."]:10: attempt to call a nil value (global 'unpack')` });
  const [[title, analysis]] = ok(await run(page, 'analysis'));
  assert.equal(title, 'Score analysis:');
  assert.ok(analysis.min >= 100 && analysis.max <= 1000);
  assert.ok(analysis.min <= analysis.median && analysis.median <= analysis.max);
  assert.ok(analysis.min <= analysis.average && analysis.average <= analysis.max);

  await page.reload();
  page = await fixtureAgain(page);
  const again = await page.evaluate(async () => {
    const top = await lua.queryTable('Memory', { table: 'appUsers', field: 'score', operator: '>=', value: 800, limit: 10, sort: 'desc' });
    const plan = await lua.explainQuery('Memory', { table: 'appUsers', field: 'score', operator: '>=', value: 800, limit: 10, sort: 'desc' });
    return { ids: top.map((u) => u.id), plan: plan.plan, median: lua.eval('return Memory.analytics.median({5, 1, 3})') };
  });
  assert.deepEqual(again.ids, top.map((u) => u.id));
  assert.match(again.plan, /btree/);
  assert.equal(again.median, 3);
  await context.close();
});

test('validation, schemas and the audit log', async () => {
  const context = await env.browser.newContext();
  const page = await fixtureWithLua(context);
  ok(await run(page, 'security'));
  const logs = ok(await run(page, 'schema-audit'));
  assert.deepEqual(logs[0], ['BatchError', 0, "batch operation 1 (set Memory.users.user3): schema of 'users': Memory.users.user3.age must be at most 150 (got 200)"]);
  const [[log]] = logs.slice(1);
  assert.equal(log.length, 1);
  assert.equal(log[0].operation, 'set');
  assert.equal(log[0].collection, 'users');
  assert.equal(log[0].key, 'user3');
  assert.match(log[0].outcome, /must be at most 150/);
  assert.match(log[0].time, /^\d{4}-\d\d-\d\dT/);
  // The email pattern came from a JS RegExp.
  const bad = await page.evaluate(() => lua.batchTableOperations([{ type: 'set', table: 'users', key: 'u', value: { name: 'X', email: 'no-at-sign' } }]).catch((e) => e.message));
  assert.match(bad, /email must match the pattern/);
  await context.close();
});

test('the performance example runs', async () => {
  const context = await env.browser.newContext();
  const page = await fixtureWithLua(context);
  ok(await run(page, 'bench'));
  assert.equal(await page.evaluate(() => lua.eval('local n = 0 for _ in pairs(Memory.bench) do n = n + 1 end return n')), 1000);
  assert.equal(await page.evaluate(() => lua.eval('return Memory.testFunc(21)')), 42);
  await context.close();
});

/** After a reload: waits for the fixture and starts a new instance. */
async function fixtureAgain(page) {
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(async () => {
    window.lua = await LuaWASM.init();
  });
  return page;
}

