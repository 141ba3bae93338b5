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
//
// The host also sets the program's environment: GOGC, read by the runtime
// at start (js/runtime.js explains the value), so that no runtime/debug
// call is needed here.
package main

import (
	"os"
	"syscall/js"
)

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
