// Package lua runs Lua 5.4 programs: values, tables, closures, coroutines,
// the virtual machine, errors and tracebacks, the base, coroutine and debug
// libraries, and the API a Go program embeds them with.
//
// # Values
//
// A Value is 16 bytes: a pointer that identifies the type (static
// sentinels for booleans, integers and floats, the heap object for
// strings, tables, functions, userdata and threads) and a 64-bit payload.
// Numbers and booleans never allocate.
//
// # The machine
//
// Source text goes through syntax.Parse and compile.Compile (binary chunks
// through compile.Undump, which verifies them) into compile.Proto values
// using Lua 5.4.7's instruction set; the VM converts each prototype's
// constants into Values once (funcProto) and shares short string constants
// across the state, so that table lookups with constant keys usually match
// by pointer.
//
// Each Thread has a value stack and a chain of call frames (callInfo). A
// Lua function's registers are a window of the stack. One exec loop (run,
// in vm.go) executes instructions; Lua-to-Lua calls and returns push and
// pop frames and continue in the same loop, so Lua recursion does not use
// the Go stack. Metamethods written in Lua run as frames too: when such a
// frame returns, finishOp completes the instruction that called it. pcall,
// xpcall, coroutine.resume, coroutine.yield and the functions made by
// coroutine.wrap are run by the loop itself (a resume switches to the
// coroutine's frames, a yield switches back), which is why coroutines can
// yield across pcall, metamethods and for-loop iterators. Go code that
// calls back into Lua (Thread.Call) runs a nested loop; Lua code running
// there cannot yield, as in the reference implementation ("attempt to
// yield across a C-call boundary").
//
// Errors are Go error values returned up the loop, never panics: the
// loop's unwinder (State.throw) finds the protected call that catches an
// error, closes upvalues and to-be-closed variables, and continues there.
// Every error goes once through its raise point, where the message
// handler of an enclosing xpcall runs on the intact stack, or, with no
// protected call at all, the traceback is captured for the host. Messages
// follow the reference's texts, with variable names found by symbolic
// execution of the bytecode (debuginfo.go ports ldebug.c's logic).
//
// # Embedding
//
// NewState creates a state with no libraries; lib.OpenAll opens the
// standard ones. State.Load compiles a chunk, State.Call and
// State.DoString run code, GetGlobal, SetGlobal and Register exchange
// values and Go functions. A Go function is a GoFunc: it receives its
// arguments as a slice and returns results (Thread.Ret) or an error
// (Errorf, ArgError, TypeError, or an *Error carrying any Lua value). A Go
// panic inside a Go function becomes a Lua error.
package lua
