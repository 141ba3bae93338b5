// The script-tag entry (dist/lua-wasm.js): defines window.LuaWASM and
// nothing else. lua.wasm is looked for beside the script, as the CDN
// example expects (<script src=".../dist/lua-wasm.js">).

import { makeLuaWASM } from './lua.js';

// document.currentScript is only set while the script first runs.
const scriptURL = (typeof document !== 'undefined' && document.currentScript && document.currentScript.src) || '';

globalThis.LuaWASM = makeLuaWASM(() => new URL('lua.wasm', scriptURL || globalThis.location.href));
