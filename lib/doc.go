// Package lib implements Lua 5.4's standard libraries other than the base,
// coroutine and debug libraries (which live in package lua because they
// reach into the VM): string, table, math, utf8, os, io and package.
//
// Every library function is a lua.GoFunc. Functions that touch elements of a
// table go through the thread's metamethod-aware operations (t.Index,
// t.SetIndex, t.Len, t.LessThan), with a direct path for plain tables
// without a metatable, which is what 5.4's table library does via
// lua_geti/lua_seti. Messages, argument checks and the order in which
// arguments are checked follow the reference implementation (ltablib.c,
// lmathlib.c, lutf8lib.c, loslib.c, liolib.c, loadlib.c), so that error texts
// match byte for byte.
//
// OpenAll opens every standard library into a state. Each library also has
// its own OpenX function returning the module table.
//
// File-system and process access (io.open, io.popen, os.remove, os.execute,
// ...) is native Go code behind build tags; under GOOS=js those operations
// fail with a message in luaL_fileresult's shape, and io.stdout/io.write send
// their output to State.Stdout so that a WebAssembly host can capture it.
package lib
