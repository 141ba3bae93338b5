// Runs the browser test suite once per engine and says which engine failed.
//
//   node tests/browser/run.mjs [chromium] [firefox] [webkit]   (default: all three)
//
// Each engine's run is `node --test` over tests/browser/ with BROWSER set;
// its output lines are prefixed with the engine's name, and a summary
// names each engine's outcome. Extra arguments after `--` go to node --test
// (e.g. -- --test-name-pattern=quota).

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
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...extra, ...files], {
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
  results.push(await runEngine(engine));
}
for (const r of results) process.stdout.write(`browser tests in ${r.engine}: ${r.ok ? 'ok' : `FAILED (${r.how})`} in ${r.seconds} s\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
