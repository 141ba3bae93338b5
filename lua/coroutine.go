package lua

// Coroutines are threads with their own stack and frames. Resuming one
// from Lua code pushes a resume frame on the resumer and switches the exec
// loop to the coroutine's frames; yielding pushes a yield frame on the
// coroutine and switches back, delivering the values as the results of
// the resume frame. No goroutines and no Go recursion are involved. When
// Go code resumes a coroutine (Thread.Call of coroutine.resume, the
// embedding API) a nested exec loop runs it and returns at its next yield.

// resumeInLoop starts or continues coroutine co from thread a, whose
// resume (or wrap function) call sits at slot fnIdx with its arguments at
// [argStart, argStart+nargs). ok is false when the Go version must handle
// the call (errors, a coroutine whose main function is a Go function).
func (s *State) resumeInLoop(a, co *Thread, fnIdx, argStart, nargs, nres int, wrap bool) (stepStatus, bool) {
	if co == nil || co.status != threadSuspended || co == a || a.nCcalls >= maxCcalls {
		return stDone, false
	}
	start := co.ci == &co.baseCI
	if start && co.body.AsLuaFunction() == nil {
		return stDone, false
	}
	if co.pers != nil {
		co.pers.journal.logThread(co)
	}
	rci := a.pushCI()
	rci.fn = a.stack[fnIdx]
	rci.lf = nil
	rci.flags = ciGo | ciResume
	if wrap {
		rci.flags |= ciWrap
	}
	rci.funcIdx = fnIdx
	rci.base = fnIdx + 1
	rci.top = argStart + nargs
	rci.nresults = nres
	a.top = rci.top
	if err := co.transferIn(a.stack[argStart:argStart+nargs], start); err != nil {
		a.ci = rci.prev
		a.lastErr = err
		return stError, true
	}
	co.nCcalls = a.nCcalls + 1
	co.resumer = a
	co.status = threadRunning
	a.status = threadNormal
	s.running = co
	return stFrame, true
}

// transferIn moves resume arguments into co: as the arguments of its main
// function when it starts, or as the results of its pending yield.
func (co *Thread) transferIn(args []Value, start bool) error {
	if start {
		if err := co.checkStack(2 + len(args)); err != nil {
			return err
		}
		co.stack[1] = co.body
		copy(co.stack[2:], args)
		ci, err := co.precallLua(1, len(args), -1, co.body.AsLuaFunction())
		if err != nil {
			return err
		}
		ci.flags = ciCoBase
		co.body = Nil
		return nil
	}
	yci := co.ci
	dst := yci.funcIdx
	if err := co.checkStack(dst + len(args) + 1); err != nil {
		return err
	}
	copy(co.stack[dst:], args)
	co.adjustResults(dst, len(args), yci.nresults)
	co.ci = yci.prev
	return nil
}

// yieldInLoop suspends the running coroutine co at its yield call in slot
// fnIdx and delivers the values to its resumer.
func (s *State) yieldInLoop(co *Thread, fnIdx, nargs, nres int) (stepStatus, bool) {
	if co == s.main || co.nny > 0 || co.resumer == nil {
		return stDone, false
	}
	yci := co.pushCI()
	yci.fn = co.stack[fnIdx]
	yci.lf = nil
	yci.flags = ciGo | ciYield
	yci.funcIdx = fnIdx
	yci.base = fnIdx + 1
	yci.top = fnIdx + 1 + nargs
	yci.nresults = nres
	co.top = yci.top
	co.status = threadSuspended
	a, rci := s.switchToResumer(co)
	if rci.flags&ciGoResume != 0 {
		return stYield, true
	}
	if err := a.deliver(rci, co.stack[fnIdx+1:fnIdx+1+nargs]); err != nil {
		a.lastErr = err
		return stError, true
	}
	return stFrame, true
}

// deliver completes resume frame rci of thread a with values from the
// coroutine (prefixed with true unless it is a wrap function).
func (a *Thread) deliver(rci *callInfo, vals []Value) error {
	dst := rci.funcIdx
	n := len(vals)
	prefix := rci.flags&ciWrap == 0
	if prefix {
		n++
	}
	if err := a.checkStack(dst + n + 1); err != nil {
		return err
	}
	if prefix {
		a.stack[dst] = True
		copy(a.stack[dst+1:], vals)
	} else {
		copy(a.stack[dst:], vals)
	}
	a.ci = rci.prev
	a.adjustResults(dst, n, rci.nresults)
	return nil
}

