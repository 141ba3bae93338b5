// The IndexedDB store: where a browser keeps Memory between sessions.
//
// One database per dbName (version 3) with one object store, "log": the
// engine's commits, each one value (a log entry, below) under its
// sequence number 1, 2, 3, ... A commit is one put in one readwrite
// transaction, so it is atomic, and its cost does not grow with the number
// of records it holds (a put per record cost ~50 µs in Chromium: 100 ms for
// a batch of 1,000 sets). Loading folds the log in order into the current
// records. When the log holds more than twice the bytes of the live
// records, load() rewrites it as one batch under the last sequence number.
//
// Several tabs of one origin share the database. The model:
//   - The sequence number of the last commit is the database's version.
//     A store that has loaded the database knows the version its tab's
//     Memory is based on.
//   - Each commit runs under the Web Lock "lua-wasm:<dbName>" in one
//     readwrite transaction that first reads the last sequence number: when
//     another tab committed since this tab's base, the transaction writes
//     nothing and the commit fails with code 'conflict' (the engine's
//     records, object ids included, were computed on a stale Memory and
//     must not mix with the newer ones). Otherwise it appends the batch
//     and, once complete, posts its version and keys on the
//     BroadcastChannel "lua-wasm:<dbName>" before releasing the lock.
//   - A tab receiving such a message reads that commit's batch and applies
//     it to its engine when it is the next one after its base (advance()
//     then moves the base), unless it has writes of its own pending: those
//     will conflict anyway. When it missed one, it reloads everything.
//   - On a conflict the instance (lua.js) rereads the whole database,
//     reloads Memory from it and runs its pending transactions again (the
//     eval code, the batch, ...) on the fresh Memory, then commits them:
//     optimistic concurrency, as a database retries a transaction. So no
//     tab loses another's updates, and a read-modify-write (x = x + 1) in
//     two tabs adds up. A transaction that cannot be run again (a call of
//     a Lua function held by JS) is reported by a 'conflict' event instead.
//     The catching up runs under the lock (exclusive()), so that no other
//     tab can overtake it again: with four tabs committing as fast as they
//     can, retrying outside the lock let a tab lose the race twenty times
//     in a row.

import { StorageError } from './errors.js';
import { keyString, opLength, opParts, parseBatch, putUvarint, writeOp } from './store.js';

const LOG = 'log';
const VERSION = 3;

