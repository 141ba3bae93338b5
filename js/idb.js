// The IndexedDB store: where a browser keeps Memory between sessions.
//
// One database per dbName (version 1) with one object store, "records",
// mapping binary keys (ArrayBuffers, which IndexedDB orders bytewise, as the
// engine does) to values (Uint8Arrays). Each commit is one readwrite
// transaction, so it is atomic.
//
// Several tabs of one origin share the database. The model:
//   - Each commit runs under the Web Lock "lua-wasm:<dbName>" and, once its
//     transaction has completed, posts the keys it wrote on the
//     BroadcastChannel "lua-wasm:<dbName>" before releasing the lock, so
//     that the channel's messages follow the order of the commits.
//   - A tab receiving such a message reads those keys' current values in its
//     own transaction (never the values of the message, which could be stale
//     by the time it arrives) and applies them to its engine, except keys it
//     has written itself since: those are newer and go to the database with
//     its own next commit.
//   - So records are last-writer-wins, in the order IndexedDB committed the
//     transactions. Two tabs writing different entries (different fields of
//     a table, different tables) never lose each other's updates; two tabs
//     writing the same entry at once keep the later write. A read-modify-
//     write in one tab (x = x + 1) and the same in another may interleave:
//     one increment can be lost, as with any optimistic store without
//     transactions across tabs.

import { StorageError } from './errors.js';

const STORE = 'records';

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
    await new Promise((resolve, reject) => {
      let tx;
      try {
        tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
      } catch (e) {
        this.#db = null; // closed under us (versionchange): reopen next time
        reject(storageError(e, 'writing to the database'));
        return;
      }
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(storageError(tx.error, 'writing to the database'));
      const store = tx.objectStore(STORE);
      try {
        for (const { key, value } of ops) {
          if (value) store.put(value.slice(), toKey(key));
          else store.delete(toKey(key));
        }
      } catch (e) {
        tx.abort();
        reject(storageError(e, 'writing to the database'));
      }
    });
    this.#broadcast(ops.map(({ key }) => key.slice()));
  }

  #broadcast(keys) {
    if (this.#ensureChannel()) this.#channel.postMessage({ keys });
  }

  #ensureChannel() {
    if (!this.#channel && typeof BroadcastChannel !== 'undefined' && !this.#closed) {
      this.#channel = new BroadcastChannel(`lua-wasm:${this.#name}`);
      this.#channel.onmessage = (e) => {
        for (const fn of this.#subscribers) fn(e.data.keys);
      };
    }
    return this.#channel !== null;
  }

  /** Calls fn(keys) with the keys other tabs commit; returns an unsubscribe function. */
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
