// Type declarations of lua-wasm-external-storage/node (hand-written; keep
// in step with js/node-store.js and js/store.js).

/** One operation of a commit: a put of `value` under `key`, or a delete when `value` is null. */
export interface RecordOp {
  key: Uint8Array;
  value: Uint8Array | null;
}

/** Where records live between sessions. */
export interface RecordStore {
  /** Every record, as [key, value] pairs in key order (bytewise). */
  load(): Promise<Array<[Uint8Array, Uint8Array]>>;
  /** Applies ops all or nothing; resolves once they are durable. */
  commit(ops: RecordOp[]): Promise<void>;
  close(): Promise<void>;
}

/** Records in memory: nothing survives the process. */
export class MemoryStore implements RecordStore {
  load(): Promise<Array<[Uint8Array, Uint8Array]>>;
  commit(ops: RecordOp[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Records in a file: an append-only log of checksummed batches, fsynced at
 * each commit and compacted when it grows to twice the live data. A crash
 * loses at most the commit being written. One process at a time.
 */
export class FileStore implements RecordStore {
  constructor(path: string);
  load(): Promise<Array<[Uint8Array, Uint8Array]>>;
  commit(ops: RecordOp[]): Promise<void>;
  close(): Promise<void>;
  /** Removes the file of a closed store. */
  static destroy(path: string): Promise<void>;
}
