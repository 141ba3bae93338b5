//go:build js && wasm

// Command wasm is the engine's WebAssembly build for JavaScript hosts (the
// npm package in js/ loads it).
//
// The handshake leaves no global behind: the host puts an object under a
// one-shot name on the global object it gives the Go runtime (a private
// stand-in for globalThis, see js/runtime.js) and passes that name as the
// first program argument. main reads the object, installs the bridge's
// functions on it and calls its ready method; the host then deletes the
// name. From then on the host calls Go synchronously through those
// functions, and Go calls back through methods of the same object.
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
	b, err := newBridge(host)
	if err != nil {
		host.Call("ready", err.Error())
		return
	}
	done := make(chan struct{})
	b.export(done)
	host.Call("ready")
	<-done // close() was called: the Go program ends and frees its memory
}
