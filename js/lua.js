// The JavaScript API: LuaWASM.init() and the instances it returns.
//
// An instance is one Go program (one Lua state) in its own WebAssembly
// instance; the compiled module is shared. Calls into Lua are synchronous
// calls of functions the Go program exports (wasm/exports.go): JS writes
// the input (code, a name, a wire message) into Go's input buffer, calls,
// and decodes the result message straight from Go's memory. Go calls back
// through methods of the host object: write (Lua's output) and callJS (a
// JS function called from Lua).
//
// Persistent Memory: the engine keeps all of Memory in Go's memory and
// hands each commit to the host (host.commit) as a batch message; a
// Persister writes the batches to the instance's record store (IndexedDB
// in a browser) in order. At init the store's records are loaded into Go
// before the engine opens (autoRestore). Records another tab commits are
// read back from the store and applied (lw_apply_remote). The Promise
// methods resolve once their change is durable; eval is synchronous and
// its changes are durable at the next `await lua.flush()`.

import { compileModule, startGo } from './runtime.js';
import { Decoder, Encoder, RefKind } from './wire.js';
import { BatchError, LuaError, StorageError } from './errors.js';
import { auditArgs, backupBytes, batchOps, indexArgs, initOptions, persistArgs, queryArgs, schemaArgs } from './memory-api.js';
import { MemoryStore, Persister, formatBatch } from './store.js';
import { IndexedDBStore, hasIndexedDB } from './idb.js';

/**
 * A Lua value that has no JS counterpart (a userdata or a thread). It can
 * be passed back to Lua, where it is the same value again.
 */
export class LuaHandle {
  constructor(type) {
    this.type = type;
    Object.freeze(this);
  }

  toString() {
    return `[lua ${this.type}]`;
  }
}

const kindNames = ['function', 'userdata', 'thread'];

// list returns a Lua list converted to JS: an empty one arrives as {}.
const list = (v) => (Array.isArray(v) ? v : []);

// flatOps lists batch ops as lw_batch reads them (see wasm/memory.go): four
// values each, type, table, key, and the value of a set or the spec of a
// query (false for get and delete).
function flatOps(ops) {
  const flat = new Array(4 * ops.length);
  let i = 0;
  for (const op of ops) {
    flat[i++] = op.type;
    flat[i++] = op.table;
    flat[i++] = op.type === 'query' ? false : op.key;
    flat[i++] = op.type === 'set' ? op.value : op.type === 'query' ? op.query : false;
  }
  return flat;
}

// batchResults builds the result of each batch op from the op and lw_batch's
// answer [flags, values] (see wasm/memory.go).
function batchResults(ops, [flags, found]) {
  const values = list(found);
  let v = 0;
  return ops.map((op, i) => {
    switch (flags.charCodeAt(i)) {
      case 0x71: // 'q'
        return { type: op.type, rows: list(values[v++]), count: values[v++] };
      case 0x31: // '1'
        return { type: op.type, key: op.key, found: true, value: values[v++] };
      default:
        return { type: op.type, key: op.key, found: false };
    }
  });
}

const utf8 = new TextEncoder();

// maintenance is the redo of what the engine commits when it opens or
// reloads Memory (a new store's root, garbage collection): after a
// conflict, the reload that follows does that work again by itself.
const maintenance = () => {};

/** Writes Lua's output to the console, a line at a time. */
function consoleSink(log) {
  let pending = '';
  const sink = (text) => {
    pending += text;
    const nl = pending.lastIndexOf('\n');
    if (nl >= 0) {
      for (const line of pending.slice(0, nl).split('\n')) log(line);
      pending = pending.slice(nl + 1);
    }
  };
  sink.end = () => {
    if (pending) log(pending);
    pending = '';
  };
  return sink;
}

/**
 * The Go side of one instance: its exported functions and memory, with
 * the conversions of what crosses.
 */
class GoSide {
  constructor(exports, enc, dec) {
    this.x = exports;
    this.enc = enc;
    this.dec = dec;
  }

  bytes(addr, len) {
    return new Uint8Array(this.x.mem.buffer, addr >>> 0, len);
  }