// A log entry is a sequence of frames, one per op:
//
//   uvarint n | n bytes: the op as a batch message of one op (store.js) |
//   CRC-32 of those n bytes, little-endian
//
// The engine's records carry their own checksum, but not their keys, nor
// the framing around them: one flipped byte there renamed a record without
// a trace, or made the whole entry unreadable. A damaged frame is skipped
// and reported with its key (load().warnings); the frames after it are
// found again (the damaged frame's length if it is intact, else by
// scanning for the next frame whose checksum matches), so the rest loads.
// (Version 2 kept each entry as one plain batch message; opening a
// version 2 database converts its entries.)

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b, start, end) {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Returns ops ([{ key, value }], or [key, value] pairs) as one log entry. */
export function formatEntry(ops) {
  // Each frame is written in place: its body is the op as a batch
  // message, its length is known before, and its CRC is computed over the
  // bytes just written.
  let size = 0;
  for (const op of ops) size += 5 + opLength(...opParts(op)) + 4;
  const out = new Uint8Array(size);
  let pos = 0;
  for (const op of ops) {
    const [key, value] = opParts(op);
    pos = putUvarint(out, pos, opLength(key, value));
    const start = pos;
    pos = writeOp(out, pos, key, value);
    const crc = crc32(out, start, pos);
    out[pos++] = crc & 0xff;
    out[pos++] = (crc >>> 8) & 0xff;
    out[pos++] = (crc >>> 16) & 0xff;
    out[pos++] = crc >>> 24;
  }
  return out.subarray(0, pos);
}

// packKeys returns copies of the ops' keys, views of one buffer: cloning
// 10,000 keys for postMessage took 7 ms of CPU in node each in its own
// buffer, 2.7 ms so.
function packKeys(ops) {
  let size = 0;
  for (const { key } of ops) size += key.length;
  const buf = new Uint8Array(size);
  let pos = 0;
  return ops.map(({ key }) => {
    buf.set(key, pos);
    pos += key.length;
    return buf.subarray(pos - key.length, pos);
  });
}

// frameBounds returns where the body of the frame at p starts and ends,
// as its length says, or null when that runs past the entry.
function frameBounds(entry, p) {
  let n = 0;
  let scale = 1;
  for (let i = 0; ; i++) {
    if (p >= entry.length || i === 5) return null;
    const b = entry[p++];
    n += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
  }
  return p + n + 4 <= entry.length ? { start: p, end: p + n } : null;
}

// readFrame checks the frame at entry[p]: when it is intact (its length,
// checksum and op all read), it appends four numbers to spans (unless
// spans is null): where the op's key starts and ends, and where its value
// starts and ends (-1, -1 for a delete), and returns where the next frame
// starts; else it returns -1. The body of a frame is one op as a batch
// message (parseBatch's format), read in place.
function readFrame(entry, p, spans) {
  const n = entry.length;
  let len = 0;
  let scale = 1;
  for (let i = 0; ; i++) {
    if (p >= n || i === 5) return -1;
    const b = entry[p++];
    len += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
  }
  const end = p + len;
  if (len < 2 || end + 4 > n) return -1;
  const stored = (entry[end] | (entry[end + 1] << 8) | (entry[end + 2] << 16) | (entry[end + 3] << 24)) >>> 0;
  if (crc32(entry, p, end) !== stored) return -1;
  const del = entry[p++] === 1;
  // The key's length, then the value's, each a uvarint.
  len = 0;
  scale = 1;
  for (;;) {
    if (p >= end) return -1;
    const b = entry[p++];
    len += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
  }
  const keyStart = p;
  const keyEnd = p + len;
  if (keyEnd > end) return -1;
  if (del) {
    if (keyEnd !== end) return -1;
    if (spans) spans.push(keyStart, keyEnd, -1, -1);
    return end + 4;
  }
  p = keyEnd;
  len = 0;
  scale = 1;
  for (;;) {
    if (p >= end) return -1;
    const b = entry[p++];
    len += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
  }
  if (p + len !== end) return -1;
  if (spans) spans.push(keyStart, keyEnd, p, end);
  return end + 4;
}

// quoteKey writes a key as Go's %q would, as the engine's own warnings do.
function quoteKey(key) {
  let s = '"';
  for (const b of key) {
    if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}

// scanEntry appends the spans of the intact ops of a log entry (readFrame)
// to spans; each damaged frame is skipped and described in damaged (with
// the key it seems to hold).
function scanEntry(entry, spans, damaged, where) {
  let p = 0;
  while (p < entry.length) {
    const next = readFrame(entry, p, spans);
    if (next > 0) {
      p = next;
      continue;
    }
    // The damaged frame's key, if its length and key are readable.
    const f = frameBounds(entry, p);
    let key = null;
    if (f) {
      try {
        key = parseBatch(entry.subarray(f.start, f.end))[0].key;
      } catch {
        key = null;
      }
    }
    // The next frame: after this one if its length is intact, else the
    // first place where an intact frame starts.
    let after = f ? f.end + 4 : -1;
    if (after < 0 || (after < entry.length && readFrame(entry, after, null) < 0)) {
      for (after = p + 1; after < entry.length && readFrame(entry, after, null) < 0; after++);
    }
    damaged.push(key
      ? `${where}: the record ${quoteKey(key)} is damaged (checksum mismatch) and was not loaded`
      : `${where}: ${after - p} damaged bytes at offset ${p} were skipped (checksum mismatch)`);
    p = after;
  }
}

/**
 * Splits a log entry into its ops; each damaged frame is skipped and
 * described in damaged (with the key it seems to hold).
 */
export function parseEntry(entry, damaged = [], where = 'a log entry') {
  const spans = [];
  scanEntry(entry, spans, damaged, where);
  const ops = [];
  for (let i = 0; i < spans.length; i += 4) {
    const key = entry.subarray(spans[i], spans[i + 1]);
    ops.push({ key, value: spans[i + 2] < 0 ? null : entry.subarray(spans[i + 2], spans[i + 3]) });
  }
  return ops;
}

// compareSpans orders a[as:ae] and b[bs:be] as compareBytes does.
function compareSpans(a, as, ae, b, bs, be) {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = a[as + i] - b[bs + i];
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

/**
 * Folds the log (its entries in order, with the spans scanEntry found in
 * each) into the records it leaves, as foldBatches does with parsed ops,
 * but on the spans: no object per op, and only the live records become
 * [key, value] views. (Parsing every op into an object with two views,
 * then folding those, allocated ~5 objects per op.) Each entry is a
 * sorted run (the engine sorts its commits; an entry that is not, as the
 * queue's merge of several commits, is sorted here), and the runs are
 * merged pairwise: an entry out of order no longer sends the whole log
 * through a Map of every key and a sort.
 */
export function foldLog(entries, spanLists) {
  // A run is a flat list of (entry, span index) pairs in key order.
  const runs = [];
  for (let e = 0; e < entries.length; e++) {
    const entry = entries[e];
    const spans = spanLists[e];
    const run = new Array(spans.length / 2);
    let sorted = true;
    for (let i = 0; i < spans.length; i += 4) {
      if (i > 0 && compareSpans(entry, spans[i - 4], spans[i - 3], entry, spans[i], spans[i + 1]) >= 0) sorted = false;
      run[i / 2] = e;
      run[i / 2 + 1] = i;
    }
    runs.push(sorted ? run : sortRun(entry, spans, e));
  }
  let merged = runs;
  while (merged.length > 1) {
    const next = [];
    for (let i = 0; i < merged.length; i += 2) {
      next.push(i + 1 < merged.length ? mergeSpanRuns(entries, spanLists, merged[i], merged[i + 1]) : merged[i]);
    }
    merged = next;
  }
  const records = [];
  const run = merged[0] || [];
  for (let i = 0; i < run.length; i += 2) {
    const entry = entries[run[i]];
    const spans = spanLists[run[i]];
    const j = run[i + 1];
    if (spans[j + 2] >= 0) records.push([entry.subarray(spans[j], spans[j + 1]), entry.subarray(spans[j + 2], spans[j + 3])]);
  }
  return records;
}

// sortRun returns the run of entry e, whose ops are out of key order: its
// ops sorted by key, the last op on a key only.
function sortRun(entry, spans, e) {
  const order = [];
  for (let i = 0; i < spans.length; i += 4) order.push(i);
  // A stable sort: of the ops on one key, the last stays last.
  order.sort((a, b) => compareSpans(entry, spans[a], spans[a + 1], entry, spans[b], spans[b + 1]));
  const run = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const next = order[k + 1];
    if (next !== undefined && compareSpans(entry, spans[i], spans[i + 1], entry, spans[next], spans[next + 1]) === 0) continue;
    run.push(e, i);
  }
  return run;
}

// mergeSpanRuns merges two runs in strictly increasing key order into one,
// the op of the later run winning a key both hold (deletes are kept: a
// delete must still hide the key from runs older than both).
function mergeSpanRuns(entries, spanLists, older, newer) {
  const out = [];
  let i = 0;
  let j = 0;
  while (i < older.length && j < newer.length) {
    const a = spanLists[older[i]];
    const ai = older[i + 1];
    const b = spanLists[newer[j]];
    const bj = newer[j + 1];
    const c = compareSpans(entries[older[i]], a[ai], a[ai + 1], entries[newer[j]], b[bj], b[bj + 1]);
    if (c < 0) {
      out.push(older[i], ai);
      i += 2;
    } else {
      if (c === 0) i += 2;
      out.push(newer[j], bj);
      j += 2;
    }
  }
  for (; i < older.length; i += 2) out.push(older[i], older[i + 1]);
  for (; j < newer.length; j += 2) out.push(newer[j], newer[j + 1]);
  return out;
}

function requestPromise(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

// storageError classifies an IndexedDB failure (a DOMException).
function storageError(e, doing) {
  const name = e && e.name;
  if (name === 'QuotaExceededError') {
    return new StorageError('quota', `${doing}: the storage quota of this origin is exhausted (free space or ask for persistent storage); the change is kept in memory and written again by the next commit or flush()`, e);
  }
  if (name === 'InvalidStateError' && /clos/i.test(e.message || '')) {
    return new StorageError('closed', `${doing}: the database connection was closed`, e);
  }
  if (name === 'DataError' || name === 'DataCloneError') return new StorageError('corrupt', `${doing}: ${e.message}`, e);
  return new StorageError('write', `${doing}: ${(e && e.message) || name || 'IndexedDB failed'}`, e);
}

// WebKit makes a page just reloaded while another page of the origin was
// committing "not fully active" for a moment: Web Locks and IndexedDB then
// refuse it (InvalidStateError "Responsible document is not fully
// active"), and indexedDB may read null. The store waits that out, looking
// again every 50 ms for up to a second, rather than failing init or a
// commit. (A document that is really going away never gets there: it
// stops running.)
const NOT_ACTIVE_RETRIES = 20;
const NOT_ACTIVE_DELAY_MS = 50;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function notFullyActive(e) {
  return !!e && e.name === 'InvalidStateError' && /fully active/i.test(e.message || '');
}

// whileNotFullyActive runs attempt (async) again while it fails with the
// document not fully active and retryable() says it may run again.
async function whileNotFullyActive(attempt, retryable = () => true) {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!notFullyActive(e) || i >= NOT_ACTIVE_RETRIES || !retryable()) throw e;
      await pause(NOT_ACTIVE_DELAY_MS);
    }
  }
}

