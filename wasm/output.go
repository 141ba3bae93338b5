//go:build js && wasm

package main

import "syscall/js"

// A hostWriter collects what Lua prints (print, io.write, warnings) and
// hands it to the host's write method in pieces: at the end of each call
// into Go, before each call out to JS (so that output stays in order with
// what JS code prints), and whenever a piece grows large.
type hostWriter struct {
	host js.Value
	fd   int // 1 for standard output, 2 for warnings
	buf  []byte
}

const hostWriterChunk = 64 << 10

func (w *hostWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	if len(w.buf) >= hostWriterChunk {
		w.flush()
	}
	return len(p), nil
}

func (w *hostWriter) flush() {
	if len(w.buf) == 0 {
		return
	}
	w.host.Call("write", w.fd, string(w.buf))
	w.buf = w.buf[:0]
}
