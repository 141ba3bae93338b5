package lua

import (
	"math"
	"strings"
	"unsafe"

	"github.com/luawasm/luawasm/compile"
)

// Slow paths of the exec loop: operations that need metamethods,
// coercions or errors. A metamethod written in Lua runs as a new frame
// flagged ciFinish (the instruction is finished by finishOp when it
// returns), so these functions report stFrame instead of waiting for it.

// maxTagLoop bounds __index/__newindex chains (lvm.c's MAXTAGLOOP).
const maxTagLoop = 2000

// callMeta calls metamethod fn with args for the instruction running in
// Lua frame ci, placing the call at slot. A Go function runs now and its
// first result comes back with stDone; a Lua function gets a frame and
// stFrame; an error is left in t.lastErr with stError.
func (t *Thread) callMeta(ci *callInfo, slot int, fn Value, nres int, args ...Value) (Value, stepStatus) {
	nargs := len(args)
	if err := t.checkStack(slot + nargs + 2); err != nil {
		t.lastErr = err
		return Nil, stError
	}
	t.stack[slot] = fn
	copy(t.stack[slot+1:], args)
	for {
		switch fn.kind() {
		case kindLuaFunction:
			if t.nCcalls >= maxCcalls {
				t.lastErr = t.cStackOverflow()
				return Nil, stError
			}
			nci, err := t.precallLua(slot, nargs, nres, (*LuaFunction)(fn.p))
			if err != nil {
				t.lastErr = err
				return Nil, stError
			}
			nci.flags = ciFinish
			t.nCcalls++
			return Nil, stFrame
		case kindGoFunction:
			if err := t.callGo(slot, nargs, nres, (*GoFunction)(fn.p)); err != nil {
				t.lastErr = err
				return Nil, stError
			}
			return t.stack[slot], stDone
		}
		n, err := t.tryFuncTM(slot, nargs)
		if err != nil {
			t.lastErr = err
			return Nil, stError
		}
		nargs = n
		fn = t.stack[slot]
	}
}

// pushMetaFrame is callMeta's usual case written out: it pushes a frame
// for Lua metamethod cl with arguments a and b, returning one result, and
// reports false when the general path is needed (vararg metamethod, stack
// growth, no cached frame, hooks or deep nesting).
func (t *Thread) pushMetaFrame(ci *callInfo, cl *LuaFunction, a, b Value) bool {
	p := cl.proto
	slot := ci.top
	nci := ci.next
	if p.isVararg || nci == nil || slot+3+p.maxStack > len(t.stack) || t.hook != nil || t.nCcalls >= maxCcalls || t.ci != ci {
		return false
	}
	stack := t.stack
	stack[slot] = cl.Value()
	stack[slot+1] = a
	stack[slot+2] = b
	for i := 2; i < p.numParams; i++ {
		stack[slot+1+i] = Nil
	}
	nci.lf = cl
	nci.code = unsafe.Pointer(unsafe.SliceData(p.code))
	nci.k = unsafe.Pointer(unsafe.SliceData(p.k))
	nci.funcIdx = slot
	nci.base = slot + 1
	nci.top = slot + 1 + p.maxStack
	nci.nresults = 1
	nci.nextra = 0
	nci.pc = 0
	nci.flags = ciFinish
	t.ci = nci
	t.nCcalls++
	return true
}

// cStackOverflow is the error for too deep Go-level nesting.
func (t *Thread) cStackOverflow() error {
	if t.nCcalls >= maxCcalls+maxCcalls/10 {
		return &Error{Value: String("error in error handling"), processed: true}
	}
	return t.runtimeError("C stack overflow")
}