  /**
   * Writes a string into the input buffer, leaving room for extra bytes
   * after it, and returns its UTF-8 length.
   */
  putString(s, extra = 0) {
    const max = s.length * 3;
    this.inputAddr = this.x.lw_input(max + extra) >>> 0;
    return utf8.encodeInto(s, this.bytes(this.inputAddr, max)).written;
  }

  /** Writes a message into the input buffer. */
  putMessage(msg) {
    this.bytes(this.x.lw_input(msg.length), msg.length).set(msg);
    return msg.length;
  }

  /** Writes ops as a batch message (store.js) into the input buffer; returns its length. */
  putBatch(ops) {
    return formatBatch(ops, (n) => this.bytes(this.x.lw_input(n), n)).length;
  }

  /** Decodes the reply of an exported function (see wasm/exports.go). */
  reply(n) {
    if (n === 0) return undefined; // no results
    if (n > 0) return this.dec.decode(this.bytes(this.x.lw_output(), n));
    const [message, traceback, value, exitCode] = this.dec.decodeAll(this.bytes(this.x.lw_output(), -n - 1));
    throw new LuaError(message, {
      traceback,
      value: value === null ? undefined : value,
      exitCode: exitCode === null ? undefined : exitCode,
    });
  }
}

export class LuaInstance extends EventTarget {
  #go;
  #closed = false;
  #crash = null;
  #exited;
  #jsFuncs = new Map(); // id -> JS function callable from Lua
  #jsIds = new WeakMap(); // JS function -> id
  #refs = new WeakMap(); // JS stand-in -> { handle, kind } of a Go-held Lua value
  #finalizer;
  #out;
  #err;
  #store = null; // the record store of Memory, when persistent
  #ownsStore = false; // whether close() closes it (not a store given to init)
  #persister = null;
  #unsubscribe = null;
  #closing = null;
  #redo = null; // runs the transaction in progress again (see Persister)
  #reloading = false;
  #announced = 0; // the last version another tab announced

  /** @internal Use LuaWASM.init(). */
  constructor(host, out, err) {
    super();
    this.#out = out;
    this.#err = err;
    host.write = (fd, text) => (fd === 2 ? this.#err : this.#out)(text);
    host.callJS = (id, addr, len) => this.#callJS(id, addr, len);
    host.commit = (addr, len) => this.#persist(addr, len);
    host.committed = (operation, puts, deletes, bytes, newObjects, ms) => {
      this.#emit('commit', { operation, puts, deletes, bytes, newObjects, ms });
    };
    this.#finalizer = new FinalizationRegistry((handle) => {
      if (!this.#closed) this.#go.x.lw_release(handle);
    });
    const self = this;
    this.global = Object.freeze({
      /** Returns the global variable name, converted. */
      get(name) {
        self.#check();
        const go = self.#go;
        return go.reply(go.x.lw_get_global(go.putString(String(name))));
      },
      /** Sets the global variable name to value (JS functions become callable from Lua). */
      set(name, value) {
        self.#check();
        const go = self.#go;
        const msg = go.enc.encode([value]);
        const nameLen = go.putString(String(name), msg.length);
        go.bytes(go.inputAddr + nameLen, msg.length).set(msg);
        go.reply(go.x.lw_set_global(nameLen, msg.length));
      },
    });
  }

