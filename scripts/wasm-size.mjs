#!/usr/bin/env node
// wasm-size: where the bytes of a Go WebAssembly build go.
//
//   node scripts/wasm-size.mjs [options] [file.wasm]
//
// Without a file it builds ./wasm as js/build.mjs does (GOOS=js GOARCH=wasm,
// -trimpath -ldflags="-s -w", then postLink) into a temporary file and
// measures that.
//
//   --compare OLD.wasm  also measure OLD.wasm and print the change per package
//   --top N             list the N biggest functions (default 25)
//   --funcs PREFIX      list every function of the packages whose path starts with PREFIX
//   --why NAME          why functions whose name contains NAME are linked: a chain of
//                       direct callers back to one that nothing calls directly (called
//                       through a function value, an interface's method table, or the runtime)
//   --markdown          print the per-package table only, as Markdown (for docs)
//
// What it reports, and how:
//
//   - Sections: the module's sections with their raw and gzip -9 sizes.
//   - Packages: each function's body in the code section is attributed to its
//     package, and so is the function's metadata in the data section (its
//     pclntab record: the _func struct, its name, and its pc-value tables
//     for the stack pointer, file, line and pcdata, which the Go runtime keeps
//     for stack traces, GC stack scanning and panics). Function names come
//     from the pclntab, not from the "name" custom section: that one is gone
//     under -s -w and has its names mangled ('/' becomes '_'), while the
//     pclntab is always there and exact.
//     "gzip" is each package's code gzipped alone: the sum exceeds the whole
//     module's gzip (less shared context), but the ranking and the changes
//     are what matter.
//   - Data: the data section split by what the runtime's moduledata says
//     each address range is (type descriptors, other read-only data such as
//     strings and tables, pclntab, initialized variables).
//
// The layouts read here (moduledata, pcHeader, _func) are Go's internals as
// of Go 1.26 (runtime/symtab.go, runtime/runtime2.go); the tool checks the
// pclntab magic and stops with a message if they change.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

function parseArgs(argv) {
  const opts = { file: null, compare: null, top: 25, funcs: null, why: null, markdown: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--compare') opts.compare = argv[++i];
    else if (a === '--top') opts.top = Number(argv[++i]);
    else if (a === '--funcs') opts.funcs = argv[++i];
    else if (a === '--why') opts.why = argv[++i];
    else if (a === '--markdown') opts.markdown = true;
    else if (a.startsWith('--')) throw new Error(`wasm-size: unknown option ${a}`);
    else opts.file = a;
  }
  return opts;
}

