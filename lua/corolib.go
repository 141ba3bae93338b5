package lua

// The coroutine library (lcorolib.c). resume, yield and the functions made
// by wrap are run by the exec loop itself when Lua code calls them; the Go
// functions here serve calls from Go code and report the errors.

// OpenCoroutine returns the coroutine module table.
func OpenCoroutine(s *State) *Table {
	m := NewTable(0, 8)
	set := func(name string, fn GoFunc, sp goSpecial) {
		g := NewGoFunction(name, fn)
		g.special = sp
		m.SetStr(name, g.Value())
	}
	set("create", coCreate, spNone)
	set("resume", coResume, spResume)
	set("yield", coYield, spYield)
	set("status", coStatus, spNone)
	set("wrap", coWrap, spNone)
	set("isyieldable", coIsYieldable, spNone)
	set("running", coRunning, spNone)
	set("close", coClose, spNone)
	return m
}

// NewCoroutine returns a suspended coroutine that will run fn.
func (s *State) NewCoroutine(fn Value) *Thread {
	co := s.newThread()
	co.body = fn
	if h := s.running.hook; h != nil {
		// As lua_newthread, the coroutine gets the creator's mask and
		// count; debug.sethook's functions are per thread, so it has none.
		co.hook = &hookState{fn: Nil, mask: h.mask, baseCount: h.baseCount, count: h.baseCount}
	}
	return co
}

func coCreate(t *Thread, args []Value) ([]Value, error) {
	fn, err := CheckFunction(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(t.state.NewCoroutine(fn).Value())
}

func checkCoroutine(args []Value, n int) (*Thread, error) {
	if co := Arg(args, n).AsThread(); co != nil {
		return co, nil
	}
	return nil, TypeError(n, "thread", args)
}

func coResume(t *Thread, args []Value) ([]Value, error) {
	co, err := checkCoroutine(args, 1)
	if err != nil {
		return nil, err
	}
	res, e := t.state.resumeGo(t, co, append([]Value(nil), args[1:]...))
	if e.fatal() {
		return nil, e
	}
	if e != nil {
		return t.Ret(False, e.Value)
	}
	return append([]Value{True}, res...), nil
}

func coWrap(t *Thread, args []Value) ([]Value, error) {
	fn, err := CheckFunction(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(t.state.NewWrapFunction(t.state.NewCoroutine(fn)).Value())
}

// wrapGo resumes a wrap function's coroutine from Go: errors propagate,
// with the caller's position prefixed to string messages.
func (s *State) wrapGo(t, co *Thread, args []Value) ([]Value, error) {
	res, e := s.resumeGo(t, co, args)
	if e == nil {
		return res, nil
	}
	if co.status == threadDead && co.deathErr != nil {
		if ce := s.closeCoroutine(co, t); !e.fatal() {
			e = ce
		}
	}
	if e.fatal() {
		return nil, e
	}
	v := e.Value
	if str, ok := v.AsString(); ok {
		v = String(t.where(1) + str)
	}
	return nil, &Error{Value: v}
}

func coYield(t *Thread, args []Value) ([]Value, error) {
	if t == t.state.main {
		return nil, &Error{Value: String("attempt to yield from outside a coroutine")}
	}
	return nil, &Error{Value: String("attempt to yield across a C-call boundary")}
}

// statusName returns a coroutine's status as seen from the running thread.
func (s *State) statusName(co *Thread) string {
	switch {
	case co == s.running:
		return "running"
	case co.status == threadSuspended:
		return "suspended"
	case co.status == threadNormal || co.status == threadRunning:
		return "normal"
	}
	return "dead"
}

func coStatus(t *Thread, args []Value) ([]Value, error) {
	co, err := checkCoroutine(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(String(t.state.statusName(co)))
}

func coIsYieldable(t *Thread, args []Value) ([]Value, error) {
	co := t
	if len(args) > 0 {
		var err error
		if co, err = checkCoroutine(args, 1); err != nil {
			return nil, err
		}
	}
	return t.Ret(Bool(co != t.state.main && co.nny == 0))
}

func coRunning(t *Thread, args []Value) ([]Value, error) {
	return t.Ret(t.Value(), Bool(t == t.state.main))
}

func coClose(t *Thread, args []Value) ([]Value, error) {
	co, err := checkCoroutine(args, 1)
	if err != nil {
		return nil, err
	}
	switch st := t.state.statusName(co); st {
	case "running", "normal":
		return nil, Errorf("cannot close a %s coroutine", st)
	}
	if e := t.state.closeCoroutine(co, t); e != nil {
		return t.Ret(False, e.Value)
	}
	return t.Ret(True)
}
