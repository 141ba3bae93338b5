// Where lua.wasm's bytes go: builds wasm/ with symbols (the shipped build is
// stripped) and adds up the code size of each function by Go package, from
// the module's name section. The data section (type descriptors, pclntab,
// strings, tables) is reported as one line.
//
// Usage: node js/wasm-size.mjs [top-N functions]

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const topN = Number(process.argv[2] || 25);
const dir = mkdtempSync(join(tmpdir(), 'wasm-size-'));
const file = join(dir, 'lua.wasm');
execFileSync('go', ['build', '-trimpath', '-o', file, './wasm'], { cwd: root, stdio: 'inherit', env: { ...process.env, GOOS: 'js', GOARCH: 'wasm' } });
const data = readFileSync(file);
rmSync(dir, { recursive: true });

let pos = 8;
function uleb() {
  let x = 0;
  let scale = 1;
  for (;;) {
    const b = data[pos++];
    x += (b & 0x7f) * scale;
    if (b < 0x80) return x;
    scale *= 128;
  }
}
const name = () => {
  const n = uleb();
  const s = data.toString('utf8', pos, pos + n);
  pos += n;
  return s;
};

let imports = 0;
const bodies = []; // [start, end) of each function body
const names = new Map();
const sections = [];
while (pos < data.length) {
  const id = data[pos++];
  const size = uleb();
  const start = pos;
  const end = pos + size;
  if (id === 2) {
    for (let n = uleb(); n > 0; n--) {
      name();
      name();
      const kind = data[pos++];
      if (kind === 0) {
        uleb();
        imports++;
      } else if (kind === 1) {
        pos++;
        const flags = uleb();
        uleb();
        if (flags & 1) uleb();
      } else if (kind === 2) {
        const flags = uleb();
        uleb();
        if (flags & 1) uleb();
      } else {
        pos += 2;
      }
    }
  } else if (id === 10) {
    for (let n = uleb(); n > 0; n--) {
      const len = uleb();
      bodies.push([pos, pos + len]);
      pos += len;
    }
  } else if (id === 0 && name() === 'name') {
    while (pos < end) {
      const sub = data[pos++];
      const len = uleb();
      const subEnd = pos + len;
      if (sub === 1) {
        for (let n = uleb(); n > 0; n--) {
          const idx = uleb();
          names.set(idx, name());
        }
      }
      pos = subEnd;
    }
  }
  sections.push({ id, size });
  pos = end;
}

// Go's function names in wasm look like github.com_luawasm_luawasm_lua.__Thread_.call
// or fmt.__pp_.printValue: the package is up to the first dot after the
// domain, if any.
function packageOf(fn) {
  const m = fn.match(/^((?:[\w-]+\.)+[a-z]+_)?([^.]*)/);
  return (m[1] || '') + m[2];
}

const byPackage = new Map();
const byFunction = [];
bodies.forEach(([s, e], i) => {
  const fn = names.get(i + imports) || '?';
  const pkg = packageOf(fn);
  const entry = byPackage.get(pkg) || { raw: 0, parts: [] };
  entry.raw += e - s;
  entry.parts.push(data.subarray(s, e));
  byPackage.set(pkg, entry);
  byFunction.push([e - s, fn]);
});

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const dataSection = sections.find((s) => s.id === 11);
console.log(`lua.wasm with symbols: ${kb(data.length)}; code ${kb(bodies.reduce((a, [s, e]) => a + e - s, 0))}, data ${kb(dataSection ? dataSection.size : 0)}\n`);
console.log('| package | code | gzip alone |\n| --- | ---: | ---: |');
for (const [pkg, { raw, parts }] of [...byPackage].sort((a, b) => b[1].raw - a[1].raw).slice(0, 40)) {
  console.log(`| ${pkg.replace(/^github\.com_luawasm_luawasm_/, '').replace(/_/g, '/')} | ${kb(raw)} | ${kb(gzipSync(Buffer.concat(parts)).length)} |`);
}
console.log(`\nLargest functions:`);
for (const [size, fn] of byFunction.sort((a, b) => b[0] - a[0]).slice(0, topN)) console.log(`${String(size).padStart(8)}  ${fn}`);
