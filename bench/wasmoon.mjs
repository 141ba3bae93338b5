// Runs one Lua program under wasmoon (C Lua compiled to WebAssembly with
// Emscripten) as `lua FILE` would, for the benchmark comparison:
//
//	node bench/wasmoon.mjs FILE
//
// The engine's print writes through Emscripten's stdout, which node passes to
// the process's standard output line by line.
import { readFileSync } from 'node:fs';
import { LuaFactory } from 'wasmoon';

const file = process.argv[2];
if (!file) {
  console.error('usage: node wasmoon.mjs FILE');
  process.exit(2);
}
const lua = await new LuaFactory().createEngine();
try {
  await lua.doString(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`wasmoon: ${err.message ?? err}`);
  process.exitCode = 1;
} finally {
  lua.global.close();
}
