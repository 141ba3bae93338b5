// The script-tag entry (dist/lua-wasm.js): defines window.LuaWASM and
// nothing else. lua.wasm is looked for beside the script, as the CDN
// example expects (<script src=".../dist/lua-wasm.js">).

import { makeLuaWASM } from './lua.js';
import { compileModule } from './runtime.js';

// document.currentScript is only set while the script first runs.
const scriptURL = (typeof document !== 'undefined' && document.currentScript && document.currentScript.src) || '';
const wasmURL = () => new URL('lua.wasm', scriptURL || globalThis.location.href);

// Start downloading and compiling the module now, so that init() finds it
// ready; a failure here is reported by init(), which tries again.
compileModule(wasmURL()).catch(() => {});

globalThis.LuaWASM = makeLuaWASM(wasmURL);
