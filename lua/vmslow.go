package lua

import "github.com/luawasm/luawasm/compile"

// slowOp executes instruction ins of Lua frame ci (whose pc is already
// past it) in full generality: the instructions the exec loop does not
// handle inline, and those whose fast path did not apply. It reports what
// the loop must do next; on stDone the loop continues from ci.pc.
func (t *Thread) slowOp(ci *callInfo, ins compile.Instruction) stepStatus {
	base := ci.base
	ra := base + ins.A()
	p := ci.lf.proto
	k := p.k
	rkC := func() Value {
		if ins.K() {
			return k[ins.C()]
		}
		return t.stack[base+ins.C()]
	}
	switch op := ins.Op(); op {
	case opTrap:
		return t.traceExec(ci)
	case compile.OP_GETTABUP:
		return t.getSlow(ci, *ci.lf.upvals[ins.B()].v, k[ins.C()], ra, -1, ins.B())
	case compile.OP_GETTABLE:
		return t.getSlow(ci, t.stack[base+ins.B()], t.stack[base+ins.C()], ra, ins.B(), -1)
	case compile.OP_GETI:
		return t.getSlow(ci, t.stack[base+ins.B()], Int(int64(ins.C())), ra, ins.B(), -1)
	case compile.OP_GETFIELD:
		return t.getSlow(ci, t.stack[base+ins.B()], k[ins.C()], ra, ins.B(), -1)
	case compile.OP_SELF:
		rb := t.stack[base+ins.B()]
		t.stack[ra+1] = rb
		if rb.IsString() && ins.K() {
			// A string method (s:find(...)): found here without the
			// general path's metamethod lookups, so that the exec loop's
			// SELF, the method call of objects, keeps its size.
			if v := t.state.stringMethod((*stringObject)(k[ins.C()].p)); v.p != nil {
				t.stack[ra] = v
				return stDone
			}
		}
		return t.getSlow(ci, rb, rkC(), ra, ins.B(), -1)

	case compile.OP_SETTABUP:
		return t.setSlow(ci, *ci.lf.upvals[ins.A()].v, k[ins.B()], rkC(), -1, ins.A())
	case compile.OP_SETTABLE:
		return t.setSlow(ci, t.stack[ra], t.stack[base+ins.B()], rkC(), ins.A(), -1)
	case compile.OP_SETI:
		return t.setSlow(ci, t.stack[ra], Int(int64(ins.B())), rkC(), ins.A(), -1)
	case compile.OP_SETFIELD:
		return t.setSlow(ci, t.stack[ra], k[ins.B()], rkC(), ins.A(), -1)

	case compile.OP_NEWTABLE:
		b, c := ins.B(), ins.C()
		if b > 0 {
			b = 1 << (b - 1)
		}
		if ins.K() {
			c += p.code[ci.pc].Ax() * (compile.MaxArgC + 1)
		}
		ci.pc++ // the EXTRAARG
		t.stack[ra] = NewTable(c, b).Value()
		return stDone

	case compile.OP_ADDK, compile.OP_SUBK, compile.OP_MULK, compile.OP_MODK,
		compile.OP_POWK, compile.OP_DIVK, compile.OP_IDIVK:
		return t.arithSlow(ci, op, ra, t.stack[base+ins.B()], k[ins.C()])
	case compile.OP_ADD, compile.OP_SUB, compile.OP_MUL, compile.OP_MOD,
		compile.OP_POW, compile.OP_DIV, compile.OP_IDIV:
		return t.arithSlow(ci, op, ra, t.stack[base+ins.B()], t.stack[base+ins.C()])
	case compile.OP_MMBIN, compile.OP_MMBINI, compile.OP_MMBINK:
		return t.arithMeta(ci, ins, p.code[ci.pc-2])
	case compile.OP_UNM:
		rb := t.stack[base+ins.B()]
		if f, ok := toNumberNS(rb); ok {
			t.stack[ra] = Float(-f)
			return stDone
		}
		return t.unaryMeta(ci, rb, tmUnm, ra, ins.B())
	case compile.OP_BNOT:
		rb := t.stack[base+ins.B()]
		if x, ok := toIntegerNS(rb); ok {
			t.stack[ra] = Int(^x)
			return stDone
		}
		return t.unaryMeta(ci, rb, tmBnot, ra, ins.B())
	case compile.OP_BANDK, compile.OP_BORK, compile.OP_BXORK, compile.OP_SHRI, compile.OP_SHLI,
		compile.OP_BAND, compile.OP_BOR, compile.OP_BXOR, compile.OP_SHL, compile.OP_SHR:
		// Operands that are floats with integral values; anything else is
		// left to the MMBIN that follows.
		a, b := t.stack[base+ins.B()], Nil
		var ev tmEvent
		switch op {
		case compile.OP_BANDK, compile.OP_BORK, compile.OP_BXORK:
			b = k[ins.C()]
			ev = tmBand + tmEvent(op-compile.OP_BANDK)
		case compile.OP_SHRI:
			b, ev = Int(int64(ins.SC())), tmShr
		case compile.OP_SHLI:
			a, b, ev = Int(int64(ins.SC())), a, tmShl
		default:
			b = t.stack[base+ins.C()]
			ev = tmBand + tmEvent(op-compile.OP_BAND)
		}
		x, ok1 := toIntegerNS(a)
		y, ok2 := toIntegerNS(b)
		if ok1 && ok2 {
			v, _ := arithRaw(ev, Int(x), Int(y))
			t.stack[ra] = v
			ci.pc++ // skip the MMBIN
		}
		return stDone
	case compile.OP_LEN:
		rb := t.stack[base+ins.B()]
		if tb := rb.AsTable(); tb != nil && fastTM(tb.meta, tmLen).p == nil {
			t.stack[ra] = Int(tb.Len())
			return stDone
		}
		return t.lenSlow(ci, rb, ra, ins.B())
	case compile.OP_CONCAT:
		n := ins.B()
		// With a memory limit, concatSlow charges the result first.
		if t.state.lim.memory == 0 {
			if v, ok := concatFast(t.stack[ra : ra+n]); ok {
				t.stack[ra] = v
				return stDone
			}
		}
		ci.aux = ra + n
		return t.concatSlow(ci, ra)

	case compile.OP_CLOSE:
		return t.closeInLoop(ci, ra, ci.top)
	case compile.OP_TBC:
		if err := t.markTBC(ci, ra); err != nil {
			t.lastErr = err
			return stError
		}
		return stDone
	case compile.OP_JMP, compile.OP_FORLOOP, compile.OP_TFORLOOP:
		// The loop already did the jump; the instruction budget ran out.
		// An error is raised at the instruction the jump went to.
		ci.pc++
		err := t.budgetCheck()
		ci.pc--
		if err != nil {
			t.lastErr = err
			return stError
		}
		return stRestart

	case compile.OP_EQ:
		a, b := t.stack[ra], t.stack[base+ins.B()]
		ka, kb := a.kind(), b.kind()
		if ka == kb && (ka == kindTable || ka == kindUserdata) && a.p != b.p {
			res, st := t.eqMeta(ci, a, b)
			if st != stDone {
				return st
			}
			return t.condJump(ci, res, ins)
		}
		return t.condJump(ci, RawEqual(a, b), ins)
	case compile.OP_EQK:
		return t.condJump(ci, RawEqual(t.stack[ra], k[ins.B()]), ins)
	case compile.OP_LT, compile.OP_LE:
		ev := tmLt
		if op == compile.OP_LE {
			ev = tmLe
		}
		res, st := t.orderMeta(ci, t.stack[ra], t.stack[base+ins.B()], ev)
		if st != stDone {
			return st
		}
		return t.condJump(ci, res, ins)
	case compile.OP_LTI, compile.OP_LEI, compile.OP_GTI, compile.OP_GEI:
		res, st := t.orderImmMeta(ci, ins, t.stack[ra])
		if st != stDone {
			return st
		}
		return t.condJump(ci, res, ins)

	case compile.OP_CALL:
		nargs := ins.B() - 1
		if nargs < 0 {
			nargs = t.top - ra - 1
		}
		return t.callNonLua(ci, ra, nargs, ins.C()-1)
	case compile.OP_TAILCALL:
		return t.tailCall(ci, ins, ra)
	case compile.OP_RETURN:
		n := ins.B() - 1
		if n < 0 {
			n = t.top - ra
		}
		if ins.K() {
			ci.aux = n
			t.top = ra + n
			top := ci.top
			if ra+n > top {
				top = ra + n
			}
			if st := t.closeInLoop(ci, base, top); st != stDone {
				return st
			}
		}
		return t.returnFrom(ci, ra, n)
	case compile.OP_RETURN0:
		return t.returnFrom(ci, ra, 0)
	case compile.OP_RETURN1:
		return t.returnFrom(ci, ra, 1)

	case compile.OP_FORPREP:
		skip, err := t.forPrep(ci, ra)
		if err != nil {
			t.lastErr = err
			return stError
		}
		if skip {
			ci.pc += ins.Bx() + 1
		}
		return stDone
	case compile.OP_TFORPREP:
		if err := t.markTBC(ci, ra+3); err != nil {
			t.lastErr = err
			return stError
		}
		ci.pc += ins.Bx()
		return stDone
	case compile.OP_TFORCALL:
		stack := t.stack
		stack[ra+4] = stack[ra]
		stack[ra+5] = stack[ra+1]
		stack[ra+6] = stack[ra+2]
		t.top = ra + 7
		return t.callNonLua(ci, ra+4, 2, ins.C())

	case compile.OP_SETLIST:
		n := ins.B()
		last := ins.C()
		if n == 0 {
			n = t.top - ra - 1
		}
		last += n
		if ins.K() {
			last += p.code[ci.pc].Ax() * (compile.MaxArgC + 1)
			ci.pc++
		}
		t.stack[ra].AsTable().setList(last-n, t.stack[ra+1:ra+1+n])
		return stDone
	case compile.OP_CLOSURE:
		t.stack[ra] = t.newClosure(p.protos[ins.Bx()], ci.lf, base).Value()
		return stDone
	case compile.OP_VARARG:
		n := ins.C() - 1
		nextra := ci.nextra
		if n < 0 {
			n = nextra
			if err := t.checkStack(ra + n + 1); err != nil {
				t.lastErr = err
				return stError
			}
			t.top = ra + n
		}
		from := base - 1 - nextra
		m := min(n, nextra)
		copy(t.stack[ra:ra+m], t.stack[from:from+m])
		for i := m; i < n; i++ {
			t.stack[ra+i] = Nil
		}
		return stDone
	}
	t.lastErr = t.runtimeErrorf("invalid instruction %v", ins.Op())
	return stError
}