/** Reports whether this environment has a usable IndexedDB. */
export function hasIndexedDB() {
  try {
    return typeof indexedDB !== 'undefined' && indexedDB !== null && typeof indexedDB.open === 'function';
  } catch {
    return false; // some private modes throw on access
  }
}

export class IndexedDBStore {
  #name;
  #db = null;
  #channel = null;
  #subscribers = new Set();
  #closed = false;
  #base = null; // the version this tab's Memory is based on; null before load()
  #locked = false; // whether this store holds the Web Lock (inside exclusive())

  constructor(dbName = 'lua-wasm') {
    this.#name = String(dbName);
  }

  get name() {
    return this.#name;
  }

  /** Opens the database; rejects with a StorageError. */
  async open() {
    if (this.#db) return this.#db;
    // WebKit answers null for a moment (NOT_ACTIVE_RETRIES): look again.
    for (let i = 0; i < NOT_ACTIVE_RETRIES && !hasIndexedDB(); i++) await pause(NOT_ACTIVE_DELAY_MS);
    if (!hasIndexedDB()) {
      throw new StorageError('unavailable', 'IndexedDB is not available here (a private browsing mode, or a sandboxed frame): pass { persistence: "memory" } to run without persistence');
    }
    // The request's handlers must be set in the same task as open(): an
    // await in between let WebKit fire upgradeneeded unheard (a database
    // without its object store). So only a refused open() waits and retries.
    let req;
    for (let i = 0; ; i++) {
      try {
        req = indexedDB.open(this.#name, VERSION);
        break;
      } catch (e) {
        if (!notFullyActive(e) || i >= NOT_ACTIVE_RETRIES) throw new StorageError('unavailable', `IndexedDB cannot be opened: ${e.message}`, e);
      }
      await pause(NOT_ACTIVE_DELAY_MS);
    }
    const db = await new Promise((resolve, reject) => {
      req.onupgradeneeded = (e) => {
        const db = req.result;
        // Version 1 kept one record per key; nothing shipped with it.
        if (db.objectStoreNames.contains('records')) db.deleteObjectStore('records');
        if (!db.objectStoreNames.contains(LOG)) db.createObjectStore(LOG);
        if (e.oldVersion === 2) {
          // Frame each entry (an entry that does not parse stays as it is:
          // load reports it).
          const cursor = req.transaction.objectStore(LOG).openCursor();
          cursor.onsuccess = () => {
            const c = cursor.result;
            if (!c) return;
            if (c.value instanceof Uint8Array) {
              try {
                c.update(formatEntry(parseBatch(c.value)));
              } catch {
                // left for load to report
              }
            }
            c.continue();
          };
        }
      };
      let blocked = false;
      req.onsuccess = () => {
        // Opened once the other tabs let go, after init gave up: an
        // unused connection would block the next upgrade in turn.
        if (blocked) req.result.close();
        else resolve(req.result);
      };
      req.onerror = () => {
        const e = req.error;
        // Firefox refuses to create a database in a full origin: that is
        // the quota, not a missing IndexedDB.
        reject(e && e.name === 'VersionError'
          ? new StorageError('blocked', `the database "${this.#name}" was created by a newer version of this library`, e)
          : e && e.name === 'QuotaExceededError'
            ? storageError(e, `opening the database "${this.#name}"`)
            : new StorageError('unavailable', `IndexedDB cannot be opened: ${(e && e.message) || 'unknown error'}`, e));
      };
      req.onblocked = () => {
        blocked = true;
        reject(new StorageError('blocked', `opening the database "${this.#name}" is blocked: another tab keeps an older version of it open; close or reload the other tabs`));
      };
    });
    if (this.#closed) {
      db.close();
      throw new StorageError('closed', 'the store was closed while opening');
    }
    // Let a newer version of the page upgrade the database rather than be
    // blocked by this tab; this store then fails with 'closed'.
    db.onversionchange = () => {
      db.close();
      this.#db = null;
    };
    this.#db = db;
    return db;
  }

  /**
   * The damaged parts of the log that the last load() skipped, described
   * with their keys (the rest loaded).
   */
  warnings = [];

  /**
   * Returns every record, as [key, value] pairs in key order, and makes
   * the last commit this store's base; compacts a log that outgrew its
   * live records (unless part of it is damaged: the damage stays to be
   * seen).
   */
  async load() {
    const db = await this.open();
    let seqs;
    let batches;
    try {
      const tx = db.transaction(LOG, 'readonly');
      const log = tx.objectStore(LOG);
      [seqs, batches] = await Promise.all([requestPromise(log.getAllKeys()), requestPromise(log.getAll())]);
    } catch (e) {
      throw storageError(e, 'reading the database');
    }
    let logBytes = 0;
    const damaged = [];
    const spanLists = batches.map((batch, i) => {
      if (typeof seqs[i] !== 'number' || !(batch instanceof Uint8Array)) {
        throw new StorageError('corrupt', `the database "${this.#name}" holds an entry that this library did not write`);
      }
      logBytes += batch.length;
      const spans = [];
      scanEntry(batch, spans, damaged, `the database "${this.#name}", log entry ${seqs[i]}`);
      return spans;
    });
    const records = foldLog(batches, spanLists);
    const last = seqs.length > 0 ? seqs[seqs.length - 1] : 0;
    this.#base = last;
    let liveBytes = 0;
    for (const [k, v] of records) liveBytes += k.length + v.length + 4;
    this.warnings = damaged;
    if (seqs.length > 1 && logBytes > 2 * liveBytes && damaged.length === 0) await this.#compact(records, last);
    return records;
  }

  // #compact rewrites the log as one batch of the live records, under the
  // last sequence number, unless another tab committed meanwhile.
  #compact(records, last) {
    const run = () => new Promise((resolve) => {
      const tx = this.#db.transaction(LOG, 'readwrite');
      const log = tx.objectStore(LOG);
      const cursor = log.openCursor(null, 'prev');
      cursor.onsuccess = () => {
        if (!cursor.result || cursor.result.key !== last) {
          tx.abort();
          return;
        }
        log.clear();
        log.put(formatEntry(records), last);
      };
      tx.oncomplete = resolve;
      tx.onabort = resolve; // compaction is an optimization: the next load tries again
    });
    return this.#withLock(run);
  }

  // #withLock runs fn under the Web Lock of the database, unless this
  // store holds it already (Web Locks are not reentrant), and settles as
  // fn's run does, never as the request's own promise says: Firefox
  // resolves requests of a page being closed without granting them, and a
  // commit that took that for done was reported durable and never written
  // (the last batch of a page killed mid-commit, in crash.test.mjs). A
  // request never granted fails.
  async #withLock(fn) {
    if (this.#locked || typeof navigator === 'undefined' || !navigator.locks) return fn();
    let run = null; // fn's run, once granted
    const locked = () => {
      run = (async () => {
        this.#locked = true;
        try {
          return await fn();
        } finally {
          this.#locked = false;
        }
      })();
      return run;
    };
    try {
      // Only a refused request is made again, never a run of fn.
      await whileNotFullyActive(() => navigator.locks.request(`lua-wasm:${this.#name}`, locked), () => !run);
    } catch (e) {
      if (!run) throw e;
    }
    if (!run) throw new StorageError('closed', `the Web Lock "lua-wasm:${this.#name}" was not granted (the page is being unloaded): nothing was written`);
    return run;
  }

  /**
   * Runs fn (async) holding the Web Lock, so that no other tab commits
   * meanwhile; this store's own load() and commit() inside fn do not wait
   * for the lock. Resolves to fn's result.
   */
  exclusive(fn) {
    return this.#withLock(fn);
  }

  /** Returns the current values of keys (null for absent ones). */
  async read(keys) {
    const base = this.#base;
    const live = new Map((await this.load()).map(([k, v]) => [keyString(k), v]));
    this.#base = base;
    return keys.map((k) => live.get(keyString(k)) || null);
  }

  /**
   * Returns the ops of the commit of version v ([{ key, value }]), or null
   * when the log no longer holds it (compacted) or it is damaged.
   */
  async readCommit(version) {
    const db = await this.open();
    try {
      const batch = await requestPromise(db.transaction(LOG, 'readonly').objectStore(LOG).get(version));
      if (batch === undefined) return null;
      if (!(batch instanceof Uint8Array)) throw new StorageError('corrupt', `the database "${this.#name}" holds an entry that this library did not write`);
      const damaged = [];
      const ops = parseEntry(batch, damaged);
      return damaged.length === 0 ? ops : null; // a reload reports the damage
    } catch (e) {
      throw e instanceof StorageError ? e : storageError(e, 'reading the database');
    }
  }

  /** The version of the database this tab's Memory is based on (null before load). */
  get version() {
    return this.#base;
  }

  /** Records that this tab applied another tab's commit of version v. */
  advance(version) {
    if (this.#base !== null && version === this.#base + 1) this.#base = version;
  }

  /**
   * Writes ops in one transaction; after load(), fails with code
   * 'conflict' and writes nothing when another tab committed since.
   */
  async commit(ops) {
    if (this.#closed) throw new StorageError('closed', 'the store is closed');
    return this.#withLock(() => this.#write(ops));
  }

  async #write(ops, reopened = false) {
    const db = this.#db || (await this.open());
    const batch = formatEntry(ops);
    let tx;
    try {
      tx = db.transaction(LOG, 'readwrite', { durability: 'strict' });
    } catch (e) {
      // Closed under us: by a versionchange, or by the browser (WebKit did,
      // in a page reloaded while another was committing). Nothing was
      // written: try once more on a new connection.
      if (this.#db === db) this.#db = null;
      if (!reopened && !this.#closed) return this.#write(ops, true);
      throw storageError(e, 'writing to the database');
    }
    const version = await new Promise((resolve, reject) => {
      let next;
      let conflict = false;
      // A transaction that completes without the put (its cursor's answer
      // never came) wrote nothing: not a commit, like a lock not granted.
      tx.oncomplete = () => (next === undefined ? reject(new StorageError('closed', 'writing to the database: the transaction ended before the batch was written')) : resolve(next));
      tx.onabort = () => {
        // Firefox refuses every later write of a connection that exceeded
        // the quota (InvalidStateError), even once there is room: the next
        // attempt opens a new one.
        if (tx.error && tx.error.name === 'QuotaExceededError' && this.#db === db) {
          db.close();
          this.#db = null;
        }
        reject(conflict
          ? new StorageError('conflict', 'another tab committed first: Memory is reloaded and the transaction runs again')
          : storageError(tx.error, 'writing to the database'));
      };
      const log = tx.objectStore(LOG);
      const cursor = log.openCursor(null, 'prev');
      cursor.onsuccess = () => {
        const last = cursor.result ? cursor.result.key : 0;
        if (this.#base !== null && last !== this.#base) {
          conflict = true;
          tx.abort();
          return;
        }
        next = last + 1;
        try {
          log.put(batch, next);
        } catch (e) {
          tx.abort();
          reject(storageError(e, 'writing to the database'));
        }
      };
    });
    if (this.#base !== null) this.#base = version;
    this.#broadcast(packKeys(ops), version);
  }

  #broadcast(keys, version) {
    if (this.#ensureChannel()) this.#channel.postMessage({ keys, version });
  }

  #ensureChannel() {
    if (!this.#channel && typeof BroadcastChannel !== 'undefined' && !this.#closed) {
      this.#channel = new BroadcastChannel(`lua-wasm:${this.#name}`);
      this.#channel.onmessage = (e) => {
        for (const fn of this.#subscribers) fn(e.data.keys, e.data.version);
      };
    }
    return this.#channel !== null;
  }

  /** Calls fn(keys, version) with the keys other tabs commit; returns an unsubscribe function. */
  subscribe(fn) {
    this.#subscribers.add(fn);
    this.#ensureChannel();
    return () => this.#subscribers.delete(fn);
  }

  async close() {
    this.#closed = true;
    if (this.#channel) this.#channel.close();
    this.#channel = null;
    if (this.#db) this.#db.close();
    this.#db = null;
  }

  /** Deletes the database (all tabs must have closed it). */
  static destroy(dbName = 'lua-wasm') {
    return new Promise((resolve, reject) => {
      const req = indexedDB.deleteDatabase(dbName);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new StorageError('blocked', `deleting "${dbName}" is blocked by tabs that keep it open`));
    });
  }
}

