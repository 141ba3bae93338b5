package lua

import (
	"fmt"
	"math"
	"strings"

	"github.com/luawasm/luawasm/compile"
)

// The exec loop. One function runs every Lua instruction: Lua-to-Lua
// calls and returns push and pop frames and continue here, metamethods
// written in Lua run as frames whose return finishes the interrupted
// instruction (finishOp), and coroutines switch threads here, so neither
// calls nor yields grow the Go stack. The fast paths of arithmetic,
// comparisons and table access are inline; everything else is in
// functions kept out of line.

// execute runs the current thread's current frame until the frame marked
// fresh returns (nil), an error escapes it, or, for a loop started by a Go
// resume, the coroutine finishes, yields (errYield) or fails. A Go panic
// in a Go function becomes a Lua error raised at that function.
func execute(t *Thread) error {
	s := t.state
	var pending error
	for {
		err, recovered := runProtected(t, pending)
		if recovered == nil {
			return err
		}
		t = s.running
		var e *Error
		if t.ci.flags&ciGo != 0 {
			e = &Error{Value: String(t.where(1) + fmt.Sprint("Go panic: ", recovered))}
		} else {
			e = t.runtimeError(fmt.Sprint("Go panic: ", recovered))
		}
		pending = e
	}
}

func runProtected(t *Thread, pending error) (err error, recovered any) {
	defer func() {
		if r := recover(); r != nil {
			recovered = r
		}
	}()
	return run(t, pending), nil
}

// errYield is returned by the exec loop of a Go resume when its coroutine yields.
var errYield = &Error{Value: String("yield"), processed: true}