// condJump completes a test instruction: when cond differs from its k
// flag the following jump is skipped, else it is taken (a backward one, as
// in repeat-until, charged to the instruction budget like a JMP).
func (t *Thread) condJump(ci *callInfo, cond bool, ins compile.Instruction) stepStatus {
	if cond != ins.K() {
		ci.pc++
		return stDone
	}
	jmp := ci.lf.proto.code[ci.pc]
	ci.pc += jmp.SJ() + 1
	if s := t.state; jmp.SJ() < 0 {
		if s.stepBudget--; s.stepBudget <= 0 {
			return t.slowOp(ci, jmp)
		}
	}
	return stDone
}

// arithSlow completes an arithmetic instruction whose inline fast path did
// not apply: any pair of numbers gives the result (and skips the MMBIN
// that follows); integer division by zero fails; anything else is left to
// the MMBIN instruction.
func (t *Thread) arithSlow(ci *callInfo, op compile.Opcode, ra int, a, b Value) stepStatus {
	var ev tmEvent
	switch op {
	case compile.OP_ADD, compile.OP_ADDK:
		ev = tmAdd
	case compile.OP_SUB, compile.OP_SUBK:
		ev = tmSub
	case compile.OP_MUL, compile.OP_MULK:
		ev = tmMul
	case compile.OP_MOD, compile.OP_MODK:
		ev = tmMod
	case compile.OP_POW, compile.OP_POWK:
		ev = tmPow
	case compile.OP_DIV, compile.OP_DIVK:
		ev = tmDiv
	default:
		ev = tmIDiv
	}
	if a.p == pInt && b.p == pInt && b.n == 0 && (ev == tmMod || ev == tmIDiv) {
		if ev == tmMod {
			t.lastErr = t.runtimeError("attempt to perform 'n%0'")
		} else {
			t.lastErr = t.runtimeError("attempt to divide by zero")
		}
		return stError
	}
	if !a.IsNumber() || !b.IsNumber() {
		if t.hook != nil {
			return stDone // the MMBIN runs as its own (hooked) instruction
		}
		// Run the MMBIN that follows now rather than through another
		// round of the exec loop.
		code := ci.lf.proto.code
		ci.pc++
		return t.arithMeta(ci, code[ci.pc-1], code[ci.pc-2])
	}
	v, _ := arithRaw(ev, a, b)
	t.stack[ra] = v
	ci.pc++ // skip the MMBIN
	return stDone
}

