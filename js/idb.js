// The IndexedDB store: where a browser keeps Memory between sessions.
//
// One database per dbName (version 2) with one object store, "log": the
// engine's commits, each one value (a batch message, see store.js) under
// its sequence number 1, 2, 3, ... A commit is one put in one readwrite
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
import { compareBytes, formatBatch, parseBatch } from './store.js';

const LOG = 'log';
const VERSION = 2;

const hex = (key) => Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('');

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
    if (!hasIndexedDB()) {
      throw new StorageError('unavailable', 'IndexedDB is not available here (a private browsing mode, or a sandboxed frame): pass { persistence: "memory" } to run without persistence');
    }
    let req;
    try {
      req = indexedDB.open(this.#name, VERSION);
    } catch (e) {
      throw new StorageError('unavailable', `IndexedDB cannot be opened: ${e.message}`, e);
    }
    const db = await new Promise((resolve, reject) => {
      req.onupgradeneeded = () => {
        const db = req.result;
        // Version 1 kept one record per key; nothing shipped with it.
        if (db.objectStoreNames.contains('records')) db.deleteObjectStore('records');
        if (!db.objectStoreNames.contains(LOG)) db.createObjectStore(LOG);
      };
      req.onsuccess = () => resolve(req.result);
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
   * Returns every record, as [key, value] pairs in key order, and makes
   * the last commit this store's base; compacts a log that outgrew its
   * live records.
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
    const live = new Map(); // hex key -> [key, value]
    let logBytes = 0;
    batches.forEach((batch, i) => {
      if (typeof seqs[i] !== 'number' || !(batch instanceof Uint8Array)) {
        throw new StorageError('corrupt', `the database "${this.#name}" holds an entry that this library did not write`);
      }
      logBytes += batch.length;
      for (const { key, value } of parseBatch(batch)) {
        if (value) live.set(hex(key), [key, value]);
        else live.delete(hex(key));
      }
    });
    const records = [...live.values()].sort((a, b) => compareBytes(a[0], b[0]));
    const last = seqs.length > 0 ? seqs[seqs.length - 1] : 0;
    this.#base = last;
    let liveBytes = 0;
    for (const [k, v] of records) liveBytes += k.length + v.length + 4;
    if (seqs.length > 1 && logBytes > 2 * liveBytes) await this.#compact(records, last);
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
        log.put(formatBatch(records), last);
      };
      tx.oncomplete = resolve;
      tx.onabort = resolve; // compaction is an optimization: the next load tries again
    });
    return this.#withLock(run);
  }

  // #withLock runs fn under the Web Lock of the database, unless this
  // store holds it already (Web Locks are not reentrant).
  #withLock(fn) {
    if (this.#locked || typeof navigator === 'undefined' || !navigator.locks) return fn();
    return navigator.locks.request(`lua-wasm:${this.#name}`, async () => {
      this.#locked = true;
      try {
        return await fn();
      } finally {
        this.#locked = false;
      }
    });
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
    const live = new Map((await this.load()).map(([k, v]) => [hex(k), v]));
    this.#base = base;
    return keys.map((k) => live.get(hex(k)) || null);
  }

  /**
   * Returns the ops of the commit of version v ([{ key, value }]), or null
   * when the log no longer holds it (compacted).
   */
  async readCommit(version) {
    const db = await this.open();
    try {
      const batch = await requestPromise(db.transaction(LOG, 'readonly').objectStore(LOG).get(version));
      if (batch === undefined) return null;
      if (!(batch instanceof Uint8Array)) throw new StorageError('corrupt', `the database "${this.#name}" holds an entry that this library did not write`);
      return parseBatch(batch);
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

  async #write(ops) {
    const db = this.#db || (await this.open());
    const batch = formatBatch(ops);
    const version = await new Promise((resolve, reject) => {
      let tx;
      try {
        tx = db.transaction(LOG, 'readwrite', { durability: 'strict' });
      } catch (e) {
        this.#db = null; // closed under us (versionchange): reopen next time
        reject(storageError(e, 'writing to the database'));
        return;
      }
      let next;
      let conflict = false;
      tx.oncomplete = () => resolve(next);
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
    this.#broadcast(ops.map(({ key }) => key.slice()), version);
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

