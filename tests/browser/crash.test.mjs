// Pages killed mid-commit: a page that commits in a loop (fixtures/
// crash.html: lua.eval writing Memory, then flush) is reloaded or closed at
// random moments, many times. After each, the page that opens the database
// next restores Memory and checks it: it must be one committed state
// exactly (the counter, the entries, their sum and hash and a copy of the
// counter agree: no torn commit), no record may be reported damaged, and
// it must hold at least every commit the killed page saw flush() confirm.
// (Firefox resolves the Web Lock requests of a page being unloaded without
// granting them: a commit that took that for done had flush() confirm two
// commits that were never written, the page's last batch. idb.js fails such
// a commit; see issue 7.)
//
// A killed page that still ran would be a second tab, not a crash: so
// each page waits, before it reads anything, for the Web Lock its
// predecessor holds for life (the browser releases it when the document
// is destroyed); the number of pages that had to wait is reported. A
// failure says when the missing commit was acknowledged, which log
// version it and the restored store ended at (IndexedDB losing the
// commit, or Memory not showing a commit the log holds), and what the
// last pages restored, acknowledged and failed with.
//
// BROWSER_CRASH_ITERATIONS sets the number of kills (default 30; the long mode is
// e.g. BROWSER_CRASH_ITERATIONS=1000). BROWSER_CRASH_SEED repeats a schedule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from './harness.mjs';

const iterations = Number(process.env.BROWSER_CRASH_ITERATIONS) || 30;
const seed = Number(process.env.BROWSER_CRASH_SEED) || Date.now() % 100000;

const env = useBrowser();

// A small seeded generator (mulberry32), so a failing schedule can be rerun.
function random(s) {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows the console of the crash page: the highest commit each load of
 * it (its life) reported durable.
 */
function follow(page, durable) {
  page.on('console', (m) => {
    const d = /^durable (\w+) (\d+) (\d+)$/.exec(m.text());
    if (d && Number(d[2]) > (durable.get(d[1])?.k || 0)) durable.set(d[1], { k: Number(d[2]), at: Number(d[3]) });
  });
}

/**
 * The highest commit reported durable by the loads other than life (all
 * dead), and when (the page's clock).
 */
function durableBefore(durable, life) {
  let max = { k: 0, at: 0 };
  for (const [l, d] of durable) if (l !== life && d.k > max.k) max = d;
  return max;
}

async function checkedState(page) {
  await page.waitForFunction(() => window.checked || window.failed, null, { timeout: 30000 });
  const { checked, failed } = await page.evaluate(() => ({ checked: window.checked, failed: window.failed }));
  assert.equal(failed, undefined, `the page failed to restore Memory: ${failed}`);
  return checked;
}

test(`a page reloaded or closed mid-commit ${iterations} times keeps every durable commit and no torn state`, async (t) => {
  const rand = random(seed);
  t.diagnostic(`seed ${seed} (BROWSER_CRASH_SEED reruns this schedule)`);
  const context = await env.browser.newContext();
  const url = `${env.server.url}/fixtures/crash.html?db=crash-${seed}`;
  const durable = new Map(); // life -> highest commit acknowledged
  const counts = { reload: 0, close: 0, early: 0, checks: 0, aheadOfAck: 0, waited: 0 };
  let page = await openPage(context, url);
  follow(page, durable);
  let last = 0;
  for (let i = 0; i < iterations; i++) {
    const state = await checkedState(page);
    counts.checks++;
    if (state.waited) counts.waited++;
    const before = durableBefore(durable, state.life);
    const acked = Math.max(state.acked, before.k);
    assert.deepEqual(state.problems, [], `torn state after kill ${i} (seed ${seed})`);
    assert.deepEqual(state.warnings, [], `damaged records after kill ${i} (seed ${seed})`);
    if (state.n < acked) {
      const history = await page.evaluate(() => window.pageHistory());
      assert.fail(`kill ${i} (seed ${seed}): commit ${acked} was reported durable but the store holds only ${state.n} ` +
        `(acknowledged ${before.at - state.restoredAt} ms after this page restored; localStorage said ${state.acked}; ` +
        `the log ended at version ${state.version}, after the last acknowledged commit at ${state.ackedVersion}); ` +
        `the pages' history:\n${history.join('\n')}`);
    }
    assert.ok(state.n >= last, `kill ${i} (seed ${seed}): the store went back from ${last} to ${state.n}`);
    if (state.n > acked) counts.aheadOfAck++; // killed between a commit's completion and its acknowledgement
    last = state.n;

    // Let the page commit for a while (or kill it still restoring), then kill it.
    const r = rand();
    if (r < 0.15) {
      counts.early++;
      await page.reload({ waitUntil: 'commit' }).catch(() => {});
      await sleep(rand() * 40);
    } else {
      await sleep(rand() * 150);
    }
    let reloaded = false;
    if (rand() < 0.75) {
      counts.reload++;
      // A reload right after another can find the page between two
      // documents: closing it kills it as well.
      reloaded = await page.reload().then(() => true, () => false);
    } else {
      counts.close++;
    }
    if (!reloaded) {
      await page.close();
      page = await openPage(context, url);
      follow(page, durable);
    }
  }
  const final = await checkedState(page);
  assert.deepEqual(final.problems, []);
  const acked = Math.max(final.acked, durableBefore(durable, final.life).k);
  assert.ok(final.n >= acked);
  t.diagnostic(`${iterations} kills (${counts.reload} reloads, ${counts.close} closes; ${counts.early} of them while restoring), ` +
    `${counts.checks + 1} checks, ${final.n} commits in the store, last acknowledged ${acked}, ` +
    `${counts.aheadOfAck} kills between a commit and its acknowledgement, ${counts.waited} pages waited for the killed one to go`);
  assert.ok(final.n >= iterations, `the pages committed only ${final.n} times in ${iterations} runs`);
  await context.close();
});
