package lua

// moveValues copies src to dst, which may overlap src only by starting at
// or below it (results and arguments move down the stack). The few values
// of the usual call are copied one at a time: each write then costs at
// most a buffered write barrier, where copy goes through the runtime's
// bulk barrier, which looks up the heap spans of both ranges whenever the
// collector is marking (often in WebAssembly, where the collector shares
// the one thread with the program).
func moveValues(dst, src []Value) {
	if len(src) <= 4 {
		dst = dst[:len(src)]
		for i := range src {
			dst[i] = src[i]
		}
		return
	}
	copy(dst, src)
}
