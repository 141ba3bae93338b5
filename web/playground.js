// The playground: an editor for Lua or JavaScript (run with `lua` bound to
// the page's instance), the output of each run, a tree view of Memory and a
// query form.

import { LuaWASM } from '/dist/index.js';
import { examples } from './examples.js';

const $ = (id) => document.getElementById(id);
const codeEl = $('code');
const gutterEl = $('gutter');
const outputEl = $('output');
const runBtn = $('run');
const statusEl = $('status');

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
const saved = (key, fallback) => localStorage.getItem(`playground.${key}`) ?? fallback;
const save = (key, value) => localStorage.setItem(`playground.${key}`, value);

let lua;
let lang = 'lua';

// ---- output ----

function line(text, cls = 'line') {
  const div = document.createElement('div');
  div.className = cls;
  div.textContent = text;
  outputEl.append(div);
  outputEl.scrollTop = outputEl.scrollHeight;
  return div;
}

// Lua's output arrives in pieces; a piece without a newline stays on the
// current line until the rest comes.
let openLine = null;
function write(text) {
  const parts = text.split('\n');
  parts.forEach((part, i) => {
    if (i > 0) openLine = null;
    if (part === '' && i === parts.length - 1) return;
    if (!openLine) openLine = line('');
    openLine.textContent += part;
  });
  outputEl.scrollTop = outputEl.scrollHeight;
}

function showError(e) {
  openLine = null;
  line(e && e.message ? `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}` : String(e), 'error');
  if (e && e.traceback) line(e.traceback, 'traceback');
}

