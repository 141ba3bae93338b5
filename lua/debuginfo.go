package lua

import (
	"strings"

	"github.com/luawasm/luawasm/compile"
	"github.com/luawasm/luawasm/internal/printf"
)

// Names of values for error messages and tracebacks, found by symbolic
// execution of the bytecode as the reference's ldebug.c does: which
// instruction last set a register tells whether it holds a local, a
// global, a field, an upvalue, a method or a constant.

// currentPC returns the index of the instruction a Lua frame is executing.
func (ci *callInfo) currentPC() int { return ci.pc - 1 }

// currentLine returns the source line a Lua frame is executing, or -1.
func (ci *callInfo) currentLine() int {
	if ci.lf == nil {
		return -1
	}
	return ci.lf.proto.src.Line(ci.currentPC())
}

func upvalName(p *compile.Proto, i int) string {
	if i < len(p.Upvalues) && p.Upvalues[i].Name != "" {
		return p.Upvalues[i].Name
	}
	return "?"
}

// kname names constant k when it is a string.
func kname(p *compile.Proto, k int) (kind, name string) {
	if s, ok := p.Constants[k].(string); ok {
		return "constant", s
	}
	return "", "?"
}

// findSetReg returns the last instruction before lastpc that set register
// reg, or -1 when that depends on control flow.
func findSetReg(p *compile.Proto, lastpc, reg int) int {
	if compile.Ops[p.Code[lastpc].Op()].MM {
		lastpc-- // the arithmetic instruction before an MMBIN was not completed
	}
	setreg := -1
	jmptarget := 0 // code before this address is conditional
	for pc := 0; pc < lastpc; pc++ {
		i := p.Code[pc]
		op := i.Op()
		a := i.A()
		change := false
		switch op {
		case compile.OP_LOADNIL:
			change = a <= reg && reg <= a+i.B()
		case compile.OP_TFORCALL:
			change = reg >= a+2
		case compile.OP_CALL, compile.OP_TAILCALL:
			change = reg >= a
		case compile.OP_JMP:
			dest := pc + 1 + i.SJ()
			if dest <= lastpc && dest > jmptarget {
				jmptarget = dest
			}
		default:
			change = compile.Ops[op].SetsA && reg == a
		}
		if change {
			if pc < jmptarget {
				setreg = -1
			} else {
				setreg = pc
			}
		}
	}
	return setreg
}

// basicObjName names register reg at pc from locals, moves, upvalues and
// constants; *ppc becomes the instruction that set it.
func basicObjName(p *compile.Proto, ppc *int, reg int) (kind, name string) {
	pc := *ppc
	if name = p.LocalName(reg+1, pc); name != "" {
		return "local", name
	}
	pc = findSetReg(p, pc, reg)
	*ppc = pc
	if pc != -1 {
		i := p.Code[pc]
		switch i.Op() {
		case compile.OP_MOVE:
			if b := i.B(); b < i.A() {
				return basicObjName(p, ppc, b)
			}
		case compile.OP_GETUPVAL:
			return "upvalue", upvalName(p, i.B())
		case compile.OP_LOADK:
			return kname(p, i.Bx())
		case compile.OP_LOADKX:
			if pc+1 < len(p.Code) {
				return kname(p, p.Code[pc+1].Ax())
			}
		}
	}
	return "", ""
}

// rname names the key register c: only a constant string gives a name.
func rname(p *compile.Proto, pc, c int) string {
	kind, name := basicObjName(p, &pc, c)
	if kind != "constant" {
		return "?"
	}
	return name
}

// isEnv tells whether instruction i indexes the table _ENV.
func isEnv(p *compile.Proto, pc int, i compile.Instruction, isup bool) string {
	t := i.B()
	var name string
	if isup {
		name = upvalName(p, t)
	} else {
		kind, n := basicObjName(p, &pc, t)
		if kind == "local" || kind == "upvalue" {
			name = n
		}
	}
	if name == "_ENV" {
		return "global"
	}
	return "field"
}

