// Firefox (Debian's firefox-esr) through puppeteer-core over WebDriver BiDi.

import { execFileSync } from 'node:child_process';
import puppeteer from 'puppeteer-core';
import { AutomationPage } from './page.mjs';

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
    // The benchmark page evaluates for minutes.
    protocolTimeout: 30 * 60 * 1000,
    extraPrefsFirefox: {
      'network.proxy.type': 1,
      'network.proxy.ssl': host,
      'network.proxy.ssl_port': Number(port),
      'network.proxy.no_proxies_on': '127.0.0.1, localhost',
      // A small storage limit (in KiB), so that setStorageQuota fills it quickly.
      'dom.quotaManager.temporaryStorage.fixedLimit': 50 * 1024,
      // Timers of background tabs at full speed, as Playwright runs Chromium
      // (--disable-background-timer-throttling): tests drive several tabs at once.
      'dom.min_background_timeout_value': 4,
      'dom.timeout.enable_budget_timer_throttling': false,
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

class FirefoxPage extends AutomationPage {
  async reload({ waitUntil = 'load' } = {}) {
    if (waitUntil === 'commit') await this.reloadUntilCommit();
    else await this.page.reload();
  }

  // Firefox has no quota override: the profile's storage is limited at
  // launch (above), and this fills the origin's share of it with a database
  // of its own until a write fails, then frees about bytes of it; undefined
  // deletes the database. Filling is real usage: Firefox's own accounting
  // decides, as it would for a user's full disk.
  async setStorageQuota(bytes) {
    await this.page.evaluate(fillStorage, bytes ?? null);
  }
}

/**
 * Runs in the page: fills the origin's storage but bytes (about: Firefox
 * counts whole database files), or, with null, empties it again. Databases
 * are the unit: deleting one frees its files, while deleting records
 * does not shrink them.
 */
async function fillStorage(bytes) {
  const names = ['__filler-large', '__filler-reserve', '__filler-small'];
  const request = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  for (const name of names) await request(indexedDB.deleteDatabase(name));
  if (bytes === null) return;
  // Writes records of size into database name until one does not fit or
  // count are written.
  const fill = async (name, size, count = Infinity) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('fill', { autoIncrement: true });
    const db = await request(open);
    for (let n = 0; n < count; n++) {
      // Random bytes: IndexedDB compresses values.
      const v = new Uint8Array(size);
      for (let i = 0; i < size; i += 65536) crypto.getRandomValues(v.subarray(i, Math.min(size, i + 65536)));
      const ok = await new Promise((resolve, reject) => {
        const tx = db.transaction('fill', 'readwrite');
        tx.objectStore('fill').put(v);
        tx.oncomplete = () => resolve(true);
        tx.onabort = () => (tx.error && tx.error.name !== 'QuotaExceededError' ? reject(tx.error) : resolve(false));
      });
      if (!ok) break;
    }
    db.close();
  };
  await fill(names[0], 1 << 20);
  await fill(names[1], bytes, 1);
  // Not finer: within ~64 KiB of its limit Firefox may fail to delete
  // (SQLite's journal needs room too).
  await fill(names[2], 1 << 16);
  // Firefox settles a closed database's journal in the background, which
  // takes space: let it, then free the reserve.
  await new Promise((r) => setTimeout(r, 1000));
  await request(indexedDB.deleteDatabase(names[1]));
}
