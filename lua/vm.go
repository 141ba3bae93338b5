package lua

import (
	"math"
	"unsafe"

	"github.com/luawasm/luawasm/compile"
	"github.com/luawasm/luawasm/internal/printf"
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
		if err == errRestart {
			// The loop left at a budget check; enter it again (see errRestart).
			t, pending = s.running, nil
			continue
		}
		if recovered == nil {
			return err
		}
		t = s.running
		var e *Error
		if t.ci.flags&ciGo != 0 {
			e = &Error{Value: String(t.where(1) + printf.Sprintf("Go panic: %v", recovered))}
		} else {
			e = t.runtimeError(printf.Sprintf("Go panic: %v", recovered))
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

// errRestart makes the exec loop return to execute at budget checks, which
// calls it again. A WebAssembly engine such as V8 runs a function on its
// baseline code until the function is entered again, so a loop that never
// returned would never run optimized code.
var errRestart = &Error{Value: String("restart"), processed: true}

// run is the exec loop: it throws pending (a Go panic turned into an
// error) first, then executes from the running thread's current frame.
func run(t *Thread, pending error) error {
	s := t.state
	err := pending
	var st stepStatus // how an out-of-line step ended
	if err != nil {
		if err = s.throw(err); err != nil {
			return err
		}
	}
	// The loop keeps its state in a few locals (registers through an
	// unsafe base pointer; the verifier guarantees operands within the
	// frame) and reloads them from the frame after calls that may push or
	// pop frames or move the stack, so that few values stay live across
	// calls and the compiler has little to spill in the hot paths. Only
	// newframe sets the frame's locals (ci, cl, code, k, base): a local
	// that the inner loop also assigned would be a loop phi that Go spills
	// to memory on every instruction (measured in the WebAssembly build:
	// six stores per instruction, 7-18% on call-heavy programs).
	// Go inlines only the tiniest functions into a function this large,
	// so the common cases of precallLua, tailCall, Table.findConst,
	// setNode, insertNode and setArr are written out here: a call costs
	// most in WebAssembly, where every Go basic block is also an entry of
	// the function's block table, a merge point at which V8 reloads the
	// live locals (so bounds checks, each a block, are avoided too).
	// For the same reason the hot paths are written to fall through to
	// their continue, each taken branch being such a jump (V8 spills and
	// reloads the live locals around it): a store that keeps the kind of
	// the register writes the payload alone (storing the kind pointer
	// runs the write-barrier check, whose usual outcome is a taken
	// branch), and the arms of a kind test each end in their own continue
	// instead of meeting at a merge block (wasm: an empty numeric loop
	// -40%, MOVE -70%, fib -14%, mandelbrot -19%).
	t = s.running // updated where the running thread may change
newframe:
	for {
		ci := t.ci
		if ci.flags&ciGo != 0 {
			// A protected call whose callee completed through a
			// coroutine switch.
			t.finishPcall(ci)
			continue
		}
		cl := ci.lf
		code := ci.code
		k := ci.k
		base := unsafe.Add(unsafe.Pointer(unsafe.SliceData(t.stack)), uintptr(ci.base)*valueSize)
		pc := ci.pc

		for {
			ins := *(*compile.Instruction)(unsafe.Add(code, uintptr(pc)*4))
			pc++
			// The cases are dispatch codes, numbered per target (dispatch.go).
			switch dispatchOf(ins) {
			case dMOVE:
				// A value of the kind the register holds is copied without
				// storing the kind, which would run the write-barrier check
				// (see setInt).
				ra, rb := regAt(base, ins.A()), *regAt(base, ins.B())
				if ra.p == rb.p {
					ra.n = rb.n
					continue
				}
				*ra = rb
				continue
			case dLOADI:
				if ra := regAt(base, ins.A()); ra.p == pInt {
					ra.n = uint64(int64(ins.SBx()))
					continue
				}
				*regAt(base, ins.A()) = Value{pInt, uint64(int64(ins.SBx()))}
				continue
			case dLOADF:
				if ra := regAt(base, ins.A()); ra.p == pFloat {
					ra.n = math.Float64bits(float64(ins.SBx()))
					continue
				}
				*regAt(base, ins.A()) = Float(float64(ins.SBx()))
				continue
			case dLOADK:
				// In a loop the register usually holds this constant or
				// one of its kind already (see MOVE).
				ra, kb := regAt(base, ins.A()), *regAt(k, ins.Bx())
				if ra.p == kb.p {
					ra.n = kb.n
					continue
				}
				*ra = kb
				continue
			case dLOADKX:
				*regAt(base, ins.A()) = *regAt(k, (*(*compile.Instruction)(unsafe.Add(code, uintptr(pc)*4))).Ax())
				pc++
				continue
			case dLOADFALSE:
				if ra := regAt(base, ins.A()); ra.p == pBool {
					ra.n = 0
					continue
				}
				*regAt(base, ins.A()) = False
				continue
			case dLFALSESKIP:
				pc++
				if ra := regAt(base, ins.A()); ra.p == pBool {
					ra.n = 0
					continue
				}
				*regAt(base, ins.A()) = False
				continue
			case dLOADTRUE:
				if ra := regAt(base, ins.A()); ra.p == pBool {
					ra.n = 1
					continue
				}
				*regAt(base, ins.A()) = True
				continue
			case dLOADNIL:
				ra := regAt(base, ins.A())
				for i := ins.B(); i >= 0; i-- {
					*(*Value)(unsafe.Add(unsafe.Pointer(ra), uintptr(i)*valueSize)) = Nil
				}
				continue
			case dGETUPVAL:
				// Here and in the table loads below, a value of the kind the
				// register holds is stored without its kind (see MOVE).
				ra, v := regAt(base, ins.A()), *upvalAt(cl, ins.B()).v
				if ra.p == v.p {
					ra.n = v.n
					continue
				}
				*ra = v
				continue
			case dSETUPVAL:
				setUpvalue(upvalAt(cl, ins.B()), *regAt(base, ins.A()))
				continue

			case dGETTABUP:
				tv := *upvalAt(cl, ins.B()).v
				if tv.p != nil && *(*kind)(tv.p) == kindTable {
					tb := (*Table)(tv.p)
					key := (*stringObject)(regAt(k, ins.C()).p)
					if n := len(tb.nodes); n > 0 {
						// The key's home slot, then the rest of its chain.
						nd := &tb.nodes[int(key.hash)&(n-1)]
						if nd.key.p != unsafe.Pointer(key) && nd.key.p != nil {
							nd, _ = tb.findConstProbe(key)
						}
						if nd != nil && nd.key.p == unsafe.Pointer(key) && nd.val.p != nil {
							ra, v := regAt(base, ins.A()), nd.val
							if ra.p == v.p {
								ra.n = v.n
								continue
							}
							*ra = v
							continue
						}
					}
				}
			case dGETTABLE:
				rb := *regAt(base, ins.B())
				rc := *regAt(base, ins.C())
				if rb.p != nil && *(*kind)(rb.p) == kindTable && rc.p == pInt {
					tb := (*Table)(rb.p)
					if uint64(rc.n-1) < uint64(len(tb.arr)) {
						if v := tb.arr[rc.n-1]; v.p != nil || tb.meta == nil {
							ra := regAt(base, ins.A())
							if ra.p == v.p {
								ra.n = v.n
								continue
							}
							*ra = v
							continue
						}
					} else if n := len(tb.nodes); n > 0 {
						if nd := &tb.nodes[int((rc.n*0x9E3779B97F4A7C15)>>29)&(n-1)]; nd.key.p == pInt && nd.key.n == rc.n && nd.val.p != nil {
							ra, v := regAt(base, ins.A()), nd.val
							if ra.p == v.p {
								ra.n = v.n
								continue
							}
							*ra = v
							continue
						}
					} else if tb.meta == nil {
						// Beyond the array part of a table with no hash part.
						if ra := regAt(base, ins.A()); ra.p == nil {
							ra.n = 0
							continue
						}
						*regAt(base, ins.A()) = Nil
						continue
					}
				}
			case dGETI:
				rb := *regAt(base, ins.B())
				if rb.p != nil && *(*kind)(rb.p) == kindTable {
					tb := (*Table)(rb.p)
					if c := ins.C(); uint(c-1) < uint(len(tb.arr)) {
						if v := tb.arr[c-1]; v.p != nil || tb.meta == nil {
							ra := regAt(base, ins.A())
							if ra.p == v.p {
								ra.n = v.n
								continue
							}
							*ra = v
							continue
						}
					} else if n := len(tb.nodes); n > 0 {
						if nd := &tb.nodes[int((uint64(c)*0x9E3779B97F4A7C15)>>29)&(n-1)]; nd.key.p == pInt && nd.key.n == uint64(c) && nd.val.p != nil {
							ra, v := regAt(base, ins.A()), nd.val
							if ra.p == v.p {
								ra.n = v.n
								continue
							}
							*ra = v
							continue
						}
					} else if tb.meta == nil {
						// Beyond the array part of a table with no hash part.
						if ra := regAt(base, ins.A()); ra.p == nil {
							ra.n = 0
							continue
						}
						*regAt(base, ins.A()) = Nil
						continue
					}
				}
			case dGETFIELD:
				rb := *regAt(base, ins.B())
				if rb.p != nil && *(*kind)(rb.p) == kindTable {
					tb := (*Table)(rb.p)
					key := (*stringObject)(regAt(k, ins.C()).p)
					if n := len(tb.nodes); n > 0 {
						nd := &tb.nodes[int(key.hash)&(n-1)]
						if nd.key.p == unsafe.Pointer(key) {
							if nd.val.p != nil || tb.meta == nil {
								ra, v := regAt(base, ins.A()), nd.val
								if ra.p == v.p {
									ra.n = v.n
									continue
								}
								*ra = v
								continue
							}
						} else if nd.key.p == nil || tb.keys&(1<<(key.hash&31)) == 0 {
							if tb.meta == nil {
								if ra := regAt(base, ins.A()); ra.p == nil {
									ra.n = 0
									continue
								}
								*regAt(base, ins.A()) = Nil
								continue
							}
						} else if nd := &tb.nodes[(int(key.hash)+1)&(n-1)]; nd.key.p == unsafe.Pointer(key) && (nd.val.p != nil || tb.meta == nil) {
							// The slot after the key's home, where linear
							// probing puts most keys whose home was taken
							// (a record's fields).
							ra, v := regAt(base, ins.A()), nd.val
							if ra.p == v.p {
								ra.n = v.n
								continue
							}
							*ra = v
							continue
						} else if nd, sure := tb.findConstProbe(key); nd != nil {
							if nd.val.p != nil || tb.meta == nil {
								ra, v := regAt(base, ins.A()), nd.val
								if ra.p == v.p {
									ra.n = v.n
									continue
								}
								*ra = v
								continue
							}
						} else if sure && tb.meta == nil {
							if ra := regAt(base, ins.A()); ra.p == nil {
								ra.n = 0
								continue
							}
							*regAt(base, ins.A()) = Nil
							continue
						}
					} else if tb.meta == nil {
						if ra := regAt(base, ins.A()); ra.p == nil {
							ra.n = 0
							continue
						}
						*regAt(base, ins.A()) = Nil
						continue
					}
				}
			case dSELF:
				rb := *regAt(base, ins.B())
				if self := regAt(base, ins.A()+1); self.p == rb.p {
					self.n = rb.n
				} else {
					*self = rb
				}
				if rb.p != nil && *(*kind)(rb.p) == kindTable && ins.K() {
					// The usual object: the method is in the table or in
					// a chain of tables that are __index of metatables.
					tb := (*Table)(rb.p)
					key := (*stringObject)(regAt(k, ins.C()).p)
					var method *node
					for depth := 0; depth < 8 && tb != nil; depth++ {
						// Table.findConst's first probe, inline.
						var nd *node
						sure := true
						if mask := len(tb.nodes) - 1; mask >= 0 {
							nd = &tb.nodes[int(key.hash)&mask]
							if nd.key.p != unsafe.Pointer(key) {
								if (nd.key.p == nil || tb.keys&(1<<(key.hash&31)) == 0) && key.hash != 0 {
									nd = nil
								} else {
									nd, sure = tb.findConstProbe(key)
								}
							}
						}
						if nd != nil && nd.val.p != nil {
							method = nd
							break
						}
						mt := tb.meta
						if nd == nil && !sure || mt == nil {
							break
						}
						tb = nil
						// Table.findConst's first probe, inline.
						var ix *node
						if mask := len(mt.nodes) - 1; mask >= 0 {
							ix = &mt.nodes[int(tmIndexKey.hash)&mask]
							if ix.key.p != unsafe.Pointer(tmIndexKey) {
								if ix.key.p == nil && tmIndexKey.hash != 0 {
									ix = nil
								} else {
									ix, _ = mt.findConstProbe(tmIndexKey)
								}
							}
						}
						if ix != nil && ix.val.p != nil && *(*kind)(ix.val.p) == kindTable {
							tb = (*Table)(ix.val.p)
						}
					}
					if method != nil {
						ra, v := regAt(base, ins.A()), method.val
						if ra.p == v.p {
							ra.n = v.n
							continue
						}
						*ra = v
						continue
					}
				}

			case dSETTABUP:
				tv := *upvalAt(cl, ins.A()).v
				if tv.p != nil && *(*kind)(tv.p) == kindTable {
					tb := (*Table)(tv.p)
					if nd, _ := tb.findConst((*stringObject)(regAt(k, ins.B()).p)); nd != nil && nd.val.p != nil {
						var v Value
						if ins.K() {
							v = *regAt(k, ins.C())
						} else {
							v = *regAt(base, ins.C())
						}
						if tb.pers == nil { // setNode, inline
							tb.flags = 0
							// Here and in the table stores below, a slot
							// keeping its kind gets the payload alone (see
							// MOVE; nbody in wasm -9%).
							if nd.val.p == v.p {
								nd.val.n = v.n
								continue
							}
							nd.val = v
							continue
						}
						tb.setNode(nd, v)
						continue
					}
				}
			case dSETTABLE:
				tv := *regAt(base, ins.A())
				key := *regAt(base, ins.B())
				if tv.p != nil && *(*kind)(tv.p) == kindTable && key.p == pInt {
					tb := (*Table)(tv.p)
					var v Value
					if ins.K() {
						v = *regAt(k, ins.C())
					} else {
						v = *regAt(base, ins.C())
					}
					if uint64(key.n-1) < uint64(len(tb.arr)) {
						if tb.meta == nil || tb.arr[key.n-1].p != nil {
							if tb.pers == nil { // setArr, inline
								slot := &tb.arr[int(key.n-1)]
								if slot.p == v.p {
									slot.n = v.n
									continue
								}
								*slot = v
								continue
							}
							tb.setArr(int(key.n-1), v)
							continue
						}
					} else if n := len(tb.nodes); n > 0 {
						if nd := &tb.nodes[int((key.n*0x9E3779B97F4A7C15)>>29)&(n-1)]; nd.key.p == pInt && nd.key.n == key.n && nd.val.p != nil {
							if tb.pers == nil { // setNode, inline
								tb.flags = 0
								if nd.val.p == v.p {
									nd.val.n = v.n
									continue
								}
								nd.val = v
								continue
							}
							tb.setNode(nd, v)
							continue
						}
					} else if key.n == uint64(len(tb.arr))+1 && v.p != nil && tb.meta == nil && tb.pers == nil {
						// Appending to a sequence (t[#t+1] = v) with no
						// hash part, as SetInt does.
						tb.arr = append(tb.arr, v)
						continue
					}
				}
			case dSETI:
				tv := *regAt(base, ins.A())
				if tv.p != nil && *(*kind)(tv.p) == kindTable {
					tb := (*Table)(tv.p)
					if b := ins.B(); uint(b-1) < uint(len(tb.arr)) && (tb.meta == nil || tb.arr[b-1].p != nil) {
						var v Value
						if ins.K() {
							v = *regAt(k, ins.C())
						} else {
							v = *regAt(base, ins.C())
						}
						if tb.pers == nil { // setArr, inline
							slot := &tb.arr[b-1]
							if slot.p == v.p {
								slot.n = v.n
								continue
							}
							*slot = v
							continue
						}
						tb.setArr(b-1, v)
						continue
					}
				}
			case dSETFIELD:
				tv := *regAt(base, ins.A())
				if tv.p != nil && *(*kind)(tv.p) == kindTable {
					tb := (*Table)(tv.p)
					key := regAt(k, ins.B())
					var v Value
					if ins.K() {
						v = *regAt(k, ins.C())
					} else {
						v = *regAt(base, ins.C())
					}
					// Table.findConst's first probe, inline.
					ks := (*stringObject)(key.p)
					var nd, free *node
					sure := true
					if mask := len(tb.nodes) - 1; mask >= 0 {
						nd = &tb.nodes[int(ks.hash)&mask]
						if nd.key.p != key.p {
							if nd.key.p == nil && ks.hash != 0 {
								free, nd = nd, nil
							} else if next := &tb.nodes[(int(ks.hash)+1)&mask]; next.key.p == key.p {
								nd = next // see GETFIELD
							} else {
								nd, sure = tb.findConstProbe(ks)
							}
						}
					}
					if nd != nil {
						if nd.val.p != nil || tb.meta == nil {
							if tb.pers == nil { // setNode, inline
								tb.flags = 0
								if nd.val.p == v.p {
									nd.val.n = v.n
									continue
								}
								nd.val = v
								continue
							}
							tb.setNode(nd, v)
							continue
						}
					} else if sure && tb.meta == nil && v.p != nil && tb.hasRoom() {
						if free == nil {
							tb.insertKey(*key, v)
						} else if tb.pers == nil { // insertNode into the key's home slot, inline
							tb.flags = 0
							tb.keys |= 1 << (ks.hash & 31)
							free.key = *key
							free.val = v
							tb.used++
						} else {
							tb.insertNode(free, *key, v)
						}
						continue
					}
				}

			case dNEWTABLE:
				b, c := ins.B(), ins.C()
				if b > 0 {
					b = 1 << (b - 1)
				}
				if ins.K() {
					c += (*(*compile.Instruction)(unsafe.Add(code, uintptr(pc)*4))).Ax() * (compile.MaxArgC + 1)
				}
				ci.pc = pc + 1 // skip the EXTRAARG
				*regAt(base, ins.A()) = NewTable(c, b).Value()
				continue newframe
			case dSETLIST:
				// A constructor's items that fit the array part it was made
				// with (setList does the rest), including the results of a
				// call ending it ({f(x), f(y)}: B is 0, the call set t.top).
				if tv := *regAt(base, ins.A()); tv.p != nil && *(*kind)(tv.p) == kindTable && !ins.K() {
					tb := (*Table)(tv.p)
					first, n := ins.C(), ins.B()
					if n == 0 {
						n = t.top - ci.base - ins.A() - 1
					}
					if first == len(tb.arr) && first+n <= cap(tb.arr) && tb.used == 0 && tb.pers == nil {
						tb.arr = tb.arr[:first+n]
						for i := range n {
							tb.arr[first+i] = *regAt(base, ins.A()+1+i)
						}
						continue
					}
				}
			case dCLOSURE:
				*regAt(base, ins.A()) = t.newClosure(cl.proto.protos[ins.Bx()], cl, ci.base).Value()
				continue

			case dADDI:
				rb := *regAt(base, ins.B())
				if rb.p == pInt {
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = rb.n + uint64(int64(ins.SC()))
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, rb.n + uint64(int64(ins.SC()))}
					continue
				} else if rb.p == pFloat {
					pc++
					setFloat(regAt(base, ins.A()), math.Float64bits(math.Float64frombits(rb.n)+float64(ins.SC())))
				}
				continue
			case dADDK:
				rb, rc := *regAt(base, ins.B()), *regAt(k, ins.C())
				if rb.p == pInt && rc.p == pInt {
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = rb.n + rc.n
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, rb.n + rc.n}
					continue
				}
				var x, y float64
				if rb.p == pFloat {
					x = math.Float64frombits(rb.n)
				} else if rb.p == pInt {
					x = float64(int64(rb.n))
				} else {
					continue
				}
				if rc.p == pFloat {
					y = math.Float64frombits(rc.n)
				} else if rc.p == pInt {
					y = float64(int64(rc.n))
				} else {
					continue
				}
				pc++
				if ra := regAt(base, ins.A()); ra.p == pFloat {
					ra.n = math.Float64bits(x + y)
					continue
				}
				*regAt(base, ins.A()) = Value{pFloat, math.Float64bits(x + y)}
				continue
			case dSUBK:
				rb, rc := *regAt(base, ins.B()), *regAt(k, ins.C())
				if rb.p == pInt && rc.p == pInt {
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = rb.n - rc.n
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, rb.n - rc.n}
					continue
				}
				var x, y float64
				if rb.p == pFloat {
					x = math.Float64frombits(rb.n)
				} else if rb.p == pInt {
					x = float64(int64(rb.n))
				} else {
					continue
				}
				if rc.p == pFloat {
					y = math.Float64frombits(rc.n)
				} else if rc.p == pInt {
					y = float64(int64(rc.n))
				} else {
					continue
				}
				pc++
				if ra := regAt(base, ins.A()); ra.p == pFloat {
					ra.n = math.Float64bits(x - y)
					continue
				}
				*regAt(base, ins.A()) = Value{pFloat, math.Float64bits(x - y)}
				continue
			case dMULK:
				rb, rc := *regAt(base, ins.B()), *regAt(k, ins.C())
				if rb.p == pInt && rc.p == pInt {
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = rb.n * rc.n
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, rb.n * rc.n}
					continue
				}
				var x, y float64
				if rb.p == pFloat {
					x = math.Float64frombits(rb.n)
				} else if rb.p == pInt {
					x = float64(int64(rb.n))
				} else {
					continue
				}
				if rc.p == pFloat {
					y = math.Float64frombits(rc.n)
				} else if rc.p == pInt {
					y = float64(int64(rc.n))
				} else {
					continue
				}
				pc++
				if ra := regAt(base, ins.A()); ra.p == pFloat {
					ra.n = math.Float64bits(x * y)
					continue
				}
				*regAt(base, ins.A()) = Value{pFloat, math.Float64bits(x * y)}
				continue
			case dMODK:
				rb, rc := *regAt(base, ins.B()), *regAt(k, ins.C())
				if rb.p == pInt && rc.p == pInt && int64(rc.n) > 0 {
					r := int64(rb.n) % int64(rc.n)
					if r < 0 {
						r += int64(rc.n)
					}
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(r)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(r)}
					continue
				}
			case dPOWK:
				rb, rc := *regAt(base, ins.B()), *regAt(k, ins.C())
				if rb.p == pFloat && rc.p == pFloat && math.Float64frombits(rc.n) == 2 {
					x := math.Float64frombits(rb.n)
					pc++
					if ra := regAt(base, ins.A()); ra.p == pFloat {
						ra.n = math.Float64bits(x * x)
						continue
					}
					*regAt(base, ins.A()) = Value{pFloat, math.Float64bits(x * x)}
					continue
				}
			case dDIVK:
				rb, rc := *regAt(base, ins.B()), *regAt(k, ins.C())
				var x, y float64
				if rb.p == pFloat {
					x = math.Float64frombits(rb.n)
				} else if rb.p == pInt {
					x = float64(int64(rb.n))
				} else {
					continue
				}
				if rc.p == pFloat {
					y = math.Float64frombits(rc.n)
				} else if rc.p == pInt {
					y = float64(int64(rc.n))
				} else {
					continue
				}
				pc++
				if ra := regAt(base, ins.A()); ra.p == pFloat {
					ra.n = math.Float64bits(x / y)
					continue
				}
				*regAt(base, ins.A()) = Value{pFloat, math.Float64bits(x / y)}
				continue
			case dIDIVK:
				rb, rc := *regAt(base, ins.B()), *regAt(k, ins.C())
				if rb.p == pInt && rc.p == pInt && int64(rc.n) > 0 {
					x, y := int64(rb.n), int64(rc.n)
					q := x / y
					if x%y != 0 && x < 0 {
						q--
					}
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(q)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(q)}
					continue
				}
			case dBANDK:
				rb := *regAt(base, ins.B())
				if rb.p == pInt {
					x, y := int64(rb.n), int64(regAt(k, ins.C()).n)
					x &= y
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(x)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(x)}
					continue
				}
			case dBORK:
				rb := *regAt(base, ins.B())
				if rb.p == pInt {
					x, y := int64(rb.n), int64(regAt(k, ins.C()).n)
					x |= y
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(x)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(x)}
					continue
				}
			case dBXORK:
				rb := *regAt(base, ins.B())
				if rb.p == pInt {
					x, y := int64(rb.n), int64(regAt(k, ins.C()).n)
					x ^= y
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(x)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(x)}
					continue
				}
			case dSHRI:
				rb := *regAt(base, ins.B())
				if rb.p == pInt {
					x, y := int64(rb.n), int64(ins.SC())
					if y <= -64 || y >= 64 {
						x = 0
					} else if y >= 0 {
						x = int64(uint64(x) >> uint(y))
					} else {
						x = int64(uint64(x) << uint(-y))
					}
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(x)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(x)}
					continue
				}
			case dSHLI:
				rb := *regAt(base, ins.B())
				if rb.p == pInt {
					x, y := int64(ins.SC()), int64(rb.n)
					if y <= -64 || y >= 64 {
						x = 0
					} else if y >= 0 {
						x = int64(uint64(x) << uint(y))
					} else {
						x = int64(uint64(x) >> uint(-y))
					}
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(x)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(x)}
					continue
				}
			case dADD:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pInt && rc.p == pInt {
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = rb.n + rc.n
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, rb.n + rc.n}
					continue
				}
				var x, y float64
				if rb.p == pFloat {
					x = math.Float64frombits(rb.n)
				} else if rb.p == pInt {
					x = float64(int64(rb.n))
				} else {
					continue
				}
				if rc.p == pFloat {
					y = math.Float64frombits(rc.n)
				} else if rc.p == pInt {
					y = float64(int64(rc.n))
				} else {
					continue
				}
				pc++
				if ra := regAt(base, ins.A()); ra.p == pFloat {
					ra.n = math.Float64bits(x + y)
					continue
				}
				*regAt(base, ins.A()) = Value{pFloat, math.Float64bits(x + y)}
				continue
			case dSUB:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pInt && rc.p == pInt {
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = rb.n - rc.n
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, rb.n - rc.n}
					continue
				}
				var x, y float64
				if rb.p == pFloat {
					x = math.Float64frombits(rb.n)
				} else if rb.p == pInt {
					x = float64(int64(rb.n))
				} else {
					continue
				}
				if rc.p == pFloat {
					y = math.Float64frombits(rc.n)
				} else if rc.p == pInt {
					y = float64(int64(rc.n))
				} else {
					continue
				}
				pc++
				if ra := regAt(base, ins.A()); ra.p == pFloat {
					ra.n = math.Float64bits(x - y)
					continue
				}
				*regAt(base, ins.A()) = Value{pFloat, math.Float64bits(x - y)}
				continue
			case dMUL:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pInt && rc.p == pInt {
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = rb.n * rc.n
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, rb.n * rc.n}
					continue
				}
				var x, y float64
				if rb.p == pFloat {
					x = math.Float64frombits(rb.n)
				} else if rb.p == pInt {
					x = float64(int64(rb.n))
				} else {
					continue
				}
				if rc.p == pFloat {
					y = math.Float64frombits(rc.n)
				} else if rc.p == pInt {
					y = float64(int64(rc.n))
				} else {
					continue
				}
				pc++
				if ra := regAt(base, ins.A()); ra.p == pFloat {
					ra.n = math.Float64bits(x * y)
					continue
				}
				*regAt(base, ins.A()) = Value{pFloat, math.Float64bits(x * y)}
				continue
			case dMOD:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pInt && rc.p == pInt && int64(rc.n) > 0 {
					r := int64(rb.n) % int64(rc.n)
					if r < 0 {
						r += int64(rc.n)
					}
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(r)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(r)}
					continue
				}
			case dPOW:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pFloat && rc.p == pFloat && math.Float64frombits(rc.n) == 2 {
					x := math.Float64frombits(rb.n)
					pc++
					if ra := regAt(base, ins.A()); ra.p == pFloat {
						ra.n = math.Float64bits(x * x)
						continue
					}
					*regAt(base, ins.A()) = Value{pFloat, math.Float64bits(x * x)}
					continue
				}
			case dDIV:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				var x, y float64
				if rb.p == pFloat {
					x = math.Float64frombits(rb.n)
				} else if rb.p == pInt {
					x = float64(int64(rb.n))
				} else {
					continue
				}
				if rc.p == pFloat {
					y = math.Float64frombits(rc.n)
				} else if rc.p == pInt {
					y = float64(int64(rc.n))
				} else {
					continue
				}
				pc++
				if ra := regAt(base, ins.A()); ra.p == pFloat {
					ra.n = math.Float64bits(x / y)
					continue
				}
				*regAt(base, ins.A()) = Value{pFloat, math.Float64bits(x / y)}
				continue
			case dIDIV:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pInt && rc.p == pInt && int64(rc.n) > 0 {
					x, y := int64(rb.n), int64(rc.n)
					q := x / y
					if x%y != 0 && x < 0 {
						q--
					}
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(q)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(q)}
					continue
				}
			case dBAND:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pInt && rc.p == pInt {
					x, y := int64(rb.n), int64(rc.n)
					x &= y
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(x)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(x)}
					continue
				}
			case dBOR:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pInt && rc.p == pInt {
					x, y := int64(rb.n), int64(rc.n)
					x |= y
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(x)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(x)}
					continue
				}
			case dBXOR:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pInt && rc.p == pInt {
					x, y := int64(rb.n), int64(rc.n)
					x ^= y
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(x)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(x)}
					continue
				}
			case dSHL:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pInt && rc.p == pInt {
					x, y := int64(rb.n), int64(rc.n)
					if y <= -64 || y >= 64 {
						x = 0
					} else if y >= 0 {
						x = int64(uint64(x) << uint(y))
					} else {
						x = int64(uint64(x) >> uint(-y))
					}
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(x)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(x)}
					continue
				}
			case dSHR:
				rb, rc := *regAt(base, ins.B()), *regAt(base, ins.C())
				if rb.p == pInt && rc.p == pInt {
					x, y := int64(rb.n), int64(rc.n)
					if y <= -64 || y >= 64 {
						x = 0
					} else if y >= 0 {
						x = int64(uint64(x) >> uint(y))
					} else {
						x = int64(uint64(x) << uint(-y))
					}
					pc++
					if ra := regAt(base, ins.A()); ra.p == pInt {
						ra.n = uint64(x)
						continue
					}
					*regAt(base, ins.A()) = Value{pInt, uint64(x)}
					continue
				}

			case dUNM:
				rb := *regAt(base, ins.B())
				if rb.p == pInt {
					setInt(regAt(base, ins.A()), -rb.n)
					continue
				} else if rb.p == pFloat {
					setFloat(regAt(base, ins.A()), rb.n^1<<63)
					continue
				}
			case dBNOT:
				if rb := *regAt(base, ins.B()); rb.p == pInt {
					setInt(regAt(base, ins.A()), ^rb.n)
					continue
				}
			case dNOT:
				rb := *regAt(base, ins.B())
				*regAt(base, ins.A()) = Bool(rb.p == nil || rb.p == pBool && rb.n == 0)
				continue
			case dLEN:
				rb := *regAt(base, ins.B())
				if rb.p != nil && *(*kind)(rb.p) == kindTable {
					if tb := (*Table)(rb.p); tb.meta == nil && len(tb.nodes) == 0 {
						if n := len(tb.arr); n == 0 || tb.arr[n-1].p != nil {
							setInt(regAt(base, ins.A()), uint64(n))
							continue
						}
					}
				} else if rb.p != nil && *(*kind)(rb.p) == kindString {
					setInt(regAt(base, ins.A()), uint64(len((*stringObject)(rb.p).s)))
					continue
				}

			case dJMP:
				off := ins.SJ()
				pc += off
				if off < 0 {
					if s.stepBudget--; s.stepBudget <= 0 {
						break // budget check in the slow path
					}
				}
				continue

			case dEQ:
				a, b := *regAt(base, ins.A()), *regAt(base, ins.B())
				if a.p == b.p && a.p != pFloat {
					// Both nil, integers, booleans, or the same object.
					if (a.n == b.n) != ins.K() {
						pc++
						continue
					}
					goto condJump
				}
			case dLT:
				a, b := *regAt(base, ins.A()), *regAt(base, ins.B())
				if a.p == pInt && b.p == pInt {
					if (int64(a.n) < int64(b.n)) != ins.K() {
						pc++
						continue
					}
					goto condJump
				}
				if a.p == pFloat && b.p == pFloat {
					if (a.floatPayload() < b.floatPayload()) != ins.K() {
						pc++
						continue
					}
					goto condJump
				}
			case dLE:
				a, b := *regAt(base, ins.A()), *regAt(base, ins.B())
				if a.p == pInt && b.p == pInt {
					if (int64(a.n) <= int64(b.n)) != ins.K() {
						pc++
						continue
					}
					goto condJump
				}
				if a.p == pFloat && b.p == pFloat {
					if (a.floatPayload() <= b.floatPayload()) != ins.K() {
						pc++
						continue
					}
					goto condJump
				}
			case dEQK:
				a, b := *regAt(base, ins.A()), *regAt(k, ins.B())
				if a.p == b.p && a.p != pFloat || a.p != b.p && (a.p == nil || a.p == pBool || b.p == pBool || b.p == nil) {
					// Same scalar kind or identical string, or different basic types.
					if (a.p == b.p && a.n == b.n) != ins.K() {
						pc++
						continue
					}
					goto condJump
				}
			case dEQI:
				a := *regAt(base, ins.A())
				var cond bool
				if a.p == pInt {
					cond = int64(a.n) == int64(ins.SB())
				} else if a.p == pFloat {
					cond = a.floatPayload() == float64(ins.SB())
				}
				if cond != ins.K() {
					pc++
					continue
				}
				goto condJump
			// The immediate comparisons: integers compare as integers (the
			// immediate fits), floats with the immediate converted.
			case dLTI:
				if a := *regAt(base, ins.A()); a.p == pInt {
					if (int64(a.n) < int64(ins.SB())) != ins.K() {
						pc++
						continue
					}
					goto condJump
				} else if a.p == pFloat {
					if (a.floatPayload() < float64(ins.SB())) != ins.K() {
						pc++
						continue
					}
					goto condJump
				}
			case dLEI:
				if a := *regAt(base, ins.A()); a.p == pInt {
					if (int64(a.n) <= int64(ins.SB())) != ins.K() {
						pc++
						continue
					}
					goto condJump
				} else if a.p == pFloat {
					if (a.floatPayload() <= float64(ins.SB())) != ins.K() {
						pc++
						continue
					}
					goto condJump
				}
			case dGTI:
				if a := *regAt(base, ins.A()); a.p == pInt {
					if (int64(a.n) > int64(ins.SB())) != ins.K() {
						pc++
						continue
					}
					goto condJump
				} else if a.p == pFloat {
					if (a.floatPayload() > float64(ins.SB())) != ins.K() {
						pc++
						continue
					}
					goto condJump
				}
			case dGEI:
				if a := *regAt(base, ins.A()); a.p == pInt {
					if (int64(a.n) >= int64(ins.SB())) != ins.K() {
						pc++
						continue
					}
					goto condJump
				} else if a.p == pFloat {
					if (a.floatPayload() >= float64(ins.SB())) != ins.K() {
						pc++
						continue
					}
					goto condJump
				}
			case dTEST:
				if a := *regAt(base, ins.A()); (a.p != nil && !(a.p == pBool && a.n == 0)) != ins.K() {
					pc++
					continue
				}
				goto condJump
			case dTESTSET:
				b := *regAt(base, ins.B())
				if (b.p != nil && !(b.p == pBool && b.n == 0)) != ins.K() {
					pc++
					continue
				}
				*regAt(base, ins.A()) = b
				goto condJump

			case dCALL:
				fn := *regAt(base, ins.A())
				if fn.p != nil && *(*kind)(fn.p) == kindLuaFunction {
					ra := ci.base + ins.A()
					nargs := ins.B() - 1
					ci.pc = pc
					// The usual call, inline: a fixed argument count that
					// covers the fixed parameters, stack room, a cached
					// frame and no hook (precallLua does the rest). The
					// path falls through to its continue without a taken
					// branch, each being a jump through the block table in
					// WebAssembly; t.ci is stored without the write
					// barrier, whose check is one (setCI; fib -6% of
					// instructions executed in node).
					callee := (*LuaFunction)(fn.p)
					p := callee.proto
					if nci := ci.next; nci != nil && nargs >= p.numParams && !p.isVararg && ra+1+nargs+p.maxStack <= len(t.stack) && t.hook == nil {
						if nci.lf == callee {
							// A cached frame usually ran this closure
							// already (recursion, a call in a loop); its
							// code is then the closure's (see setHook).
							nci.funcIdx = ra
							nci.base = ra + 1
							nci.top = ra + 1 + p.maxStack
							nci.nresults = ins.C() - 1
							nci.nextra = 0
							nci.pc = 0
							nci.flags = 0
							t.setCI(nci)
							if s.stepBudget--; s.stepBudget <= 0 {
								goto budgetCheck
							}
							continue newframe
						}
						nci.setFunction(callee)
						nci.funcIdx = ra
						nci.base = ra + 1
						nci.top = ra + 1 + p.maxStack
						nci.nresults = ins.C() - 1
						nci.nextra = 0
						nci.pc = 0
						nci.flags = 0
						t.setCI(nci)
						if s.stepBudget--; s.stepBudget <= 0 {
							goto budgetCheck
						}
						continue newframe
					}
					if nargs < 0 {
						nargs = t.top - ra - 1
					}
					if _, err = t.precallLua(ra, nargs, ins.C()-1, callee); err != nil {
						goto onError
					}
					if s.stepBudget--; s.stepBudget <= 0 {
						if err = t.budgetCheck(); err != nil {
							goto onError
						}
						return errRestart
					}
					continue newframe
				}
				if fn.p != nil && *(*kind)(fn.p) == kindGoFunction && (*GoFunction)(fn.p).special == spNone {
					ra := ci.base + ins.A()
					nargs := ins.B() - 1
					if nargs < 0 {
						nargs = t.top - ra - 1
					}
					ci.pc = pc
					if err = t.callGo(ra, nargs, ins.C()-1, (*GoFunction)(fn.p)); err != nil {
						goto onError
					}
					continue newframe
				}

			case dTAILCALL:
				ci.pc = pc
				if fn := *regAt(base, ins.A()); fn.p != nil && !ins.K() && t.hook == nil {
					ra := ci.base + ins.A()
					nargs := ins.B() - 1
					if nargs < 0 {
						nargs = t.top - ra - 1
					}
					if *(*kind)(fn.p) == kindGoFunction && (*GoFunction)(fn.p).special == spNone {
						if err = t.callGo(ra, nargs, -1, (*GoFunction)(fn.p)); err != nil {
							goto onError
						}
						// The frame returns the results at once, as the
						// reference does (`return setmetatable(o, C)`),
						// out of line: code added to this function costs
						// every instruction a little in WebAssembly.
						st = t.returnFrom(ci, ra, t.top-ra)
						goto stepped
					}
					// The usual Lua callee, inline (tailCall does the rest):
					// it replaces the running frame in place.
					callee := fn.AsLuaFunction()
					dst := ci.funcIdx
					if callee != nil && !callee.proto.isVararg && dst+1+nargs+callee.proto.maxStack <= len(t.stack) &&
						ci.flags&^(ciTail|ciFresh|ciPcallBody|ciFinish|ciCoBase) == 0 {
						p := callee.proto
						from := unsafe.Pointer(regAt(base, ins.A()))
						to := unsafe.Add(base, (dst-ci.base)*int(valueSize))
						for i := 0; i <= nargs; i++ {
							// Without a barrier check where the kind is kept (see MOVE).
							if d, v := regAt(to, i), *regAt(from, i); d.p == v.p {
								d.n = v.n
							} else {
								*d = v
							}
						}
						for i := nargs; i < p.numParams; i++ {
							*regAt(to, 1+i) = Nil
						}
						ci.lf = callee
						ci.code = unsafe.Pointer(unsafe.SliceData(p.code))
						ci.k = unsafe.Pointer(unsafe.SliceData(p.k))
						ci.base = dst + 1
						ci.top = dst + 1 + p.maxStack
						ci.nextra = 0
						ci.pc = 0
						ci.flags = ci.flags&(ciFresh|ciPcallBody|ciFinish|ciCoBase) | ciTail
						if s.stepBudget--; s.stepBudget <= 0 {
							if err = t.budgetCheck(); err != nil {
								goto onError
							}
							return errRestart
						}
						continue newframe
					}
				}
				// After a Go callee, the RETURN that follows returns its results.
				switch t.tailCall(ci, ins, ci.base+ins.A()) {
				case stError:
					goto onError
				case stYield:
					return errYield
				case stRestart:
					return errRestart
				}
				t = s.running
				continue newframe
			case dRETURN:
				if ci.flags&^ciTail == 0 && (!ins.K() || len(t.tbc) == 0 || t.tbc[len(t.tbc)-1] < ci.base) {
					if ins.K() {
						// Its locals captured by closures made in this
						// call (a constructor of closures) are still open.
						if n := len(t.openUpvals); n > 0 && t.openUpvals[n-1].idx >= ci.base {
							t.closeUpvals(ci.base)
						}
					}
					t.setCI(ci.prev)
					if ins.B() == 2 && ci.nresults == 1 {
						// One result, as RETURN1 (which a function with
						// variables to close does not use).
						*regAt(base, ci.funcIdx-ci.base) = *regAt(base, ins.A())
						continue newframe
					}
					ra := ci.base + ins.A()
					n := ins.B() - 1
					if n < 0 {
						n = t.top - ra
					}
					t.postReturn(ci, ra, n)
					continue newframe
				}
			case dRETURN0:
				if ci.flags&^ciTail == 0 {
					t.setCI(ci.prev)
					if want := ci.nresults; want < 0 {
						t.top = ci.funcIdx
					} else if want > 0 {
						dst := unsafe.Add(base, (ci.funcIdx-ci.base)*int(valueSize))
						for i := 0; i < want; i++ {
							*regAt(dst, i) = Nil
						}
					}
					continue newframe
				}
			case dRETURN1:
				if ci.flags&^ciTail == 0 {
					t.setCI(ci.prev)
					v := *regAt(base, ins.A())
					dst := regAt(base, ci.funcIdx-ci.base)
					*dst = v
					if want := ci.nresults; want == 1 {
						continue newframe
					} else if want < 0 {
						t.top = ci.funcIdx + 1
					} else {
						for i := 1; i < want; i++ {
							*regAt(unsafe.Pointer(dst), i) = Nil
						}
					}
					continue newframe
				}
				if ci.flags&^ciTail == ciFinish && ci.nresults == 1 {
					// A Lua metamethod returns its result to the
					// instruction that called it (returnSpecial's case).
					t.setCI(ci.prev)
					t.nCcalls--
					v := *regAt(base, ins.A())
					*(*Value)(unsafe.Add(base, (ci.funcIdx-ci.base)*int(valueSize))) = v
					t.top = ci.funcIdx + 1
					switch t.finishOp(ci.prev, v) {
					case stError:
						goto onError
					case stExit:
						return nil
					case stYield:
						return errYield
					case stRestart:
						return errRestart
					}
					t = s.running
					continue newframe
				}

			case dFORLOOP:
				ra := regAt(base, ins.A())
				if step := *regAt(base, ins.A()+2); step.p == pInt {
					count := regAt(base, ins.A()+1)
					if count.n > 0 {
						count.n--
						idx := ra.n + step.n
						ra.n = idx
						pc -= ins.Bx()
						// The usual iteration falls straight through to
						// its continue: in WebAssembly every taken branch,
						// such as the merge after setInt, is a jump
						// through the function's block table.
						s.stepBudget--
						if v := regAt(base, ins.A()+3); v.p == pInt && s.stepBudget > 0 {
							v.n = idx
							continue
						}
						*regAt(base, ins.A()+3) = Value{pInt, idx}
						if s.stepBudget <= 0 {
							break
						}
						continue
					}
				} else {
					st := step.floatPayload()
					idx := ra.floatPayload() + st
					lim := regAt(base, ins.A()+1).floatPayload()
					if st > 0 && idx <= lim || st <= 0 && lim <= idx {
						ra.n = math.Float64bits(idx)
						setFloat(regAt(base, ins.A()+3), math.Float64bits(idx))
						pc -= ins.Bx()
					}
				}
				if s.stepBudget--; s.stepBudget <= 0 {
					break
				}
				continue
			case dFORPREP:
				init, limit, step := *regAt(base, ins.A()), *regAt(base, ins.A()+1), *regAt(base, ins.A()+2)
				if init.p == pInt && limit.p == pInt && step.p == pInt && step.n != 0 {
					// Integer loop: the limit slot becomes the iteration count.
					i0, lim, st := int64(init.n), int64(limit.n), int64(step.n)
					*regAt(base, ins.A()+3) = init
					var count uint64
					if st > 0 {
						if i0 > lim {
							pc += ins.Bx() + 1
							continue
						}
						count = uint64(lim) - uint64(i0)
						if st != 1 {
							count /= uint64(st)
						}
					} else {
						if i0 < lim {
							pc += ins.Bx() + 1
							continue
						}
						count = (uint64(i0) - uint64(lim)) / (uint64(-(st + 1)) + 1)
					}
					regAt(base, ins.A()+1).n = count
					continue
				}
			case dTFORCALL:
				ra := regAt(base, ins.A())
				fn := *ra
				*regAt(base, ins.A()+4) = fn
				*regAt(base, ins.A()+5) = *regAt(base, ins.A()+1)
				*regAt(base, ins.A()+6) = *regAt(base, ins.A()+2)
				if fn.p != nil && *(*kind)(fn.p) == kindLuaFunction {
					ci.pc = pc
					if _, err = t.precallLua(ci.base+ins.A()+4, 2, ins.C(), (*LuaFunction)(fn.p)); err != nil {
						goto onError
					}
					continue newframe
				}
			case dTFORLOOP:
				if v := *regAt(base, ins.A()+4); v.p != nil {
					pc -= ins.Bx()
					s.stepBudget--
					if r := regAt(base, ins.A()+2); r.p == v.p && s.stepBudget > 0 {
						// A control value of the kind of the last one
						// (see MOVE and FORLOOP).
						r.n = v.n
						continue
					}
					*regAt(base, ins.A()+2) = v
					if s.stepBudget <= 0 {
						break
					}
				}
				continue
			case dVARARGPREP:
				// The call set up the extra arguments (precallLua).
				continue
			}
			// Everything else, and the fast paths that did not apply.
			ci.pc = pc
			st = t.slowOp(ci, ins)
		stepped:
			switch st {
			case stError:
				goto onError
			case stExit:
				return nil
			case stYield:
				return errYield
			case stRestart:
				return errRestart
			}
			t = s.running
			continue newframe

		budgetCheck:
			// The instruction budget ran out at a call (see errRestart).
			if err = t.budgetCheck(); err != nil {
				goto onError
			}
			return errRestart

		condJump:
			// A test or comparison selected the JMP that follows it (Lua
			// always pairs them); a backward one, as in repeat-until, is
			// charged to the instruction budget like any other.
			if jmp := *(*compile.Instruction)(unsafe.Add(code, uintptr(pc)*4)); jmp.SJ() >= 0 {
				pc += jmp.SJ() + 1
				continue
			} else {
				pc += jmp.SJ() + 1
				if s.stepBudget--; s.stepBudget > 0 {
					continue
				}
				// The budget check in the slow path, as after a JMP.
				ci.pc = pc
				switch t.slowOp(ci, jmp) {
				case stError:
					goto onError
				case stRestart:
					return errRestart
				}
				continue newframe
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
		t = s.running
	}
}

