package lua

import (
	"unsafe"

	"github.com/luawasm/luawasm/compile"
)

// Debug hooks (debug.sethook). A thread with a hook runs its Lua frames on
// a trap copy of each prototype's code, in which every instruction carries
// opTrap in place of its opcode (the operands stay, so the exec loop's
// reads of a following jump or EXTRAARG still work). opTrap has no fast
// path: the exec loop hands it to slowOp, which reports the instruction
// to the hook (traceExec) and lets the loop dispatch the real one. Threads
// without a hook run the original code, so hooks cost nothing there.

// opTrap is the opcode of the trap copy, beyond every real opcode.
const opTrap = compile.Opcode(1<<compile.SizeOp - 1)

// Hook event masks, as the reference's LUA_MASK*.
const (
	hookCall = 1 << iota
	hookRet
	hookLine
	hookCount
)

type hookState struct {
	fn        Value
	mask      uint8
	baseCount int
	count     int       // instructions left before the next count event
	oldpc     int       // instruction of the last line event check ('L->oldpc')
	running   bool      // a hook is running: no other hook starts ('allowhook')
	entering  *callInfo // frame pushed whose call event is due at its first instruction
}

// trapCode returns fp's trap copy of its code.
func (fp *funcProto) trapCode() []compile.Instruction {
	if fp.trap == nil {
		fp.trap = make([]compile.Instruction, len(fp.code))
		for i, ins := range fp.code {
			fp.trap[i] = ins&^(1<<compile.SizeOp-1) | compile.Instruction(opTrap)
		}
	}
	return fp.trap
}

// setHook installs fn with mask and count on t (mask 0 removes the hook)
// and switches t's active Lua frames to the code that fits.
func (t *Thread) setHook(fn Value, mask uint8, count int) {
	t.restoreTrap()
	if mask == 0 {
		t.hook = nil
	} else {
		oldpc := 0
		if t.hook != nil {
			oldpc = t.hook.oldpc
		}
		t.hook = &hookState{fn: fn, mask: mask, baseCount: count, count: count, oldpc: oldpc}
	}
	for ci := t.ci; ci != &t.baseCI; ci = ci.prev {
		if ci.flags&ciGo == 0 && ci.lf != nil {
			code := ci.lf.proto.code
			if t.hook != nil {
				code = ci.lf.proto.trapCode()
			}
			ci.code = unsafe.Pointer(unsafe.SliceData(code))
		}
	}
	// The frames cached beyond the running one keep the code they last
	// ran, which may be a trap copy; they forget their closure, since the
	// exec loop's inline call reuses a cached frame of the same closure
	// with its code as it is (vm.go).
	for ci := t.ci.next; ci != nil; ci = ci.next {
		ci.lf = nil
	}
}

// hookFrame prepares a new Lua frame of a hooked thread. (Kept out of
// line: precallLua is on every call's path.)
//
//go:noinline
func (t *Thread) hookFrame(ci *callInfo) {
	ci.code = unsafe.Pointer(unsafe.SliceData(ci.lf.proto.trapCode()))
	t.hook.entering = ci
}

// callHook runs the hook for event with line (-1 for none) unless a hook
// is running.
func (t *Thread) callHook(event string, line int) error {
	h := t.hook
	if h == nil || h.running || h.fn.IsNil() {
		return nil
	}
	h.running = true
	lv := Nil
	if line >= 0 {
		lv = Int(int64(line))
	}
	top := t.top // instructions that use the top (multiple results) keep it
	ci := t.ci
	ci.flags |= ciHooked // names the hook "hook '?'" in tracebacks, as the reference
	_, err := t.Call(h.fn, String(event), lv)
	ci.flags &^= ciHooked
	h.running = false
	t.top = top
	return err
}

// traceExec handles a trapped instruction of Lua frame ci (whose pc is
// past it): the call event at function entry, count and line events, as
// the reference's luaG_traceexec. The loop then executes the real
// instruction (retry).
func (t *Thread) traceExec(ci *callInfo) stepStatus {
	t.restoreTrap()
	p := ci.lf.proto
	npc := ci.pc - 1
	real := p.code[npc]
	h := t.hook
	if h == nil {
		return t.retry(ci, real)
	}
	if h.entering == ci {
		// The frame's first instruction: nothing ran on this thread since
		// precallLua pushed it.
		h.entering = nil
		h.oldpc = 0
		if h.mask&hookCall != 0 {
			event := "call"
			if ci.flags&ciTail != 0 {
				event = "tail call"
			}
			if err := t.callHook(event, -1); err != nil {
				t.lastErr = err
				return stError
			}
		}
		if real.Op() == compile.OP_VARARGPREP {
			// The next instruction is seen as a new line.
			if h = t.hook; h != nil {
				h.oldpc = 1
			}
			return t.retry(ci, real)
		}
		if h = t.hook; h == nil {
			return t.retry(ci, real)
		}
	}
	counted := false
	if h.mask&hookCount != 0 {
		if h.count--; h.count == 0 {
			h.count = h.baseCount
			counted = true
		}
	}
	if counted {
		if err := t.callHook("count", -1); err != nil {
			t.lastErr = err
			return stError
		}
	}
	if h = t.hook; h != nil && h.mask&hookLine != 0 {
		oldpc := h.oldpc
		if oldpc >= len(p.code) {
			oldpc = 0
		}
		if npc <= oldpc || p.src.Line(oldpc) != p.src.Line(npc) {
			if err := t.callHook("line", p.src.Line(npc)); err != nil {
				t.lastErr = err
				return stError
			}
		}
		if h = t.hook; h != nil {
			h.oldpc = npc
		}
	}
	return t.retry(ci, real)
}

