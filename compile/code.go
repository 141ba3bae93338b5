package compile

import (
	"math"
)

// noJump marks an empty jump list (and the end of a list).
const noJump = -1

// maxIndexRK is the largest constant index usable as an RK operand.
const maxIndexRK = MaxArgB

// maxShortLen is the longest string the reference interns as a "short"
// string; only those can be GETFIELD/SETFIELD/GETTABUP keys.
const maxShortLen = 40

// code appends an instruction with the current line (luaK_code).
func (fs *funcState) code(i Instruction) int {
	f := fs.f
	f.Code = append(f.Code, i)
	f.LineInfo = append(f.LineInfo, int32(fs.c.lastLine))
	return len(f.Code) - 1
}

func (fs *funcState) pc() int { return len(fs.f.Code) }

func (fs *funcState) codeABCk(op Opcode, a, b, c int, k bool) int {
	return fs.code(CreateABCk(op, a, b, c, k))
}

func (fs *funcState) codeABC(op Opcode, a, b, c int) int {
	return fs.code(CreateABCk(op, a, b, c, false))
}

func (fs *funcState) codeABx(op Opcode, a, bx int) int { return fs.code(CreateABx(op, a, bx)) }

func (fs *funcState) codeAsBx(op Opcode, a, sbx int) int { return fs.code(CreateAsBx(op, a, sbx)) }

func (fs *funcState) codeExtraArg(a int) int { return fs.code(CreateAx(OP_EXTRAARG, a)) }

// fixLine changes the line of the last instruction (luaK_fixline).
func (fs *funcState) fixLine(line int) {
	fs.f.LineInfo[len(fs.f.LineInfo)-1] = int32(line)
}

// removeLastInstruction drops the last instruction (it was a NOT that a
// conditional jump absorbed).
func (fs *funcState) removeLastInstruction() {
	f := fs.f
	f.Code = f.Code[:len(f.Code)-1]
	f.LineInfo = f.LineInfo[:len(f.LineInfo)-1]
}

// previousInstruction returns a pointer to the last instruction, or nil
// when it is a jump target (then it must not be merged with the next one).
func (fs *funcState) previousInstruction() *Instruction {
	if fs.pc() > fs.lastTarget {
		return &fs.f.Code[fs.pc()-1]
	}
	return nil
}

func setA(i *Instruction, a int) {
	*i = *i&^(MaxArgA<<PosA) | Instruction(a)<<PosA
}

func setB(i *Instruction, b int) {
	*i = *i&^(MaxArgB<<PosB) | Instruction(b)<<PosB
}

func setC(i *Instruction, c int) {
	*i = *i&^(MaxArgC<<PosC) | Instruction(c)<<PosC
}

func setK(i *Instruction, k bool) {
	*i = *i&^(1<<PosK) | k2u(k)<<PosK
}

func setBx(i *Instruction, bx int) {
	*i = *i&^(MaxArgBx<<PosBx) | Instruction(bx)<<PosBx
}

func setOp(i *Instruction, op Opcode) {
	*i = *i&^(1<<SizeOp-1) | Instruction(op)
}

// loadNil sets n registers from 'from' to nil, merging with a previous
// LOADNIL when the ranges touch (luaK_nil).
func (fs *funcState) loadNil(from, n int) {
	l := from + n - 1
	if prev := fs.previousInstruction(); prev != nil && prev.Op() == OP_LOADNIL {
		pfrom := prev.A()
		pl := pfrom + prev.B()
		if (pfrom <= from && from <= pl+1) || (from <= pfrom && pfrom <= l+1) {
			from = min(from, pfrom)
			l = max(l, pl)
			setA(prev, from)
			setB(prev, l-from)
			return
		}
	}
	fs.codeABC(OP_LOADNIL, from, n-1, 0)
}

// ---- jumps ----

func (fs *funcState) getJump(pc int) int {
	offset := fs.f.Code[pc].SJ()
	if offset == noJump {
		return noJump
	}
	return pc + 1 + offset
}

func (fs *funcState) fixJump(pc, dest int) {
	jmp := &fs.f.Code[pc]
	offset := dest - (pc + 1)
	if !(-OffsetSJ <= offset && offset <= MaxArgSJ-OffsetSJ) {
		fs.c.syntaxError("control structure too long", "")
	}
	*jmp = CreateSJ(OP_JMP, offset)
}

// concatJumps appends list l2 to list *l1 (luaK_concat).
func (fs *funcState) concatJumps(l1 *int, l2 int) {
	if l2 == noJump {
		return
	}
	if *l1 == noJump {
		*l1 = l2
		return
	}
	list := *l1
	for {
		next := fs.getJump(list)
		if next == noJump {
			break
		}
		list = next
	}
	fs.fixJump(list, l2)
}

