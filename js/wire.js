// The byte format in which values cross between JavaScript and the Go
// engine: the JS half of wasm/wire/wire.go, whose comment describes the
// format. Both halves must change together.

export const Tag = Object.freeze({
  Nil: 0, False: 1, True: 2, Int32: 3, Int53: 4, Int64: 5, Float: 6,
  String: 7, Bytes: 8, Array: 9, Object: 10, Ref: 11, LuaRef: 12, JSFunc: 13,
});

export const RefKind = Object.freeze({ Function: 0, Userdata: 1, Thread: 2 });

export const MAX_DEPTH = 200;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Writes JS values as messages. `refOf(v)` returns the handle of a Lua
 * value that JS holds (a function wrapper or LuaHandle) or undefined;
 * `jsFunctionId(fn)` returns the id under which the host keeps fn.
 */
export class Encoder {
  constructor(refOf, jsFunctionId) {
    this.refOf = refOf;
    this.jsFunctionId = jsFunctionId;
    this.buf = new Uint8Array(256);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
    this.seen = new Map();
  }

  /** Returns the values as one message, valid until the next encode. */
  encode(values) {
    this.pos = 0;
    try {
      for (const v of values) this.value(v, 0);
    } finally {
      this.seen.clear(); // hold no references to the host's objects
    }
    return this.buf.subarray(0, this.pos);
  }

  reserve(n) {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  byte(b) {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  uvarint(x) {
    this.reserve(5);
    while (x >= 0x80) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80;
      x = Math.floor(x / 128);
    }
    this.buf[this.pos++] = x;
  }

  number(n) {
    this.reserve(9);
    if (Number.isInteger(n) && !Object.is(n, -0)) {
      if (n >= -0x80000000 && n <= 0x7fffffff) {
        this.buf[this.pos++] = Tag.Int32;
        this.view.setInt32(this.pos, n, true);
        this.pos += 4;
        return;
      }
      if (Number.isSafeInteger(n)) {
        this.buf[this.pos++] = Tag.Int53;
        this.view.setFloat64(this.pos, n, true);
        this.pos += 8;
        return;
      }
    }
    this.buf[this.pos++] = Tag.Float;
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }

  bytes(tag, b) {
    this.byte(tag);
    this.uvarint(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(s) {
    // One pass for ASCII, the common case of keys and short values.
    if (s.length < 64) {
      this.reserve(2 + s.length);
      const start = this.pos;
      this.buf[this.pos++] = Tag.String;
      this.buf[this.pos++] = s.length;
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        this.buf[this.pos++] = c;
      }
      if (i === s.length) return;
      this.pos = start;
    }
    this.bytes(Tag.String, utf8.encode(s));
  }

  value(v, depth) {
    switch (typeof v) {
      case 'undefined':
        this.byte(Tag.Nil);
        return;
      case 'boolean':
        this.byte(v ? Tag.True : Tag.False);
        return;
      case 'number':
        this.number(v);
        return;
      case 'string':
        this.string(v);
        return;
      case 'bigint':
        if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new RangeError(`${v} does not fit a Lua integer`);
        this.byte(Tag.Int64);
        this.reserve(8);
        this.view.setBigInt64(this.pos, v, true);
        this.pos += 8;
        return;
      case 'symbol':
        throw new TypeError('a symbol cannot be converted to a Lua value');
      case 'function': {
        const ref = this.refOf(v);
        if (ref !== undefined) {
          this.luaRef(ref);
          return;
        }
        this.byte(Tag.JSFunc);
        this.uvarint(this.jsFunctionId(v));
        return;
      }
    }
    if (v === null) {
      this.byte(Tag.Nil);
      return;
    }
    const ref = this.refOf(v);
    if (ref !== undefined) {
      this.luaRef(ref);
      return;
    }
    if (v instanceof Uint8Array) {
      this.bytes(Tag.Bytes, v);
      return;
    }
    if (v instanceof ArrayBuffer) {
      this.bytes(Tag.Bytes, new Uint8Array(v));
      return;
    }
    if (v instanceof Date) {
      this.string(v.toISOString());
      return;
    }
    const seen = this.seen.get(v);
    if (seen !== undefined) {
      this.byte(Tag.Ref);
      this.uvarint(seen);
      return;
    }
    if (depth >= MAX_DEPTH) throw new RangeError('value too deeply nested to convert');
    this.seen.set(v, this.seen.size);
    if (Array.isArray(v)) {
      this.byte(Tag.Array);
      this.uvarint(v.length);
      for (let i = 0; i < v.length; i++) this.value(v[i], depth + 1);
      return;
    }
    if (v instanceof Map) {
      this.byte(Tag.Object);
      let n = 0;
      for (const [k] of v) if (k !== null && k !== undefined && !Number.isNaN(k)) n++;
      this.uvarint(n);
      for (const [k, x] of v) {
        if (k === null || k === undefined || Number.isNaN(k)) continue;
        this.value(k, depth + 1);
        this.value(x, depth + 1);
      }
      return;
    }
    // A plain object: its own enumerable string keys; like JSON, properties
    // holding undefined are left out.
    // (Counted, not filtered: no second array per object.)
    const keys = Object.keys(v);
    let n = keys.length;
    for (let i = 0; i < keys.length; i++) if (v[keys[i]] === undefined) n--;
    this.byte(Tag.Object);
    this.uvarint(n);
    for (let i = 0; i < keys.length; i++) {
      const x = v[keys[i]];
      if (x === undefined) continue;
      this.string(keys[i]);
      this.value(x, depth + 1);
    }
  }

  luaRef({ handle, kind }) {
    this.byte(Tag.LuaRef);
    this.uvarint(handle);
    this.byte(kind);
  }
}

/**
 * Reads messages from Go. `luaRef(handle, kind)` makes the JS stand-in of
 * a Go-held Lua value; `jsFunction(id)` returns the host's function id.
 */
export class Decoder {
  constructor(luaRef, jsFunction) {
    this.luaRef = luaRef;
    this.jsFunction = jsFunction;
    this.names = new Array(64); // see key; a power of two
  }

  /** Returns every value of the message. */
  decodeAll(buf) {
    this.start(buf);
    const out = [];
    while (this.pos < buf.length) out.push(this.value());
    return out;
  }

  /** Returns the message's first value. */
  decode(buf) {
    this.start(buf);
    return this.value();
  }

  start(buf) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 0;
    this.refs = [];
  }

  uvarint() {
    let x = 0;
    let scale = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('malformed value message');
      x += (b & 0x7f) * scale;
      if (b < 0x80) return x;
      scale *= 128;
    }
  }

