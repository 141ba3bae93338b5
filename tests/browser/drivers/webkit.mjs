// WebKit (WebKitGTK's MiniBrowser) through WebKitWebDriver and
// selenium-webdriver, under a private Xvfb display when there is none.
//
// Classic WebDriver has no browser contexts and one session per driver
// process, so each context is its own WebKitWebDriver and MiniBrowser (an
// ephemeral profile: contexts share nothing), and each page is a window of
// that session (windows share the origin's storage, as tabs do). A session
// runs one command at a time: page commands go through one queue per
// context, and evaluate starts the script then polls for its result, so
// scripts in two windows run concurrently, as they do in two tabs. The
// console is read through the capture script the test server injects.

import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { Builder, By, Key } from 'selenium-webdriver';
import { Page, parseKeys } from './page.mjs';

const miniBrowser = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

export function version() {
  const out = execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'libwebkit2gtk-4.1-0'], { encoding: 'utf8' });
  return `WebKitGTK ${out.trim()} (MiniBrowser)`;
}

/** The server must inject its console capture script into pages. */
export const needsCapture = true;

/**
 * Why setStorageQuota cannot work here: MiniBrowser's automation sessions
 * use an ephemeral (in-memory) store, which took 100 MiB of IndexedDB
 * without a quota error, and neither MiniBrowser nor WebDriver can set an
 * origin's quota (WebKitGTK has it only as API: origin-storage-ratio).
 */
export const noStorageQuota = 'MiniBrowser under WebDriver cannot limit an origin\'s storage (ephemeral store, no quota setting)';

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
    // Its own process group, so that ending it ends its MiniBrowser too.
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
  return {
    async newContext({ viewport } = {}) {
      const ctx = await newContext(env, proxy, viewport);
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
    },
  };
}

async function newContext(env, proxy, viewport) {
  const server = await startDriver(env);
  let driver;
  try {
    driver = await new Builder().usingServer(server.url).withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: miniBrowser,
        args: ['--automation', `--proxy=http://${proxy}`, '--ignore-host=127.0.0.1,localhost', '--ignore-tls-errors'],
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

  async setStorageQuota() {
    throw new Error(`webkit: ${noStorageQuota}`);
  }
}

function webdriverKey(name) {
  const k = { Control: Key.CONTROL, Shift: Key.SHIFT, Alt: Key.ALT, Meta: Key.META, Enter: Key.ENTER, Tab: Key.TAB, End: Key.END, Home: Key.HOME, Backspace: Key.BACK_SPACE, Escape: Key.ESCAPE }[name];
  return k || name;
}