// stringMethod returns field key of the table that is __index of the
// string metatable, the usual string method call (s:find(...)), or Nil
// when the general path must decide (no such table, an absent field, a
// metatable that does not index with a table). The stored keys are made
// identical to the loop's constants on the way (lookupStr), so the next
// lookups match by identity.
func (s *State) stringMethod(key *stringObject) Value {
	mt := s.typeMetas[TypeString]
	if mt == nil {
		return Nil
	}
	ix, sure := mt.findConst(tmIndexKey)
	if ix == nil {
		if sure {
			return Nil
		}
		return s.stringMethodCanon(mt, key)
	}
	if ix.val.p == nil || *(*kind)(ix.val.p) != kindTable {
		return Nil
	}
	methods := (*Table)(ix.val.p)
	if nd, sure := methods.findConst(key); nd != nil {
		return nd.val
	} else if !sure {
		return methods.lookupStr(key, true)
	}
	return Nil
}

// stringMethodCanon is stringMethod when "__index" is stored in the string
// metatable as another string object than the loop's.
func (s *State) stringMethodCanon(mt *Table, key *stringObject) Value {
	if ix := mt.lookupStr(tmIndexKey, true); ix.p != nil && *(*kind)(ix.p) == kindTable {
		return (*Table)(ix.p).lookupStr(key, true)
	}
	return Nil
}

// getSlow finishes an index operation whose fast path failed (lvm.c's
// luaV_finishget), storing the result in slot dst. reg or upv locate the
// indexed value for error messages.
func (t *Thread) getSlow(ci *callInfo, tv, key Value, dst, reg, upv int) stepStatus {
	for loop := 0; loop < maxTagLoop; loop++ {
		var tm Value
		if tb := tv.AsTable(); tb != nil {
			if v := tb.getCanon(key); v.p != nil {
				t.stack[dst] = v
				return stDone
			}
			if tm = fastTM(tb.meta, tmIndex); tm.p == nil {
				t.stack[dst] = Nil
				return stDone
			}
		} else if tm = t.state.tmOf(tv, tmIndex); tm.p == nil {
			t.lastErr = t.typeError(tv, "index", reg, upv)
			return stError
		}
		if tm.IsFunction() {
			if *(*kind)(tm.p) == kindLuaFunction && t.pushMetaFrame(ci, (*LuaFunction)(tm.p), tv, key) {
				return stFrame
			}
			v, st := t.callMeta(ci, ci.top, tm, 1, tv, key)
			if st == stDone {
				t.stack[dst] = v
			}
			return st
		}
		tv = tm
		reg, upv = -1, -1
	}
	t.lastErr = t.runtimeError("'__index' chain too long; possibly a loop")
	return stError
}

// setSlow finishes an assignment whose fast path failed (luaV_finishset).
func (t *Thread) setSlow(ci *callInfo, tv, key, val Value, reg, upv int) stepStatus {
	for loop := 0; loop < maxTagLoop; loop++ {
		var tm Value
		if tb := tv.AsTable(); tb != nil {
			if old := tb.getCanon(key); old.p != nil {
				tb.Set(key, val)
				return stDone
			}
			if tm = fastTM(tb.meta, tmNewindex); tm.p == nil {
				if err := tb.Set(key, val); err != nil {
					t.lastErr = t.runtimeError(err.Error())
					return stError
				}
				return stDone
			}
		} else if tm = t.state.tmOf(tv, tmNewindex); tm.p == nil {
			t.lastErr = t.typeError(tv, "index", reg, upv)
			return stError
		}
		if tm.IsFunction() {
			_, st := t.callMeta(ci, ci.top, tm, 0, tv, key, val)
			return st
		}
		tv = tm
		reg, upv = -1, -1
	}
	t.lastErr = t.runtimeError("'__newindex' chain too long; possibly a loop")
	return stError
}

// arithMeta runs an MMBIN/MMBINI/MMBINK instruction: the arithmetic
// instruction before it (prev) failed its fast path.
func (t *Thread) arithMeta(ci *callInfo, ins, prev compile.Instruction) stepStatus {
	base := ci.base
	a := t.stack[base+ins.A()]
	ra, rb := ins.A(), -1
	var b Value
	switch ins.Op() {
	case compile.OP_MMBIN:
		b = t.stack[base+ins.B()]
		rb = ins.B()
	case compile.OP_MMBINI:
		b = Int(int64(ins.SB()))
	default:
		b = ci.lf.proto.k[ins.B()]
	}
	if ins.Op() != compile.OP_MMBIN && ins.K() {
		a, b = b, a
		ra, rb = rb, ra
	}
	return t.binMeta(ci, a, b, ra, rb, tmEvent(ins.C()), base+prev.A())
}

