package lua

import "github.com/luawasm/luawasm/compile"

// Returns with special frames, finishing instructions interrupted by Lua
// metamethods, closing variables, and unwinding errors to the protected
// call that catches them.

// returnSpecial completes the return of a frame with special flags:
// protected calls add their status, metamethod frames finish the
// instruction that called them, fresh frames leave the loop, and a
// coroutine's main function ends the coroutine.
func (t *Thread) returnSpecial(ci *callInfo, first, n int) stepStatus {
	f := ci.flags
	if f&ciCoBase != 0 {
		return t.state.coroutineReturned(t, first, n)
	}
	dst := ci.funcIdx
	copy(t.stack[dst:dst+n], t.stack[first:first+n])
	t.ci = ci.prev
	if f&ciPcallBody != 0 {
		t.top = dst + n
		t.finishPcall(ci.prev)
		return stFrame
	}
	t.adjustResults(dst, n, ci.nresults)
	if f&ciFresh != 0 {
		return stExit
	}
	if f&ciFinish != 0 {
		t.nCcalls--
		if st := t.finishOp(ci.prev, t.stack[dst]); st != stDone {
			return st
		}
	}
	return stFrame
}

// finishOp completes the instruction of Lua frame ci that called a Lua
// metamethod returning v (lvm.c's luaV_finishOp).
func (t *Thread) finishOp(ci *callInfo, v Value) stepStatus {
	code := ci.lf.proto.code
	ins := code[ci.pc-1]
	base := ci.base
	switch ins.Op() {
	case compile.OP_MMBIN, compile.OP_MMBINI, compile.OP_MMBINK:
		t.stack[base+code[ci.pc-2].A()] = v
	case compile.OP_UNM, compile.OP_BNOT, compile.OP_LEN,
		compile.OP_GETTABUP, compile.OP_GETTABLE, compile.OP_GETI, compile.OP_GETFIELD, compile.OP_SELF:
		t.stack[base+ins.A()] = v
	case compile.OP_LT, compile.OP_LE, compile.OP_LTI, compile.OP_LEI,
		compile.OP_GTI, compile.OP_GEI, compile.OP_EQ:
		if v.Truthy() != ins.K() {
			ci.pc++ // skip the jump
		}
	case compile.OP_CONCAT:
		t.stack[ci.aux-1] = v
		return t.concatSlow(ci, base+ins.A())
	case compile.OP_CLOSE:
		ci.pc-- // close the remaining variables
	case compile.OP_RETURN:
		t.top = base + ins.A() + ci.aux
		ci.pc-- // close the remaining variables, then return
	}
	return stDone
}

// toError converts any error reaching the unwinder into an *Error.
func toError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return &Error{Value: String(err.Error()), processed: true}
}

// throw unwinds the running thread from its current frame to the nearest
// protected call of this exec loop. It returns nil when execution goes on
// (at the frame that called pcall, or in the thread that resumed a failed
// coroutine), or the error when it escapes the loop's fresh frame or a
// Go resume.
func (s *State) throw(err error) error {
	t := s.running
	e := toError(err)
	for {
		t.processError(e)
		hi := t.top
		if t.ci.top > hi {
			hi = t.ci.top
		}
		ci := t.ci
		for {
			if ci == &t.baseCI {
				t.ci = ci
				return e
			}
			f := ci.flags
			if f&ciProtected != 0 {
				if !e.fatal() {
					t.catch(ci, e, hi)
					return nil
				}
				t.errfunc = ci.handler
				t.npcall--
				t.nCcalls = ci.savedNC
			}
			if f&ciFresh != 0 {
				t.ci = ci.prev
				return e
			}
			if f&ciCoBase != 0 {
				next, ne := s.coroutineFailed(t, e)
				if next == nil {
					return ne // a Go resume takes it from here
				}
				if ne == nil {
					return nil // resume returns false, e
				}
				t, e = next, ne // wrap: raised again in the resumer
				break
			}
			if f&ciFinish != 0 {
				t.nCcalls--
			}
			ci = ci.prev
		}
	}
}

// catch ends protected frame p with error e: frames above it are
// dropped, variables closed, and (false, error) returned to p's caller.
func (t *Thread) catch(p *callInfo, e *Error, hi int) {
	t.ci = p.prev
	t.errfunc = p.handler
	t.npcall--
	t.nCcalls = p.savedNC
	t.stackErr = false
	t.top = hi
	e = t.closeProtected(p.base, e)
	dst := p.pcallDst
	t.stack[dst] = False
	t.stack[dst+1] = e.Value
	t.adjustResults(dst, 2, p.nresults)
}

// closeProtected closes upvalues and to-be-closed variables at slot level
// or above after an error e (nil for a normal close); an error raised by a
// __close replaces the current one. It returns the final error.
func (t *Thread) closeProtected(level int, e *Error) *Error {
	t.closeUpvals(level)
	for n := len(t.tbc); n > 0 && t.tbc[n-1] >= level; n = len(t.tbc) {
		idx := t.tbc[n-1]
		t.tbc = t.tbc[:n-1]
		obj := t.stack[idx]
		errv := Nil
		if e != nil {
			errv = e.Value
		}
		if t.top <= idx {
			t.top = idx + 1
		}
		if _, err := t.Call(t.state.tmOf(obj, tmClose), obj, errv); err != nil && !e.fatal() {
			e = toError(err)
			e.processed = true
		}
	}
	return e
}
