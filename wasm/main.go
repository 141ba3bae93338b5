//go:build js && wasm

// Command wasm is the engine's WebAssembly build for JavaScript hosts (the
// npm package in js/ loads it).
//
// The host calls Go through functions exported with go:wasmexport (see
// exports.go): a plain WebAssembly call costs tens of nanoseconds, where a
// syscall/js callback (js.FuncOf) costs ~10 µs of goroutine switching.
// Their arguments are numbers; bytes cross through two buffers in Go's
// memory that the host reads and writes directly: the input buffer (code,
// names, wire messages from JS) and the output buffer (a wire message or
// an error). Go calls the host through methods of its host object with
// syscall/js: write (Lua's output), callJS (a JS function called from Lua).
//
// The handshake leaves no global behind: the host puts its object under a
// one-shot name on the global object it gives the Go runtime (a private
// stand-in for globalThis, see js/runtime.js) and passes that name as the
// first program argument. main reads the object, sets up the bridge and
// calls the object's ready method; the host then deletes the name.
package main

import (
	"os"
	"runtime/debug"
	"syscall/js"
)

// gcPercent is the collector's growth factor (GOGC), 200 where Go's
// default is 100 and cmd/luaw's 400. Measured through the dist package in
// node 22 (oop_methods 1e5, binary_trees 12, table_ops 2e4, string_build
// 5e4; CPU time, median of 5, 4 alternated pairs on a loaded 2-core
// machine): 200 took ~15-20% less CPU than 100 in three pairs of four (8%
// more in one); 400 was no faster than 200. The linear memory, which never
// shrinks, peaked at ~22 MB at 100, 35-40 MB at 200 and 140-175 MB at 400;
// init needs 5 MB at each. At 200 the heap grows to about three times the
// live data before a collection (twice at 100): the extra headroom follows
// what Lua keeps alive, not memorySize, which still bounds what each call
// allocates. A GOGC in the program's environment wins (for measuring).
const gcPercent = 200

func main() {
	if len(os.Args) < 2 {
		panic("luawasm: started without the host's handshake name")
	}
	host := js.Global().Get(os.Args[1])
	if host.Type() != js.TypeObject {
		panic("luawasm: no host object under the handshake name")
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	current = newBridge(host)
	// After lw_close the host calls wake, whose event lets this goroutine
	// run again and the program end.
	wake := js.FuncOf(func(js.Value, []js.Value) any { return nil })
	host.Set("wake", wake)
	host.Call("ready")
	<-current.done
	wake.Release()
}