/** Formats a value for the output panel (util.inspect-like, cycles shown). */
function inspect(v, indent = '', seen = new Set()) {
  if (v === null) return 'nil';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return indent ? JSON.stringify(v) : v;
  if (typeof v === 'function') return v.name === 'luaFunction' ? '[lua function]' : `[function ${v.name || 'anonymous'}]`;
  if (typeof v !== 'object') return String(v);
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (seen.has(v)) return '[cycle]';
  seen.add(v);
  const inner = `${indent}  `;
  let out;
  if (Array.isArray(v)) {
    const items = v.map((x) => inspect(x, inner, seen));
    out = items.join(', ').length < 72 && !items.some((s) => s.includes('\n')) ? `[${items.join(', ')}]` : `[\n${items.map((s) => inner + s).join(',\n')}\n${indent}]`;
  } else {
    const keys = Object.keys(v);
    const items = keys.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${inspect(v[k], inner, seen)}`);
    if (items.length === 0) out = '{}';
    else out = items.join(', ').length < 72 && !items.some((s) => s.includes('\n')) ? `{ ${items.join(', ')} }` : `{\n${items.map((s) => inner + s).join(',\n')}\n${indent}}`;
  }
  seen.delete(v);
  return out;
}

// The console handed to JavaScript examples: it prints into the panel.
function pageConsole() {
  const timers = new Map();
  const print = (...args) => {
    openLine = null;
    line(args.map((a) => inspect(a)).join(' '));
  };
  return {
    log: print,
    info: print,
    debug: print,
    warn: print,
    error: (...args) => {
      openLine = null;
      line(args.map((a) => inspect(a)).join(' '), 'error');
    },
    time: (label = 'default') => timers.set(label, performance.now()),
    timeEnd: (label = 'default') => {
      const t = timers.get(label);
      if (t !== undefined) print(`${label}: ${(performance.now() - t).toFixed(2)}ms`);
      timers.delete(label);
    },
  };
}

// ---- editor ----

function renderGutter() {
  const n = codeEl.value.split('\n').length;
  let s = '';
  for (let i = 1; i <= n; i++) s += `${i}\n`;
  gutterEl.textContent = s;
  codeEl.rows = n + 1;
  codeEl.style.width = '0';
  codeEl.style.width = `${Math.max(codeEl.scrollWidth, codeEl.parentElement.clientWidth - gutterEl.offsetWidth)}px`;
}

function setCode(code) {
  codeEl.value = code;
  renderGutter();
  save(`code.${lang}`, code);
}

function replaceSelection(text, selectStart, selectEnd) {
  // execCommand keeps the browser's undo history; setRangeText is the fallback.
  codeEl.focus();
  if (!document.execCommand('insertText', false, text)) {
    codeEl.setRangeText(text, codeEl.selectionStart, codeEl.selectionEnd, 'end');
  }
  if (selectStart !== undefined) codeEl.setSelectionRange(selectStart, selectEnd);
  renderGutter();
}

codeEl.addEventListener('keydown', (e) => {
  const { selectionStart: start, selectionEnd: end, value } = codeEl;
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    e.preventDefault();
    run();
    return;
  }
  if (e.key === 'Tab') {
    e.preventDefault();
    const lineStart = value.lastIndexOf('\n', start - 1) + 1;
    if (start === end && !e.shiftKey) {
      replaceSelection('    ');
      return;
    }
    // Indent or dedent every selected line.
    const block = value.slice(lineStart, end);
    const changed = e.shiftKey ? block.replace(/^( {1,4}|\t)/gm, '') : block.replace(/^/gm, '    ');
    codeEl.setSelectionRange(lineStart, end);
    replaceSelection(changed, lineStart, lineStart + changed.length);
    return;
  }
  if (e.key === 'Enter' && !e.shiftKey && start === end) {
    // Keep the indentation of the current line.
    const lineStart = value.lastIndexOf('\n', start - 1) + 1;
    const indentation = value.slice(lineStart).match(/^[ \t]*/)[0].slice(0, start - lineStart);
    e.preventDefault();
    replaceSelection(`\n${indentation}`);
  }
});

codeEl.addEventListener('input', () => {
  renderGutter();
  save(`code.${lang}`, codeEl.value);
});
window.addEventListener('resize', renderGutter);

function setLang(next) {
  lang = next;
  save('lang', lang);
  for (const b of document.querySelectorAll('.lang button')) b.setAttribute('aria-checked', String(b.dataset.lang === lang));
  $('hint').textContent = lang === 'js'
    ? 'JavaScript runs as an async function with lua (this page\'s instance) and console (this panel) in scope.'
    : 'Lua 5.4: print writes here; the chunk\'s first result is shown after it.';
}

for (const b of document.querySelectorAll('.lang button')) {
  b.addEventListener('click', () => {
    setLang(b.dataset.lang);
    setCode(saved(`code.${lang}`, examples.find((x) => x.lang === lang).code));
  });
}

const select = $('examples');
select.append(new Option('Choose an example…', ''));
for (const ex of examples) select.append(new Option(`${ex.title} (${ex.lang === 'js' ? 'JS' : 'Lua'})`, ex.id));
select.addEventListener('change', () => {
  const ex = examples.find((x) => x.id === select.value);
  if (!ex) return;
  setLang(ex.lang);
  setCode(ex.code);
  codeEl.focus();
});

// ---- running ----

async function run() {
  if (!lua) return;
  outputEl.querySelector(':scope > .empty')?.remove();
  openLine = null;
  line(`▶ ${lang === 'js' ? 'JavaScript' : 'Lua'} · ${new Date().toLocaleTimeString()}`, 'run');
  runBtn.disabled = true;
  const t0 = performance.now();
  try {
    if (lang === 'lua') {
      const result = lua.eval(codeEl.value);
      openLine = null;
      if (result !== undefined) line(inspect(result), 'result');
    } else {
      const fn = new AsyncFunction('lua', 'console', codeEl.value);
      const result = await fn(lua, pageConsole());
      if (result !== undefined) line(inspect(result), 'result');
    }
  } catch (e) {
    showError(e);
  } finally {
    $('timing').textContent = `${(performance.now() - t0).toFixed(1)} ms`;
    runBtn.disabled = false;
    refreshTree();
  }
}

runBtn.addEventListener('click', run);
$('clear').addEventListener('click', () => {
  outputEl.textContent = '';
  openLine = null;
});

// ---- Memory inspector ----

const treeEl = $('tree');

function leaf(key, value) {
  const div = document.createElement('div');
  div.className = 'leaf';
  div.append(keySpan(key), ' = ', valueSpan(value));
  return div;
}

function keySpan(key) {
  const span = document.createElement('span');
  span.className = 'key';
  span.textContent = key;
  return span;
}

function valueSpan(v) {
  const span = document.createElement('span');
  if (v === null) {
    span.className = 'nil';
    span.textContent = 'nil';
  } else if (typeof v === 'string') {
    span.className = 'string';
    span.textContent = JSON.stringify(v.length > 200 ? `${v.slice(0, 200)}…` : v);
  } else if (typeof v === 'function') {
    span.className = 'function';
    span.textContent = 'function';
  } else if (typeof v === 'object') {
    span.className = 'meta';
    span.textContent = String(v);
  } else {
    span.className = typeof v;
    span.textContent = String(v);
  }
  return span;
}

const PAGE = 200;

// node renders a table lazily: its entries are built when it is opened.
function node(key, value, seen) {
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i + 1), v]) : Object.entries(value);
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = ` table (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'})`;
  summary.append(keySpan(key), meta);
  details.append(summary);
  let built = false;
  details.addEventListener('toggle', () => {
    if (!details.open || built) return;
    built = true;
    const inner = new Set(seen).add(value);
    for (const [k, v] of entries.slice(0, PAGE)) {
      if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && typeof v.type !== 'string') {
        details.append(inner.has(v) ? leaf(k, '[cycle]') : node(k, v, inner));
      } else {
        details.append(leaf(k, v));
      }
    }
    if (entries.length > PAGE) {
      const more = document.createElement('div');
      more.className = 'leaf meta';
      more.textContent = `… ${entries.length - PAGE} more`;
      details.append(more);
    }
  });
  return details;
}

const openPaths = new Set(['Memory']);

function refreshTree() {
  if (!lua) return;
  // Remember which tables are open, so that a refresh keeps the view.
  for (const d of treeEl.querySelectorAll('details')) {
    const path = pathOf(d);
    if (d.open) openPaths.add(path);
    else openPaths.delete(path);
  }
  treeEl.textContent = '';
  let memory;
  try {
    memory = lua.global.get('Memory');
  } catch (e) {
    treeEl.textContent = e.message;
    return;
  }
  if (memory === null || typeof memory !== 'object') {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = 'Memory is empty. Persist a function or run a batch to fill it.';
    treeEl.append(p);
    return;
  }
  const root = node('Memory', memory, new Set());
  treeEl.append(root);
  reopen(root);
}

function pathOf(details) {
  const parts = [];
  for (let d = details; d && d.tagName === 'DETAILS'; d = d.parentElement) parts.unshift(d.querySelector(':scope > summary .key').textContent);
  return parts.join('.');
}

function reopen(details) {
  if (!openPaths.has(pathOf(details))) return;
  details.open = true;
  details.dispatchEvent(new Event('toggle'));
  for (const child of details.querySelectorAll(':scope > details')) reopen(child);
}

$('refresh').addEventListener('click', refreshTree);

for (const tab of document.querySelectorAll('[role="tab"]')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('[role="tab"]')) t.setAttribute('aria-selected', String(t === tab));
    for (const p of document.querySelectorAll('.tab-panel')) p.hidden = p.dataset.panel !== tab.dataset.tab;
  });
}

