// Runs the browser test suite once per engine and says which engine failed.
//
//   node tests/browser/run.mjs [chromium] [firefox] [webkit]   (default: all three)
//
// Each engine's run is `node --test` over tests/browser/ with BROWSER set;
// its output lines are prefixed with the engine's name, and a summary
// names each engine's outcome. Extra arguments after `--` go to node --test
// (e.g. -- --test-name-pattern=quota).
//
// A test that runs longer than BROWSER_TEST_TIMEOUT ms (default 240000) fails
// instead of hanging the run. An engine whose run fails is run once more,
// and the summary says so ("flaky"): on 2 busy cores a browser driver
// sometimes stops answering (WebKitWebDriver once left an evaluate pending
// for minutes), and one such hiccup should not hide the other engines'
// results; a failure that repeats fails the run.

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const dash = process.argv.indexOf('--');
const names = dash < 0 ? process.argv.slice(2) : process.argv.slice(2, dash);
const extra = dash < 0 ? [] : process.argv.slice(dash + 1);
const engines = names.length ? names : ['chromium', 'firefox', 'webkit'];

function runEngine(engine) {
  return new Promise((resolve) => {
    const started = Date.now();
    const files = extra.some((a) => !a.startsWith('-')) ? [] : [dir];
    const timeout = `--test-timeout=${process.env.BROWSER_TEST_TIMEOUT || 240000}`;
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', timeout, ...extra, ...files], {
      env: { ...process.env, BROWSER: engine },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = (stream, out) => {
      let rest = '';
      stream.on('data', (d) => {
        const lines = (rest + d).split('\n');
        rest = lines.pop();
        for (const l of lines) out.write(`[${engine}] ${l}\n`);
      });
      stream.on('end', () => rest && out.write(`[${engine}] ${rest}\n`));
    };
    prefix(child.stdout, process.stdout);
    prefix(child.stderr, process.stderr);
    child.on('exit', (code, signal) => resolve({ engine, ok: code === 0, how: signal || `exit ${code}`, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

const results = [];
for (const engine of engines) {
  let version;
  try {
    version = (await import(`./drivers/${engine}.mjs`)).version();
  } catch (e) {
    version = `(no version: ${e.message.split('\n')[0]})`;
  }
  process.stdout.write(`[${engine}] ${version}\n`);
  let result = await runEngine(engine);
  if (!result.ok) {
    process.stdout.write(`[${engine}] failed (${result.how}); running it once more\n`);
    const again = await runEngine(engine);
    again.flaky = again.ok && result.how;
    result = again;
  }
  results.push(result);
}
for (const r of results) {
  const outcome = r.ok ? (r.flaky ? `ok on the second run (flaky: the first failed, ${r.flaky})` : 'ok') : `FAILED twice (${r.how})`;
  process.stdout.write(`browser tests in ${r.engine}: ${outcome} in ${r.seconds} s\n`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
