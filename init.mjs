import { spawn } from 'node:child_process';
import { chromium } from '/work/main/node_modules/playwright-core/index.mjs';
const dist = process.argv[2] || '/work/main/dist';
const n = +(process.argv[3] || 7);
const proc = spawn('/tmp/prof/serve', ['-addr', '127.0.0.1:0', '-web', '/work/main/web', '-dist', dist, '-mount', '/fixtures/=/tmp/prof/fixtures'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((res) => { let o = ''; proc.stdout.on('data', (d) => { o += d; const m = o.match(/serving on (http:\/\/\S+)/); if (m) res(m[1].replace(/\/$/, '')); }); });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'] });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const rows = {};
  for (const hash of ['', '#mem']) {
    const cold = [], warm = [];
    for (let r = 0; r < n; r++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(`${url}/fixtures/init.html${hash}`);
      await page.waitForFunction(() => window.result);
      const first = await page.evaluate(() => window.result);
      cold.push(first.total);
      if (r === 0) console.log('cold', hash, JSON.stringify(first.marks));
      for (let i = 0; i < 3; i++) {
        await page.reload();
        await page.waitForFunction(() => window.result);
        const x = await page.evaluate(() => window.result);
        warm.push(x.total);
        if (r === 0 && i === 2) console.log('warm', hash, JSON.stringify(x.marks));
      }
      await ctx.close();
    }
    console.log(`${hash || 'idb'}: cold median ${median(cold).toFixed(1)} [${cold.map((x) => x.toFixed(0))}], warm median ${median(warm).toFixed(1)} [${warm.map((x) => x.toFixed(0))}]`);
  }
} finally { await browser.close(); proc.kill(); }
