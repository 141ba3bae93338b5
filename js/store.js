// Record stores and the queue that writes the engine's commits to them.
//
// The Go engine keeps all of Memory in memory and writes each commit as one
// batch of record puts and deletes (keys and values are bytes; keys order as
// byte strings). A store is where those records live between sessions:
// IndexedDB in browsers (idb.js), memory or a file in node. Every store has:
//
//   load()        Promise of every record, as [key, value] pairs in key order
//   commit(ops)   Promise, settled when the ops ([{ key, value }], value null
//                 for a delete) are durable, all or none of them
//   close()       Promise
//   subscribe(fn) optional: fn(ops) is called with the records that another
//                 tab committed; returns a function that unsubscribes
//
// Batches cross from Go as one message: for each op a byte (0 put, 1
// delete), the key (uvarint length, bytes) and, for a put, the value.

import { StorageError } from './errors.js';

/** Splits a batch message into ops whose keys and values are views of msg. */
export function parseBatch(msg) {
  const ops = [];
  let pos = 0;
  const uvarint = () => {
    let x = 0;
    let scale = 1;
    for (;;) {
      const b = msg[pos++];
      if (b === undefined) throw new StorageError('corrupt', 'malformed batch message');
      x += (b & 0x7f) * scale;
      if (b < 0x80) return x;
      scale *= 128;
    }
  };
  const bytes = () => {
    const n = uvarint();
    if (pos + n > msg.length) throw new StorageError('corrupt', 'malformed batch message');
    const b = msg.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  while (pos < msg.length) {
    const del = msg[pos++] === 1;
    const key = bytes();
    ops.push({ key, value: del ? null : bytes() });
  }
  return ops;
}

/**
 * Returns ops ([{ key, value }], or [key, value] pairs) as one batch
 * message, written into alloc(n), a buffer of n bytes (at least what the
 * message needs): the host writes the records it restores straight into
 * Go's input buffer.
 */
export function formatBatch(ops, alloc = (n) => new Uint8Array(n)) {
  let size = 0;
  for (const op of ops) size += opLength(...opParts(op));
  const out = alloc(size);
  let pos = 0;
  for (const op of ops) pos = writeOp(out, pos, ...opParts(op));
  return out.subarray(0, pos);
}

/** Returns an op's key and value, from { key, value } or a [key, value] pair. */
export const opParts = (op) => (Array.isArray(op) ? op : [op.key, op.value]);

const uvarintLength = (x) => {
  let n = 1;
  for (; x >= 0x80; x = Math.floor(x / 128)) n++;
  return n;
};

/** Writes x as a uvarint at out[pos]; returns the position after it. */
export function putUvarint(out, pos, x) {
  while (x >= 0x80) {
    out[pos++] = (x & 0x7f) | 0x80;
    x = Math.floor(x / 128);
  }
  out[pos++] = x;
  return pos;
}

/** Returns the length of an op in a batch message (value null for a delete). */
export const opLength = (key, value) =>
  1 + uvarintLength(key.length) + key.length + (value ? uvarintLength(value.length) + value.length : 0);

/**
 * Writes an op of a batch message at out[pos] (a flag, 1 for a delete,
 * then the key and, unless deleted, the value, each after its uvarint
 * length); returns the position after it.
 */
export function writeOp(out, pos, key, value) {
  out[pos++] = value ? 0 : 1;
  pos = putUvarint(out, pos, key.length);
  out.set(key, pos);
  pos += key.length;
  if (value) {
    pos = putUvarint(out, pos, value.length);
    out.set(value, pos);
    pos += value.length;
  }
  return pos;
}

/**
 * Folds batches of ops ([{ key, value }], value null for a delete), in
 * commit order, into the records they leave: [key, value] pairs in key
 * order, the last write of each key winning. The engine sorts the keys of
 * each commit, so the batches of a log are usually sorted runs, merged
 * here pairwise (a commit over the one before it) in O(n log batches)
 * compares; otherwise the records are collected in a Map and sorted.
 */
export function foldBatches(batches) {
  if (!batches.every(ascending)) {
    const live = new Map(); // keyString(key) -> [key, value]
    for (const ops of batches) {
      for (const { key, value } of ops) {
        if (value) live.set(keyString(key), [key, value]);
        else live.delete(keyString(key));
      }
    }
    return [...live.values()].sort((a, b) => compareBytes(a[0], b[0]));
  }
  let runs = batches;
  while (runs.length > 1) {
    const next = [];
    for (let i = 0; i < runs.length; i += 2) next.push(i + 1 < runs.length ? mergeRuns(runs[i], runs[i + 1]) : runs[i]);
    runs = next;
  }
  const records = [];
  for (const { key, value } of runs[0] || []) if (value) records.push([key, value]);
  return records;
}

// ascending reports whether the keys of ops strictly increase.
function ascending(ops) {
  for (let i = 1; i < ops.length; i++) {
    if (compareBytes(ops[i - 1].key, ops[i].key) >= 0) return false;
  }
  return true;
}

// mergeRuns merges two runs of ops in strictly increasing key order into
// one, the op of the later run winning a key both hold (deletes are kept:
// a delete must still hide the key from runs older than both).
function mergeRuns(older, newer) {
  const out = [];
  let i = 0;
  let j = 0;
  while (i < older.length && j < newer.length) {
    const c = compareBytes(older[i].key, newer[j].key);
    if (c < 0) out.push(older[i++]);
    else {
      if (c === 0) i++;
      out.push(newer[j++]);
    }
  }
  while (i < older.length) out.push(older[i++]);
  while (j < newer.length) out.push(newer[j++]);
  return out;
}

/** Orders byte strings as the engine does (bytes.Compare). */
export function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

/**
 * Returns a string that stands for key (bytes) as a Map key: one UTF-16
 * code unit per byte, so that distinct keys give distinct strings. A load
 * keys a Map by every record; this costs a third of building hex strings.
 */
export function keyString(key) {
  if (key.length <= 4096) return String.fromCharCode.apply(null, key);
  let s = '';
  for (let i = 0; i < key.length; i += 4096) s += String.fromCharCode.apply(null, key.subarray(i, i + 4096));
  return s;
}

/**
 * Writes batches to a store one after another, in commit order. A batch
 * that fails stays queued (nothing is lost: the engine's memory already
 * holds it) and blocks the ones after it, so the store never holds a later
 * commit without an earlier one; the next enqueue or flush() retries them
 * all as one merged batch. onWritten(ops) and onFailed(error) report each
 * outcome.
 *
 * A store may refuse a commit with code 'conflict' (another tab committed
 * first, see idb.js): the queued batches are then handed to onConflict,
 * which reloads the engine and runs their transactions again (each batch
 * carries the function that does, its redo), enqueueing new batches that
 * are written in their stead. When the store can lock out the other tabs
 * (exclusive(fn)), the reload and the new write happen under that lock, so
 * the second attempt cannot be overtaken.
 */
export class Persister {
  #store;
  #queue = []; // batches not yet durable, oldest first: { ops, redo }
  #writing = null; // the promise of the write in progress
  #lastError = null;
  #lost = null; // the error of a transaction lost to a conflict, until flush() reports it
  #lostReported = false;
  #flushing = 0; // flush() calls in progress
  #onWritten;
  #onFailed;
  #onConflict;

  constructor(store, { onWritten = () => {}, onFailed = () => {}, onConflict = null } = {}) {
    this.#store = store;
    this.#onWritten = onWritten;
    this.#onFailed = onFailed;
    this.#onConflict = onConflict;
  }

  /** Number of batches waiting to be written. */
  get pending() {
    return this.#queue.length;
  }

  /** The error of the last failed write, until a write succeeds. */
  get lastError() {
    return this.#lastError;
  }

  /**
   * Reports whether key has a write that is not yet durable: such a write
   * is newer than what another tab committed before it.
   */
  isPending(key) {
    const k = keyString(key);
    return this.#queue.some((batch) => batch.ops.some((op) => keyString(op.key) === k));
  }

  /**
   * Records that a queued transaction was lost: it was overtaken by
   * another tab's commit and running it again failed (or it cannot run
   * again). Its batch is gone, so no retry can write it: the flush() calls
   * in progress, or else the next one, reject with error. The first loss
   * is the one reported.
   */
  lose(error) {
    this.#lost ??= error;
  }

  /** Removes and returns the queued batches (onConflict: ones queued while it reloaded). */
  takeQueued() {
    return this.#queue.splice(0);
  }

  /**
   * Runs task (async) once no write is in progress, and writes nothing
   * until it ends: batches enqueued meanwhile wait, so task may take them
   * (takeQueued) to run their transactions again, as onConflict does.
   * Resolves to task's result.
   */
  async hold(task) {
    while (this.#writing) await this.#writing;
    const run = task();
    this.#writing = run.then(() => {}, () => {}).finally(() => {
      this.#writing = null;
      if (this.#queue.length > 0) this.#kick();
    });
    return run;
  }

  /** Queues a batch of ops, as enqueueMessage does their batch message. */
  enqueue(ops, redo = null) {
    this.enqueueMessage(formatBatch(ops), redo);
  }

  /**
   * Queues the batch message msg (a view of a buffer the caller reuses);
   * redo, when given, runs its transaction again after a conflict. The
   * message is copied once, and its ops are views of the copy (a copy per
   * key and value cost 20,000 allocations for a batch of 10,000 records).
   */
  enqueueMessage(msg, redo = null) {
    this.#queue.push({ ops: parseBatch(msg.slice()), redo });
    this.#kick();
  }

  /**
   * Resolves when every batch enqueued so far is durable; rejects with the
   * StorageError of a failed write (the batches stay queued), or with the
   * error of a transaction lost to a conflict since the last flush that
   * reported one (lose()).
   */
  async flush() {
    this.#flushing++;
    try {
      while (this.#writing) await this.#writing;
      if (this.#queue.length > 0) {
        this.#kick();
        await this.#writing;
        if (this.#queue.length > 0) throw this.#lastError;
      }
      if (this.#lost) {
        this.#lostReported = true;
        throw this.#lost;
      }
    } finally {
      // Every flush that was waiting when the loss was found reports it;
      // the ones after do not.
      if (--this.#flushing === 0 && this.#lostReported) {
        this.#lost = null;
        this.#lostReported = false;
      }
    }
  }

  #kick() {
    if (this.#writing) return;
    this.#writing = this.#drain().finally(() => {
      this.#writing = null;
    });
  }

  async #drain() {
    let conflicts = 0;
    while (this.#queue.length > 0) {
      const count = this.#queue.length;
      try {
        await this.#writeQueued(count);
      } catch (e) {
        if (e && e.code === 'conflict' && this.#onConflict && conflicts++ < MAX_CONFLICTS) {
          const exclusive = typeof this.#store.exclusive === 'function' ? (fn) => this.#store.exclusive(fn) : (fn) => fn();
          try {
            await exclusive(async () => {
              // The stale batches stay queued while the lock is awaited:
              // a tab with writes pending applies no other tab's commit
              // on top of them (lua.js), which would mix the two states.
              const stale = this.#queue.splice(0, count);
              try {
                await this.#onConflict(stale);
              } catch (reloadError) {
                this.#queue.unshift(...stale);
                throw reloadError;
              }
              if (this.#queue.length > 0) await this.#writeQueued(this.#queue.length);
            });
            continue;
          } catch (retryError) {
            if (retryError && retryError.code === 'conflict') continue; // a store without exclusive()
            e = retryError;
          }
        }
        this.#lastError = e instanceof StorageError ? e : new StorageError('write', `writing to the store failed: ${e && e.message}`, e);
        this.#onFailed(this.#lastError);
        return; // retried by the next enqueue or flush
      }
    }
  }

  // #writeQueued writes the first count queued batches as one and
  // dequeues them; when it fails they stay queued.
  async #writeQueued(count) {
    const ops = count === 1 ? this.#queue[0].ops : merge(this.#queue.slice(0, count).map((b) => b.ops));
    await this.#store.commit(ops);
    this.#lastError = null;
    this.#queue.splice(0, count);
    this.#onWritten(ops);
  }
}

// Conflicts in a row after which a write is reported as failed (tabs that
// keep overtaking each other).
const MAX_CONFLICTS = 20;

// merge folds batches into one in which the last op on each key wins.
function merge(batches) {
  const last = new Map();
  for (const batch of batches) {
    for (const op of batch) {
      const k = keyString(op.key);
      last.delete(k); // keep the order of last writes
      last.set(k, op);
    }
  }
  return [...last.values()];
}

/** A store in memory: for node, tests and pages that persist nothing. */
export class MemoryStore {
  #records = new Map(); // keyString(key) -> [key, value]
  #closed = false;

  async load() {
    this.#check();
    return [...this.#records.values()].sort((a, b) => compareBytes(a[0], b[0])).map(([k, v]) => [k.slice(), v.slice()]);
  }

  async commit(ops) {
    this.#check();
    for (const { key, value } of ops) {
      if (value) this.#records.set(keyString(key), [key.slice(), value.slice()]);
      else this.#records.delete(keyString(key));
    }
  }

  async close() {
    this.#closed = true;
  }

  #check() {
    if (this.#closed) throw new StorageError('closed', 'the store is closed');
  }
}
