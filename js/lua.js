// The JavaScript API: LuaWASM.init() and the instances it returns.
//
// An instance is one Go program (one Lua state) in its own WebAssembly
// instance; the compiled module is shared. Calls into Lua are synchronous
// calls of functions the Go program exports (wasm/exports.go): JS writes
// the input (code, a name, a wire message) into Go's input buffer, calls,
// and decodes the result message straight from Go's memory. Go calls back
// through methods of the host object: write (Lua's output) and callJS (a
// JS function called from Lua).

import { compileModule, startGo } from './runtime.js';
import { Decoder, Encoder, RefKind } from './wire.js';
import { LuaError } from './errors.js';

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
const utf8 = new TextEncoder();

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

  /** @internal Use LuaWASM.init(). */
  constructor(host, out, err) {
    super();
    this.#out = out;
    this.#err = err;
    host.write = (fd, text) => (fd === 2 ? this.#err : this.#out)(text);
    host.callJS = (id, addr, len) => this.#callJS(id, addr, len);
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
    return this.#run(() => go.reply(go.x.lw_eval(go.putString(code))));
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

  /** Ends the instance: its Go program exits and its memory is freed. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#go.x.lw_close();
    this.#out.end?.();
    this.#err.end?.();
    this.#jsFuncs.clear();
    this.#exited.wake();
    await this.#exited.promise;
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
        return self.#run(() => go.reply(go.x.lw_call(handle, go.putMessage(msg))));
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

/**
 * Builds the LuaWASM namespace for an entry point; wasmURL() gives the
 * default location of lua.wasm (beside the script or module).
 */
export function makeLuaWASM(wasmURL) {
  async function init(options = {}) {
    const module = await compileModule(options.wasm || wasmURL());
    const out = options.stdout || consoleSink(console.log);
    const err = options.stderr || consoleSink(console.warn);
    const host = {};
    const lua = new LuaInstance(host, out, err);
    const exited = {};
    exited.promise = new Promise((resolve) => {
      exited.resolve = resolve;
    });
    const instance = await startGo(module, host, () => {
      lua.exited();
      exited.resolve();
    });
    exited.wake = () => host.wake();
    lua.attach(instance, exited);
    return lua;
  }
  return Object.freeze({ init, LuaError, LuaHandle });
}