// binMeta calls the metamethod of a binary operation or fails with the
// reference's message (luaT_trybinTM); the result goes to slot dst.
func (t *Thread) binMeta(ci *callInfo, a, b Value, ra, rb int, ev tmEvent, dst int) stepStatus {
	if ev >= tmN {
		t.lastErr = t.runtimeError("invalid metamethod event")
		return stError
	}
	tm := t.state.tmOf(a, ev)
	if tm.p == nil {
		tm = t.state.tmOf(b, ev)
	}
	if tm.p != nil && *(*kind)(tm.p) == kindLuaFunction && t.pushMetaFrame(ci, (*LuaFunction)(tm.p), a, b) {
		return stFrame
	}
	if tm.p == nil {
		switch ev {
		case tmBand, tmBor, tmBxor, tmShl, tmShr, tmBnot:
			if a.IsNumber() && b.IsNumber() {
				t.lastErr = t.toIntError(a, b, ra, rb)
			} else {
				t.lastErr = t.opError(a, b, ra, rb, "perform bitwise operation on")
			}
		case tmConcat:
			t.lastErr = t.concatError(a, b, ra, rb)
		default:
			t.lastErr = t.opError(a, b, ra, rb, "perform arithmetic on")
		}
		return stError
	}
	v, st := t.callMeta(ci, ci.top, tm, 1, a, b)
	if st == stDone {
		t.stack[dst] = v
	}
	return st
}

// unaryMeta handles UNM and BNOT on values without a fast path.
func (t *Thread) unaryMeta(ci *callInfo, v Value, ev tmEvent, dst, reg int) stepStatus {
	return t.binMeta(ci, v, v, reg, reg, ev, dst)
}

// lenSlow is the length operator on values other than plain tables and
// strings (luaV_objlen).
func (t *Thread) lenSlow(ci *callInfo, v Value, dst, reg int) stepStatus {
	var tm Value
	switch v.kind() {
	case kindTable:
		tb := (*Table)(v.p)
		if tm = fastTM(tb.meta, tmLen); tm.p == nil {
			t.stack[dst] = Int(tb.Len())
			return stDone
		}
	case kindString:
		t.stack[dst] = Int(int64(len(v.str())))
		return stDone
	default:
		if tm = t.state.tmOf(v, tmLen); tm.p == nil {
			t.lastErr = t.typeError(v, "get length of", reg, -1)
			return stError
		}
	}
	r, st := t.callMeta(ci, ci.top, tm, 1, v, v)
	if st == stDone {
		t.stack[dst] = r
	}
	return st
}

// concatError blames the operand that is neither a string nor a number.
func (t *Thread) concatError(a, b Value, ra, rb int) error {
	if a.IsString() || a.IsNumber() {
		a, ra = b, rb
	}
	return t.typeError(a, "concatenate", ra, -1)
}

// concatSlow concatenates the values in slots [first, ci.aux) from the
// right, as lvm.c's luaV_concat does: runs of strings and numbers are
// joined at once, other pairs go through __concat. ci.aux tracks the end
// of the values still to join, so that a Lua metamethod can continue the
// work through finishOp.
func (t *Thread) concatSlow(ci *callInfo, first int) stepStatus {
	for {
		top := ci.aux
		total := top - first
		if total <= 1 {
			return stDone
		}
		stack := t.stack
		x, y := stack[top-2], stack[top-1]
		if !(x.IsString() || x.IsNumber()) || !(y.IsString() || y.IsNumber()) {
			ci.aux = top - 1
			st := t.binMeta(ci, x, y, top-2-ci.base, top-1-ci.base, tmConcat, top-2)
			if st != stDone {
				if st == stError {
					ci.aux = top
				}
				return st
			}
			continue
		}
		n := 2
		for n < total {
			v := stack[top-n-1]
			if !v.IsString() && !v.IsNumber() {
				break
			}
			n++
		}
		var b strings.Builder
		size := 0
		for _, v := range stack[top-n : top] {
			if v.IsString() {
				size += len(v.str())
			} else {
				size += 24
			}
		}
		if err := t.Charge(int64(size)); err != nil {
			t.lastErr = err
			return stError
		}
		b.Grow(size)
		for _, v := range stack[top-n : top] {
			if v.IsString() {
				b.WriteString(v.str())
			} else {
				b.WriteString(numberToString(v))
			}
		}
		stack[top-n] = String(b.String())
		ci.aux = top - n + 1
	}
}

