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
  /**
   * Restore the persisted Memory (default true). With false, Memory starts
   * empty and does not persist.
   */
  autoRestore?: boolean;
  /** The IndexedDB database holding Memory (default "lua-wasm"). */
  dbName?: string;
  /** A bound on the VM instructions of each call into Lua; 0 (default): none. */
  maxInstructions?: number;
  /** A bound in bytes on what each call into Lua allocates; 0 (default): none. */
  memorySize?: number;
  /** Compress stored values above 1 KiB with snappy (default true). */
  compression?: boolean;
  /**
   * Accepted for compatibility with the seed's API: arguments are always
   * checked, and stored bytecode is always verified when it is loaded.
   */
  validation?: boolean;
  /**
   * Where Memory is kept: a record store such as `FileStore` or
   * `MemoryStore` from 'lua-wasm-external-storage/node'. Default: IndexedDB
   * in browsers, memory in node.
   */
  store?: import('./node').RecordStore;
  /**
   * "memory" keeps Memory in memory only (for pages where IndexedDB is
   * missing, as in some private modes); "none" is as autoRestore: false.
   */
  persistence?: 'indexeddb' | 'memory' | 'none';
  /**
   * Run untrusted scripts (default false): only the libraries that cannot
   * reach the host are opened, so io, package/require, dofile/loadfile and
   * debug are nil, and os has only time, clock, date, difftime and exit.
   * Memory persists as usual. Pair it with maxInstructions and memorySize.
   */
  sandbox?: boolean;
}

/** One operation of {@link LuaInstance.batchTableOperations}, on Memory[table][key]. */
export type BatchOperation =
  | { type: 'set'; table: string; key: string | number; value: unknown }
  | { type: 'get'; table: string; key: string | number }
  | { type: 'delete'; table: string; key: string | number }
  | { type: 'query'; table: string; query: QuerySpec };

/**
 * The result of one batch operation: for get, the value (null when
 * absent); for set and delete, the value replaced (absent when there was
 * none) and whether there was one; for a query, the records.
 */
export type BatchResult =
  | { type: 'set' | 'get' | 'delete'; key: string | number; found: boolean; value?: LuaValue }
  | { type: 'query'; rows: LuaValue[]; count: number };

/** A query operator. */
export type QueryOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'between' | 'startsWith' | 'endsWith' | 'contains' | 'in';

/** A condition on a field of the records. */
export interface QueryCondition {
  field: string;
  operator: QueryOperator;
  /** For between, [low, high] (inclusive); for in, a list of values. */
  value: unknown;
}

/**
 * A query of {@link LuaInstance.queryTable}: a main condition (field,
 * operator, value), more conditions that must all hold (where) or of which
 * one must hold (any), an order, a limit (default 100) and an offset.
 */
export interface QuerySpec {
  /** The collection, when queryTable's table is 'Memory'. */
  table?: string;
  field?: string;
  operator?: QueryOperator;
  value?: unknown;
  where?: QueryCondition | QueryCondition[];
  any?: QueryCondition[];
  limit?: number;
  offset?: number;
  /** 'asc' or 'desc' on the main field, or another field's order. */
  sort?: 'asc' | 'desc' | { field: string; order?: 'asc' | 'desc' };
  /** Answer the number of matches instead of the records. */
  count?: boolean;
}

/** How a query was answered ({@link LuaInstance.explainQuery}). */
export interface QueryPlan {
  /** The indexes and steps used: "btree range on score [800, +inf)". */
  plan: string;
  /** Index entries and records looked at. */
  examined: number;
  count: number;
  /** The keys of the matching records, in order. */
  keys: Array<string | number>;
}

/** The rule of one field of a collection's records. */
export interface FieldRule {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'table' | 'function';
  required?: boolean;
  /** Bounds of a number (inclusive). */
  min?: number;
  max?: number;
  /** Bounds of a string's length, in UTF-8 characters. */
  minLength?: number;
  maxLength?: number;
  /**
   * A regular expression a string must match, run as a JavaScript RegExp
   * (its flags i, m and s are kept; g, y and u do not change a test). The
   * schema is stored with the pattern's source: the native Go engine runs
   * it with Go's RE2 syntax, which has no lookaround and no backreferences.
   */
  pattern?: RegExp | string;
  /** The allowed values. */
  enum?: unknown[];
  /** The rules of a table value's own fields. */
  fields?: Schema;
}

/** A collection's schema: the rule of each field by name. */
export type Schema = { [field: string]: FieldRule };

/** An index made by {@link LuaInstance.createIndex}. */
export interface Index {
  table: string;
  field: string;
  type: 'btree' | 'hash' | 'suffix';
}

/** Operation kinds the audit log can record; batchTableOperations stands for set, get, delete and query. */
export type AuditedOperation = 'eval' | 'persistFunction' | 'batchTableOperations' | 'set' | 'get' | 'delete' | 'query' | 'setSchema' | 'createIndex' | 'import';

/** One entry of the audit log. */
export interface AuditEntry {
  /** ISO 8601. */
  time: string;
  operation: string;
  collection: string;
  key: string;
  /** "ok", or the error message. */
  outcome: string;
}

