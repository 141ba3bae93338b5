package lua

import "github.com/luawasm/luawasm/internal/printf"

// The embedding API: what a Go program uses to run Lua code. Errors come
// back as *Error values; a Lua error not caught inside Lua carries the
// traceback of where it was raised. No Go panic crosses this API.

// Call calls fn with args on the running thread (the main thread unless
// called from inside a coroutine) and returns all results.
func (s *State) Call(fn Value, args ...Value) (res []Value, err error) {
	t := s.running
	host := t.pushCI()
	host.fn = Nil
	host.lf = nil
	host.flags = ciGo
	host.funcIdx = t.top
	host.base = t.top
	host.top = t.top
	host.nresults = -1
	top, nny, ncc := t.top, t.nny, t.nCcalls
	s.beginRun()
	s.lim.runs++
	defer func() {
		s.lim.runs--
		if r := recover(); r != nil {
			res, err = nil, &Error{Value: String(printf.Sprintf("Go panic: %v", r)), processed: true}
			s.running = t
			t.status = threadRunning
			t.nny, t.nCcalls = nny, ncc
		}
		t.ci = host.prev
		t.top = top
	}()
	return t.Call(fn, args...)
}

// DoString loads and runs a chunk of source text, returning its results.
func (s *State) DoString(src, chunkname string) ([]Value, error) {
	fn, err := s.Load(src, chunkname, "bt")
	if err != nil {
		return nil, err
	}
	return s.Call(fn)
}

// GetGlobal returns the global variable name (raw access).
func (s *State) GetGlobal(name string) Value { return s.globals.GetStr(name) }

// SetGlobal assigns the global variable name (raw access).
func (s *State) SetGlobal(name string, v Value) { s.globals.SetStr(name, v) }

// Register sets a global Go function.
func (s *State) Register(name string, fn GoFunc) {
	s.globals.SetStr(name, NewGoFunction(name, fn).Value())
}

// Running returns the thread executing now (for Go functions that need
// the state's view rather than their own thread argument).
func (s *State) Running() *Thread { return s.running }

// Traceback returns the traceback of t's current stack from level on
// ("stack traceback:\n\t...").
func (t *Thread) Traceback(level int) string { return t.traceback(t, level) }

// Pointer returns the address that tostring and string.format's %p show
// for v: the object of a string, table, function, userdata or thread, and
// 0 for nil, booleans and numbers.
func (v Value) Pointer() uintptr {
	switch v.kind() {
	case kindNil, kindBool, kindInt, kindFloat:
		return 0
	}
	return uintptr(v.p)
}
