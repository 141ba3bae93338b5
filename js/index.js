// The ESM entry of lua-wasm-external-storage:
//   import { LuaWASM } from 'lua-wasm-external-storage';
// lua.wasm is looked for beside this module.

import { makeLuaWASM, LuaHandle } from './lua.js';

export { BatchError, LuaError, StorageError } from './errors.js';
export { LuaHandle };

export const LuaWASM = makeLuaWASM(() => new URL('./lua.wasm', import.meta.url));
export default LuaWASM;
