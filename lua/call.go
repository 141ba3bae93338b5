package lua

import (
	"unsafe"

	"github.com/luawasm/luawasm/internal/printf"
)

// Calls and returns. A call places the function and its arguments in
// consecutive stack slots; the callee's results replace them from the
// function's slot on. Lua-to-Lua calls made by the exec loop push a frame
// and continue in the same loop; Go code entering Lua (Thread.Call, the
// embedding API) runs a nested loop that returns when its "fresh" frame
// returns.

// goSpecial marks the Go functions that the exec loop runs itself so that
// coroutines can yield across them (pcall, xpcall) or switch threads
// without Go recursion (resume, wrap functions, yield).
type goSpecial uint8

const (
	spNone goSpecial = iota
	spPcall
	spXpcall
	spResume
	spWrap
	spYield
)

// precallLua pushes a frame for Lua function cl at slot fnIdx with nargs
// arguments above it. Vararg functions get their fixed parameters copied
// above the actual arguments, which stay below the frame as its extra
// arguments (as ltm.c's luaT_adjustvarargs does).
func (t *Thread) precallLua(fnIdx, nargs, nresults int, cl *LuaFunction) (*callInfo, error) {
	p := cl.proto
	np := p.numParams
	need := fnIdx + 1 + nargs + p.maxStack
	if p.isVararg {
		need += np + 1
	}
	if need > len(t.stack) {
		if err := t.checkStack(need); err != nil {
			return nil, err
		}
	}
	stack := t.stack
	for ; nargs < np; nargs++ {
		stack[fnIdx+1+nargs] = Nil
	}
	ci := t.ci.next
	if ci == nil {
		ci = &callInfo{prev: t.ci}
		t.ci.next = ci
	}
	ci.lf = cl
	ci.code = unsafe.Pointer(unsafe.SliceData(p.code))
	ci.k = unsafe.Pointer(unsafe.SliceData(p.k))
	ci.funcIdx = fnIdx
	ci.nresults = nresults
	ci.pc = 0
	ci.flags = 0
	if p.isVararg {
		newFunc := fnIdx + 1 + nargs
		stack[newFunc] = stack[fnIdx]
		for i := 1; i <= np; i++ {
			stack[newFunc+i] = stack[fnIdx+i]
			stack[fnIdx+i] = Nil
		}
		ci.base = newFunc + 1
		ci.nextra = nargs - np
	} else {
		ci.base = fnIdx + 1
		ci.nextra = 0
	}
	ci.top = ci.base + p.maxStack
	t.ci = ci
	if t.hook != nil {
		t.hookFrame(ci)
	}
	return ci, nil
}

// setCI makes ci, a frame of t's chain, the running frame without a write
// barrier: every frame of the chain stays reachable from t.baseCI through
// the next links (stored with barriers), so the collector cannot miss it,
// as with the runtime's guintptr. The exec loop's calls and returns store
// t.ci once each; in WebAssembly the barrier's check is a branch through
// the function's block table (see run).
func (t *Thread) setCI(ci *callInfo) {
	*(*uintptr)(unsafe.Pointer(&t.ci)) = uintptr(unsafe.Pointer(ci))
}

// callGo calls Go function g at slot fnIdx with nargs arguments, leaving
// its results from fnIdx on (nresults of them, or all with t.top after
// them when nresults < 0). Errors come back processed at their raise point.
func (t *Thread) callGo(fnIdx, nargs, nresults int, g *GoFunction) error {
	ci := t.ci.next
	if ci == nil {
		ci = &callInfo{prev: t.ci}
		t.ci.next = ci
	}
	// A cached frame often ran g last time (a library function called
	// in a loop): its pointer fields are then stored only when they
	// change, each store being a write-barrier check in WebAssembly.
	if ci.fn.p != unsafe.Pointer(g) {
		ci.fn = Value{p: unsafe.Pointer(g)}
	}
	if ci.lf != nil {
		ci.lf = nil
	}
	ci.flags = ciGo
	ci.funcIdx = fnIdx
	ci.base = fnIdx + 1
	top := fnIdx + 1 + nargs
	ci.top = top
	ci.nresults = nresults
	t.ci = ci
	t.top = top
	if t.hook != nil {
		if err := t.goCallHook(); err != nil {
			t.ci = ci.prev
			return err
		}
	}
	rets, err := g.Fn(t, t.stack[fnIdx+1:top:top])
	if t.hook != nil && err == nil { // also when g set it (debug.sethook)
		rets, err = t.goReturnHook(ci, rets)
	}
	if err != nil {
		e := t.goError(err)
		t.processError(e)
		t.ci = ci.prev
		return e
	}
	t.ci = ci.prev
	if nresults == 1 {
		v := Nil
		if len(rets) > 0 {
			v = rets[0]
		}
		t.stack[fnIdx] = v
		t.top = fnIdx + 1
		return nil
	}
	return t.placeResults(fnIdx, rets, nresults)
}

// placeResults copies a Go function's results to slot dst, adjusted to
// nresults (all when negative, setting t.top).
func (t *Thread) placeResults(dst int, rets []Value, nresults int) error {
	n := len(rets)
	want := n
	if nresults >= 0 {
		want = nresults
	}
	if dst+want+1 > len(t.stack) {
		if err := t.checkStack(dst + want + 1); err != nil {
			return err
		}
	}
	if n > want {
		n = want
	}
	copy(t.stack[dst:dst+n], rets[:n])
	for i := n; i < want; i++ {
		t.stack[dst+i] = Nil
	}
	t.top = dst + want
	return nil
}

