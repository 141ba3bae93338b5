// Record stores for node:
//   import { FileStore, MemoryStore } from 'lua-wasm-external-storage/node';
//   const lua = await LuaWASM.init({ store: new FileStore('memory.db') });
//
// A FileStore is an append-only log of batches. Each batch is one frame:
// its length (uint32 LE), the CRC-32 of its payload (uint32 LE), the payload
// (a batch message, see store.js). A commit appends one frame and fsyncs, so
// a crash leaves either the whole frame or a torn tail, which load() drops.
// When the log has grown to more than twice the live data it is rewritten
// as one frame into a temporary file that replaces it by rename. One
// process at a time may use a file.

import { open, rename, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StorageError } from './errors.js';
import { MemoryStore, compareBytes, formatBatch, parseBatch } from './store.js';

export { MemoryStore };

const MAGIC = new TextEncoder().encode('LUAWASM-LOG1\n');

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b) {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function frame(payload) {
  const f = new Uint8Array(8 + payload.length);
  const view = new DataView(f.buffer);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, crc32(payload), true);
  f.set(payload, 8);
  return f;
}

const hex = (key) => Buffer.from(key.buffer, key.byteOffset, key.length).toString('hex');

export class FileStore {
  #path;
  #file = null; // FileHandle open for appending
  #size = 0; // bytes of valid log
  #records = new Map(); // hex key -> [key, value]
  #live = 0; // bytes of the live records
  #closed = false;
  #loaded = false;

  constructor(path) {
    this.#path = String(path);
  }

  async load() {
    if (this.#closed) throw new StorageError('closed', 'the store is closed');
    let data;
    try {
      data = await readFile(this.#path);
    } catch (e) {
      if (e.code !== 'ENOENT') throw new StorageError('unavailable', `cannot read ${this.#path}: ${e.message}`, e);
      data = null;
    }
    this.#records.clear();
    this.#live = 0;
    if (data && data.length > 0) {
      if (data.length < MAGIC.length || compareBytes(data.subarray(0, MAGIC.length), MAGIC) !== 0) {
        throw new StorageError('corrupt', `${this.#path} is not a lua-wasm-external-storage log`);
      }
      let pos = MAGIC.length;
      const view = new DataView(data.buffer, data.byteOffset, data.length);
      while (pos + 8 <= data.length) {
        const n = view.getUint32(pos, true);
        const payload = data.subarray(pos + 8, pos + 8 + n);
        if (payload.length < n || crc32(payload) !== view.getUint32(pos + 4, true)) break; // torn tail
        this.#apply(parseBatch(payload));
        pos += 8 + n;
      }
      this.#size = pos;
    } else {
      this.#size = 0;
    }
    this.#loaded = true;
    return [...this.#records.values()].sort((a, b) => compareBytes(a[0], b[0]));
  }

  async commit(ops) {
    if (this.#closed) throw new StorageError('closed', 'the store is closed');
    if (!this.#loaded) await this.load(); // find the end of the valid log first
    const file = await this.#open();
    const f = frame(formatBatch(ops));
    try {
      await file.write(f, 0, f.length, this.#size);
      await file.sync();
    } catch (e) {
      const code = e.code === 'ENOSPC' || e.code === 'EDQUOT' ? 'quota' : 'write';
      throw new StorageError(code, `writing ${this.#path} failed: ${e.message}`, e);
    }
    this.#size += f.length;
    this.#apply(ops.map(({ key, value }) => ({ key: key.slice(), value: value && value.slice() })));
    if (this.#size > 2 * this.#live + (1 << 20)) await this.#compact();
  }

  async close() {
    this.#closed = true;
    if (this.#file) await this.#file.close();
    this.#file = null;
  }

  #apply(ops) {
    for (const { key, value } of ops) {
      const k = hex(key);
      const old = this.#records.get(k);
      if (old) this.#live -= old[0].length + old[1].length;
      if (value) {
        this.#records.set(k, [key, value]);
        this.#live += key.length + value.length;
      } else {
        this.#records.delete(k);
      }
    }
  }

  // #open opens the log for writing, creating it (with its magic) or
  // cutting off a torn tail found by load().
  async #open() {
    if (this.#file) return this.#file;
    await (await open(this.#path, 'a')).close(); // create it if absent
    const file = await open(this.#path, 'r+');
    if (this.#size === 0) {
      await file.truncate(0);
      await file.write(MAGIC, 0, MAGIC.length, 0);
      this.#size = MAGIC.length;
    } else {
      await file.truncate(this.#size);
    }
    this.#file = file;
    return file;
  }

  async #compact() {
    const tmp = `${this.#path}.tmp`;
    const snapshot = frame(formatBatch([...this.#records.values()].sort((a, b) => compareBytes(a[0], b[0]))));
    const out = await open(tmp, 'w');
    try {
      await out.write(MAGIC);
      await out.write(snapshot);
      await out.sync();
    } finally {
      await out.close();
    }
    await this.#file.close();
    this.#file = null;
    await rename(tmp, this.#path);
    const dir = await open(dirname(this.#path), 'r');
    await dir.sync().finally(() => dir.close());
    this.#size = MAGIC.length + snapshot.length;
  }

  /** Removes the file of a closed store. */
  static async destroy(path) {
    await unlink(path).catch((e) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
}