// setFunction makes ci a frame of closure cl, out of line: in the exec
// loop's inline call, the branch to a block with a call is laid out as the
// unlikely one, so that the usual call (its frame cached from the last
// call of the same function) falls through.
//
//go:noinline
func (ci *callInfo) setFunction(cl *LuaFunction) {
	ci.lf = cl
	ci.code = unsafe.Pointer(unsafe.SliceData(cl.proto.code))
	ci.k = unsafe.Pointer(unsafe.SliceData(cl.proto.k))
}

// valueSize is the size of a Value; registers and constants are arrays of them.
const valueSize = unsafe.Sizeof(Value{})

// regAt returns element i of the Value array at base (a register of the
// running frame, or a constant).
func regAt(base unsafe.Pointer, i int) *Value {
	return (*Value)(unsafe.Add(base, uintptr(i)*valueSize))
}

// upvalAt returns upvalue cell i of closure cl. Its instructions' upvalue
// operands are in range (the verifier checks loaded code), so the exec
// loop indexes without a bounds check, whose branch costs most in
// WebAssembly (every Go basic block is an entry of the function's block
// table there).
func upvalAt(cl *LuaFunction, i int) *UpVal {
	return *(**UpVal)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(cl.upvals)), uintptr(i)*unsafe.Sizeof((*UpVal)(nil))))
}

