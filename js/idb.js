// The IndexedDB store: where a browser keeps Memory between sessions.
//
// One database per dbName (version 1) with one object store, "records",
// mapping binary keys (ArrayBuffers, which IndexedDB orders bytewise, as the
// engine does) to values (Uint8Arrays). Each commit is one readwrite
// transaction, so it is atomic.
//
// Several tabs of one origin share the database. The model:
//   - The database counts its commits: a version number under a key of its
//     own (VERSION_KEY, outside the engine's keys). A store that has
//     loaded the database knows the version its tab's Memory is based on.
//   - Each commit runs under the Web Lock "lua-wasm:<dbName>" in one
//     readwrite transaction that first reads the version: when another tab
//     committed since this tab's base, the transaction writes nothing and
//     the commit fails with code 'conflict' (the engine's records, object
//     ids included, were computed on a stale Memory and must not mix with
//     the newer ones). Otherwise it writes the records and version + 1 and,
//     once complete, posts the keys it wrote and the new version on the
//     BroadcastChannel "lua-wasm:<dbName>" before releasing the lock.
//   - A tab receiving such a message reads those keys' current values and
//     applies them to its engine (advance() then moves its base), unless it
//     has writes of its own pending: those will conflict anyway.
//   - On a conflict the instance (lua.js) rereads the whole database,
//     reloads Memory from it and runs its pending transactions again (the
//     eval code, the batch, ...) on the fresh Memory, then commits them:
//     optimistic concurrency, as a database retries a transaction. So no
//     tab loses another's updates, and a read-modify-write (x = x + 1) in
//     two tabs adds up. A transaction that cannot be run again (a call of
//     a Lua function held by JS) is reported by a 'conflict' event instead.

import { StorageError } from './errors.js';

const STORE = 'records';

// The key of the commit counter: 0xff sorts after every key of the engine.
const VERSION_KEY = new Uint8Array([0xff, 0x76, 0x65, 0x72]).buffer; // "\xffver"
const isVersionKey = (k) => k instanceof ArrayBuffer && k.byteLength === 4 && new Uint8Array(k)[0] === 0xff && new Uint8Array(k)[1] === 0x76;

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
      req = indexedDB.open(this.#name, 1);
    } catch (e) {
      throw new StorageError('unavailable', `IndexedDB cannot be opened: ${e.message}`, e);
    }
    const db = await new Promise((resolve, reject) => {
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => {
        const e = req.error;
        reject(e && e.name === 'VersionError'
          ? new StorageError('blocked', `the database "${this.#name}" was created by a newer version of this library`, e)
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

  async load() {
    const db = await this.open();
    try {
      const tx = db.transaction(STORE, 'readonly');
      const store = tx.objectStore(STORE);
      const [keys, values] = await Promise.all([requestPromise(store.getAllKeys()), requestPromise(store.getAll())]);
      const at = keys.findIndex(isVersionKey);
      this.#base = at >= 0 ? values[at] : 0;
      if (at >= 0) {
        keys.splice(at, 1);
        values.splice(at, 1);
      }
      return keys.map((k, i) => {
        const v = values[i];
        if (!(k instanceof ArrayBuffer) || !(v instanceof Uint8Array)) {
          throw new StorageError('corrupt', `the database "${this.#name}" holds a record that this library did not write`);
        }
        return [new Uint8Array(k), v];
      });
    } catch (e) {
      throw e instanceof StorageError ? e : storageError(e, 'reading the database');
    }
  }

  /** Returns the current values of keys (null for absent ones). */
  async read(keys) {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readonly');
    const store = tx.objectStore(STORE);
    try {
      return await Promise.all(keys.map((k) => requestPromise(store.get(toKey(k))).then((v) => v || null)));
    } catch (e) {
      throw storageError(e, 'reading the database');
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
  /**
   * Returns the current values of keys (null for absent ones) and the
   * version they belong to, read in one transaction.
   */
  async readChanges(keys) {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readonly');
    const store = tx.objectStore(STORE);
    try {
      const [version, ...values] = await Promise.all([
        requestPromise(store.get(VERSION_KEY)),
        ...keys.map((k) => requestPromise(store.get(toKey(k))).then((v) => v || null)),
      ]);
      return { values, version: version || 0 };
    } catch (e) {
      throw storageError(e, 'reading the database');
    }
  }

  async commit(ops) {
    if (this.#closed) throw new StorageError('closed', 'the store is closed');
    const write = () => this.#write(ops);
    if (typeof navigator !== 'undefined' && navigator.locks) {
      return navigator.locks.request(`lua-wasm:${this.#name}`, write);
    }
    return write();
  }

  async #write(ops) {
    const db = this.#db || (await this.open());
    const version = await new Promise((resolve, reject) => {
      let tx;
      try {
        tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
      } catch (e) {
        this.#db = null; // closed under us (versionchange): reopen next time
        reject(storageError(e, 'writing to the database'));
        return;
      }
      let next;
      let conflict = false;
      tx.oncomplete = () => resolve(next);
      tx.onabort = () => reject(conflict
        ? new StorageError('conflict', 'another tab committed first: Memory is reloaded and the transaction runs again')
        : storageError(tx.error, 'writing to the database'));
      const store = tx.objectStore(STORE);
      const current = store.get(VERSION_KEY);
      current.onsuccess = () => {
        const v = current.result || 0;
        if (this.#base !== null && v !== this.#base) {
          conflict = true;
          tx.abort();
          return;
        }
        next = v + 1;
        try {
          for (const { key, value } of ops) {
            if (value) store.put(value.slice(), toKey(key));
            else store.delete(toKey(key));
          }
          store.put(next, VERSION_KEY);
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

function toKey(key) {
  return key.byteOffset === 0 && key.byteLength === key.buffer.byteLength ? key.buffer : key.slice().buffer;
}