func (fs *funcState) jump() int { return fs.code(CreateSJ(OP_JMP, noJump)) }

// ret emits a return of nret values starting at first (luaK_ret).
func (fs *funcState) ret(first, nret int) {
	op := OP_RETURN
	switch nret {
	case 0:
		op = OP_RETURN0
	case 1:
		op = OP_RETURN1
	}
	fs.codeABC(op, first, nret+1, 0)
}

func (fs *funcState) condJump(op Opcode, a, b, c int, k bool) int {
	fs.codeABCk(op, a, b, c, k)
	return fs.jump()
}

// getLabel marks the current pc as a jump target and returns it.
func (fs *funcState) getLabel() int {
	fs.lastTarget = fs.pc()
	return fs.pc()
}

// jumpControl returns the instruction that controls the jump at pc: the
// test before it, if any.
func (fs *funcState) jumpControl(pc int) *Instruction {
	if pc >= 1 && Ops[fs.f.Code[pc-1].Op()].Test {
		return &fs.f.Code[pc-1]
	}
	return &fs.f.Code[pc]
}

// patchTestReg makes the TESTSET controlling the jump at node store its
// value into reg, or turns it into a plain TEST when no value is wanted.
func (fs *funcState) patchTestReg(node, reg int) bool {
	i := fs.jumpControl(node)
	if i.Op() != OP_TESTSET {
		return false
	}
	if reg != NoReg && reg != i.B() {
		setA(i, reg)
	} else {
		*i = CreateABCk(OP_TEST, i.B(), 0, 0, i.K())
	}
	return true
}

func (fs *funcState) removeValues(list int) {
	for ; list != noJump; list = fs.getJump(list) {
		fs.patchTestReg(list, NoReg)
	}
}

// patchListAux sends the jumps of list that produce values (TESTSET) to
// vtarget with their value in reg, and the others to dtarget.
func (fs *funcState) patchListAux(list, vtarget, reg, dtarget int) {
	for list != noJump {
		next := fs.getJump(list)
		if fs.patchTestReg(list, reg) {
			fs.fixJump(list, vtarget)
		} else {
			fs.fixJump(list, dtarget)
		}
		list = next
	}
}

func (fs *funcState) patchList(list, target int) { fs.patchListAux(list, target, NoReg, target) }

func (fs *funcState) patchToHere(list int) { fs.patchList(list, fs.getLabel()) }

// jumpTo emits a jump to target.
func (fs *funcState) jumpTo(target int) { fs.patchList(fs.jump(), target) }

// ---- registers ----

func (fs *funcState) checkStack(n int) {
	newStack := fs.freeReg + n
	if newStack > fs.f.MaxStackSize {
		if newStack >= MaxRegs {
			c := fs.c
			if c.regToken != "" {
				c.curLine = c.regLine
			}
			c.syntaxError("function or expression needs too many registers", c.regToken)
		}
		fs.f.MaxStackSize = newStack
	}
}

func (fs *funcState) reserveRegs(n int) {
	fs.checkStack(n)
	fs.freeReg += n
}

func (fs *funcState) freeRegister(reg int) {
	if reg >= fs.nvarstack() {
		fs.freeReg--
	}
}

func (fs *funcState) freeRegs(r1, r2 int) {
	if r1 > r2 {
		fs.freeRegister(r1)
		fs.freeRegister(r2)
	} else {
		fs.freeRegister(r2)
		fs.freeRegister(r1)
	}
}

func (fs *funcState) freeExp(e *expdesc) {
	if e.k == vNonReloc {
		fs.freeRegister(e.info)
	}
}

func (fs *funcState) freeExps(e1, e2 *expdesc) {
	r1, r2 := -1, -1
	if e1.k == vNonReloc {
		r1 = e1.info
	}
	if e2.k == vNonReloc {
		r2 = e2.info
	}
	fs.freeRegs(r1, r2)
}

// ---- constants ----

// nilKey and the bool keys stand for nil/true/false in the constant cache,
// whose keys otherwise are the constants themselves (as the reference's
// scanner table).
type nilKeyType struct{}

// addK returns the index of constant v, whose cache key is key. The cache
// is shared by all functions of the chunk, as in the reference, so a
// constant may be entered twice in a function when a nested function
// entered it meanwhile: reproducing that keeps listings identical.
func (fs *funcState) addK(key, v Constant) int {
	f := fs.f
	// Interface equality compares types too: 1 and 1.0 differ, as in the
	// reference's check.
	if k, ok := fs.c.kcache[key]; ok && k < len(f.Constants) && f.Constants[k] == v {
		return k
	}
	k := len(f.Constants)
	fs.c.kcache[key] = k
	f.Constants = append(f.Constants, v)
	return k
}