// eqMeta compares two distinct tables or two distinct userdata with __eq.
func (t *Thread) eqMeta(ci *callInfo, a, b Value) (bool, stepStatus) {
	tm := fastTM(t.state.metaOf(a), tmEq)
	if tm.p == nil {
		tm = fastTM(t.state.metaOf(b), tmEq)
	}
	if tm.p == nil {
		return false, stDone
	}
	if *(*kind)(tm.p) == kindLuaFunction && t.pushMetaFrame(ci, (*LuaFunction)(tm.p), a, b) {
		return false, stFrame
	}
	v, st := t.callMeta(ci, ci.top, tm, 1, a, b)
	return v.Truthy(), st
}

// orderMeta compares values that are not both numbers: strings by bytes,
// anything else with __lt/__le.
func (t *Thread) orderMeta(ci *callInfo, a, b Value, ev tmEvent) (bool, stepStatus) {
	if r, ok := primitiveOrder(a, b, ev); ok {
		return r, stDone
	}
	tm := t.state.tmOf(a, ev)
	if tm.p == nil {
		tm = t.state.tmOf(b, ev)
	}
	if tm.p != nil && *(*kind)(tm.p) == kindLuaFunction && t.pushMetaFrame(ci, (*LuaFunction)(tm.p), a, b) {
		return false, stFrame
	}
	if tm.p == nil {
		t.lastErr = t.orderError(a, b)
		return false, stError
	}
	v, st := t.callMeta(ci, ci.top, tm, 1, a, b)
	return v.Truthy(), st
}

// orderImmMeta compares a value with an immediate operand (LTI, LEI, GTI,
// GEI) through metamethods; GTI and GEI swap the operands.
func (t *Thread) orderImmMeta(ci *callInfo, ins compile.Instruction, a Value) (bool, stepStatus) {
	var b Value
	if ins.C() != 0 {
		b = Float(float64(ins.SB()))
	} else {
		b = Int(int64(ins.SB()))
	}
	switch ins.Op() {
	case compile.OP_LTI:
		return t.orderMeta(ci, a, b, tmLt)
	case compile.OP_LEI:
		return t.orderMeta(ci, a, b, tmLe)
	case compile.OP_GTI:
		return t.orderMeta(ci, b, a, tmLt)
	}
	return t.orderMeta(ci, b, a, tmLe)
}

// callNonLua calls a value that is not a Lua function from a CALL,
// TAILCALL or TFORCALL instruction: Go functions (the loop runs pcall,
// xpcall and the coroutine functions itself) and values with __call.
func (t *Thread) callNonLua(ci *callInfo, fnIdx, nargs, nres int) stepStatus {
	for {
		fn := t.stack[fnIdx]
		switch fn.kind() {
		case kindLuaFunction:
			if _, err := t.precallLua(fnIdx, nargs, nres, (*LuaFunction)(fn.p)); err != nil {
				t.lastErr = err
				return stError
			}
			return stFrame
		case kindGoFunction:
			g := (*GoFunction)(fn.p)
			if g.special != spNone {
				if st, ok := t.callSpecial(g, fnIdx, nargs, nres); ok {
					return st
				}
			}
			if err := t.callGo(fnIdx, nargs, nres, g); err != nil {
				t.lastErr = err
				return stError
			}
			return stDone
		}
		n, err := t.tryFuncTM(fnIdx, nargs)
		if err != nil {
			t.lastErr = err
			return stError
		}
		nargs = n
	}
}

