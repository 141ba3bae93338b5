// Shared set-up of the browser tests, for every engine: BROWSER
// (chromium, firefox or webkit; default chromium) picks the driver in
// drivers/, which launches the engine and gives pages one API (drivers/page.mjs:
// evaluate, waitForFunction, goto, reload, close, logs/errors, and a few DOM
// helpers). The test server (server.mjs) serves web/, dist/, js/ (the package
// sources, for tests of internal modules), tests/browser/fixtures/ and pages a
// test writes, and stands in for unpkg.com. A test written against this file
// runs unchanged in the three engines.

import { readFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer as startTestServer } from './server.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The engine under test. */
export const engine = process.env.BROWSER || 'chromium';

const drivers = { chromium: './drivers/chromium.mjs', firefox: './drivers/firefox.mjs', webkit: './drivers/webkit.mjs' };
if (!drivers[engine]) throw new Error(`BROWSER=${engine}: want one of ${Object.keys(drivers).join(', ')}`);
const driver = await import(drivers[engine]);

/**
 * Starts the test server and launches the engine before the calling file's
 * tests, and stops both after them. Returns the file's handle: `server`
 * ({ url, proxy, page(path, html), stop }; it also stands in for unpkg.com)
 * and `browser` (newContext({ viewport }) and close(); a context is an
 * isolated profile, its own storage, with newPage() and close()), both set
 * before the tests run. setUp, if given, runs next, still before the tests
 * (root-level `before` hooks of node:test run concurrently, so a file's own
 * hook could not rely on these).
 */
export function useBrowser(setUp) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startTestServer(root, {
      capture: Boolean(driver.needsCapture),
      mounts: { '/js/': join(root, 'js'), '/fixtures/': join(root, 'tests', 'browser', 'fixtures') },
    });
    env.browser = await driver.launch({ proxy: env.server.proxy });
    await setUp?.();
  });
  after(async () => {
    await env.browser?.close();
    env.server?.stop();
  });
  return env;
}

/** Opens url in a new page of context. */
export async function openPage(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/**
 * Opens the fixture page of the package (fixtures/readme.html) and waits
 * until it is ready. query (e.g. "?indexeddb=denied") goes to the page.
 */
export async function openFixture(context, baseURL, query = '') {
  const page = await openPage(context, `${baseURL}/fixtures/readme.html${query}`);
  await page.waitForFunction(() => window.ready === true);
  return page;
}

/**
 * The README's examples: id -> code, from the blocks that follow an
 * `<!-- example: id -->` line in README.md.
 */
export function readmeExamples() {
  const md = readFileSync(join(root, 'README.md'), 'utf8');
  const examples = {};
  for (const m of md.matchAll(/<!-- example: ([\w-]+) -->\n```\w+\n([\s\S]*?)```/g)) examples[m[1]] = m[2];
  return examples;
}
