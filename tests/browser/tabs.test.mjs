// Several tabs writing to one Memory at once: two and four pages of one
// origin run increments of a shared counter and of their own counters,
// and batches of distinct keys, each followed by flush(), all at the same
// time. Every eval asserts, inside Lua, that the tab sees a consistent
// state (the shared counter equals the sum of the per-tab counters, and
// the per-tab log holds as many entries as the tab's counter says), so a
// torn read fails the eval, and one more tab only reads, checking the
// same all along. At the end every tab converges on the same totals, and
// a fresh tab restores them exactly: no update is lost.
//
// TABS_ROUNDS sets the rounds per tab (default 25).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openFixture, useBrowser } from './harness.mjs';

const rounds = Number(process.env.TABS_ROUNDS) || 25;

const env = useBrowser();

// Check() returns the invariant's violations (an empty list when the state
// is consistent); Bump(id, round) increments the shared and id's counters
// and appends to id's log, checking the state before and after.
const lib = `
  Check = function()
    local problems = {}
    local shared = Memory.shared or 0
    local sum = 0
    for id, n in pairs(Memory.mine or {}) do
      sum = sum + n
      local log = Memory.log and Memory.log[id]
      if not log or #log ~= n then
        problems[#problems + 1] = string.format("tab %s: counter %d, log of %s entries", id, n, log and #log or "no")
      end
    end
    if sum ~= shared then problems[#problems + 1] = string.format("shared %d, per-tab counters add up to %d", shared, sum) end
    return problems
  end
  Bump = function(id, round)
    local before = Check()
    if #before > 0 then error("torn state before the write: " .. table.concat(before, "; ")) end
    Memory.shared = (Memory.shared or 0) + 1
    Memory.mine = Memory.mine or {}
    Memory.mine[id] = (Memory.mine[id] or 0) + 1
    Memory.log = Memory.log or {}
    Memory.log[id] = Memory.log[id] or {}
    table.insert(Memory.log[id], round)
    local after = Check()
    if #after > 0 then error("torn state after the write: " .. table.concat(after, "; ")) end
  end
`;

async function tab(context, dbName) {
  const page = await openFixture(context, env.server.url);
  await page.evaluate(async ({ dbName, lib }) => {
    window.lua = await LuaWASM.init({ dbName });
    window.problems = [];
    window.remote = 0;
    lua.eval(lib);
    lua.on('conflict', (d) => window.problems.push(`conflict event: ${d.message}`));
    lua.on('storageerror', (e) => window.problems.push(`storage error: ${e.code}: ${e.message}`));
    lua.on('remotechange', () => window.remote++);
  }, { dbName, lib });
  return page;
}

// work runs the rounds of tab id: an eval bump (sometimes two before the
// flush) or a batch of distinct keys, with a consistency check in between.
function work(page, id) {
  return page.evaluate(async ({ id, rounds }) => {
    const fail = (what, e) => window.problems.push(`${what}: ${e && e.message ? e.message : JSON.stringify(e)}`);
    const check = () => {
      const p = lua.eval('return Check()');
      if (Array.isArray(p) && p.length > 0) window.problems.push(`torn read: ${p.join('; ')}`);
    };
    let batches = 0;
    for (let r = 1; r <= rounds; r++) {
      try {
        lua.eval(`Bump(${JSON.stringify(id)}, ${r})`);
        if (r % 4 === 0) {
          await lua.batchTableOperations([
            { type: 'set', table: 'keys', key: `${id}-${r}-a`, value: { id, r } },
            { type: 'set', table: 'keys', key: `${id}-${r}-b`, value: r },
          ]);
          batches++;
        }
        if (r % 3 !== 0) await lua.flush(); // else the next bump's batch merges with this one
        check();
      } catch (e) {
        fail(`round ${r}`, e);
      }
      // Yield so that other tabs' broadcasts arrive between rounds.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    }
    try {
      await lua.flush();
    } catch (e) {
      fail('final flush', e);
    }
    return batches;
  }, { id, rounds });
}

// totals returns what a tab sees: the counters and the number of keys.
function totals(page) {
  return page.evaluate(() => lua.eval(`
    local mine, keys = {}, 0
    for id, n in pairs(Memory.mine or {}) do mine[id] = n end
    for _ in pairs(Memory.keys or {}) do keys = keys + 1 end
    return {shared = Memory.shared or 0, mine = mine, keys = keys, problems = Check()}`));
}

for (const n of [2, 4]) {
  test(`${n} tabs writing at once lose no update and never see a torn state`, async (t) => {
    const context = await env.browser.newContext();
    const dbName = `tabs-${n}`;
    const pages = [];
    for (let i = 0; i < n; i++) pages.push(await tab(context, dbName));
    const ids = pages.map((_, i) => `t${i}`);
    // One more tab only reads, all along, and must follow.
    const reader = await tab(context, dbName);
    await reader.evaluate(() => {
      window.reads = 0;
      window.watch = setInterval(() => {
        const p = lua.eval('return Check()');
        if (Array.isArray(p) && p.length > 0) window.problems.push(`torn read: ${p.join('; ')}`);
        window.reads++;
      }, 2);
    });
    const batches = await Promise.all(pages.map((p, i) => work(p, ids[i])));
    for (const page of pages) assert.deepEqual(await page.evaluate(() => window.problems), []);

    const want = {
      shared: n * rounds,
      mine: Object.fromEntries(ids.map((id) => [id, rounds])),
      keys: 2 * batches.reduce((a, b) => a + b, 0),
      problems: {}, // an empty Lua list arrives as {}
    };
    assert.equal(want.keys, 2 * n * Math.floor(rounds / 4));
    // Every tab catches up with the others' last commits.
    for (const page of [...pages, reader]) {
      await page.waitForFunction((shared) => lua.eval('return Memory.shared') === shared, want.shared, { timeout: 10000 }).catch(() => {});
      assert.deepEqual(await totals(page), want);
    }
    const reads = await reader.evaluate(() => {
      clearInterval(window.watch);
      return window.reads;
    });
    const remote = [];
    for (const page of [...pages, reader]) {
      assert.deepEqual(await page.evaluate(() => window.problems), []);
      remote.push(await page.evaluate(() => window.remote));
      await page.evaluate(() => lua.close());
      await page.close();
    }
    const fresh = await tab(context, dbName);
    assert.deepEqual(await totals(fresh), want);
    t.diagnostic(`${n} tabs x ${rounds} rounds: ${want.shared} increments of one shared counter, ${want.keys} distinct keys, ` +
      `all restored; remote changes applied per tab: ${remote.join(', ')} (the last one a reader that checked ${reads} times)`);
    await context.close();
  });
}
