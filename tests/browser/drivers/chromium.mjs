// Chromium (Debian's chromium) through playwright-core.

import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { AutomationPage } from './page.mjs';

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage',
];

export function version() {
  // (Debian's wrapper script complains on stderr: not ours to show.)
  return execFileSync(executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().replace(/ built on .*/, '');
}

/** Launches Chromium; https goes through proxy ("host:port"), loopback does not. */
export async function launch({ proxy }) {
  const browser = await chromium.launch({ executablePath, args, proxy: { server: `http://${proxy}`, bypass: '127.0.0.1,localhost' } });
  return {
    async newContext({ viewport } = {}) {
      const context = await browser.newContext({ ignoreHTTPSErrors: true, ...(viewport && { viewport }) });
      return {
        newPage: async () => new ChromiumPage(context, await context.newPage()),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

class ChromiumPage extends AutomationPage {
  constructor(context, page) {
    super(page);
    this.context = context;
  }

  async reload({ waitUntil = 'load' } = {}) {
    await this.page.reload({ waitUntil });
  }

  // DevTools overrides the quota of the page's origin, for as long as the
  // session that set it stays attached; Chromium applies it to storage
  // opened afterwards.
  async setStorageQuota(bytes) {
    this.cdp ||= await this.context.newCDPSession(this.page);
    const origin = new URL(this.page.url()).origin;
    await this.cdp.send('Storage.overrideQuotaForOrigin', bytes === undefined ? { origin } : { origin, quotaSize: bytes });
  }
}