// A byte reader over a Uint8Array with WebAssembly's LEB128 integers.
class Reader {
  constructor(bytes, pos = 0) {
    this.b = bytes;
    this.pos = pos;
  }
  byte() {
    return this.b[this.pos++];
  }
  uleb() {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.b[this.pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  }
  name() {
    const n = this.uleb();
    const s = new TextDecoder().decode(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}

const sectionNames = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];

// parseModule returns the sections, the number of imported functions, the
// code section's function bodies and the data segments.
function parseModule(bytes) {
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('wasm-size: not a WebAssembly module');
  const r = new Reader(bytes, 8);
  const sections = [];
  let importedFuncs = 0;
  const bodies = [];
  const segments = [];
  while (r.pos < bytes.length) {
    const header = r.pos;
    const id = r.byte();
    const size = r.uleb();
    const start = r.pos;
    const end = start + size;
    let label = sectionNames[id] ?? `section ${id}`;
    if (id === 0) label = `custom "${new Reader(bytes, start).name()}"`;
    sections.push({ label, header, start, end, size: end - start });
    const s = new Reader(bytes, start);
    if (id === 2) {
      for (let n = s.uleb(); n > 0; n--) {
        s.name();
        s.name();
        const kind = s.byte();
        if (kind === 0) {
          s.uleb();
          importedFuncs++;
        } else throw new Error('wasm-size: an import other than a function (Go emits none)');
      }
    } else if (id === 10) {
      for (let n = s.uleb(); n > 0; n--) {
        const bodyStart = s.pos;
        const len = s.uleb();
        s.pos += len;
        bodies.push(s.pos - bodyStart);
      }
    } else if (id === 11) {
      for (let n = s.uleb(); n > 0; n--) {
        if (s.uleb() !== 0) throw new Error('wasm-size: a passive data segment (Go emits none)');
        if (s.byte() !== 0x41) throw new Error('wasm-size: a data offset that is not i32.const');
        // A signed LEB128 offset; Go's are below 2^31.
        let offset = 0;
        let shift = 0;
        let byte;
        do {
          byte = s.byte();
          offset += (byte & 0x7f) * 2 ** shift;
          shift += 7;
        } while (byte & 0x80);
        if (byte & 0x40) offset -= 2 ** shift;
        if (s.byte() !== 0x0b) throw new Error('wasm-size: a data offset expression longer than one constant');
        const len = s.uleb();
        segments.push({ offset, data: bytes.subarray(s.pos, s.pos + len) });
        s.pos += len;
      }
    }
    r.pos = end;
  }
  return { sections, importedFuncs, bodies, segments };
}

// Memory is the initial linear memory rebuilt from the data segments: the
// Go runtime's static data at its link-time addresses.
class Memory {
  constructor(segments) {
    const top = Math.max(...segments.map((s) => s.offset + s.data.length));
    this.b = new Uint8Array(top);
    for (const s of segments) this.b.set(s.data, s.offset);
    this.view = new DataView(this.b.buffer);
  }
  u8(a) {
    return this.b[a];
  }
  u32(a) {
    return this.view.getUint32(a, true);
  }
  i32(a) {
    return this.view.getInt32(a, true);
  }
  // Addresses and lengths fit in 53 bits: the memory is at most 4 GB.
  u64(a) {
    return this.view.getUint32(a, true) + this.view.getUint32(a + 4, true) * 2 ** 32;
  }
  slice(a) {
    return { ptr: this.u64(a), len: this.u64(a + 8) };
  }
  cstring(a) {
    let e = a;
    while (this.b[e] !== 0) e++;
    return new TextDecoder().decode(this.b.subarray(a, e));
  }
}

const pclnMagic = 0xfffffff1; // Go 1.20 and later

// readModuledata finds runtime.firstmoduledata (the only word in memory
// pointing at the pclntab header) and reads the fields the report uses.
function readModuledata(mem) {
  let header = -1;
  for (let a = 0; a + 8 <= mem.b.length; a += 8) {
    if (mem.u32(a) === pclnMagic && mem.u8(a + 4) === 0 && mem.u8(a + 5) === 0 && mem.u8(a + 7) === 8) {
      header = a;
      break;
    }
  }
  if (header < 0) throw new Error('wasm-size: no Go 1.20+ pclntab header in the data (a Go version with another layout?)');
  let md = -1;
  for (let a = 0; a + 8 <= mem.b.length; a += 8) {
    if (mem.u64(a) === header && a !== header) {
      md = a;
      break;
    }
  }
  if (md < 0) throw new Error('wasm-size: no moduledata pointing at the pclntab header');
  // Field offsets of runtime.moduledata on a 64-bit target (Go 1.26).
  const f = {
    pcHeader: header,
    funcnametab: mem.slice(md + 8),
    cutab: mem.slice(md + 32),
    filetab: mem.slice(md + 56),
    pctab: mem.slice(md + 80),
    pclntable: mem.slice(md + 104),
    ftab: mem.slice(md + 128),
    findfunctab: mem.u64(md + 152),
    minpc: mem.u64(md + 160),
    maxpc: mem.u64(md + 168),
    text: mem.u64(md + 176),
    noptrdata: mem.u64(md + 192),
    enoptrdata: mem.u64(md + 200),
    data: mem.u64(md + 208),
    edata: mem.u64(md + 216),
    types: mem.u64(md + 296),
    etypes: mem.u64(md + 304),
    rodata: mem.u64(md + 312),
    gofunc: mem.u64(md + 320),
    epclntab: mem.u64(md + 328),
    typelinks: mem.slice(md + 360),
    itablinks: mem.slice(md + 384),
    address: md,
  };
  if (f.ftab.len !== mem.u64(header + 8) + 1) throw new Error('wasm-size: moduledata layout not as expected (ftab length != pcHeader.nfunc+1)');
  return f;
}

// pcvalueLength is the length in bytes of the pc-value table at off in
// pctab: pairs of (value delta, pc delta) varints ending with a zero value
// delta after the first pair.
function pcvalueLength(mem, pctab, off) {
  if (off === 0) return 0;
  const r = new Reader(mem.b, pctab + off);
  for (let first = true; ; first = false) {
    const v = r.uleb();
    if (v === 0 && !first) break;
    r.uleb();
  }
  return r.pos - (pctab + off);
}

// functions lists the pclntab's functions with their wasm function index,
// name and metadata size.
function readFunctions(mem, md) {
  const funcs = [];
  const nfunc = md.ftab.len - 1;
  for (let i = 0; i < nfunc; i++) {
    const entryOff = mem.u32(md.ftab.ptr + i * 8);
    const funcOff = mem.u32(md.ftab.ptr + i * 8 + 4);
    const fn = md.pclntable.ptr + funcOff;
    const name = mem.cstring(md.funcnametab.ptr + mem.i32(fn + 4));
    const npcdata = mem.u32(fn + 28);
    const nfuncdata = mem.u8(fn + 43);
    let meta = 44 + 4 * npcdata + 4 * nfuncdata + name.length + 1;
    for (const tab of [mem.u32(fn + 16), mem.u32(fn + 20), mem.u32(fn + 24)]) meta += pcvalueLength(mem, md.pctab.ptr, tab);
    for (let k = 0; k < npcdata; k++) meta += pcvalueLength(mem, md.pctab.ptr, mem.u32(fn + 44 + 4 * k));
    // A wasm function's PC is (0x1000 + its index)<<16 (funcValueOffset in
    // cmd/link/internal/wasm); the ftab keeps PC>>16.
    const index = md.text + entryOff - 0x1000;
    funcs.push({ index, name, meta });
  }
  return funcs;
}

// packageOf returns the import path of the package a Go symbol belongs to.
// Type-parameter lists are cut first: their shapes name other packages.
export function packageOf(sym) {
  let s = sym;
  if (s.startsWith('go:') || (s.startsWith('type:') && !s.startsWith('type:.eq.') && !s.startsWith('type:.hash.'))) return '(linker)';
  // Equality and hash functions belong to their type's package: type:.eq.[2]time.zone.
  s = s.replace(/^type:\.(eq|hash)\./, '').replace(/^(\[\d*\]|\*)+/, '');
  const bracket = s.indexOf('[');
  if (bracket >= 0) s = s.slice(0, bracket);
  const slash = s.lastIndexOf('/');
  const dot = s.indexOf('.', slash + 1);
  // Names without a package: the runtime's assembly and go:wasmexport wrappers.
  return dot < 0 ? '(assembly, exports)' : s.slice(0, dot);
}

function gz(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}

function analyze(file) {
  const bytes = new Uint8Array(readFileSync(file));
  const mod = parseModule(bytes);
  const mem = new Memory(mod.segments);
  const md = readModuledata(mem);
  const funcs = readFunctions(mem, md);

  // The code section's bodies in order, mapped to pclntab functions by index.
  const codeSection = mod.sections.find((s) => s.label === 'code');
  const bodyBytes = [];
  {
    const r = new Reader(bytes, codeSection.start);
    r.uleb();
    for (let i = 0; i < mod.bodies.length; i++) {
      bodyBytes.push(bytes.subarray(r.pos, r.pos + mod.bodies[i]));
      r.pos += mod.bodies[i];
    }
  }
  const named = new Map(funcs.map((f) => [f.index, f]));
  const pkgs = new Map();
  const pkg = (name) => {
    if (!pkgs.has(name)) pkgs.set(name, { name, code: 0, meta: 0, funcs: 0, chunks: [] });
    return pkgs.get(name);
  };
  const functions = [];
  for (let i = 0; i < mod.bodies.length; i++) {
    const f = named.get(i);
    const name = f ? f.name : `(wasm function ${i}, not in the pclntab)`;
    const p = pkg(f ? packageOf(f.name) : '(unnamed)');
    p.code += mod.bodies[i];
    p.meta += f ? f.meta : 0;
    p.funcs++;
    p.chunks.push(bodyBytes[i]);
    functions.push({ name, pkg: p.name, code: mod.bodies[i], meta: f ? f.meta : 0, body: bodyBytes[i] });
  }
  for (const p of pkgs.values()) {
    p.gzip = gz(Buffer.concat(p.chunks));
    delete p.chunks;
  }

  // The data section by address range.
  const dataRanges = [
    ['read-only data: type descriptors, strings, tables', md.types, md.etypes],
    ['pclntab: function names', md.funcnametab.ptr, md.funcnametab.ptr + md.funcnametab.len],
    ['pclntab: file names', md.filetab.ptr, md.filetab.ptr + md.filetab.len],
    ['pclntab: pc-value tables', md.pctab.ptr, md.pctab.ptr + md.pctab.len],
    ['pclntab: _func records and ftab', md.pclntable.ptr, md.pclntable.ptr + md.pclntable.len],
    ['funcdata (stack maps, argument info)', md.gofunc, md.findfunctab],
    ['findfunctab (pc -> function lookup)', md.findfunctab, md.epclntab],
    ['initialized variables without pointers', md.noptrdata, md.enoptrdata],
    ['initialized variables with pointers', md.data, md.edata],
  ];
  const inRange = (lo, hi) => {
    let raw = 0;
    const parts = [];
    for (const s of mod.segments) {
      const a = Math.max(lo, s.offset);
      const b = Math.min(hi, s.offset + s.data.length);
      if (b > a) {
        raw += b - a;
        parts.push(s.data.subarray(a - s.offset, b - s.offset));
      }
    }
    return { raw, gzip: raw ? gz(Buffer.concat(parts)) : 0 };
  };
  const data = dataRanges.map(([label, lo, hi]) => ({ label, ...inRange(lo, hi) }));
  const dataTotal = mod.segments.reduce((n, s) => n + s.data.length, 0);
  const accounted = data.reduce((n, d) => n + d.raw, 0);
  data.push({ label: 'rest (moduledata, typelinks, itabs, zeros between)', raw: dataTotal - accounted, gzip: NaN });
  const dataSection = mod.sections.find((s) => s.label === 'data');
  data.push({ label: `headers of the ${mod.segments.length} segments`, raw: dataSection.size - dataTotal, gzip: NaN });

  const sections = mod.sections.map((s) => ({ label: s.label, raw: s.size, gzip: gz(bytes.subarray(s.start, s.end)) }));
  return { file, raw: bytes.length, gzip: gz(bytes), sections, data, pkgs: [...pkgs.values()], functions, importedFuncs: mod.importedFuncs, typelinks: md.typelinks.len, itabs: md.itablinks.len };
}

// callees returns the indices (in the module's function index space) of the
// functions body calls directly, and of those whose PC it loads as a
// constant (a function value), decoding the instruction stream.
function callees(body) {
  const r = new Reader(body);
  const calls = new Set();
  const pcs = new Set();
  r.uleb(); // body size
  for (let n = r.uleb(); n > 0; n--) {
    r.uleb();
    r.byte();
  }
  const sleb = () => {
    let result = 0n;
    let shift = 0n;
    let byte;
    do {
      byte = r.byte();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    if (byte & 0x40) result -= 1n << shift;
    return result;
  };
  while (r.pos < body.length) {
    const op = r.byte();
    if (op === 0x10) calls.add(r.uleb());
    else if (op === 0x02 || op === 0x03 || op === 0x04) {
      const bt = body[r.pos];
      if (bt === 0x40 || (bt >= 0x6f && bt <= 0x7f)) r.pos++;
      else sleb();
    } else if (op === 0x0c || op === 0x0d || (op >= 0x20 && op <= 0x26) || op === 0xd2) r.uleb();
    else if (op === 0x0e) {
      for (let n = r.uleb() + 1; n > 0; n--) r.uleb();
    } else if (op === 0x11) {
      r.uleb();
      r.uleb();
    } else if (op === 0x1c) {
      for (let n = r.uleb(); n > 0; n--) r.byte();
    } else if (op >= 0x28 && op <= 0x3e) {
      r.uleb();
      r.uleb();
    } else if (op === 0x3f || op === 0x40 || op === 0xd0) r.byte();
    else if (op === 0x41) sleb();
    else if (op === 0x42) {
      const v = sleb();
      // A function's PC is (0x1000 + index)<<16 with a zero low half.
      if (v >= 0x10000000n && (v & 0xffffn) === 0n) pcs.add(Number(v >> 16n) - 0x1000);
    } else if (op === 0x43) r.pos += 4;
    else if (op === 0x44) r.pos += 8;
    else if (op === 0xfc) {
      const sub = r.uleb();
      if (sub === 8 || sub === 12 || sub === 14) {
        r.uleb();
        r.uleb();
      } else if (sub === 10) r.pos += 2;
      else if (sub === 11) r.pos += 1;
      else if (sub === 9 || sub === 13 || (sub >= 15 && sub <= 17)) r.uleb();
    } else if (!(op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4) || op === 0xd1)) {
      throw new Error(`wasm-size: unknown opcode 0x${op.toString(16)}`);
    }
  }
  return { calls, pcs };
}

// why prints, for the functions whose name contains needle, the shortest
// chain of direct callers back to a function that nothing calls directly.
function why(a, needle) {
  const n = a.functions.length;
  const callers = Array.from({ length: n }, () => []);
  const loaded = new Set(); // functions whose PC some code loads: function values
  a.functions.forEach((f, i) => {
    const { calls, pcs } = callees(f.body);
    for (const c of calls) if (c >= a.importedFuncs) callers[c - a.importedFuncs].push(i);
    // A function loads its own PC as the return address of its calls.
    for (const pc of pcs) if (pc >= 0 && pc < n && pc !== i) loaded.add(pc);
  });
  const out = [];
  const targets = a.functions.map((f, i) => i).filter((i) => a.functions[i].name.includes(needle));
  for (const t of targets.slice(0, 10)) {
    const prev = new Map([[t, -1]]);
    const queue = [t];
    let root = -1;
    while (queue.length && root < 0) {
      const i = queue.shift();
      if (callers[i].length === 0) root = i;
      for (const c of callers[i]) {
        if (!prev.has(c)) {
          prev.set(c, i);
          queue.push(c);
        }
      }
    }
    const chain = [];
    for (let i = root; i >= 0 && chain.length < 40; ) {
      chain.push(a.functions[i].name);
      i = i === t ? -1 : prev.get(i);
    }
    const reason = root < 0 ? 'a cycle of callers only' : loaded.has(root) ? 'its PC is loaded by code (a function value)' : 'not called directly: referenced from data (method table, closure) or by the runtime';
    out.push(`${a.functions[t].name} (${a.functions[t].code} B): ${reason}`);
    out.push(chain.map((name, k) => `${'  '.repeat(k + 1)}${name}`).join('\n'), '');
  }
  if (targets.length > 10) out.push(`... and ${targets.length - 10} more functions matching ${needle}`);
  return out.join('\n');
}

// origins sums the packages by where they come from: this module (go.mod's
// path, and main), other modules, Go's standard library and runtime.
function origins(pkgs) {
  let module = '';
  try {
    module = /^module\s+(\S+)/m.exec(readFileSync(join(root, 'go.mod'), 'utf8'))[1];
  } catch {
    // no go.mod: everything with a domain counts as another module
  }
  const groups = new Map();
  for (const p of pkgs) {
    const name =
      (module && (p.name === module || p.name.startsWith(module + '/'))) || p.name === 'main'
        ? `this module (${module || 'main'})`
        : p.name.split('/')[0].includes('.')
          ? 'other modules'
          : 'standard library and runtime';
    const g = groups.get(name) ?? { name, funcs: 0, code: 0, meta: 0, gzip: 0 };
    g.funcs += p.funcs;
    g.code += p.code;
    g.meta += p.meta;
    g.gzip += p.gzip;
    groups.set(name, g);
  }
  return [...groups.values()].sort((x, y) => y.code - x.code);
}

const kb = (n) => (Number.isNaN(n) ? '' : (n / 1024).toFixed(1));
const signed = (n) => (n > 0 ? '+' : '') + kb(n);

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}


// postLink returns Go's WebAssembly module with a smaller data section and
// the same behaviour. It rewrites two things (Go 1.26, 2026-11-22; changes
// in the engine's module, raw / gzip -9 / brotli -11; together +5% / -15% /
// -16%):
//
//   - Go's line tables, unless keepLineTables: each function's pcfile and
//     pcln tables, which map its code to file:line for nothing but Go's
//     own crash traces and runtime.Caller (a trace then reads "?:0" under
//     each function name and its arguments, as for code without line
//     information; the runtime handles that case). The tables that
//     execution needs stay: pcsp (stack growth, unwinding) and pcdata
//     (stack maps for the collector). The pc-value table area shrinks by
//     two thirds: -4% / -9% / -11%.
//   - The segments: Go's linker starts a new segment at every run of 8 zero
//     bytes, which makes ~58,000 segments of the engine's 2 MB of data,
//     most of them the findfunctab's 20-byte buckets, whose headers
//     (offset and length, ~8 bytes each) are incompressible noise. Here a
//     segment is cut only at a run of packGap zero bytes: +9% / -6% / -6%.
//
// The initial memory is otherwise the same byte for byte: memory starts
// zeroed, so the zeros a segment now spells out change nothing.
export function postLink(bytes, { keepLineTables = false } = {}) {
  const packGap = 4096;
  const mod = parseModule(bytes);
  const data = mod.sections.find((s) => s.label === 'data');
  if (!data) return bytes;
  const mem = new Memory(mod.segments);
  if (!keepLineTables) dropLineTables(mem, readModuledata(mem));
  const img = mem.b;
  const runs = [];
  for (let a = 0; a < img.length; ) {
    while (a < img.length && img[a] === 0) a++;
    if (a === img.length) break;
    let end = a + 1;
    for (let b = end; b < img.length && b - end < packGap; b++) if (img[b] !== 0) end = b + 1;
    runs.push([a, end]);
    a = end;
  }
  const parts = [uleb(runs.length)];
  for (const [start, end] of runs) {
    // memory 0, offset (i32.const start; end), length, bytes
    parts.push(Uint8Array.from([0, 0x41, ...sleb(start), 0x0b, ...uleb(end - start)]), img.subarray(start, end));
  }
  const section = Buffer.concat(parts);
  return Buffer.concat([bytes.subarray(0, data.header), Uint8Array.from([11, ...uleb(section.length)]), section, bytes.subarray(data.end)]);
}

// dropLineTables rewrites the pclntab in mem: the pc-value tables are
// copied anew, keeping only those that a function's pcsp or pcdata refers
// to, and the functions' pcfile and pcln offsets become 0 (no table).
function dropLineTables(mem, md) {
  const pctab = md.pctab.ptr;
  const kept = [0]; // offset 0 means no table
  const moved = new Map([[0, 0]]);
  const move = (off) => {
    if (!moved.has(off)) {
      moved.set(off, kept.length);
      const n = pcvalueLength(mem, pctab, off);
      for (let k = 0; k < n; k++) kept.push(mem.b[pctab + off + k]);
    }
    return moved.get(off);
  };
  const set = (a, v) => mem.view.setUint32(a, v, true);
  for (let i = 0; i < md.ftab.len - 1; i++) {
    const fn = md.pclntable.ptr + mem.u32(md.ftab.ptr + i * 8 + 4);
    set(fn + 16, move(mem.u32(fn + 16))); // pcsp
    set(fn + 20, 0); // pcfile
    set(fn + 24, 0); // pcln
    for (let k = 0; k < mem.u32(fn + 28); k++) set(fn + 44 + 4 * k, move(mem.u32(fn + 44 + 4 * k)));
  }
  mem.b.fill(0, pctab, pctab + md.pctab.len);
  mem.b.set(kept, pctab);
}

function uleb(n) {
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Uint8Array.from(out);
}

function sleb(n) {
  const out = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function buildDefault() {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-size-'));
  const out = join(dir, 'lua.wasm');
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', out, './wasm'], { cwd: root, stdio: 'inherit', env: { ...process.env, GOOS: 'js', GOARCH: 'wasm' } });
  writeFileSync(out, postLink(new Uint8Array(readFileSync(out))));
  return { out, dir };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  let built = null;
  if (!opts.file) {
    built = buildDefault();
    opts.file = built.out;
  }
  try {
    report(opts);
  } finally {
    if (built) rmSync(built.dir, { recursive: true, force: true });
  }
}

function report(opts) {
  const a = analyze(opts.file);
  const old = opts.compare ? analyze(opts.compare) : null;
  const oldPkg = new Map((old?.pkgs ?? []).map((p) => [p.name, p]));
  const pkgs = [...a.pkgs].sort((x, y) => y.code + y.meta - (x.code + x.meta));
  for (const p of oldPkg.values()) if (!a.pkgs.some((q) => q.name === p.name)) pkgs.push({ name: p.name, code: 0, meta: 0, funcs: 0, gzip: 0 });

  const codeTotal = a.pkgs.reduce((n, p) => n + p.code, 0);
  const pkgRows = pkgs.map((p) => {
    const row = [p.name, p.funcs, kb(p.code), kb(p.meta), kb(p.gzip), ((100 * p.code) / codeTotal).toFixed(1)];
    if (old) {
      const o = oldPkg.get(p.name) ?? { code: 0, meta: 0, gzip: 0 };
      row.push(signed(p.code + p.meta - o.code - o.meta), signed(p.gzip - o.gzip));
    }
    return row;
  });
  const pkgHead = ['package', 'funcs', 'code KB', 'pclntab KB', 'code gzip KB', 'code %'];
  if (old) pkgHead.push('Δ code+pclntab', 'Δ gzip');

  if (opts.markdown) {
    const md = [`| ${pkgHead.join(' | ')} |`, `| --- |${pkgHead.slice(1).map(() => ' ---: |').join('')}`, ...pkgRows.map((r) => `| ${r.join(' | ')} |`)];
    process.stdout.write(md.join('\n') + '\n');
    return;
  }

  const out = [];
  const totals = (x) => `${kb(x.raw)} KB raw, ${kb(x.gzip)} KB gzip -9`;
  out.push(`${a.file}: ${totals(a)}` + (old ? ` (was ${totals(old)}: ${signed(a.raw - old.raw)} / ${signed(a.gzip - old.gzip)})` : ''), '');
  out.push('Sections');
  out.push(table(['section', 'raw KB', 'gzip KB'], a.sections.map((s) => [s.label, kb(s.raw), kb(s.gzip)])), '');
  out.push(`Data section by address range (${a.typelinks} typelinks, ${a.itabs} itabs)`);
  out.push(table(['range', 'raw KB', 'gzip KB'], a.data.map((d) => [d.label, kb(d.raw), kb(d.gzip)])), '');
  out.push('Packages (code: function bodies in the code section; pclntab: their runtime metadata in the data section)');
  out.push(table(pkgHead, pkgRows), '');
  out.push('By origin');
  out.push(table(['origin', 'funcs', 'code KB', 'pclntab KB', 'code gzip KB'], origins(a.pkgs).map((o) => [o.name, o.funcs, kb(o.code), kb(o.meta), kb(o.gzip)])), '');
  const top = [...a.functions].sort((x, y) => y.code - x.code).slice(0, opts.top);
  out.push(`The ${opts.top} biggest functions`);
  out.push(table(['function', 'code KB', 'pclntab KB'], top.map((f) => [f.name, kb(f.code), kb(f.meta)])), '');
  if (opts.funcs) {
    const fs = a.functions.filter((f) => f.pkg.startsWith(opts.funcs) || f.name.startsWith(opts.funcs)).sort((x, y) => y.code - x.code);
    out.push(`Functions of ${opts.funcs}*`);
    out.push(table(['function', 'code B', 'pclntab B'], fs.map((f) => [f.name, f.code, f.meta])), '');
  }
  if (opts.why) out.push(`Why: chains of direct calls, from a function nothing calls directly down to each function matching ${opts.why}`, why(a, opts.why));
  process.stdout.write(out.join('\n'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