// coroutineReturned ends coroutine co whose main function returned n
// values from slot first.
func (s *State) coroutineReturned(co *Thread, first, n int) stepStatus {
	copy(co.stack[1:1+n], co.stack[first:first+n])
	co.top = 1 + n
	co.ci = &co.baseCI
	co.status = threadDead
	a, rci := s.switchToResumer(co)
	if rci.flags&ciGoResume != 0 {
		return stExit
	}
	if err := a.deliver(rci, co.stack[1:1+n]); err != nil {
		a.lastErr = err
		return stError
	}
	return stFrame
}

// coroutineFailed handles error e escaping coroutine co. A Go resume gets
// the error back (next == nil); resume returns (false, e) and the loop
// continues (ne == nil); a wrap function raises the error again in its
// caller, with position information (next and ne set).
func (s *State) coroutineFailed(co *Thread, e *Error) (next *Thread, ne *Error) {
	co.status = threadDead
	co.deathErr = e
	a, rci := s.switchToResumer(co)
	if rci.flags&ciGoResume != 0 {
		return nil, e
	}
	if e.fatal() {
		// Raised again in the resumer, after closing the coroutine.
		s.closeCoroutine(co, a)
		return a, e
	}
	if rci.flags&ciWrap != 0 {
		e = s.closeCoroutine(co, a)
		v := e.Value
		if str, ok := v.AsString(); ok {
			v = String(a.where(1) + str)
		}
		return a, &Error{Value: v}
	}
	a.ci = rci.prev
	a.stack[rci.funcIdx] = False
	a.stack[rci.funcIdx+1] = e.Value
	a.adjustResults(rci.funcIdx, 2, rci.nresults)
	return a, nil
}

// closeCoroutine closes the pending to-be-closed variables of a suspended
// or dead coroutine, running the __close metamethods on it, and resets it
// (lua_closethread). It returns the final error: the one that killed the
// coroutine or one raised while closing, or nil.
func (s *State) closeCoroutine(co, from *Thread) *Error {
	if co.pers != nil {
		co.pers.journal.logThread(co)
	}
	e := co.deathErr
	prev := s.running
	s.running = co
	co.status = threadRunning
	co.ci = &co.baseCI
	co.nny = 0
	co.nCcalls = from.nCcalls
	co.top = 1
	for i := range co.tbc {
		if co.tbc[i] >= co.top {
			co.top = co.tbc[i] + 1
		}
	}
	e = co.closeProtected(1, e)
	s.running = prev
	co.status = threadDead
	co.deathErr = nil
	co.top = 1
	co.tbc = co.tbc[:0]
	co.errfunc = Nil
	co.npcall = 0
	return e
}

// resumeGo is the Go version of resume and wrap functions, for calls from
// Go code: a nested exec loop runs the coroutine until it yields, returns
// or fails. The resume frame is the running Go frame of a.
func (s *State) resumeGo(a, co *Thread, args []Value) ([]Value, *Error) {
	if msg := s.resumeCheck(a, co); msg != "" {
		return nil, &Error{Value: String(msg)}
	}
	if co.pers != nil {
		co.pers.journal.logThread(co)
	}
	rci := a.ci
	rci.flags |= ciResume | ciGoResume
	defer func() { rci.flags &^= ciResume | ciGoResume }()
	start := co.ci == &co.baseCI
	co.nCcalls = a.nCcalls + 1
	co.resumer = a
	co.status = threadRunning
	a.status = threadNormal
	s.running = co
	if start && co.body.AsLuaFunction() == nil {
		// A Go main function runs to completion.
		body := co.body
		co.body = Nil
		res, err := co.Call(body, args...)
		s.running = a
		a.status = threadRunning
		co.resumer = nil
		co.status = threadDead
		if err != nil {
			e := toError(err)
			co.deathErr = e
			return nil, e
		}
		return res, nil
	}
	if err := co.transferIn(args, start); err != nil {
		s.running = a
		a.status = threadRunning
		co.resumer = nil
		co.status = threadDead
		return nil, toError(err)
	}
	err := execute(co)
	switch {
	case err == nil:
		return append([]Value(nil), co.stack[1:co.top]...), nil
	case err == errYield:
		yci := co.ci
		return append([]Value(nil), co.stack[yci.funcIdx+1:yci.top]...), nil
	}
	return nil, toError(err)
}

// resumeCheck returns the reason co cannot be resumed by a, or "".
func (s *State) resumeCheck(a, co *Thread) string {
	switch {
	case co.status == threadDead:
		return "cannot resume dead coroutine"
	case co.status != threadSuspended || co == a:
		return "cannot resume non-suspended coroutine"
	case a.nCcalls >= maxCcalls:
		return "C stack overflow"
	}
	return ""
}

// switchToResumer makes the thread that resumed co the running one again
// and returns it with its current frame (the resume call).
func (s *State) switchToResumer(co *Thread) (*Thread, *callInfo) {
	a := co.resumer
	co.resumer = nil
	s.running = a
	a.status = threadRunning
	return a, a.ci
}
