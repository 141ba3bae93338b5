//go:build js

package storetest

// nativeBackends is empty in WebAssembly: the browser's store is IndexedDB,
// reached from JavaScript.
func nativeBackends() []Backend { return nil }