// getObjName names register reg at instruction lastpc.
func getObjName(p *compile.Proto, lastpc, reg int) (kind, name string) {
	if kind, name = basicObjName(p, &lastpc, reg); kind != "" {
		return kind, name
	}
	if lastpc == -1 {
		return "", ""
	}
	i := p.Code[lastpc]
	switch i.Op() {
	case compile.OP_GETTABUP:
		_, name = kname(p, i.C())
		return isEnv(p, lastpc, i, true), name
	case compile.OP_GETTABLE:
		return isEnv(p, lastpc, i, false), rname(p, lastpc, i.C())
	case compile.OP_GETI:
		return "field", "integer index"
	case compile.OP_GETFIELD:
		_, name = kname(p, i.C())
		return isEnv(p, lastpc, i, false), name
	case compile.OP_SELF:
		if i.K() {
			_, name = kname(p, i.C())
		} else {
			name = rname(p, lastpc, i.C())
		}
		return "method", name
	}
	return "", ""
}

// funcNameFromCode names the function called by instruction pc: the
// callee of a call, or the metamethod an instruction invokes.
func funcNameFromCode(p *compile.Proto, pc int) (kind, name string) {
	i := p.Code[pc]
	var tm tmEvent
	switch i.Op() {
	case compile.OP_CALL, compile.OP_TAILCALL:
		return getObjName(p, pc, i.A())
	case compile.OP_TFORCALL:
		return "for iterator", "for iterator"
	case compile.OP_SELF, compile.OP_GETTABUP, compile.OP_GETTABLE, compile.OP_GETI, compile.OP_GETFIELD:
		tm = tmIndex
	case compile.OP_SETTABUP, compile.OP_SETTABLE, compile.OP_SETI, compile.OP_SETFIELD:
		tm = tmNewindex
	case compile.OP_MMBIN, compile.OP_MMBINI, compile.OP_MMBINK:
		tm = tmEvent(i.C())
	case compile.OP_UNM:
		tm = tmUnm
	case compile.OP_BNOT:
		tm = tmBnot
	case compile.OP_LEN:
		tm = tmLen
	case compile.OP_CONCAT:
		tm = tmConcat
	case compile.OP_EQ:
		tm = tmEq
	case compile.OP_LT, compile.OP_LTI, compile.OP_GTI:
		tm = tmLt
	case compile.OP_LE, compile.OP_LEI, compile.OP_GEI:
		tm = tmLe
	case compile.OP_CLOSE, compile.OP_RETURN:
		tm = tmClose
	default:
		return "", ""
	}
	if int(tm) >= len(tmNameStrings) {
		return "", ""
	}
	return "metamethod", tmNameStrings[tm][2:]
}

// funcNameFromCall names the function running in frame ci from the
// instruction of its caller (getfuncname).
func funcNameFromCall(ci *callInfo) (kind, name string) {
	if ci == nil || ci.flags&ciTail != 0 {
		return "", ""
	}
	caller := ci.prev
	switch {
	case caller == nil:
		return "", ""
	case caller.flags&ciHooked != 0:
		return "hook", "?"
	case caller.flags&ciFinalizer != 0:
		return "metamethod", "__gc"
	case caller.lf != nil && caller.flags&ciGo == 0:
		return funcNameFromCode(caller.lf.proto.src, caller.currentPC())
	}
	return "", ""
}

// varInfo describes register reg (or upvalue upv) of the running Lua frame
// for error messages: " (local 'x')", or "" when nothing is known.
func varInfo(ci *callInfo, reg, upv int) string {
	if ci == nil || ci.lf == nil || ci.flags&ciGo != 0 {
		return ""
	}
	p := ci.lf.proto.src
	var kind, name string
	if upv >= 0 {
		kind, name = "upvalue", upvalName(p, upv)
	} else if reg >= 0 {
		kind, name = getObjName(p, ci.currentPC(), reg)
	}
	return formatVarInfo(kind, name)
}

func formatVarInfo(kind, name string) string {
	if kind == "" {
		return ""
	}
	return printf.Sprintf(" (%s '%s')", kind, cString(name))
}

// cString cuts a name at its first zero byte, as the reference's messages
// do: they format names, which may be any constant string, with C's %s.
func cString(name string) string {
	name, _, _ = strings.Cut(name, "\x00")
	return name
}