// callSpecial runs pcall, xpcall and the coroutine switches inside the
// loop; ok is false when the ordinary Go version must run instead (bad
// arguments, whose errors it reports, or cases the loop does not handle).
func (t *Thread) callSpecial(g *GoFunction, fnIdx, nargs, nres int) (stepStatus, bool) {
	switch g.special {
	case spPcall, spXpcall:
		return t.pcallInLoop(fnIdx, nargs, nres, g.special == spXpcall)
	case spResume:
		if nargs < 1 {
			return stDone, false
		}
		co := t.stack[fnIdx+1].AsThread()
		if co == nil {
			return stDone, false
		}
		return t.state.resumeInLoop(t, co, fnIdx, fnIdx+2, nargs-1, nres, false)
	case spWrap:
		return t.state.resumeInLoop(t, g.co, fnIdx, fnIdx+1, nargs, nres, true)
	case spYield:
		return t.state.yieldInLoop(t, fnIdx, nargs, nres)
	}
	return stDone, false
}

// pcallInLoop runs pcall/xpcall of a Lua function or of a coroutine
// function: a Go frame for pcall itself, flagged ciProtected, stays below
// the callee (it shows in tracebacks, counts as a level for error(), and
// catches errors: see State.throw); when the callee returns (flagged
// ciPcallBody) or its coroutine switch completes, finishPcall adds the
// status. Other callees run through the Go version of pcall.
func (t *Thread) pcallInLoop(fnIdx, nargs, nres int, xpcall bool) (stepStatus, bool) {
	fslot, nf, handler := fnIdx+1, nargs-1, Nil
	if xpcall {
		if nargs < 2 || !t.stack[fnIdx+2].IsFunction() {
			return stDone, false
		}
		handler = t.stack[fnIdx+2]
		t.stack[fnIdx+2] = t.stack[fnIdx+1]
		fslot, nf = fnIdx+2, nargs-2
	} else if nargs < 1 {
		return stDone, false
	}
	f := t.stack[fslot]
	g := f.AsGoFunction()
	if f.AsLuaFunction() == nil && (g == nil || g.special == spNone) || t.nCcalls >= maxCcalls {
		if xpcall {
			t.stack[fnIdx+2] = handler
		}
		return stDone, false
	}
	pci := t.pushCI()
	pci.fn = t.stack[fnIdx]
	pci.lf = nil
	pci.flags = ciGo | ciProtected
	pci.funcIdx = fnIdx
	pci.base = fslot
	pci.top = fslot + 1 + nf
	pci.nresults = nres
	pci.pcallDst = fnIdx
	pci.handler = t.errfunc
	pci.savedNC = t.nCcalls
	t.errfunc = handler
	t.npcall++
	t.nCcalls++
	if cl := f.AsLuaFunction(); cl != nil {
		nci, err := t.precallLua(fslot, nf, -1, cl)
		if err != nil {
			t.lastErr = err
			return stError, true
		}
		nci.flags = ciPcallBody
		return stFrame, true
	}
	st := t.callNonLua(pci, fslot, nf, -1)
	if st == stDone {
		t.finishPcall(pci)
	}
	return st, true
}

// finishPcall completes protected frame pci whose callee left its results
// from slot pci.base to t.top.
func (t *Thread) finishPcall(pci *callInfo) {
	first := pci.base
	n := t.top - first
	dst := pci.pcallDst
	t.stack[dst] = True
	copy(t.stack[dst+1:dst+1+n], t.stack[first:first+n])
	t.errfunc = pci.handler
	t.npcall--
	t.nCcalls = pci.savedNC
	t.ci = pci.prev
	t.adjustResults(dst, n+1, pci.nresults)
}

// adjustResults pads or truncates n results at slot dst to want (all when
// negative, setting t.top).
func (t *Thread) adjustResults(dst, n, want int) {
	if want < 0 {
		t.top = dst + n
		return
	}
	for i := n; i < want; i++ {
		t.stack[dst+i] = Nil
	}
	t.top = dst + want
}