func run(t *Thread, pending error) error {
	s := t.state
	var ci *callInfo
	err := pending
	if err != nil {
		if err = s.throw(err); err != nil {
			return err
		}
	}
newframe:
	for {
		t = s.running
		ci = t.ci
		cl := ci.lf
		p := cl.proto
		code := p.code
		k := p.k
		base := ci.base
		pc := ci.pc
		stack := t.stack

		for {
			ins := code[pc]
			pc++
			ra := base + ins.A()
			switch ins.Op() {
			case compile.OP_MOVE:
				stack[ra] = stack[base+ins.B()]
			case compile.OP_LOADI:
				stack[ra] = Value{pInt, uint64(int64(ins.SBx()))}
			case compile.OP_LOADF:
				stack[ra] = Float(float64(ins.SBx()))
			case compile.OP_LOADK:
				stack[ra] = k[ins.Bx()]
			case compile.OP_LOADKX:
				stack[ra] = k[code[pc].Ax()]
				pc++
			case compile.OP_LOADFALSE:
				stack[ra] = False
			case compile.OP_LFALSESKIP:
				stack[ra] = False
				pc++
			case compile.OP_LOADTRUE:
				stack[ra] = True
			case compile.OP_LOADNIL:
				for i := ins.B(); i >= 0; i-- {
					stack[ra+i] = Nil
				}
			case compile.OP_GETUPVAL:
				stack[ra] = *cl.upvals[ins.B()].v
			case compile.OP_SETUPVAL:
				setUpvalue(cl.upvals[ins.B()], stack[ra])

			case compile.OP_GETTABUP:
				tv := *cl.upvals[ins.B()].v
				key := k[ins.C()]
				if tv.p != nil && *(*kind)(tv.p) == kindTable {
					if v := (*Table)(tv.p).getStr((*stringObject)(key.p)); v.p != nil {
						stack[ra] = v
						continue
					}
				}
				ci.pc = pc
				if st := t.getSlow(ci, tv, key, ra, -1, ins.B()); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack
			case compile.OP_GETTABLE:
				rb := stack[base+ins.B()]
				rc := stack[base+ins.C()]
				if rb.p != nil && *(*kind)(rb.p) == kindTable {
					tb := (*Table)(rb.p)
					var v Value
					if rc.p == pInt {
						if uint64(rc.n-1) < uint64(len(tb.arr)) {
							v = tb.arr[rc.n-1]
						} else {
							v = tb.getIntHash(int64(rc.n))
						}
					} else {
						v = tb.Get(rc)
					}
					if v.p != nil || tb.meta == nil {
						stack[ra] = v
						continue
					}
				}
				ci.pc = pc
				if st := t.getSlow(ci, rb, rc, ra, ins.B(), -1); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack
			case compile.OP_GETI:
				rb := stack[base+ins.B()]
				c := ins.C()
				if rb.p != nil && *(*kind)(rb.p) == kindTable {
					tb := (*Table)(rb.p)
					var v Value
					if c-1 < len(tb.arr) && c >= 1 {
						v = tb.arr[c-1]
					} else {
						v = tb.getIntHash(int64(c))
					}
					if v.p != nil || tb.meta == nil {
						stack[ra] = v
						continue
					}
				}
				ci.pc = pc
				if st := t.getSlow(ci, rb, Int(int64(c)), ra, ins.B(), -1); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack
			case compile.OP_GETFIELD:
				rb := stack[base+ins.B()]
				key := k[ins.C()]
				if rb.p != nil && *(*kind)(rb.p) == kindTable {
					tb := (*Table)(rb.p)
					if v := tb.getStr((*stringObject)(key.p)); v.p != nil || tb.meta == nil {
						stack[ra] = v
						continue
					}
				}
				ci.pc = pc
				if st := t.getSlow(ci, rb, key, ra, ins.B(), -1); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack

			case compile.OP_SETTABUP:
				tv := *cl.upvals[ins.A()].v
				key := k[ins.B()]
				var v Value
				if ins.K() {
					v = k[ins.C()]
				} else {
					v = stack[base+ins.C()]
				}
				if tv.p != nil && *(*kind)(tv.p) == kindTable {
					if tb := (*Table)(tv.p); tb.meta == nil {
						tb.setHash(key, v)
						continue
					}
				}
				ci.pc = pc
				if st := t.setSlow(ci, tv, key, v, -1, ins.A()); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack
			case compile.OP_SETTABLE:
				tv := stack[ra]
				key := stack[base+ins.B()]
				var v Value
				if ins.K() {
					v = k[ins.C()]
				} else {
					v = stack[base+ins.C()]
				}
				if tv.p != nil && *(*kind)(tv.p) == kindTable {
					if tb := (*Table)(tv.p); tb.meta == nil {
						if key.p == pInt {
							if uint64(key.n-1) < uint64(len(tb.arr)) {
								tb.arr[key.n-1] = v
							} else {
								tb.SetInt(int64(key.n), v)
							}
							continue
						}
						if tb.Set(key, v) == nil {
							continue
						}
					}
				}
				ci.pc = pc
				if st := t.setSlow(ci, tv, key, v, ins.A(), -1); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack
			case compile.OP_SETI:
				tv := stack[ra]
				var v Value
				if ins.K() {
					v = k[ins.C()]
				} else {
					v = stack[base+ins.C()]
				}
				b := ins.B()
				if tv.p != nil && *(*kind)(tv.p) == kindTable {
					if tb := (*Table)(tv.p); tb.meta == nil {
						if b-1 < len(tb.arr) && b >= 1 {
							tb.arr[b-1] = v
						} else {
							tb.SetInt(int64(b), v)
						}
						continue
					}
				}
				ci.pc = pc
				if st := t.setSlow(ci, tv, Int(int64(b)), v, ins.A(), -1); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack
			case compile.OP_SETFIELD:
				tv := stack[ra]
				key := k[ins.B()]
				var v Value
				if ins.K() {
					v = k[ins.C()]
				} else {
					v = stack[base+ins.C()]
				}
				if tv.p != nil && *(*kind)(tv.p) == kindTable {
					if tb := (*Table)(tv.p); tb.meta == nil {
						tb.setHash(key, v)
						continue
					}
				}
				ci.pc = pc
				if st := t.setSlow(ci, tv, key, v, ins.A(), -1); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack

			case compile.OP_NEWTABLE:
				b := ins.B()
				c := ins.C()
				if b > 0 {
					b = 1 << (b - 1)
				}
				if ins.K() {
					c += code[pc].Ax() * (compile.MaxArgC + 1)
				}
				pc++
				stack[ra] = NewTable(c, b).Value()
			case compile.OP_SELF:
				rb := stack[base+ins.B()]
				var key Value
				if ins.K() {
					key = k[ins.C()]
				} else {
					key = stack[base+ins.C()]
				}
				stack[ra+1] = rb
				if rb.p != nil && *(*kind)(rb.p) == kindTable {
					tb := (*Table)(rb.p)
					if v := tb.Get(key); v.p != nil || tb.meta == nil {
						stack[ra] = v
						continue
					}
				}
				ci.pc = pc
				if st := t.getSlow(ci, rb, key, ra, ins.B(), -1); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack

			case compile.OP_ADDI:
				rb := stack[base+ins.B()]
				if rb.p == pInt {
					stack[ra] = Value{pInt, rb.n + uint64(int64(ins.SC()))}
					pc++
				} else if rb.p == pFloat {
					stack[ra] = Float(rb.floatPayload() + float64(ins.SC()))
					pc++
				}
			case compile.OP_ADDK, compile.OP_SUBK, compile.OP_MULK, compile.OP_MODK,
				compile.OP_POWK, compile.OP_DIVK, compile.OP_IDIVK:
				rb := stack[base+ins.B()]
				kc := k[ins.C()]
				if rb.p == pInt && kc.p == pInt {
					x, y := rb.intPayload(), kc.intPayload()
					switch ins.Op() {
					case compile.OP_ADDK:
						stack[ra] = Int(x + y)
					case compile.OP_SUBK:
						stack[ra] = Int(x - y)
					case compile.OP_MULK:
						stack[ra] = Int(x * y)
					case compile.OP_MODK:
						if y == 0 {
							ci.pc = pc
							err = t.runtimeError("attempt to perform 'n%0'")
							goto onError
						}
						stack[ra] = Int(intMod(x, y))
					case compile.OP_IDIVK:
						if y == 0 {
							ci.pc = pc
							err = t.runtimeError("attempt to divide by zero")
							goto onError
						}
						stack[ra] = Int(intIDiv(x, y))
					case compile.OP_POWK:
						stack[ra] = Float(floatPow(float64(x), float64(y)))
					case compile.OP_DIVK:
						stack[ra] = Float(float64(x) / float64(y))
					}
					pc++
				} else if x, ok := toNumberNS(rb); ok {
					y, _ := toNumberNS(kc)
					stack[ra] = Float(floatArith(ins.Op(), x, y))
					pc++
				}
			case compile.OP_BANDK, compile.OP_BORK, compile.OP_BXORK:
				rb := stack[base+ins.B()]
				if x, ok := toIntegerNS(rb); ok {
					y := k[ins.C()].intPayload()
					switch ins.Op() {
					case compile.OP_BANDK:
						stack[ra] = Int(x & y)
					case compile.OP_BORK:
						stack[ra] = Int(x | y)
					default:
						stack[ra] = Int(x ^ y)
					}
					pc++
				}
			case compile.OP_SHRI:
				if x, ok := toIntegerNS(stack[base+ins.B()]); ok {
					stack[ra] = Int(shiftLeft(x, -int64(ins.SC())))
					pc++
				}
			case compile.OP_SHLI:
				if x, ok := toIntegerNS(stack[base+ins.B()]); ok {
					stack[ra] = Int(shiftLeft(int64(ins.SC()), x))
					pc++
				}

			case compile.OP_ADD:
				rb, rc := stack[base+ins.B()], stack[base+ins.C()]
				if rb.p == pInt && rc.p == pInt {
					stack[ra] = Value{pInt, rb.n + rc.n}
					pc++
				} else if x, y, ok := floatOperands(rb, rc); ok {
					stack[ra] = Float(x + y)
					pc++
				}
			case compile.OP_SUB:
				rb, rc := stack[base+ins.B()], stack[base+ins.C()]
				if rb.p == pInt && rc.p == pInt {
					stack[ra] = Value{pInt, rb.n - rc.n}
					pc++
				} else if x, y, ok := floatOperands(rb, rc); ok {
					stack[ra] = Float(x - y)
					pc++
				}
			case compile.OP_MUL:
				rb, rc := stack[base+ins.B()], stack[base+ins.C()]
				if rb.p == pInt && rc.p == pInt {
					stack[ra] = Int(rb.intPayload() * rc.intPayload())
					pc++
				} else if x, y, ok := floatOperands(rb, rc); ok {
					stack[ra] = Float(x * y)
					pc++
				}
			case compile.OP_MOD:
				rb, rc := stack[base+ins.B()], stack[base+ins.C()]
				if rb.p == pInt && rc.p == pInt {
					y := rc.intPayload()
					if y == 0 {
						ci.pc = pc
						err = t.runtimeError("attempt to perform 'n%0'")
						goto onError
					}
					stack[ra] = Int(intMod(rb.intPayload(), y))
					pc++
				} else if x, y, ok := floatOperands(rb, rc); ok {
					stack[ra] = Float(floatMod(x, y))
					pc++
				}
			case compile.OP_POW:
				rb, rc := stack[base+ins.B()], stack[base+ins.C()]
				if x, y, ok := floatOperands(rb, rc); ok {
					stack[ra] = Float(floatPow(x, y))
					pc++
				}
			case compile.OP_DIV:
				rb, rc := stack[base+ins.B()], stack[base+ins.C()]
				if x, y, ok := floatOperands(rb, rc); ok {
					stack[ra] = Float(x / y)
					pc++
				}
			case compile.OP_IDIV:
				rb, rc := stack[base+ins.B()], stack[base+ins.C()]
				if rb.p == pInt && rc.p == pInt {
					y := rc.intPayload()
					if y == 0 {
						ci.pc = pc
						err = t.runtimeError("attempt to divide by zero")
						goto onError
					}
					stack[ra] = Int(intIDiv(rb.intPayload(), y))
					pc++
				} else if x, y, ok := floatOperands(rb, rc); ok {
					stack[ra] = Float(math.Floor(x / y))
					pc++
				}
			case compile.OP_BAND, compile.OP_BOR, compile.OP_BXOR, compile.OP_SHL, compile.OP_SHR:
				x, ok1 := toIntegerNS(stack[base+ins.B()])
				y, ok2 := toIntegerNS(stack[base+ins.C()])
				if ok1 && ok2 {
					switch ins.Op() {
					case compile.OP_BAND:
						stack[ra] = Int(x & y)
					case compile.OP_BOR:
						stack[ra] = Int(x | y)
					case compile.OP_BXOR:
						stack[ra] = Int(x ^ y)
					case compile.OP_SHL:
						stack[ra] = Int(shiftLeft(x, y))
					default:
						stack[ra] = Int(shiftLeft(x, -y))
					}
					pc++
				}

			case compile.OP_MMBIN, compile.OP_MMBINI, compile.OP_MMBINK:
				ci.pc = pc
				if st := t.arithMeta(ci, ins, code[pc-2]); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack

			case compile.OP_UNM:
				rb := stack[base+ins.B()]
				if rb.p == pInt {
					stack[ra] = Int(-rb.intPayload())
				} else if rb.p == pFloat {
					stack[ra] = Float(-rb.floatPayload())
				} else {
					ci.pc = pc
					if st := t.unaryMeta(ci, rb, tmUnm, ra, ins.B()); st != stDone {
						if st == stError {
							goto onError
						}
						continue newframe
					}
					stack = t.stack
				}
			case compile.OP_BNOT:
				rb := stack[base+ins.B()]
				if x, ok := toIntegerNS(rb); ok {
					stack[ra] = Int(^x)
				} else {
					ci.pc = pc
					if st := t.unaryMeta(ci, rb, tmBnot, ra, ins.B()); st != stDone {
						if st == stError {
							goto onError
						}
						continue newframe
					}
					stack = t.stack
				}
			case compile.OP_NOT:
				stack[ra] = Bool(!stack[base+ins.B()].Truthy())
			case compile.OP_LEN:
				rb := stack[base+ins.B()]
				if rb.p != nil && *(*kind)(rb.p) == kindTable && (*Table)(rb.p).meta == nil {
					stack[ra] = Int((*Table)(rb.p).Len())
				} else if rb.p != nil && *(*kind)(rb.p) == kindString {
					stack[ra] = Int(int64(len(rb.str())))
				} else {
					ci.pc = pc
					if st := t.lenSlow(ci, rb, ra, ins.B()); st != stDone {
						if st == stError {
							goto onError
						}
						continue newframe
					}
					stack = t.stack
				}

			case compile.OP_CONCAT:
				n := ins.B()
				if v, ok := concatFast(stack[ra : ra+n]); ok {
					stack[ra] = v
					continue
				}
				ci.pc = pc
				ci.aux = ra + n
				if st := t.concatSlow(ci, ra); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack

			case compile.OP_CLOSE:
				ci.pc = pc
				if st := t.closeInLoop(ci, ra, ci.top); st != stDone {
					if st == stError {
						goto onError
					}
					continue newframe
				}
				stack = t.stack
			case compile.OP_TBC:
				ci.pc = pc
				if err = t.markTBC(ci, ra); err != nil {
					goto onError
				}
			case compile.OP_JMP:
				off := ins.SJ()
				pc += off
				if off < 0 {
					if s.stepBudget--; s.stepBudget <= 0 {
						ci.pc = pc
						if err = t.budgetCheck(); err != nil {
							goto onError
						}
					}
				}

			case compile.OP_EQ:
				rb := stack[base+ins.B()]
				rav := stack[ra]
				var cond bool
				if rav.p == rb.p && (rav.p == pInt || rav.p == pBool) {
					cond = rav.n == rb.n
				} else if rav.kind() != kindTable && rav.kind() != kindUserdata || rb.kind() != rav.kind() || rav.p == rb.p {
					cond = RawEqual(rav, rb)
				} else {
					ci.pc = pc
					res, st := t.eqMeta(ci, rav, rb)
					if st != stDone {
						if st == stError {
							goto onError
						}
						continue newframe
					}
					stack = t.stack
					cond = res
				}
				if cond != ins.K() {
					pc++
				} else {
					pc += code[pc].SJ() + 1
				}
			case compile.OP_LT, compile.OP_LE:
				rb := stack[base+ins.B()]
				rav := stack[ra]
				var cond bool
				if rav.p == pInt && rb.p == pInt {
					if ins.Op() == compile.OP_LT {
						cond = rav.intPayload() < rb.intPayload()
					} else {
						cond = rav.intPayload() <= rb.intPayload()
					}
				} else if rav.IsNumber() && rb.IsNumber() {
					if ins.Op() == compile.OP_LT {
						cond = numLess(rav, rb)
					} else {
						cond = numLessEq(rav, rb)
					}
				} else {
					ci.pc = pc
					ev := tmLt
					if ins.Op() == compile.OP_LE {
						ev = tmLe
					}
					res, st := t.orderMeta(ci, rav, rb, ev)
					if st != stDone {
						if st == stError {
							goto onError
						}
						continue newframe
					}
					stack = t.stack
					cond = res
				}
				if cond != ins.K() {
					pc++
				} else {
					pc += code[pc].SJ() + 1
				}
			case compile.OP_EQK:
				cond := RawEqual(stack[ra], k[ins.B()])
				if cond != ins.K() {
					pc++
				} else {
					pc += code[pc].SJ() + 1
				}
			case compile.OP_EQI:
				rav := stack[ra]
				im := int64(ins.SB())
				var cond bool
				if rav.p == pInt {
					cond = rav.intPayload() == im
				} else if rav.p == pFloat {
					cond = rav.floatPayload() == float64(im)
				}
				if cond != ins.K() {
					pc++
				} else {
					pc += code[pc].SJ() + 1
				}
			case compile.OP_LTI, compile.OP_LEI, compile.OP_GTI, compile.OP_GEI:
				rav := stack[ra]
				im := int64(ins.SB())
				var cond bool
				if rav.p == pInt {
					x := rav.intPayload()
					switch ins.Op() {
					case compile.OP_LTI:
						cond = x < im
					case compile.OP_LEI:
						cond = x <= im
					case compile.OP_GTI:
						cond = x > im
					default:
						cond = x >= im
					}
				} else if rav.p == pFloat {
					x, y := rav.floatPayload(), float64(im)
					switch ins.Op() {
					case compile.OP_LTI:
						cond = x < y
					case compile.OP_LEI:
						cond = x <= y
					case compile.OP_GTI:
						cond = x > y
					default:
						cond = x >= y
					}
				} else {
					ci.pc = pc
					res, st := t.orderImmMeta(ci, ins, rav)
					if st != stDone {
						if st == stError {
							goto onError
						}
						continue newframe
					}
					stack = t.stack
					cond = res
				}
				if cond != ins.K() {
					pc++
				} else {
					pc += code[pc].SJ() + 1
				}
			case compile.OP_TEST:
				if stack[ra].Truthy() == ins.K() {
					pc += code[pc].SJ() + 1
				} else {
					pc++
				}
			case compile.OP_TESTSET:
				rb := stack[base+ins.B()]
				if rb.Truthy() == ins.K() {
					stack[ra] = rb
					pc += code[pc].SJ() + 1
				} else {
					pc++
				}

			case compile.OP_CALL:
				nargs := ins.B() - 1
				if nargs < 0 {
					nargs = t.top - ra - 1
				}
				ci.pc = pc
				fn := stack[ra]
				if fn.p != nil && *(*kind)(fn.p) == kindLuaFunction {
					if _, err = t.precallLua(ra, nargs, ins.C()-1, (*LuaFunction)(fn.p)); err != nil {
						goto onError
					}
					if s.stepBudget--; s.stepBudget <= 0 {
						if err = t.budgetCheck(); err != nil {
							goto onError
						}
					}
					continue newframe
				}
				if st := t.callNonLua(ci, ra, nargs, ins.C()-1); st != stDone {
					if st == stError {
						goto onError
					}
					if st == stYield {
						return errYield
					}
					continue newframe
				}
				stack = t.stack
			case compile.OP_TAILCALL:
				nargs := ins.B() - 1
				if nargs < 0 {
					nargs = t.top - ra - 1
				}
				ci.pc = pc
				if ins.K() {
					t.closeUpvals(base)
				}
				fn := stack[ra]
				for fn.kind() != kindLuaFunction && fn.kind() != kindGoFunction {
					n, ferr := t.tryFuncTM(ra, nargs)
					if ferr != nil {
						err = ferr
						goto onError
					}
					nargs = n
					stack = t.stack
					fn = stack[ra]
				}
				if fn.kind() == kindGoFunction {
					// The RETURN that follows returns the results.
					if st := t.callNonLua(ci, ra, nargs, -1); st != stDone {
						if st == stError {
							goto onError
						}
						if st == stYield {
							return errYield
						}
						continue newframe
					}
					stack = t.stack
					continue
				}
				dst := ci.funcIdx
				copy(stack[dst:dst+1+nargs], stack[ra:ra+1+nargs])
				keep := ci.flags&(ciFresh|ciPcall|ciFinish|ciCoBase) | ciTail
				t.ci = ci.prev
				nci, perr := t.precallLua(dst, nargs, ci.nresults, (*LuaFunction)(fn.p))
				if perr != nil {
					t.ci = ci
					err = perr
					goto onError
				}
				nci.flags = keep
				if s.stepBudget--; s.stepBudget <= 0 {
					if err = t.budgetCheck(); err != nil {
						goto onError
					}
				}
				continue newframe

			case compile.OP_RETURN:
				n := ins.B() - 1
				if n < 0 {
					n = t.top - ra
				}
				ci.pc = pc
				if ins.K() {
					ci.aux = n
					t.top = ra + n
					top := ci.top
					if ra+n > top {
						top = ra + n
					}
					if st := t.closeInLoop(ci, base, top); st != stDone {
						if st == stError {
							goto onError
						}
						continue newframe
					}
					stack = t.stack
				}
				if ci.flags&^ciTail != 0 {
					if st := t.returnSpecial(ci, ra, n); st == stError {
						goto onError
					} else if st == stExit {
						return nil
					} else if st == stYield {
						return errYield
					}
					continue newframe
				}
				dst := ci.funcIdx
				want := ci.nresults
				if want < 0 {
					copy(stack[dst:dst+n], stack[ra:ra+n])
					t.top = dst + n
				} else {
					if n > want {
						n = want
					}
					copy(stack[dst:dst+n], stack[ra:ra+n])
					for i := n; i < want; i++ {
						stack[dst+i] = Nil
					}
				}
				t.ci = ci.prev
				continue newframe
			case compile.OP_RETURN0:
				if ci.flags&^ciTail != 0 {
					ci.pc = pc
					if st := t.returnSpecial(ci, ra, 0); st == stError {
						goto onError
					} else if st == stExit {
						return nil
					} else if st == stYield {
						return errYield
					}
					continue newframe
				}
				dst := ci.funcIdx
				want := ci.nresults
				if want < 0 {
					t.top = dst
				} else {
					for i := 0; i < want; i++ {
						stack[dst+i] = Nil
					}
				}
				t.ci = ci.prev
				continue newframe
			case compile.OP_RETURN1:
				if ci.flags&^ciTail != 0 {
					ci.pc = pc
					if st := t.returnSpecial(ci, ra, 1); st == stError {
						goto onError
					} else if st == stExit {
						return nil
					} else if st == stYield {
						return errYield
					}
					continue newframe
				}
				dst := ci.funcIdx
				want := ci.nresults
				if want == 1 {
					stack[dst] = stack[ra]
				} else if want < 0 {
					stack[dst] = stack[ra]
					t.top = dst + 1
				} else if want > 1 {
					stack[dst] = stack[ra]
					for i := 1; i < want; i++ {
						stack[dst+i] = Nil
					}
				}
				t.ci = ci.prev
				continue newframe

			case compile.OP_FORLOOP:
				if step := stack[ra+2]; step.p == pInt {
					count := stack[ra+1].n
					if count > 0 {
						stack[ra+1].n = count - 1
						idx := stack[ra].n + step.n
						stack[ra].n = idx
						stack[ra+3] = Value{pInt, idx}
						pc -= ins.Bx()
					}
				} else {
					st := step.floatPayload()
					idx := stack[ra].floatPayload() + st
					lim := stack[ra+1].floatPayload()
					if st > 0 && idx <= lim || st <= 0 && lim <= idx {
						stack[ra] = Float(idx)
						stack[ra+3] = Float(idx)
						pc -= ins.Bx()
					}
				}
				if s.stepBudget--; s.stepBudget <= 0 {
					ci.pc = pc
					if err = t.budgetCheck(); err != nil {
						goto onError
					}
				}
			case compile.OP_FORPREP:
				ci.pc = pc
				skip, ferr := t.forPrep(ci, ra)
				if ferr != nil {
					err = ferr
					goto onError
				}
				if skip {
					pc += ins.Bx() + 1
				}

			case compile.OP_TFORPREP:
				ci.pc = pc
				if err = t.markTBC(ci, ra+3); err != nil {
					goto onError
				}
				pc += ins.Bx()
			case compile.OP_TFORCALL:
				stack[ra+4] = stack[ra]
				stack[ra+5] = stack[ra+1]
				stack[ra+6] = stack[ra+2]
				t.top = ra + 7
				ci.pc = pc
				fn := stack[ra+4]
				if fn.p != nil && *(*kind)(fn.p) == kindLuaFunction {
					if _, err = t.precallLua(ra+4, 2, ins.C(), (*LuaFunction)(fn.p)); err != nil {
						goto onError
					}
					continue newframe
				}
				if st := t.callNonLua(ci, ra+4, 2, ins.C()); st != stDone {
					if st == stError {
						goto onError
					}
					if st == stYield {
						return errYield
					}
					continue newframe
				}
				stack = t.stack
			case compile.OP_TFORLOOP:
				if v := stack[ra+4]; v.p != nil {
					stack[ra+2] = v
					pc -= ins.Bx()
					if s.stepBudget--; s.stepBudget <= 0 {
						ci.pc = pc
						if err = t.budgetCheck(); err != nil {
							goto onError
						}
					}
				}

			case compile.OP_SETLIST:
				n := ins.B()
				last := ins.C()
				if n == 0 {
					n = t.top - ra - 1
				}
				last += n
				if ins.K() {
					last += code[pc].Ax() * (compile.MaxArgC + 1)
					pc++
				}
				tb := (*Table)(stack[ra].p)
				tb.ensureArray(last)
				copy(tb.arr[last-n:last], stack[ra+1:ra+1+n])
			case compile.OP_CLOSURE:
				stack[ra] = t.newClosure(p.protos[ins.Bx()], cl, base).Value()
			case compile.OP_VARARG:
				n := ins.C() - 1
				nextra := ci.nextra
				if n < 0 {
					n = nextra
					if ra+n > len(stack) {
						ci.pc = pc
						if err = t.checkStack(ra + n + 1); err != nil {
							goto onError
						}
						stack = t.stack
					}
					t.top = ra + n
				}
				from := base - 1 - nextra
				m := n
				if m > nextra {
					m = nextra
				}
				copy(stack[ra:ra+m], stack[from:from+m])
				for i := m; i < n; i++ {
					stack[ra+i] = Nil
				}
			case compile.OP_VARARGPREP:
				// The call set up the extra arguments (precallLua).
			default:
				ci.pc = pc
				err = t.runtimeErrorf("invalid instruction %v", ins.Op())
				goto onError
			}
		}
	onError:
		if err == nil {
			err = t.lastErr
		}
		t.lastErr = nil
		if err = s.throw(err); err != nil {
			return err
		}
	}
}