func (fs *funcState) stringK(s string) int { return fs.addK(s, s) }

func (fs *funcState) intK(n int64) int { return fs.addK(n, n) }

// numberK adds a float constant. Its cache key must differ from any integer
// key: integral floats use a nearby non-integral key (Lua 5.4.7).
func (fs *funcState) numberK(r float64) int {
	ik, ok := floatToInt(r)
	if !ok {
		return fs.addK(r, r)
	}
	q := math.Ldexp(1, -52)
	k := q
	if ik != 0 {
		k = r + r*q
	}
	// The reference's table normalizes integral float keys to integers.
	if i, ok := floatToInt(k); ok {
		return fs.addK(i, r)
	}
	return fs.addK(k, r)
}

func (fs *funcState) boolK(b bool) int { return fs.addK(b, b) }

func (fs *funcState) nilK() int { return fs.addK(nilKeyType{}, nil) }

// floatToInt converts f to an integer if it has an exact integer value
// (luaV_flttointns with F2Ieq).
func floatToInt(f float64) (int64, bool) {
	if f >= -(1<<63) && f < 1<<63 && f == math.Floor(f) {
		return int64(f), true
	}
	return 0, false
}

// codeK loads constant k into reg.
func (fs *funcState) codeK(reg, k int) int {
	if k <= MaxArgBx {
		return fs.codeABx(OP_LOADK, reg, k)
	}
	p := fs.codeABx(OP_LOADKX, reg, 0)
	fs.codeExtraArg(k)
	return p
}

func fitsC(i int64) bool { return uint64(i)+OffsetSC <= MaxArgC }

func fitsBx(i int64) bool { return -OffsetSBx <= i && i <= MaxArgBx-OffsetSBx }

func (fs *funcState) loadInt(reg int, i int64) {
	if fitsBx(i) {
		fs.codeAsBx(OP_LOADI, reg, int(i))
	} else {
		fs.codeK(reg, fs.intK(i))
	}
}

func (fs *funcState) loadFloat(reg int, f float64) {
	if fi, ok := floatToInt(f); ok && fitsBx(fi) {
		fs.codeAsBx(OP_LOADF, reg, int(fi))
	} else {
		fs.codeK(reg, fs.numberK(f))
	}
}

// setList emits a SETLIST storing tostore values (0: up to the top) at
// list position nelems+1 of the table in base (luaK_setlist).
func (fs *funcState) setList(base, nelems, tostore int) {
	if tostore == multRet {
		tostore = 0
	}
	if nelems <= MaxArgC {
		fs.codeABC(OP_SETLIST, base, tostore, nelems)
	} else {
		extra := nelems / (MaxArgC + 1)
		nelems %= MaxArgC + 1
		fs.codeABCk(OP_SETLIST, base, tostore, nelems, true)
		fs.codeExtraArg(extra)
	}
	fs.freeReg = base + 1
}

// setTableSize rewrites the NEWTABLE at pc (and its EXTRAARG) with the
// constructor's final size hints.
func (fs *funcState) setTableSize(pc, ra, asize, hsize int) {
	rb := 0
	if hsize != 0 {
		rb = ceilLog2(uint(hsize)) + 1
	}
	extra := asize / (MaxArgC + 1)
	rc := asize % (MaxArgC + 1)
	fs.f.Code[pc] = CreateABCk(OP_NEWTABLE, ra, rb, rc, extra > 0)
	fs.f.Code[pc+1] = CreateAx(OP_EXTRAARG, extra)
}

// ceilLog2 is ceil(log2(x)) for x > 0.
func ceilLog2(x uint) int {
	l := 0
	x--
	for x > 0 {
		l++
		x >>= 1
	}
	return l
}

// finish makes the final adjustments to a function's code (luaK_finish):
// returns of vararg functions or of functions with variables to close
// become full RETURNs carrying that information, and jumps to jumps go
// straight to their final target.
func (fs *funcState) finish() {
	p := fs.f
	for i := range p.Code {
		pc := &p.Code[i]
		switch pc.Op() {
		case OP_RETURN0, OP_RETURN1:
			if !(fs.needClose || p.IsVararg) {
				break
			}
			setOp(pc, OP_RETURN)
			fallthrough
		case OP_RETURN, OP_TAILCALL:
			if fs.needClose {
				setK(pc, true)
			}
			if p.IsVararg {
				setC(pc, p.NumParams+1)
			}
		case OP_JMP:
			fs.fixJump(i, finalTarget(p.Code, i))
		}
	}
}

// finalTarget follows a chain of jumps (at most 100, to stop on loops).
func finalTarget(code []Instruction, i int) int {
	for range 100 {
		pc := code[i]
		if pc.Op() != OP_JMP {
			break
		}
		i += pc.SJ() + 1
	}
	return i
}