// forPrep prepares a numeric for loop (lvm.c's forprep); skip reports that
// the loop does not run at all.
func (t *Thread) forPrep(ci *callInfo, ra int) (skip bool, err error) {
	stack := t.stack
	init, limit, step := stack[ra], stack[ra+1], stack[ra+2]
	if init.p == pInt && step.p == pInt {
		i0, st := init.intPayload(), step.intPayload()
		if st == 0 {
			return false, t.runtimeError("'for' step is zero")
		}
		stack[ra+3] = init
		lim, skip, err := t.forLimit(i0, limit, st)
		if err != nil || skip {
			return true, err
		}
		var count uint64
		if st > 0 {
			count = uint64(lim) - uint64(i0)
			if st != 1 {
				count /= uint64(st)
			}
		} else {
			count = uint64(i0) - uint64(lim)
			count /= uint64(-(st + 1)) + 1
		}
		stack[ra+1] = Value{pInt, count}
		return false, nil
	}
	flimit, ok := limit.ToNumber()
	if !ok {
		return false, t.forError(limit, "limit")
	}
	fstep, ok := step.ToNumber()
	if !ok {
		return false, t.forError(step, "step")
	}
	finit, ok := init.ToNumber()
	if !ok {
		return false, t.forError(init, "initial value")
	}
	if fstep == 0 {
		return false, t.runtimeError("'for' step is zero")
	}
	if 0 < fstep && flimit < finit || !(0 < fstep) && finit < flimit {
		return true, nil
	}
	stack[ra] = Float(finit)
	stack[ra+1] = Float(flimit)
	stack[ra+2] = Float(fstep)
	stack[ra+3] = Float(finit)
	return false, nil
}

// forLimit converts an integer loop's limit (lvm.c's forlimit): floats are
// rounded toward the loop's direction and clipped to the integer range.
func (t *Thread) forLimit(init int64, lim Value, step int64) (int64, bool, error) {
	var limit int64
	if n, ok := lim.ToNumberValue(); ok {
		if n.p == pInt {
			limit = n.intPayload()
		} else {
			f := n.floatPayload()
			if step < 0 {
				f = math.Ceil(f)
			} else {
				f = math.Floor(f)
			}
			if i, ok := FloatToInteger(f); ok {
				limit = i
			} else if f > 0 {
				if step < 0 {
					return 0, true, nil
				}
				limit = math.MaxInt64
			} else {
				if step > 0 {
					return 0, true, nil
				}
				limit = math.MinInt64
			}
		}
	} else {
		return 0, false, t.forError(lim, "limit")
	}
	if step > 0 {
		return limit, init > limit, nil
	}
	return limit, init < limit, nil
}

func (t *Thread) forError(v Value, what string) error {
	return t.runtimeErrorf("bad 'for' %s (number expected, got %s)", what, t.state.objTypeName(v))
}

// markTBC registers the value in slot idx as a to-be-closed variable.
func (t *Thread) markTBC(ci *callInfo, idx int) error {
	v := t.stack[idx]
	if !v.Truthy() {
		return nil
	}
	if t.state.tmOf(v, tmClose).p == nil {
		name := ci.lf.proto.src.LocalName(idx-ci.base+1, ci.currentPC())
		if name == "" {
			name = "?"
		}
		return t.runtimeErrorf("variable '%s' got a non-closable value", name)
	}
	t.tbc = append(t.tbc, idx)
	return nil
}

// closeInLoop closes upvalues and to-be-closed variables at slot level or
// above for a CLOSE or RETURN instruction; __close calls go at slot. A
// __close written in Lua runs as a frame, and the instruction is executed
// again when it returns, to close the rest.
func (t *Thread) closeInLoop(ci *callInfo, level, slot int) stepStatus {
	t.closeUpvals(level)
	for n := len(t.tbc); n > 0 && t.tbc[n-1] >= level; n = len(t.tbc) {
		idx := t.tbc[n-1]
		t.tbc = t.tbc[:n-1]
		obj := t.stack[idx]
		tm := t.state.tmOf(obj, tmClose)
		if _, st := t.callMeta(ci, slot, tm, 0, obj, Nil); st != stDone {
			return st
		}
	}
	return stDone
}
