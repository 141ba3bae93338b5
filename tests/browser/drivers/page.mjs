// The page API the browser tests use, common to every engine. A driver
// subclasses Page and supplies the few primitives an engine does its own
// way (run a script, navigate, real clicks and keys, screenshots, storage
// quota); everything else is built here on top of evaluate, so the tests
// see one behaviour in every engine.
//
// Values cross from the page as JSON with tags for what JSON lacks
// (undefined, NaN, ±Infinity, -0, BigInt, Date): WebDriver would turn
// undefined into null, and the tests compare results exactly.

/** Encodes a page value as tagged JSON; runs in the page (source inlined). */
function encodeInPage(value) {
  const tag = '\u0000';
  const seen = new Set();
  const enc = (v) => {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return { [tag]: 'u' };
    if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { [tag]: 'n', v: String(v) };
    if (typeof v === 'bigint') return { [tag]: 'b', v: String(v) };
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date) return { [tag]: 'd', v: v.getTime() };
    if (seen.has(v)) throw new Error('evaluate: the result has a cycle');
    seen.add(v);
    let out;
    if (Array.isArray(v)) out = v.map(enc);
    else if (v instanceof Error) out = { name: v.name, message: v.message };
    else {
      out = {};
      for (const k of Object.keys(v)) out[k] = enc(v[k]);
    }
    seen.delete(v);
    return out;
  };
  return enc(value);
}

function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v === null || typeof v !== 'object') return v;
  const t = v['\u0000'];
  if (t === 'u') return undefined;
  if (t === 'n') return Number(v.v);
  if (t === 'b') return BigInt(v.v);
  if (t === 'd') return new Date(v.v);
  const out = {};
  for (const k of Object.keys(v)) out[k] = decode(v[k]);
  return out;
}

/**
 * The script that runs fn(arg) in the page and resolves to a JSON string:
 * { value } or { error }, plus what the page's console capture collected
 * (only where the driver injects one: see server.mjs).
 */
function script(fn, arg) {
  // As in Playwright, a string without an argument is an expression.
  const call = typeof fn === 'string' && arg === undefined ? `(${fn})` : arg === undefined ? `(${fn})()` : `(${fn})(${JSON.stringify(arg)})`;
  return `(async () => {
  const encode = ${encodeInPage};
  const out = {};
  try {
    out.value = encode(await ${call});
  } catch (e) {
    out.error = { name: e && e.name, message: e && e.message !== undefined ? String(e.message) : String(e) };
  }
  if (window.__capture) out.capture = window.__capture.splice(0);
  return JSON.stringify(out);
})()`;
}

export class Page {
  constructor() {
    /** Console messages, as their text. */
    this.logs = [];
    /** Uncaught exceptions and unhandled rejections, as their message. */
    this.errors = [];
    this.keyboard = { press: (keys) => this.press(keys), type: (text) => this.type(text) };
    this.listeners = { console: [], pageerror: [] };
  }

  /**
   * Listens to the page's console ("console": fn({ text() })) or its
   * uncaught errors ("pageerror": fn({ message })).
   */
  on(type, fn) {
    this.listeners[type].push(fn);
  }

  /** Drivers report console messages and page errors here. */
  consoleMessage(text) {
    this.logs.push(text);
    for (const fn of this.listeners.console) fn({ text: () => text });
  }

  pageError(message) {
    this.errors.push(message);
    for (const fn of this.listeners.pageerror) fn({ message });
  }

  // Primitives of a driver:
  //   run(source)              evaluate an expression whose promise resolves to a string
  //   goto(url), reload()      navigate and wait for the load event; reload({ waitUntil:
  //                            'commit' }) returns once the navigation has started
  //   close()
  //   click(selector)          a real mouse click
  //   press(keys)              "Control+Enter": modifiers held, then the key
  //   type(text)
  //   screenshot({ path })
  //   setStorageQuota(bytes)   the origin's storage quota; undefined restores it