  /** @internal */
  attach(instance, exited) {
    this.#exited = exited;
    this.#go = new GoSide(
      instance.exports,
      new Encoder((v) => this.#refs.get(v), (fn) => this.#jsFunctionId(fn)),
      new Decoder((handle, kind) => this.#luaRef(handle, kind), (id) => this.#jsFuncs.get(id)),
    );
  }

  /**
   * Runs a chunk of Lua code and returns its first result converted to JS
   * (undefined when it returns nothing). Throws a LuaError.
   */
  eval(code) {
    this.#check();
    if (typeof code !== 'string') throw new TypeError('eval: the code must be a string');
    const go = this.#go;
    return this.#run(() => this.#transact(() => go.reply(go.x.lw_eval(go.putString(code)))));
  }

  /**
   * Calls a Lua function: a global's name ("string.format" looks inside
   * tables) or a function returned by Lua. Returns its first result.
   */
  call(fn, ...args) {
    this.#check();
    if (typeof fn === 'string') {
      const path = fn.split('.');
      let f = this.global.get(path[0]);
      for (const key of path.slice(1)) f = f == null ? undefined : f[key];
      if (typeof f !== 'function') throw new TypeError(`call: ${fn} is not a function`);
      fn = f;
    }
    if (typeof fn !== 'function') throw new TypeError('call: expected a function or the name of one');
    return fn(...args);
  }

  /** Makes fn callable from Lua as the global name. */
  register(name, fn) {
    if (typeof fn !== 'function') throw new TypeError('register: expected a function');
    this.global.set(name, fn);
  }

  /**
   * Listens for an event; returns a function that stops listening. The
   * listener gets the event's detail.
   */
  on(type, listener) {
    const wrapped = (e) => listener(e.detail);
    this.addEventListener(type, wrapped);
    return () => this.removeEventListener(type, wrapped);
  }

  /**
   * @internal Opens the engine on the records of store (LuaWASM.init), which
   * loading, the promise of store.load(), delivers: init starts it before
   * the module is compiled so that both wait at the same time.
   */
  async openMemory(opts, store, loading) {
    // Held from the start, so that close() closes it whatever fails.
    this.#store = store;
    this.#ownsStore = !!store && store !== opts.store;
    const x = this.#go.x;
    if (typeof x.lw_open !== 'function') return; // a build without the engine
    const go = this.#go;
    if (store) {
      const records = await loading;
      this.#run(() => go.reply(x.lw_load(go.putBatch(records))));
      // The engine's first commit (a new store's root) comes during lw_open.
      this.#persister = new Persister(store, {
        onWritten: (ops) => this.#emit('persisted', { records: ops.length }),
        onFailed: (error) => this.#emit('storageerror', error),
        onConflict: typeof store.readCommit === 'function' ? (stale) => this.#conflict(stale) : null,
      });
    }
    const config = go.enc.encode([{
      maxInstructions: opts.maxInstructions || 0,
      memoryLimit: opts.memorySize || 0,
      compressionThreshold: opts.compression === false ? -1 : 0,
      sandbox: opts.sandbox === true,
    }]);
    // An empty Lua table arrives as {}: only a list of warnings is an array.
    const warnings = this.#run(() => this.#transact(() => go.reply(x.lw_open(go.putMessage(config))), maintenance));
    // The store's own (damaged log entries), then the engine's (damaged records).
    this.warnings = Object.freeze([...(store?.warnings || []), ...(Array.isArray(warnings) ? warnings : [])]);
    for (const w of this.warnings) console.warn(`lua-wasm: ${w}`);
    if (store && typeof store.readCommit === 'function') this.#unsubscribe = store.subscribe((keys, version) => this.#remote(keys, version));
  }

  /** The problems found while Memory was restored (damaged records; everything else loaded). */
  warnings = Object.freeze([]);

  /** Whether Memory outlives the instance (in IndexedDB, a file or a store given to init). */
  get persistent() {
    return this.#store !== null && !(this.#store instanceof MemoryStore && this.#ownsStore);
  }

  /**
   * Resolves when every change committed so far is durable in the store;
   * rejects with a StorageError: a failed write (the changes stay in
   * memory and are written again by the next commit or flush), or code
   * 'conflict' when a transaction overtaken by another tab's commit failed
   * when run again (Memory is the database's state with the transactions
   * that did run again; the error's cause is the failure, and a 'conflict'
   * event reported it too).
   */
  async flush() {
    this.#check();
    if (this.#persister) await this.#persister.flush();
  }

  /**
   * Persists a Lua function (a function expression, or a table constructor
   * of functions) as table[name]; inside it, free names that are not
   * globals resolve in that table, so a recursive function can call itself
   * by name. Resolves to true once durable.
   */
  async persistFunction(table, name, code, options) {
    this.#check();
    this.#engine('lw_persist_function', persistArgs(table, name, code, options));
    await this.flush();
    return true;
  }

  /**
   * Applies set/get/delete/query operations on Memory's collections as one
   * transaction: all or none. Resolves to one result per operation;
   * rejects with a BatchError naming the failing operation.
   */
  async batchTableOperations(operations) {
    this.#check();
    const ops = batchOps(operations);
    let results;
    try {
      results = this.#engine('lw_batch', [flatOps(ops)]);
    } catch (e) {
      if (e instanceof LuaError && e.value && typeof e.value.index === 'number') {
        const { index, reason } = e.value;
        throw new BatchError(e.message, { index, operation: operations[index], reason });
      }
      throw e;
    }
    await this.flush();
    return batchResults(ops, results);
  }

  /** Creates an index on a collection's field (type 'btree', 'hash' or 'suffix'); resolves to its description. */
  async createIndex(table, field, type) {
    this.#check();
    const r = this.#engine('lw_create_index', indexArgs(table, field, type));
    await this.flush();
    return r;
  }

  /** Queries a collection; resolves to the matching records. */
  async queryTable(table, query) {
    this.#check();
    const r = this.#engine('lw_query', queryArgs(table, query));
    return typeof r === 'number' ? r : list(r);
  }

  /** Like queryTable, but resolves to how the engine would answer: the plan and the indexes used. */
  async explainQuery(table, query) {
    this.#check();
    return this.#engine('lw_explain', queryArgs(table, query));
  }

  /** Compiles code without running it; resolves to { isValid, error }. */
  async validateFunction(code) {
    this.#check();
    if (typeof code !== 'string') throw new TypeError(`validateFunction: code must be a string of Lua code, got ${code === null ? 'null' : typeof code}`);
    return this.#engine('lw_validate_function', [code]);
  }

  /**
   * Sets the schema of a collection, checked on every write to it (a
   * pattern runs as a JavaScript RegExp). Resolves to true once durable.
   */
  async setSchema(table, schema) {
    this.#check();
    this.#engine('lw_set_schema', schemaArgs(table, schema));
    await this.flush();
    return true;
  }

  /** Records the given kinds of operations in the audit log (persisted, oldest entries dropped past maxEntries). */
  async enableAuditLog(operations, options) {
    this.#check();
    this.#engine('lw_enable_audit_log', auditArgs(operations, options));
    await this.flush();
    return true;
  }

  /** Resolves to the audit log, oldest first: { time, operation, collection, key, outcome }. */
  async getAuditLog() {
    this.#check();
    return list(this.#engine('lw_audit_log', []));
  }

  /** Resolves to a backup of all persisted data (bytes for importData). */
  async exportData() {
    this.#check();
    const go = this.#go;
    const fn = this.#exported('exportData', 'lw_export');
    const n = this.#run(() => fn());
    if (n < 0) go.reply(n); // throws the error
    return go.bytes(go.x.lw_output(), n).slice();
  }

  /** Replaces all persisted data by a backup from exportData. */
  async importData(data) {
    this.#check();
    const bytes = await backupBytes(data);
    const go = this.#go;
    const fn = this.#exported('importData', 'lw_import');
    this.#run(() => this.#transact(() => go.reply(fn(go.putMessage(bytes)))));
    await this.flush();
  }

  // #engine calls an engine export with args as one wire message and
  // returns its reply.
  #engine(exportName, args) {
    const go = this.#go;
    const fn = this.#exported(exportName, exportName);
    return this.#run(() => this.#transact(() => go.reply(fn(go.putMessage(go.enc.encode(args))))));
  }

  // #transact runs a call into Go that may commit; the batch it commits
  // carries redo, to be run again if another tab's commit overtakes it.
  #transact(run, redo = run) {
    const outer = this.#redo;
    this.#redo = redo;
    try {
      return run();
    } finally {
      this.#redo = outer;
    }
  }

  #exported(method, exportName) {
    const fn = this.#go.x[exportName];
    if (typeof fn !== 'function') throw new Error(`${method}: this lua.wasm was built without persistent Memory`);
    return fn;
  }

  // #persist takes a batch the engine committed, which the Persister
  // copies and writes.
  #persist(addr, len) {
    if (this.#persister) this.#persister.enqueueMessage(this.#go.bytes(addr, len), this.#redo);
  }

  // #remote applies the commit of version v that another tab made: its
  // batch when it is the next after this tab's base, else the whole
  // database (as after a conflict, with writing held meanwhile: a
  // transaction run during the reload was computed on the Memory being
  // replaced, so it runs again rather than being written over the newer
  // commits). A tab with writes pending does nothing: its next write
  // conflicts, which reloads it and runs its transactions again.
  async #remote(keys, version) {
    this.#announced = Math.max(this.#announced, version);
    const busy = () => this.#closed || this.#reloading || this.#persister.pending > 0;
    if (busy() || version <= this.#store.version) return;
    try {
      const ops = this.#store.version === version - 1 ? await this.#store.readCommit(version) : null;
      if (busy() || version <= this.#store.version) return;
      if (ops && this.#store.version === version - 1) {
        const go = this.#go;
        this.#run(() => this.#transact(() => go.reply(go.x.lw_apply_remote(go.putBatch(ops))), maintenance));
        this.#store.advance(version);
      } else {
        await this.#persister.hold(() => this.#conflict([]));
        return; // #conflict reported the change
      }
    } catch (e) {
      this.#emit(e instanceof StorageError ? 'storageerror' : 'warning', e instanceof StorageError ? e : { message: `applying another tab's changes failed: ${e.message}` });
      return;
    }
    this.#emit('remotechange', { keys: keys.length, version: this.#store.version });
  }

  // #reload replaces Memory by the store's contents. It returns the
  // batches committed while it read the store: they were computed on the
  // Memory it replaced. (A maintenance commit of the reloaded Memory, such
  // as a garbage collection, is queued after them, to be written as is.)
  async #reload() {
    this.#reloading = true;
    try {
      const records = await this.#store.load();
      const outdated = this.#persister.takeQueued();
      const go = this.#go;
      this.#run(() => this.#transact(() => go.reply(go.x.lw_reset(go.putBatch(records))), maintenance));
      return outdated;
    } finally {
      this.#reloading = false;
    }
  }

  // #conflict runs after another tab's commit overtook the stale batches,
  // with writing held: Memory is reloaded and their transactions (and
  // those committed while it reloaded) run again, each once, queueing new
  // batches.
  async #conflict(stale) {
    const outdated = await this.#reload();
    const redos = new Set();
    for (const batch of [...stale, ...outdated]) redos.add(batch.redo);
    // A transaction that cannot run again, or fails when it does, is lost:
    // the 'conflict' event says so at once, and flush() rejects.
    const lost = (message, cause) => {
      this.#emit('conflict', { lost: true, message });
      this.#persister.lose(new StorageError('conflict', message, cause));
    };
    for (const redo of redos) {
      if (!redo) {
        lost('a call of a Lua function held by JS was overtaken by another tab\'s commit and could not run again');
        continue;
      }
      try {
        this.#run(() => this.#transact(redo));
      } catch (e) {
        lost(`a transaction run again after another tab's commit failed: ${e.message}`, e);
      }
    }
    this.#emit('remotechange', { version: this.#store.version });
    // A commit announced while the store was read is not in Memory: with
    // no write of this tab to detect it, catch up now.
    if (this.#announced > this.#store.version && this.#persister.pending === 0) {
      queueMicrotask(() => this.#remote([], this.#announced));
    }
  }

  #emit(type, detail) {
    queueMicrotask(() => this.dispatchEvent(new CustomEvent(type, { detail })));
  }

  /**
   * Ends the instance: pending writes are flushed, its Go program exits
   * and its memory is freed.
   */
  close() {
    if (this.#closed && !this.#closing) return Promise.resolve();
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown() {
    let flushError = null;
    if (this.#persister) {
      try {
        await this.#persister.flush();
      } catch (e) {
        flushError = e;
      }
    }
    if (this.#closed) return; // crashed meanwhile
    this.#unsubscribe?.();
    if (this.#ownsStore) await this.#store.close();
    this.#closed = true;
    this.#go.x.lw_close();
    this.#out.end?.();
    this.#err.end?.();
    this.#jsFuncs.clear();
    this.#exited.wake();
    await this.#exited.promise;
    if (flushError) throw flushError;
  }

  get closed() {
    return this.#closed;
  }

  #check() {
    if (this.#crash) throw this.#crash;
    if (this.#closed) throw new Error('this Lua instance is closed');
  }

  /** @internal The Go program ended; without close() it was a fatal runtime error (out of memory). */
  exited() {
    if (this.#closed) return;
    this.#closed = true;
    this.#crash = new Error('the Lua engine stopped after a fatal error (see the console); this instance is closed');
  }

  // #run runs a call into Go. A trap means the Go program died (a bug, or
  // memory exhausted): the instance is unusable from then on.
  #run(fn) {
    let r;
    try {
      r = fn();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        this.#closed = true;
        this.#crash = new Error(`the Lua engine crashed (${e.message}); this instance is closed`, { cause: e });
        throw this.#crash;
      }
      throw e;
    }
    if (this.#crash) throw this.#crash; // the program died during the call
    return r;
  }

  #jsFunctionId(fn) {
    let id = this.#jsIds.get(fn);
    if (id === undefined) {
      id = this.#jsFuncs.size + 1;
      this.#jsFuncs.set(id, fn);
      this.#jsIds.set(fn, id);
    }
    return id;
  }

  #luaRef(handle, kind) {
    let stand;
    if (kind === RefKind.Function) {
      const self = this;
      stand = function luaFunction(...args) {
        self.#check();
        const go = self.#go;
        const msg = go.enc.encode(args);
        // A held function is detached by a reload: its call cannot be redone.
        return self.#run(() => self.#transact(() => go.reply(go.x.lw_call(handle, go.putMessage(msg))), null));
      };
    } else {
      stand = new LuaHandle(kindNames[kind]);
    }
    this.#refs.set(stand, { handle, kind });
    this.#finalizer.register(stand, handle);
    return stand;
  }

  // #callJS runs the JS function id for Lua with the argument list Go
  // wrote at addr. The result goes into Go's input buffer; the return value
  // is its length n, or -n-1 for an error message [isLuaError, message].
  #callJS(id, addr, len) {
    const go = this.#go;
    const fn = this.#jsFuncs.get(id);
    let msg;
    try {
      const r = fn(...go.dec.decodeAll(go.bytes(addr, len)));
      if (r && typeof r.then === 'function') {
        throw new TypeError('a JS function called from Lua returned a Promise: Lua calls are synchronous');
      }
      msg = go.enc.encode([r]);
    } catch (e) {
      msg = go.enc.encode([e instanceof LuaError, e instanceof Error ? e.message : String(e)]);
      return -go.putMessage(msg) - 1;
    }
    return go.putMessage(msg);
  }
}

// memoryStore returns the record store init's options ask for, or null
// when Memory is not restored.
function memoryStore(opts) {
  if (opts.autoRestore === false || opts.persistence === 'none') return null;
  if (opts.store) return opts.store;
  if (opts.persistence === 'memory') return new MemoryStore();
  if (hasIndexedDB()) return new IndexedDBStore(opts.dbName || 'lua-wasm');
  if (typeof document === 'undefined') return new MemoryStore(); // node, workers without IndexedDB
  throw new StorageError('unavailable', 'LuaWASM.init: IndexedDB is not available here (a private browsing mode, or a sandboxed frame), so Memory cannot persist: pass { persistence: "memory" } to run without persistence');
}

/**
 * Builds the LuaWASM namespace for an entry point; wasmURL() gives the
 * default location of lua.wasm (beside the script or module).
 */
export function makeLuaWASM(wasmURL) {
  async function init(options) {
    options = initOptions(options);
    const store = memoryStore(options);
    // Opening IndexedDB and reading the log (~150 ms on a first visit)
    // overlaps the download and compilation of the module.
    const loading = store?.load();
    loading?.catch(() => {}); // reported by openMemory, or moot when compiling fails
    const out = options.stdout || consoleSink(console.log);
    const err = options.stderr || consoleSink(console.warn);
    const host = {};
    const lua = new LuaInstance(host, out, err);
    const exited = {};
    exited.promise = new Promise((resolve) => {
      exited.resolve = resolve;
    });
    let instance;
    try {
      const module = await compileModule(options.wasm || wasmURL());
      instance = await startGo(module, host, () => {
        lua.exited();
        exited.resolve();
      });
    } catch (e) {
      if (store && store !== options.store) await store.close();
      throw e;
    }
    exited.wake = () => host.wake();
    lua.attach(instance, exited);
    try {
      await lua.openMemory(options, store, loading);
    } catch (e) {
      await lua.close();
      throw e;
    }
    return lua;
  }
  return Object.freeze({ init, LuaError, LuaHandle, StorageError, BatchError });
}