// postReturn moves n results from slot first to the slot of the function
// of the popped frame ci, adjusted to the count its caller wants.
//
// The results move one by one: copy's runtime call (typedslicecopy) costs
// more than the few stores of the usual return, most in WebAssembly.
func (t *Thread) postReturn(ci *callInfo, first, n int) {
	dst := ci.funcIdx
	want := ci.nresults
	stack := t.stack
	if want < 0 {
		want = n
		t.top = dst + n
	} else if n > want {
		n = want
	}
	for i := 0; i < n; i++ {
		stack[dst+i] = stack[first+i]
	}
	for i := n; i < want; i++ {
		stack[dst+i] = Nil
	}
}

// stepStatus tells the exec loop how a slow path ended.
type stepStatus uint8

const (
	stDone    stepStatus = iota // the instruction completed; continue
	stFrame                     // a frame was pushed or popped, or the thread changed: reload
	stError                     // an error is in t.lastErr
	stExit                      // the fresh frame returned: leave the loop
	stYield                     // a Go-resumed coroutine yielded: leave the loop
	stRestart                   // a budget check passed: leave the loop to enter it again
)

// setUpvalue is the single write path of upvalues from Lua code.
func setUpvalue(u *UpVal, v Value) {
	if u.pers != nil {
		u.pers.journal.logCell(u)
	}
	*u.v = v
}
