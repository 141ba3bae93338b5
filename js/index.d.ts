// Type declarations of lua-wasm-external-storage (hand-written; keep in
// step with js/lua.js).

/**
 * A value crossing between Lua and JavaScript.
 *
 * Lua to JS: nil is `null`; booleans, numbers and strings are themselves
 * (integers beyond 2^53 lose precision); a table whose keys are exactly
 * 1..n is an array, any other table a plain object (integer and boolean keys
 * become property names, keys of other types are left out), converted
 * recursively with shared parts and cycles preserved; a function is a
 * callable wrapper; userdata and threads are {@link LuaHandle}s.
 *
 * JS to Lua: `null` and `undefined` are nil; integral numbers in the safe
 * range are integers, other numbers floats; a bigint is an integer; a
 * string is a string (UTF-8), a Uint8Array or ArrayBuffer a string of its
 * bytes, a Date its ISO string; arrays are sequences, Maps and plain
 * objects tables (properties holding `undefined` are left out); a function
 * is a Lua function that calls it.
 */
export type LuaValue =
  | null
  | boolean
  | number
  | string
  | LuaValue[]
  | { [key: string]: LuaValue }
  | LuaFunction
  | LuaHandle;

/** A Lua function returned to JS: calling it calls Lua and returns the first result. */
export type LuaFunction = (...args: unknown[]) => LuaValue | undefined;

/** Options of {@link LuaWASM.init}. */
export interface InitOptions {
  /**
   * Where lua.wasm is: a URL (default: beside the script or module that
   * was loaded), its bytes, a Response, or a compiled WebAssembly.Module.
   */
  wasm?: string | URL | BufferSource | Response | WebAssembly.Module;
  /** Receives what Lua prints (print, io.write). Default: console.log, a line at a time. */
  stdout?: (text: string) => void;
  /** Receives Lua's warnings (warn). Default: console.warn, a line at a time. */
  stderr?: (text: string) => void;
}

/**
 * A Lua error: raised by `error()`, by the runtime, or a syntax error in
 * the code.
 */
export class LuaError extends Error {
  name: 'LuaError';
  /** Lua's stack traceback ("stack traceback:\n\t...") when the error was not caught inside Lua. */
  traceback: string;
  /** The error value when it is not a string or number: `error({ code = 42 })`. */
  value?: LuaValue;
  /** The status given to os.exit, when the code called it. */
  exitCode?: number;
}

/**
 * A failure of the persistent store. `code` tells which: 'unavailable' (no
 * IndexedDB, as in some private modes), 'quota' (the origin's storage quota
 * is exhausted), 'blocked' (another tab keeps an older version of the
 * database open), 'corrupt' (stored data cannot be read), 'closed', or
 * 'write'. A failed write loses nothing: the change stays in memory and is
 * written again by the next commit or `flush()`.
 */
export class StorageError extends Error {
  name: 'StorageError';
  code: 'unavailable' | 'quota' | 'blocked' | 'corrupt' | 'closed' | 'write';
}

/** A Lua userdata or thread held by JS; passed back to Lua it is the same value. */
export class LuaHandle {
  readonly type: 'userdata' | 'thread';
}

/** Access to Lua's global variables. */
export interface LuaGlobals {
  /** Returns the global variable `name`, converted. */
  get(name: string): LuaValue;
  /** Sets the global variable `name`; a JS function becomes callable from Lua. */
  set(name: string, value: unknown): void;
}

/** One Lua state, made by {@link LuaWASM.init}. */
export interface LuaInstance extends EventTarget {
  /**
   * Runs a chunk of Lua code and returns its first result converted (see
   * {@link LuaValue}); `undefined` when it returns nothing. Synchronous.
   * @throws {LuaError} on a syntax or runtime error.
   * @example lua.eval('return 2 + 2') // 4
   */
  eval(code: string): LuaValue | undefined;

  /** Lua's global variables. */
  readonly global: LuaGlobals;

  /**
   * Makes `fn` callable from Lua as the global `name`. Its arguments arrive
   * converted; its result goes back converted. An exception becomes a Lua
   * error (catchable with pcall). It must return synchronously.
   */
  register(name: string, fn: (...args: any[]) => unknown): void;

  /**
   * Calls a Lua function, given as the name of a global ("string.format"
   * looks inside tables) or as a function returned by Lua, and returns its
   * first result.
   */
  call(fn: string | LuaFunction, ...args: unknown[]): LuaValue | undefined;

  /** Listens for an event; returns a function that stops listening. */
  on(type: string, listener: (detail: unknown) => void): () => void;

  /** Ends the instance; its memory is freed. Further calls throw. */
  close(): Promise<void>;

  /** Whether close() was called (or the engine crashed). */
  readonly closed: boolean;
}

/** The entry point: `LuaWASM.init()`. */
export interface LuaWASMStatic {
  /** Loads the engine (once per page) and starts a Lua state with the standard libraries. */
  init(options?: InitOptions): Promise<LuaInstance>;
  readonly LuaError: typeof LuaError;
  readonly LuaHandle: typeof LuaHandle;
}

export const LuaWASM: LuaWASMStatic;
export default LuaWASM;
