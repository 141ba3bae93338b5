//go:build js && wasm

package main

// The functions the host calls. A call that produces a value returns the
// length n of its message in the output buffer (lw_output gives its
// address), or -n-1 when it failed and the message is the error.

//go:wasmexport lw_input
func lwInput(n int32) uint32 {
	b := current
	if cap(b.in) < int(n) {
		b.in = make([]byte, 0, max(int(n), 2*cap(b.in)))
	}
	b.in = b.in[:n]
	return address(b.in)
}

//go:wasmexport lw_output
func lwOutput() uint32 { return address(current.out) }

// lw_eval runs the code in the input buffer and returns its first result.
//
//go:wasmexport lw_eval
func lwEval(codeLen int32) int32 {
	b := current
	return b.reply(b.eval(string(b.input(codeLen))))
}

// lw_call calls the held function handle with the argument list in the
// input buffer and returns its first result.
//
//go:wasmexport lw_call
func lwCall(handle uint32, argsLen int32) int32 {
	b := current
	return b.reply(b.call(handle, b.input(argsLen)))
}

// lw_get_global returns the global named by the input buffer.
//
//go:wasmexport lw_get_global
func lwGetGlobal(nameLen int32) int32 {
	b := current
	return b.reply(b.getGlobal(string(b.input(nameLen))))
}

// lw_set_global sets the global whose name is the first nameLen input
// bytes to the value of the message after it.
//
//go:wasmexport lw_set_global
func lwSetGlobal(nameLen, msgLen int32) int32 {
	b := current
	in := b.input(nameLen + msgLen)
	return b.reply(nil, b.setGlobal(string(in[:nameLen]), in[nameLen:]))
}

// lw_release forgets a handle whose JS stand-in was garbage collected.
//
//go:wasmexport lw_release
func lwRelease(handle uint32) { delete(current.held, handle) }

// lw_close ends the state; the program ends at the host's next wake call.
//
//go:wasmexport lw_close
func lwClose() { current.close() }