/** The detail of a 'commit' event: a transaction committed. */
export interface CommitDetail {
  operation: 'eval' | 'batch' | 'persistFunction' | 'setSchema' | 'createIndex' | 'import' | 'audit' | string;
  puts: number;
  deletes: number;
  bytes: number;
  newObjects: number;
  ms: number;
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
 * database open), 'corrupt' (stored data cannot be read), 'closed' (the
 * store closed, or the page is going away), 'write', or 'conflict' (after
 * another tab's commit, a transaction of this one could not run again on the
 * new state: Memory is the database's state plus the transactions that did;
 * `cause` holds the Lua error). A failed write loses nothing: the change
 * stays in memory and is written again by the next commit or `flush()`.
 */
export class StorageError extends Error {
  name: 'StorageError';
  code: 'unavailable' | 'quota' | 'blocked' | 'corrupt' | 'closed' | 'write' | 'conflict';
}

/**
 * A batchTableOperations call that changed nothing: `index` is the failing
 * operation's position (from 0), or -1 when the batch as a whole was
 * refused (more operations than the limit, 10,000).
 */
export class BatchError extends Error {
  name: 'BatchError';
  index: number;
  operation?: BatchOperation;
  reason: string;
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


  /** Ends the instance; its memory is freed. Further calls throw. */
  close(): Promise<void>;

  /** Whether close() was called (or the engine crashed). */
  readonly closed: boolean;

  /** Whether Memory outlives the instance (IndexedDB, a file or a store given to init). */
  readonly persistent: boolean;

  /** Problems found while Memory was restored (damaged records); everything else loaded. */
  readonly warnings: readonly string[];

  /**
   * Resolves when everything committed so far is durable.
   * @throws {StorageError} when a write failed (the changes stay in memory
   * and are written again by the next commit or flush), or with code
   * 'conflict' when a transaction could not run again after another tab's
   * commit.
   */
  flush(): Promise<void>;

  /**
   * Persists a function as table[name]: code is a function expression or
   * a table constructor of functions. Inside it, a free name that is not a
   * global resolves to the entry of that name in table, so a recursive
   * function can call itself by name. Resolves to true once durable.
   * @throws {LuaError} for code that does not compile, with Lua's message.
   * @example await lua.persistFunction('Memory', 'double', 'function(x) return 2 * x end')
   */
  persistFunction(table: string, name: string, code: string, options?: { compress?: boolean; validate?: boolean }): Promise<true>;

  /**
   * Applies operations on Memory's collections as one transaction, all or
   * none; resolves once durable to one result per operation.
   * @throws {BatchError} naming the failing operation.
   */
  batchTableOperations(operations: BatchOperation[]): Promise<BatchResult[]>;

  /**
   * Indexes a field of a collection's records: createIndex('Memory',
   * 'appUsers.score') or createIndex('appUsers', 'score'). Type 'btree'
   * (default: ranges, prefixes, sorting), 'hash' (equality) or 'suffix'
   * (endsWith, contains). The definition persists.
   */
  createIndex(table: string, field: string, type?: 'btree' | 'hash' | 'suffix'): Promise<Index>;

  /**
   * The records of a collection that match: queryTable('Memory', { table:
   * 'appUsers', ... }) or queryTable('appUsers', { ... }). A count query
   * resolves to the number of matches.
   */
  queryTable(table: string, query: QuerySpec): Promise<LuaValue[] | number>;

  /** How queryTable would answer the query. */
  explainQuery(table: string, query: QuerySpec): Promise<QueryPlan>;

  /**
   * Compiles code as persistFunction would, without running it.
   * @example await lua.validateFunction('function(a, b = 0) end')
   * // { isValid: false, error: `[string "function(a, b = 0) end"]:1: ')' expected near '='` }
   */
  validateFunction(code: string): Promise<{ isValid: boolean; error?: string }>;

  /**
   * Sets the schema of a collection, checked on every
   * write to it: batches, and plain Lua assignments (at commit, rolling the
   * eval back). The collection's existing records must satisfy it.
   */
  setSchema(table: string, schema: Schema): Promise<true>;

  /** Records the given kinds of operations in the persisted audit log, keeping at most maxEntries (default 1000). */
  enableAuditLog(operations: AuditedOperation[], options?: { maxEntries?: number }): Promise<true>;

  /** The audit log, oldest first. */
  getAuditLog(): Promise<AuditEntry[]>;

  /** A backup of all persisted data: Memory, schemas, indexes and the audit log. */
  exportData(): Promise<Uint8Array>;

  /** Replaces all persisted data with a backup from exportData, atomically (a damaged backup changes nothing). */
  importData(data: Uint8Array | ArrayBuffer | Blob): Promise<void>;

  /**
   * Events: 'commit' ({@link CommitDetail}), 'persisted' (a batch is
   * durable: { records }), 'storageerror' (a {@link StorageError}),
   * 'remotechange' (another tab's commit was applied), 'conflict' (a
   * transaction overtaken by another tab's commit could not run again:
   * { lost, message }).
   */
  on(type: 'commit', listener: (detail: CommitDetail) => void): () => void;
  on(type: 'storageerror', listener: (error: StorageError) => void): () => void;
  /** Listens for an event; returns a function that stops listening. */
  on(type: string, listener: (detail: unknown) => void): () => void;
}

/** The entry point: `LuaWASM.init()`. */
export interface LuaWASMStatic {
  /** Loads the engine (once per page) and starts a Lua state with the standard libraries. */
  init(options?: InitOptions): Promise<LuaInstance>;
  readonly LuaError: typeof LuaError;
  readonly LuaHandle: typeof LuaHandle;
  readonly StorageError: typeof StorageError;
  readonly BatchError: typeof BatchError;
}

export const LuaWASM: LuaWASMStatic;
export default LuaWASM;