  value() {
    const tag = this.buf[this.pos++];
    const view = this.view;
    let v;
    switch (tag) {
      case Tag.Nil:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int32:
        v = view.getInt32(this.pos, true);
        this.pos += 4;
        return v;
      case Tag.Int53:
      case Tag.Float:
        v = view.getFloat64(this.pos, true);
        this.pos += 8;
        return v;
      case Tag.Int64:
        v = Number(view.getBigInt64(this.pos, true));
        this.pos += 8;
        return v;
      case Tag.String:
        return this.string();
      case Tag.Bytes: {
        const n = this.uvarint();
        v = this.buf.slice(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case Tag.Array: {
        const n = this.uvarint();
        const a = new Array(n);
        this.refs.push(a);
        for (let i = 0; i < n; i++) a[i] = this.value();
        return a;
      }
      case Tag.Object: {
        const n = this.uvarint();
        const o = {};
        this.refs.push(o);
        for (let i = 0; i < n; i++) {
          const k = this.buf[this.pos] === Tag.String ? this.key() : this.value();
          o[k] = this.value();
        }
        return o;
      }
      case Tag.Ref:
        return this.refs[this.uvarint()];
      case Tag.LuaRef: {
        const handle = this.uvarint();
        return this.luaRef(handle, this.buf[this.pos++]);
      }
      case Tag.JSFunc:
        return this.jsFunction(this.uvarint());
    }
    throw new Error(`malformed value message (tag ${tag})`);
  }

  // key reads an Object's string key. The records of a reply share their
  // field names: a short key is taken from a cache of the names seen,
  // after comparing its bytes, rather than built and then interned again
  // as a property name.
  key() {
    const buf = this.buf;
    const n = buf[this.pos + 1];
    if (n > 24) {
      this.pos++;
      return this.string();
    }
    const start = this.pos + 2;
    const end = start + n;
    let h = n;
    for (let i = start; i < end; i++) h = (h * 31 + buf[i]) | 0;
    const slot = h & (this.names.length - 1);
    const cached = this.names[slot];
    if (cached !== undefined && cached.length === n) {
      let same = true;
      for (let i = 0; i < n; i++) {
        if (cached.charCodeAt(i) !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.pos = end;
        return cached;
      }
    }
    this.pos++;
    const s = this.string();
    if (s.length === n) this.names[slot] = s; // one char per byte: ASCII (or U+FFFD, which no byte matches)
    return s;
  }

  string() {
    const n = this.uvarint();
    const start = this.pos;
    this.pos += n;
    if (n < 32) {
      // Short ASCII strings are faster by hand than through TextDecoder.
      let s = '';
      for (let i = start; i < this.pos; i++) {
        const c = this.buf[i];
        if (c >= 0x80) return utf8Decoder.decode(this.buf.subarray(start, this.pos));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8Decoder.decode(this.buf.subarray(start, this.pos));
  }
}