// retry hands the real instruction back to the exec loop. Returns run
// here, since the loop's fast paths do not report them.
func (t *Thread) retry(ci *callInfo, real compile.Instruction) stepStatus {
	switch real.Op() {
	case compile.OP_RETURN, compile.OP_RETURN0, compile.OP_RETURN1:
		return t.slowOp(ci, real)
	}
	switch {
	case real.Op() == compile.OP_JMP && real.SJ() == -1:
		// A jump to itself stays trapped, as does an empty numeric loop.
		ci.pc--
		return stFrame
	case real.Op() == compile.OP_FORLOOP && real.Bx() == 1:
		if t.forLoopStep(ci.base + real.A()) {
			ci.pc--
		}
		return stFrame
	}
	// The loop executes the real instruction from the trap copy, which
	// the next trap restores.
	t.restoreTrap()
	if t.hook != nil && ci.code == unsafe.Pointer(unsafe.SliceData(ci.lf.proto.trap)) {
		fp := ci.lf.proto
		fp.trap[ci.pc-1] = real
		t.state.patched, t.state.patchedAt = fp, ci.pc-1
	}
	ci.pc--
	return stFrame
}

// restoreTrap puts back the trap that the last trapped instruction
// replaced.
func (t *Thread) restoreTrap() {
	s := t.state
	if fp := s.patched; fp != nil {
		ins := fp.trap[s.patchedAt]
		fp.trap[s.patchedAt] = ins&^(1<<compile.SizeOp-1) | compile.Instruction(opTrap)
		s.patched = nil
	}
}

// returnHook reports the return of frame ci (the running one) and sets
// the caller's line tracking to its call instruction.
func (t *Thread) returnHook(ci *callInfo) error {
	h := t.hook
	if h.mask&hookRet != 0 {
		if err := t.callHook("return", -1); err != nil {
			return err
		}
	}
	if h = t.hook; h != nil {
		if prev := ci.prev; prev != nil && prev.flags&ciGo == 0 && prev.lf != nil {
			h.oldpc = prev.pc - 1
		}
	}
	return nil
}

// goCallHook reports the call of the running Go function.
func (t *Thread) goCallHook() error {
	if t.hook.mask&hookCall != 0 {
		return t.callHook("call", -1)
	}
	return nil
}

// goReturnHook reports the return of Go frame ci with results rets.
func (t *Thread) goReturnHook(ci *callInfo, rets []Value) ([]Value, error) {
	// The hook may reuse the stack space the results live in.
	rets = append([]Value(nil), rets...)
	if err := t.returnHook(ci); err != nil {
		return nil, err
	}
	return rets, nil
}

func hookMaskString(mask uint8) string {
	s := ""
	if mask&hookCall != 0 {
		s += "c"
	}
	if mask&hookRet != 0 {
		s += "r"
	}
	if mask&hookLine != 0 {
		s += "l"
	}
	return s
}

func dbSethook(t *Thread, args []Value) ([]Value, error) {
	target, arg := t, 0
	if len(args) > 0 && args[0].kind() == kindThread {
		target, arg = (*Thread)(args[0].p), 1
	}
	if len(args) <= arg || args[arg].IsNil() {
		target.setHook(Nil, 0, 0)
		return nil, nil
	}
	smask, err := CheckString(args, arg+2)
	if err != nil {
		return nil, err
	}
	if _, err := CheckFunction(args, arg+1); err != nil {
		return nil, err
	}
	count, err := OptInt(args, arg+3, 0)
	if err != nil {
		return nil, err
	}
	var mask uint8
	for _, c := range smask {
		switch c {
		case 'c':
			mask |= hookCall
		case 'r':
			mask |= hookRet
		case 'l':
			mask |= hookLine
		}
	}
	if count > 0 {
		mask |= hookCount
	}
	target.setHook(args[arg], mask, int(count))
	return nil, nil
}

func dbGethook(t *Thread, args []Value) ([]Value, error) {
	target := t
	if len(args) > 0 && args[0].kind() == kindThread {
		target = (*Thread)(args[0].p)
	}
	h := target.hook
	if h == nil {
		return t.Ret(Nil)
	}
	return t.Ret(h.fn, String(hookMaskString(h.mask)), Int(int64(h.baseCount)))
}

// forLoopStep advances the numeric for loop whose control registers start
// at slot ra (as the exec loop's FORLOOP) and reports whether it continues.
func (t *Thread) forLoopStep(ra int) bool {
	st := t.stack
	if step := st[ra+2]; step.p == pInt {
		if st[ra+1].n == 0 {
			return false
		}
		st[ra+1].n--
		idx := Int(st[ra].intPayload() + step.intPayload())
		st[ra], st[ra+3] = idx, idx
		return true
	}
	step := st[ra+2].floatPayload()
	idx := st[ra].floatPayload() + step
	lim := st[ra+1].floatPayload()
	if step > 0 && idx <= lim || step <= 0 && lim <= idx {
		st[ra], st[ra+3] = Float(idx), Float(idx)
		return true
	}
	return false
}
