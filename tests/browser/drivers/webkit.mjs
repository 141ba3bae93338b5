// WebKit (WebKitGTK) through WebKitWebDriver and selenium-webdriver, under a
// private Xvfb display when there is none.
//
// The browser is webkit-shell.py (next to this file), not MiniBrowser:
// MiniBrowser's automation sessions keep storage in memory, where WebKit
// enforces no quota, and it cannot set one. The shell gives each context a
// data directory of its own (removed with the context) and limits an
// origin's share of it, as a user's browser does.
//
// Classic WebDriver has no browser contexts and one session per driver
// process, so each context is its own WebKitWebDriver and shell (contexts
// share nothing), and each page is a window of that session (windows share
// the origin's storage, as tabs do). A session runs one command at a time:
// page commands go through one queue per context, and evaluate starts the
// script then polls for its result, so scripts in two windows run
// concurrently, as they do in two tabs. The console is read through the
// capture script the test server injects.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Builder, By, Key } from 'selenium-webdriver';
import { Page, parseKeys } from './page.mjs';

const shell = join(dirname(fileURLToPath(import.meta.url)), 'webkit-shell.py');

/**
 * What an origin may store in a context: room for every test's data, small
 * enough that setStorageQuota fills it in about a second.
 */
const originQuota = 20 << 20;

export function version() {
  const out = execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'libwebkit2gtk-4.1-0'], { encoding: 'utf8' });
  return `WebKitGTK ${out.trim()} (webkit-shell.py)`;
}

/** The server must inject its console capture script into pages. */
export const needsCapture = true;

/** Starts Xvfb on a free display; resolves to { display, stop }. */
function xvfb() {
  return new Promise((resolve, reject) => {
    const proc = track(spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] }));
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    let out = '';
    proc.stdio[3].on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ display: `:${out.trim()}`, stop: () => proc.kill() });
    });
  });
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startDriver(env) {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    // Its own process group, so that ending it ends its browser too.
    const proc = track(spawn('WebKitWebDriver', [`--port=${port}`], { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true }));
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    const up = await new Promise((resolve) => {
      const tryConnect = (n) => {
        const sock = net.connect(port, '127.0.0.1', () => {
          sock.end();
          resolve(true);
        });
        sock.on('error', () => (n > 0 && proc.exitCode === null ? setTimeout(() => tryConnect(n - 1), 50) : resolve(false)));
      };
      tryConnect(100);
    });
    if (up) return { url: `http://127.0.0.1:${port}`, stop: () => killGroup(proc) };
    killGroup(proc);
    if (attempt >= 3) throw new Error(`WebKitWebDriver did not start: ${stderr}`);
  }
}

/** Launches WebKit contexts; https goes through proxy ("host:port"), loopback does not. */
export async function launch({ proxy }) {
  const x = process.env.DISPLAY ? null : await xvfb();
  const env = x ? { ...process.env, DISPLAY: x.display } : process.env;
  const contexts = new Set();
  const dataDir = mkdtempSync(join(tmpdir(), 'luawasm-webkit-'));
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  process.on('exit', removeData);
  let contextCount = 0;
  return {
    async newContext({ viewport } = {}) {
      const ctx = await newContext(env, proxy, viewport, join(dataDir, `context-${++contextCount}`));
      contexts.add(ctx);
      const close = ctx.close;
      ctx.close = async () => {
        contexts.delete(ctx);
        await close();
      };
      return ctx;
    },
    async close() {
      await Promise.all([...contexts].map((c) => c.close()));
      x?.stop();
      removeData();
    },
  };
}