// callGoProtected is callGo for calls from Go code: a panic in the Go
// function becomes a Lua error raised by it. (Calls from the exec loop
// are covered by the loop's own recover.)
func (t *Thread) callGoProtected(fnIdx, nargs, nresults int, g *GoFunction) (err error) {
	ci := t.ci
	defer func() {
		if r := recover(); r != nil {
			e := &Error{Value: String(t.where(1) + printf.Sprintf("Go panic: %v", r))}
			t.processError(e)
			t.ci = ci
			err = e
		}
	}()
	return t.callGo(fnIdx, nargs, nresults, g)
}

// tryFuncTM replaces a non-function value at slot fnIdx by its __call
// metamethod, shifting the arguments up by one so that the value becomes
// the first argument; it returns the new argument count.
func (t *Thread) tryFuncTM(fnIdx, nargs int) (int, error) {
	v := t.stack[fnIdx]
	tm := t.state.tmOf(v, tmCall)
	if tm.p == nil {
		reg := -1
		if ci := t.ci; ci.lf != nil && ci.flags&ciGo == 0 {
			reg = fnIdx - ci.base
		}
		return 0, t.callError(v, reg)
	}
	if err := t.checkStack(fnIdx + nargs + 2); err != nil {
		return 0, err
	}
	copy(t.stack[fnIdx+1:fnIdx+nargs+2], t.stack[fnIdx:fnIdx+nargs+1])
	t.stack[fnIdx] = tm
	return nargs + 1, nil
}

// callAt calls the value at slot fnIdx with nargs arguments and runs it to
// completion (a nested exec loop for Lua functions). Results are left as
// callGo leaves them.
func (t *Thread) callAt(fnIdx, nargs, nresults int) error {
	for {
		fn := t.stack[fnIdx]
		switch fn.kind() {
		case kindLuaFunction:
			ci, err := t.precallLua(fnIdx, nargs, nresults, (*LuaFunction)(fn.p))
			if err != nil {
				return err
			}
			ci.flags = ciFresh
			return execute(t)
		case kindGoFunction:
			return t.callGoProtected(fnIdx, nargs, nresults, (*GoFunction)(fn.p))
		}
		var err error
		if nargs, err = t.tryFuncTM(fnIdx, nargs); err != nil {
			return err
		}
	}
}

// Call calls fn with args from Go and returns all its results in a fresh
// slice. Lua code it runs cannot yield (the reference's C-call boundary).
func (t *Thread) Call(fn Value, args ...Value) ([]Value, error) {
	fnIdx := t.top
	if fnIdx < t.ci.top {
		fnIdx = t.ci.top
	}
	if err := t.enterGoCall(fnIdx + len(args) + 1); err != nil {
		return nil, err
	}
	t.stack[fnIdx] = fn
	copy(t.stack[fnIdx+1:], args)
	err := t.callAt(fnIdx, len(args), -1)
	t.nCcalls--
	t.nny--
	if err != nil {
		e := t.errorAtLevel(err, fnIdx)
		t.top = fnIdx
		return nil, e
	}
	res := make([]Value, t.top-fnIdx)
	copy(res, t.stack[fnIdx:t.top])
	t.top = fnIdx
	return res, nil
}

// Call1 is Call for callers that want only the first result (nil when
// there is none), such as a sort comparator or a gsub replacement
// function: it allocates no result slice.
func (t *Thread) Call1(fn Value, args ...Value) (Value, error) { return t.call1(fn, args...) }

// call1 calls fn with args and returns its first result (metamethods
// called from Go).
func (t *Thread) call1(fn Value, args ...Value) (Value, error) {
	fnIdx := t.top
	if fnIdx < t.ci.top {
		fnIdx = t.ci.top
	}
	if err := t.enterGoCall(fnIdx + len(args) + 1); err != nil {
		return Nil, err
	}
	t.stack[fnIdx] = fn
	for i, a := range args { // few: copy's typedslicecopy costs more in wasm
		t.stack[fnIdx+1+i] = a
	}
	err := t.callAt(fnIdx, len(args), 1)
	t.nCcalls--
	t.nny--
	if err != nil {
		e := t.errorAtLevel(err, fnIdx)
		t.top = fnIdx
		return Nil, e
	}
	v := t.stack[fnIdx]
	t.top = fnIdx
	return v, nil
}

// enterGoCall accounts for a call from Go into Lua: it counts the Go-level
// nesting ("C stack overflow" past the limit), makes the code it runs
// non-yieldable and ensures stack room up to need.
func (t *Thread) enterGoCall(need int) error {
	if t != t.state.running {
		// The exec loop runs the state's running thread.
		return &Error{Value: String("cannot call Lua code on a thread that is not running"), processed: true}
	}
	if t.nCcalls >= maxCcalls {
		if t.nCcalls >= maxCcalls+maxCcalls/10 {
			return &Error{Value: String("error in error handling"), processed: true}
		}
		e := t.runtimeError("C stack overflow")
		t.processError(e)
		return e
	}
	if err := t.checkStack(need + 1); err != nil {
		return err
	}
	t.nCcalls++
	t.nny++
	return nil
}

// errorAtLevel finishes an error that escaped a call made at slot level:
// upvalues at or above the level are closed and pending to-be-closed
// variables there are closed with the error, which they may replace.
func (t *Thread) errorAtLevel(err error, level int) error {
	e, ok := err.(*Error)
	if !ok {
		e = &Error{Value: String(err.Error()), processed: true}
	}
	return t.closeProtected(level, e)
}