  /**
   * Runs fn(arg) in the page and resolves to its (awaited) result; fn is a
   * function, or its source, or (without arg) an expression's source.
   */
  async evaluate(fn, arg) {
    const out = JSON.parse(await this.run(script(fn, arg)));
    for (const c of out.capture || []) (c.type === 'pageerror' ? this.pageError(c.text) : this.consoleMessage(c.text));
    if (out.error) {
      const e = new Error(`evaluate: ${out.error.message}`);
      e.pageError = out.error;
      throw e;
    }
    return decode(out.value);
  }

  /**
   * Resolves to fn(arg)'s first truthy result, polling. A poll that fails
   * (the page is navigating, or not yet ready) is retried until the timeout.
   */
  async waitForFunction(fn, arg, { timeout = 30000 } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
      let failure;
      try {
        const v = await this.evaluate(fn, arg);
        if (v) return v;
      } catch (e) {
        failure = e;
      }
      if (Date.now() > end) throw new Error(`waitForFunction timed out after ${timeout} ms: ${fn}${failure ? ` (${failure.message})` : ''}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /**
   * Starts a reload and resolves once the new document has replaced this
   * one (Playwright's waitUntil: 'commit'), for drivers without it.
   */
  async reloadUntilCommit() {
    const mark = `m${Math.random()}`;
    await this.evaluate((m) => {
      window.__reloadMark = m;
      setTimeout(() => location.reload());
    }, mark).catch(() => {}); // the reload may overtake the result
    await this.waitForFunction((m) => window.__reloadMark !== m, mark);
  }

  /** Resolves once cond() (a test on page.logs, say) holds, collecting the page's output meanwhile. */
  async until(cond, { timeout = 30000 } = {}) {
    const end = Date.now() + timeout;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms: ${cond}`);
      await this.evaluate(() => 0);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  waitForSelector(selector, { timeout = 30000 } = {}) {
    return this.waitForFunction((s) => document.querySelector(s) !== null, selector, { timeout });
  }

  /** true when selector matches an element, else null. */
  async $(selector) {
    return (await this.evaluate((s) => document.querySelector(s) !== null, selector)) || null;
  }

  $$eval(selector, fn) {
    return this.evaluate(`(s) => (${fn})(Array.from(document.querySelectorAll(s)))`, selector);
  }

  textContent(selector) {
    return this.evaluate((s) => document.querySelector(s).textContent, selector);
  }

  inputValue(selector) {
    return this.evaluate((s) => document.querySelector(s).value, selector);
  }

  /** Sets a field's value as typing would (an input event). */
  fill(selector, value) {
    return this.evaluate(([s, v]) => {
      const el = document.querySelector(s);
      el.focus();
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }, [selector, value]);
  }

  selectOption(selector, value) {
    return this.evaluate(([s, v]) => {
      const el = document.querySelector(s);
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }, [selector, value]);
  }

  /** Adds a <script> (classic, or type "module") with content to the page. */
  addScriptTag({ type, content }) {
    return this.evaluate(([t, c]) => {
      const s = document.createElement('script');
      if (t) s.type = t;
      s.textContent = c;
      document.head.appendChild(s);
    }, [type, content]);
  }
}

/** Splits "Control+Enter" into modifiers and key. */
export function parseKeys(keys) {
  const parts = keys.split('+');
  return { modifiers: parts.slice(0, -1), key: parts[parts.length - 1] };
}

/**
 * A page driven by Playwright or Puppeteer, whose page objects share the
 * calls used here (evaluate, goto, close, click, keyboard, screenshot and
 * the console and pageerror events); a driver adds reload and
 * setStorageQuota.
 */
export class AutomationPage extends Page {
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

  close() {
    return this.page.close();
  }

  click(selector) {
    return this.page.click(selector);
  }

  // Key by key, as Puppeteer has no "Control+Enter" chords.
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
}
