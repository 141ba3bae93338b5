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
	"syscall/js"
)

// The collector keeps Go's default GOGC=100, unlike cmd/luaw's 400.
// Measured through the dist package in node 22 (oop_methods 1e5,
// binary_trees 12, table_ops 2e4, string_build 5e4; CPU time, median of 5,
// builds alternated, 2-core machine under load): GOGC 200 and 400 were no
// faster than 100 within the noise, while the linear memory, which never
// shrinks, peaked at ~22 MB at 100, ~35 MB at 200 and 140-175 MB at 400.
// Init needs 5 MB at each. Keeping 100 also keeps the heap within about
// twice the live data, so a memorySize bound on Lua's allocations stays
// a bound on the page's memory too.
func main() {
	if len(os.Args) < 2 {
		panic("luawasm: started without the host's handshake name")
	}
	host := js.Global().Get(os.Args[1])
	if host.Type() != js.TypeObject {
		panic("luawasm: no host object under the handshake name")
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
