// Shared set-up of the browser tests: a headless Chromium (Debian's, driven
// by playwright-core) and the project's static server (cmd/serve) serving
// web/, dist/, js/ (the package sources, for tests of internal modules) and
// tests/browser/fixtures/.

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage',
];

/** Starts the static server on a free port; resolves to { url, stop }. */
export async function startServer() {
  const bin = join(root, 'bin', 'serve');
  if (!existsSync(bin)) execFileSync('go', ['build', '-o', bin, './cmd/serve'], { cwd: root, stdio: 'inherit' });
  const proc = spawn(bin, [
    '-addr', '127.0.0.1:0',
    '-web', join(root, 'web'),
    '-dist', join(root, 'dist'),
    '-mount', `/js/=${join(root, 'js')}`,
    '-mount', `/fixtures/=${join(root, 'tests', 'browser', 'fixtures')}`,
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on (http:\/\/\S+)/);
      if (m) resolve(m[1].replace(/\/$/, ''));
    });
    proc.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { url, stop: () => proc.kill() };
}

/** Launches Chromium; resolves to the browser. */
export function launch() {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/**
 * Opens url in a new page of context and collects its console output and
 * page errors (page.logs, page.errors).
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  page.logs = [];
  page.errors = [];
  page.on('console', (m) => page.logs.push(m.text()));
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(url);
  return page;
}

/** Opens the fixture page of the package (fixtures/readme.html) and waits until it is ready. */
export async function openFixture(context, baseURL) {
  const page = await openPage(context, `${baseURL}/fixtures/readme.html`);
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

/**
 * Serves dist/ at the package's unpkg address in context, as the CDN
 * would (cross-origin, so with CORS), for the README's script-tag page.
 */
export async function routeUnpkg(context) {
  const types = { js: 'text/javascript', wasm: 'application/wasm', json: 'application/json' };
  await context.route('https://unpkg.com/lua-wasm-external-storage@2.0.0/dist/**', (route) => {
    const file = new URL(route.request().url()).pathname.split('/').pop();
    const path = join(root, 'dist', file);
    if (!existsSync(path)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({
      body: readFileSync(path),
      contentType: types[file.split('.').pop()] || 'application/octet-stream',
      headers: { 'Access-Control-Allow-Origin': '*' },
    });
  });
}