async function newContext(env, proxy, viewport, dataDir) {
  const server = await startDriver(env);
  let driver;
  try {
    driver = await new Builder().usingServer(server.url).withCapabilities({
      browserName: 'webkit-shell',
      'webkitgtk:browserOptions': {
        binary: shell,
        args: [
          '--data-dir', dataDir, '--origin-quota', String(originQuota),
          '--proxy', `http://${proxy}`, '--ignore-hosts', '127.0.0.1,localhost', '--ignore-tls-errors',
        ],
      },
    }).build();
  } catch (e) {
    server.stop();
    throw e;
  }
  // The first window stays blank: closing a session's last window ends it.
  const home = await driver.getWindowHandle();
  let queue = Promise.resolve();
  // Runs fn with handle's window current, after the context's other commands.
  // A command that hangs (WebDriver has no timeout of its own for most)
  // fails instead of stalling the suite.
  const inWindow = (handle, fn) => {
    const p = queue.then(() => withTimeout(commandTimeout, (async () => {
      await driver.switchTo().window(handle);
      return fn(driver);
    })()));
    queue = p.catch(() => {});
    return p;
  };
  let closed = false;
  return {
    async newPage() {
      const handle = await inWindow(home, async (d) => {
        // Windows, not tabs: a background tab is hidden, and WebKit throttles hidden pages' timers.
        await d.switchTo().newWindow('window');
        const h = await d.getWindowHandle();
        if (viewport) await d.manage().window().setRect(viewport);
        return h;
      });
      return new WebKitPage(handle, inWindow);
    },
    async close() {
      if (closed) return;
      closed = true;
      // A command still pending (a driver that stopped answering) must not
      // keep the run from ending: the processes are stopped regardless.
      await withTimeout(10000, queue).catch(() => {});
      await withTimeout(10000, driver.quit()).catch(() => {});
      server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const commandTimeout = 120000;

function withTimeout(ms, promise) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`webkit: a WebDriver command took more than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// The processes this driver started, ended when node exits.
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.stop();
});

function track(proc) {
  const child = { stop: () => (proc.spawnargs[0] === 'Xvfb' ? proc.kill() : killGroup(proc)) };
  children.add(child);
  proc.on('exit', () => children.delete(child));
  return proc;
}

function killGroup(proc) {
  try {
    process.kill(-proc.pid);
  } catch {
    // already gone
  }
}

let runs = 0;

class WebKitPage extends Page {
  constructor(handle, inWindow) {
    super();
    this.handle = handle;
    this.inWindow = (fn) => inWindow(handle, fn);
  }

  // Starts the script, then polls: a session's command blocks it whole.
  async run(source) {
    const id = `r${++runs}`;
    await this.inWindow((d) => d.executeScript(`
      const id = arguments[0];
      const results = (window.__results = window.__results || {});
      results[id] = null;
      Promise.resolve(${source}).then((r) => (results[id] = r), (e) => (results[id] = JSON.stringify({ error: { message: String(e) } })));`, id));
    for (let delay = 1; ; delay = Math.min(delay * 2, 20)) {
      const r = await this.inWindow((d) => d.executeScript(`
        const results = window.__results || {};
        if (!(arguments[0] in results)) return JSON.stringify({ error: { message: 'the page navigated away during evaluate' } });
        const r = results[arguments[0]];
        if (r !== null) delete results[arguments[0]];
        return r;`, id));
      if (r !== null) return r;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  goto(url) {
    return this.inWindow((d) => d.get(url));
  }

  // WebDriver's refresh of a page still loading can return before the new
  // document replaced it: wait until the marked document is gone too.
  async reload({ waitUntil = 'load' } = {}) {
    if (waitUntil === 'commit') return this.reloadUntilCommit();
    const mark = `m${Math.random()}`;
    await this.evaluate((m) => (window.__reloadMark = m), mark).catch(() => {});
    await this.inWindow((d) => d.navigate().refresh());
    await this.waitForFunction((m) => window.__reloadMark !== m && document.readyState === 'complete', mark);
  }

  close() {
    return this.inWindow((d) => d.close());
  }

  click(selector) {
    return this.inWindow(async (d) => (await d.findElement(By.css(selector))).click());
  }

  press(keys) {
    const { modifiers, key } = parseKeys(keys);
    return this.inWindow((d) => {
      let a = d.actions();
      for (const m of modifiers) a = a.keyDown(webdriverKey(m));
      a = a.sendKeys(webdriverKey(key));
      for (const m of [...modifiers].reverse()) a = a.keyUp(webdriverKey(m));
      return a.perform();
    });
  }

  type(text) {
    return this.inWindow((d) => d.actions().sendKeys(text).perform());
  }

  screenshot({ path }) {
    return this.inWindow(async (d) => writeFileSync(path, Buffer.from(await d.takeScreenshot(), 'base64')));
  }

  // WebKit has no quota override: the shell limits each origin's storage
  // (originQuota), and this fills it until about bytes remain; undefined
  // empties it again. Filling is real usage: WebKit's own accounting
  // decides, as it would for a user's full disk.
  async setStorageQuota(bytes) {
    await this.evaluate(fillStorage, bytes ?? null);
  }
}

/**
 * Runs in the page: fills the origin's storage but about bytes, or, with
 * null, empties it again. WebKit grants each write against the quota less
 * what the origin's files take (its databases' write-ahead logs included),
 * and refuses to open a new database once nothing is left: so a reserve
 * of bytes is written first, into a database of its own, then one filler
 * database takes all the rest, in big records then small ones, and the
 * reserve is deleted, which frees its files.
 */
async function fillStorage(bytes) {
  const [filler, reserve] = ['__filler', '__filler-reserve'];
  const request = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  for (const name of [filler, reserve]) await request(indexedDB.deleteDatabase(name));
  if (bytes === null) return;
  const open = (name) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('fill', { autoIncrement: true });
    return request(r);
  };
  // Writes one record of size; false when it does not fit.
  const put = (db, size) => {
    // Random bytes: IndexedDB may compress values.
    const v = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(v.subarray(i, Math.min(size, i + 65536)));
    return new Promise((resolve, reject) => {
      const tx = db.transaction('fill', 'readwrite');
      tx.objectStore('fill').put(v);
      tx.oncomplete = () => resolve(true);
      tx.onabort = () => (tx.error && tx.error.name !== 'QuotaExceededError' ? reject(tx.error) : resolve(false));
    });
  };
  const kept = await open(reserve);
  const reserved = await put(kept, bytes);
  kept.close();
  if (!reserved) throw new Error(`setStorageQuota: ${bytes} bytes do not fit in the origin's quota`);
  const db = await open(filler);
  for (const size of [1 << 20, 1 << 14]) while (await put(db, size));
  db.close();
  await request(indexedDB.deleteDatabase(reserve));
}

function webdriverKey(name) {
  const k = { Control: Key.CONTROL, Shift: Key.SHIFT, Alt: Key.ALT, Meta: Key.META, Enter: Key.ENTER, Tab: Key.TAB, End: Key.END, Home: Key.HOME, Backspace: Key.BACK_SPACE, Escape: Key.ESCAPE }[name];
  return k || name;
}
