// Firefox (Debian's firefox-esr) through puppeteer-core over WebDriver BiDi.

import { execFileSync } from 'node:child_process';
import puppeteer from 'puppeteer-core';
import { Page, parseKeys } from './page.mjs';

const executablePath = process.env.FIREFOX || '/usr/bin/firefox-esr';

export function version() {
  return execFileSync(executablePath, ['--version'], { encoding: 'utf8' }).trim();
}

/** Launches Firefox; https goes through proxy ("host:port"), loopback does not. */
export async function launch({ proxy }) {
  const [host, port] = proxy.split(':');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    acceptInsecureCerts: true,
    extraPrefsFirefox: {
      'network.proxy.type': 1,
      'network.proxy.ssl': host,
      'network.proxy.ssl_port': Number(port),
      'network.proxy.no_proxies_on': '127.0.0.1, localhost',
    },
  });
  return {
    async newContext({ viewport } = {}) {
      const context = await browser.createBrowserContext();
      return {
        async newPage() {
          const page = await context.newPage();
          if (viewport) await page.setViewport(viewport);
          return new FirefoxPage(page);
        },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

class FirefoxPage extends Page {
  constructor(page) {
    super();
    this.page = page;
    page.on('console', (m) => this.consoleMessage(m.text()));
    page.on('pageerror', (e) => this.pageError(e.message));
  }

  run(source) {
    return this.page.evaluate(source);
  }

  async goto(url) {
    await this.page.goto(url);
  }

  async reload({ waitUntil = 'load' } = {}) {
    // Puppeteer waits at least for the new document to start loading.
    if (waitUntil === 'commit') await this.page.evaluate(() => location.reload());
    else await this.page.reload();
  }

  close() {
    return this.page.close();
  }

  click(selector) {
    return this.page.click(selector);
  }

  async press(keys) {
    const { modifiers, key } = parseKeys(keys);
    for (const m of modifiers) await this.page.keyboard.down(m);
    await this.page.keyboard.press(key);
    for (const m of modifiers.reverse()) await this.page.keyboard.up(m);
  }

  type(text) {
    return this.page.keyboard.type(text);
  }

  async screenshot({ path }) {
    await this.page.screenshot({ path });
  }

  async setStorageQuota() {
    throw new Error('firefox: setStorageQuota is not implemented');
  }
}