// stepStatus tells the exec loop how a slow path ended.
type stepStatus uint8

const (
	stDone  stepStatus = iota // the instruction completed; continue
	stFrame                   // a frame was pushed or popped, or the thread changed: reload
	stError                   // an error is in t.lastErr
	stExit                    // the fresh frame returned: leave the loop
	stYield                   // a Go-resumed coroutine yielded: leave the loop
)

// floatOperands converts two numbers to floats for arithmetic.
func floatOperands(a, b Value) (float64, float64, bool) {
	var x, y float64
	switch a.p {
	case pFloat:
		x = a.floatPayload()
	case pInt:
		x = float64(a.intPayload())
	default:
		return 0, 0, false
	}
	switch b.p {
	case pFloat:
		y = b.floatPayload()
	case pInt:
		y = float64(b.intPayload())
	default:
		return 0, 0, false
	}
	return x, y, true
}

// floatArith applies a K-form arithmetic opcode to floats.
func floatArith(op compile.Opcode, x, y float64) float64 {
	switch op {
	case compile.OP_ADDK:
		return x + y
	case compile.OP_SUBK:
		return x - y
	case compile.OP_MULK:
		return x * y
	case compile.OP_MODK:
		return floatMod(x, y)
	case compile.OP_POWK:
		return floatPow(x, y)
	case compile.OP_DIVK:
		return x / y
	}
	return math.Floor(x / y)
}

// toIntegerNS converts a number with an exact integer value (no strings).
func toIntegerNS(v Value) (int64, bool) {
	if v.p == pInt {
		return v.intPayload(), true
	}
	if v.p == pFloat {
		return FloatToInteger(v.floatPayload())
	}
	return 0, false
}

// concatFast concatenates values that are all strings or numbers.
func concatFast(vs []Value) (Value, bool) {
	n := 0
	for _, v := range vs {
		switch {
		case v.IsString():
			n += len(v.str())
		case v.IsNumber():
			n += 8
		default:
			return Nil, false
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, v := range vs {
		if v.IsString() {
			b.WriteString(v.str())
		} else {
			b.WriteString(numberToString(v))
		}
	}
	return String(b.String()), true
}

// setUpvalue is the single write path of upvalues from Lua code.
func setUpvalue(u *UpVal, v Value) { *u.v = v }
