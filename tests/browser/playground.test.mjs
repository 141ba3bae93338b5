// The playground renders, runs Lua and the README's JavaScript examples,
// and keeps the editor's code across reloads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from './harness.mjs';

let context;
let page;
const env = useBrowser(async () => {
  context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await openPage(context, `${env.server.url}/`);
  await page.waitForSelector('#run:not([disabled])');
});

test('shows the engine status and the editor', async () => {
  assert.match(await page.textContent('#status'), /Lua 5\.4 ready in \d+ ms/);
  assert.ok((await page.inputValue('#code')).length > 0);
  assert.match(await page.textContent('#gutter'), /^1\n2\n/);
  assert.deepEqual(page.errors, []);
});

test('runs a Lua example with Ctrl+Enter', async () => {
  await page.selectOption('#examples', 'hello');
  await page.click('#code');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('#output .result');
  const out = await page.textContent('#output');
  assert.match(out, /Hello from Lua 5\.4/);
  assert.match(out, /1 4 9 16 25 36 49 64 81 100/);
  assert.match(await page.textContent('#output .result'), /greeting: "Hello from Lua 5\.4"/);
});

test('shows Lua errors with their traceback', async () => {
  await page.click('.lang button[data-lang="lua"]');
  await page.fill('#code', 'local t = nil\nprint(t.x)');
  await page.click('#run');
  await page.waitForSelector('#output .error');
  assert.equal(await page.textContent('#output .error'), `LuaError: [string "local t = nil..."]:2: attempt to index a nil value (local 't')`);
  assert.match(await page.textContent('#output .traceback'), /^stack traceback:/);
});

test('runs a JavaScript example against the page instance', async () => {
  await page.click('#clear');
  await page.selectOption('#examples', 'js-interop');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#output').textContent.includes('fib(20) = 6765'));
  const out = await page.textContent('#output');
  assert.match(out, /HELLO AT \d{4}-/);
  assert.match(out, /LuaError \(error object is a table value\) \{ code: 42 \}/);
});

test('Tab indents and the code survives a reload', async () => {
  await page.click('.lang button[data-lang="lua"]');
  await page.fill('#code', 'local x = 1');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await page.keyboard.type('return x');
  assert.equal(await page.inputValue('#code'), 'local x = 1\n    return x');
  await page.reload();
  await page.waitForSelector('#run:not([disabled])');
  assert.equal(await page.inputValue('#code'), 'local x = 1\n    return x');
});

test('persists with the Quick Start example, across a reload, and shows Memory', async () => {
  await page.click('#clear');
  await page.selectOption('#examples', 'quick-start');
  await page.click('#run');
  await page.waitForFunction(() => /Fibonacci\(10\): 55/.test(document.querySelector('#output').textContent));
  await page.reload();
  await page.waitForSelector('#run:not([disabled])');
  assert.match(await page.textContent('#status'), /saved in IndexedDB/);
  assert.match(await page.textContent('#tree'), /fibonacci/);
  await page.click('.lang button[data-lang="lua"]');
  await page.fill('#code', 'return Memory.fibonacci(12)');
  await page.click('#run');
  await page.waitForSelector('#output .result');
  assert.equal(await page.textContent('#output .result:last-of-type'), '144');
});

test('the query panel shows the records, their keys and the plan', async () => {
  await page.click('#clear');
  await page.selectOption('#examples', 'batch');
  await page.click('#run');
  await page.waitForFunction(() => /appUsers/.test(document.querySelector('#tree').textContent), null, { timeout: 30000 });
  await page.evaluate(() => lua.createIndex('Memory', 'appUsers.score', 'btree'));
  await page.click('[role="tab"][data-tab="query"]');
  await page.fill('#query-form [name="table"]', 'appUsers');
  await page.fill('#query-form [name="field"]', 'score');
  await page.selectOption('#query-form [name="operator"]', '>=');
  await page.fill('#query-form [name="value"]', '900');
  await page.fill('#query-form [name="limit"]', '5');
  await page.selectOption('#query-form [name="sort"]', 'desc');
  await page.click('#query-form [type="submit"]');
  await page.waitForSelector('#query-result table, #query-result .error');
  assert.equal(await page.$('#query-result .error'), null, await page.textContent('#query-result'));
  const headers = await page.$$eval('#query-result th', (ths) => ths.map((th) => th.textContent));
  assert.equal(headers[0], 'key');
  assert.ok(headers.includes('score'));
  const keys = await page.$$eval('#query-result tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
  assert.ok(keys.length > 0 && keys.length <= 5);
  for (const k of keys) assert.match(k, /^user_\d+$/);
  assert.match(await page.textContent('#query-result .explain'), /btree/);
  await page.screenshot({ path: `${process.env.SCREENSHOT_DIR || '/tmp'}/playground-query.png` });
});