// ---- queries ----

function parseValue(text, operator) {
  const one = (s) => {
    s = s.trim();
    if (s !== '' && !Number.isNaN(Number(s))) return Number(s);
    if (s === 'true' || s === 'false') return s === 'true';
    return s.replace(/^["']|["']$/g, '');
  };
  return operator === 'between' ? text.split(',').map(one) : one(text);
}

$('query-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const out = $('query-result');
  out.textContent = '';
  const query = {
    table: form.get('table'),
    field: form.get('field'),
    operator: form.get('operator'),
    value: parseValue(form.get('value'), form.get('operator')),
    limit: Number(form.get('limit')) || undefined,
  };
  if (form.get('sort')) query.sort = form.get('sort');
  const t0 = performance.now();
  try {
    const rows = await lua.queryTable('Memory', query);
    const ms = performance.now() - t0;
    const plan = await lua.explainQuery('Memory', query);
    out.append(resultTable(rows, plan.keys));
    const info = document.createElement('div');
    info.className = 'explain';
    info.textContent = `${rows.length} row${rows.length === 1 ? '' : 's'} in ${ms.toFixed(1)} ms · ${plan.plan} · ${plan.examined} examined`;
    out.append(info);
  } catch (err) {
    const div = document.createElement('div');
    div.className = 'error';
    div.textContent = err.message;
    out.append(div);
  }
});

// resultTable shows records as rows: their key, then their fields.
function resultTable(rows, keys) {
  const table = document.createElement('table');
  const columns = [];
  for (const r of rows) for (const k of Object.keys(r && typeof r === 'object' ? r : { value: r })) if (!columns.includes(k)) columns.push(k);
  const head = table.createTHead().insertRow();
  for (const c of ['key', ...columns]) {
    const th = document.createElement('th');
    th.textContent = c;
    head.append(th);
  }
  const body = table.createTBody();
  rows.forEach((r, i) => {
    const tr = body.insertRow();
    tr.insertCell().textContent = keys[i] === undefined ? '' : String(keys[i]);
    const obj = r && typeof r === 'object' ? r : { value: r };
    for (const c of columns) tr.insertCell().textContent = obj[c] === undefined ? '' : inspect(obj[c]);
  });
  return table;
}

// ---- start ----

function pill(text, cls = '') {
  const span = document.createElement('span');
  span.className = `pill ${cls}`;
  span.textContent = text;
  return span;
}

async function start() {
  setLang(saved('lang', 'lua'));
  setCode(saved(`code.${lang}`, examples.find((x) => x.lang === lang).code));
  const t0 = performance.now();
  let notice = null;
  try {
    try {
      lua = await LuaWASM.init({ stdout: write, stderr: write });
    } catch (e) {
      if (e.name !== 'StorageError') throw e;
      // No IndexedDB (a private window): run, but say nothing persists.
      notice = e.message;
      lua = await LuaWASM.init({ stdout: write, stderr: write, persistence: 'memory' });
    }
  } catch (e) {
    statusEl.textContent = '';
    statusEl.append(pill(`The engine failed to start: ${e.message}`, 'warn'));
    return;
  }
  // Another tab's changes, and commits made by JavaScript examples after
  // their last await, show in the inspector as they happen.
  lua.on('remotechange', refreshTree);
  lua.on('storageerror', (e) => statusEl.append(pill(`Not saved: ${e.message}`, 'warn')));
  window.lua = lua; // for the browser's console
  statusEl.textContent = '';
  statusEl.append(pill(`${lua.eval('return _VERSION')} ready in ${(performance.now() - t0).toFixed(0)} ms`, 'ok'));
  const persistPill = pill(lua.persistent ? 'saved in IndexedDB' : 'not persistent', lua.persistent ? 'ok' : 'warn');
  if (notice) persistPill.title = notice;
  statusEl.append(persistPill);
  for (const w of lua.warnings) statusEl.append(pill(`Restored with a problem: ${w}`, 'warn'));
  runBtn.disabled = false;
  refreshTree();
  const empty = document.createElement('div');
  empty.className = 'empty';
  empty.textContent = 'Run some code to see its output here.';
  outputEl.append(empty);
}

start();