// tailCall runs a TAILCALL: a Lua callee replaces the running frame; a Go
// callee is called normally and the RETURN that follows returns its
// results.
func (t *Thread) tailCall(ci *callInfo, ins compile.Instruction, ra int) stepStatus {
	nargs := ins.B() - 1
	if nargs < 0 {
		nargs = t.top - ra - 1
	}
	if ins.K() {
		t.closeUpvals(ci.base)
	}
	fn := t.stack[ra]
	for fn.kind() != kindLuaFunction && fn.kind() != kindGoFunction {
		n, err := t.tryFuncTM(ra, nargs)
		if err != nil {
			t.lastErr = err
			return stError
		}
		nargs = n
		fn = t.stack[ra]
	}
	if fn.kind() == kindGoFunction {
		return t.callNonLua(ci, ra, nargs, -1)
	}
	dst := ci.funcIdx
	copy(t.stack[dst:dst+1+nargs], t.stack[ra:ra+1+nargs])
	keep := ci.flags&(ciFresh|ciPcallBody|ciFinish|ciCoBase) | ciTail
	t.ci = ci.prev
	nci, err := t.precallLua(dst, nargs, ci.nresults, (*LuaFunction)(fn.p))
	if err != nil {
		t.ci = ci
		t.lastErr = err
		return stError
	}
	nci.flags = keep
	s := t.state
	if s.stepBudget--; s.stepBudget <= 0 {
		if err := t.budgetCheck(); err != nil {
			t.lastErr = err
			return stError
		}
		return stRestart
	}
	return stFrame
}

// returnFrom returns n results from slot first out of Lua frame ci.
func (t *Thread) returnFrom(ci *callInfo, first, n int) stepStatus {
	if t.hook != nil {
		if err := t.returnHook(ci); err != nil {
			t.lastErr = err
			return stError
		}
	}
	if ci.flags&^ciTail != 0 {
		return t.returnSpecial(ci, first, n)
	}
	t.ci = ci.prev
	t.postReturn(ci, first, n)
	return stFrame
}

// toIntegerNS converts a number with an exact integer value (no strings).
func toIntegerNS(v Value) (int64, bool) {
	if v.p == pInt {
		return v.intPayload(), true
	}
	if v.p == pFloat {
		f := v.floatPayload()
		if f >= -9223372036854775808.0 && f < 9223372036854775808.0 {
			if i := int64(f); float64(i) == f {
				return i, true
			}
		}
	}
	return 0, false
}
