package compile

// expKind says where an expression's value is (lparser.h's expkind); the
// order matters for the range tests below.
type expKind uint8

const (
	vVoid     expKind = iota // empty expression list / no value
	vNil                     // constant nil
	vTrue                    // constant true
	vFalse                   // constant false
	vK                       // constant in K; info = index
	vKFlt                    // float constant; nval
	vKInt                    // integer constant; ival
	vKStr                    // string constant; strval
	vNonReloc                // value in a fixed register; info = register
	vLocal                   // local variable; ridx = register, vidx = index among active variables
	vUpval                   // upvalue; info = upvalue index
	vConst                   // compile-time constant; info = absolute index in actvar
	vIndexed                 // t[k]; indT = table register, indIdx = key register
	vIndexUp                 // upvalue[k]; indT = upvalue, indIdx = key constant (short string)
	vIndexI                  // t[i]; indT = table register, indIdx = integer key
	vIndexStr                // t.k; indT = table register, indIdx = key constant (short string)
	vJmp                     // test/comparison; info = pc of its jump
	vReloc                   // result can go to any register; info = instruction pc
	vCall                    // function call; info = instruction pc
	vVararg                  // vararg expression; info = instruction pc
)

// multRet is LUA_MULTRET: "all values".
const multRet = -1

func (k expKind) isVar() bool     { return vLocal <= k && k <= vIndexStr }
func (k expKind) isIndexed() bool { return vIndexed <= k && k <= vIndexStr }
func (k expKind) multRet() bool   { return k == vCall || k == vVararg }

// An expdesc describes a value not yet placed (lparser.h's expdesc). t and
// f are the lists of pending jumps taken when the expression is true/false.
type expdesc struct {
	k      expKind
	info   int
	ival   int64
	nval   float64
	strval string
	indT   int // vIndexed...: table register or upvalue
	indIdx int // vIndexed...: key register, constant or integer
	ridx   int // vLocal: register
	vidx   int // vLocal: index among the function's active variables
	t, f   int
}

func newExp(k expKind, info int) expdesc {
	return expdesc{k: k, info: info, t: noJump, f: noJump}
}

func (e *expdesc) hasJumps() bool { return e.t != e.f }

// isNumeral reports whether e is a numeric constant without jumps.
func (e *expdesc) isNumeral() bool {
	return !e.hasJumps() && (e.k == vKInt || e.k == vKFlt)
}

// numeral returns the value of a numeric constant.
func (e *expdesc) numeral() Constant {
	if e.k == vKInt {
		return e.ival
	}
	return e.nval
}

// toConst returns e's value if it is a constant of any kind (luaK_exp2const).
func (fs *funcState) toConst(e *expdesc) (Constant, bool) {
	if e.hasJumps() {
		return nil, false
	}
	switch e.k {
	case vFalse:
		return false, true
	case vTrue:
		return true, true
	case vNil:
		return nil, true
	case vKStr:
		return e.strval, true
	case vConst:
		return fs.c.actvar[e.info].k, true
	case vKInt, vKFlt:
		return e.numeral(), true
	}
	return nil, false
}

// constToExp turns a compile-time constant's value into an expression.
func constToExp(v Constant, e *expdesc) {
	switch v := v.(type) {
	case int64:
		e.k, e.ival = vKInt, v
	case float64:
		e.k, e.nval = vKFlt, v
	case bool:
		if v {
			e.k = vTrue
		} else {
			e.k = vFalse
		}
	case nil:
		e.k = vNil
	case string:
		e.k, e.strval = vKStr, v
	}
}

func (fs *funcState) instruction(e *expdesc) *Instruction { return &fs.f.Code[e.info] }

// setReturns makes an open call or vararg produce nresults values.
func (fs *funcState) setReturns(e *expdesc, nresults int) {
	pc := fs.instruction(e)
	setC(pc, nresults+1)
	if e.k == vVararg {
		setA(pc, fs.freeReg)
		fs.reserveRegs(1)
	}
}

func (fs *funcState) setMultRet(e *expdesc) { fs.setReturns(e, multRet) }

func (fs *funcState) str2K(e *expdesc) {
	e.info = fs.stringK(e.strval)
	e.k = vK
}

// setOneRet makes an open call or vararg produce exactly one value.
func (fs *funcState) setOneRet(e *expdesc) {
	switch e.k {
	case vCall:
		e.k = vNonReloc
		e.info = fs.instruction(e).A()
	case vVararg:
		setC(fs.instruction(e), 2)
		e.k = vReloc
	}
}

// dischargeVars turns a variable into a value (luaK_dischargevars).
func (fs *funcState) dischargeVars(e *expdesc) {
	switch e.k {
	case vConst:
		constToExp(fs.c.actvar[e.info].k, e)
	case vLocal:
		e.info = e.ridx
		e.k = vNonReloc
	case vUpval:
		e.info = fs.codeABC(OP_GETUPVAL, 0, e.info, 0)
		e.k = vReloc
	case vIndexUp:
		e.info = fs.codeABC(OP_GETTABUP, 0, e.indT, e.indIdx)
		e.k = vReloc
	case vIndexI:
		fs.freeRegister(e.indT)
		e.info = fs.codeABC(OP_GETI, 0, e.indT, e.indIdx)
		e.k = vReloc
	case vIndexStr:
		fs.freeRegister(e.indT)
		e.info = fs.codeABC(OP_GETFIELD, 0, e.indT, e.indIdx)
		e.k = vReloc
	case vIndexed:
		fs.freeRegs(e.indT, e.indIdx)
		e.info = fs.codeABC(OP_GETTABLE, 0, e.indT, e.indIdx)
		e.k = vReloc
	case vVararg, vCall:
		fs.setOneRet(e)
	}
}

func (fs *funcState) discharge2reg(e *expdesc, reg int) {
	fs.dischargeVars(e)
	switch e.k {
	case vNil:
		fs.loadNil(reg, 1)
	case vFalse:
		fs.codeABC(OP_LOADFALSE, reg, 0, 0)
	case vTrue:
		fs.codeABC(OP_LOADTRUE, reg, 0, 0)
	case vKStr:
		fs.str2K(e)
		fs.codeK(reg, e.info)
	case vK:
		fs.codeK(reg, e.info)
	case vKFlt:
		fs.loadFloat(reg, e.nval)
	case vKInt:
		fs.loadInt(reg, e.ival)
	case vReloc:
		setA(fs.instruction(e), reg)
	case vNonReloc:
		if reg != e.info {
			fs.codeABC(OP_MOVE, reg, e.info, 0)
		}
	default: // vJmp: nothing to do
		return
	}
	e.info = reg
	e.k = vNonReloc
}

func (fs *funcState) discharge2anyreg(e *expdesc) {
	if e.k != vNonReloc {
		fs.reserveRegs(1)
		fs.discharge2reg(e, fs.freeReg-1)
	}
}

func (fs *funcState) codeLoadBool(a int, op Opcode) int {
	fs.getLabel() // those instructions may be jump targets
	return fs.codeABC(op, a, 0, 0)
}

// needValue reports whether some jump in list does not produce a value.
func (fs *funcState) needValue(list int) bool {
	for ; list != noJump; list = fs.getJump(list) {
		if fs.jumpControl(list).Op() != OP_TESTSET {
			return true
		}
	}
	return false
}

// exp2reg puts e's final value, including its pending jumps, into reg.
func (fs *funcState) exp2reg(e *expdesc, reg int) {
	fs.discharge2reg(e, reg)
	if e.k == vJmp {
		fs.concatJumps(&e.t, e.info)
	}
	if e.hasJumps() {
		pf, pt := noJump, noJump // positions of the LOADFALSE/LOADTRUE, if needed
		if fs.needValue(e.t) || fs.needValue(e.f) {
			fj := noJump
			if e.k != vJmp {
				fj = fs.jump()
			}
			pf = fs.codeLoadBool(reg, OP_LFALSESKIP)
			pt = fs.codeLoadBool(reg, OP_LOADTRUE)
			fs.patchToHere(fj)
		}
		final := fs.getLabel()
		fs.patchListAux(e.f, final, reg, pf)
		fs.patchListAux(e.t, final, reg, pt)
	}
	e.f, e.t = noJump, noJump
	e.info = reg
	e.k = vNonReloc
}

func (fs *funcState) exp2nextreg(e *expdesc) {
	fs.dischargeVars(e)
	fs.freeExp(e)
	fs.reserveRegs(1)
	fs.exp2reg(e, fs.freeReg-1)
}

func (fs *funcState) exp2anyreg(e *expdesc) int {
	fs.dischargeVars(e)
	if e.k == vNonReloc {
		if !e.hasJumps() {
			return e.info
		}
		if e.info >= fs.nvarstack() { // not a local: can hold the jump values
			fs.exp2reg(e, e.info)
			return e.info
		}
	}
	fs.exp2nextreg(e)
	return e.info
}

// exp2anyregup places e in a register unless it is an upvalue.
func (fs *funcState) exp2anyregup(e *expdesc) {
	if e.k != vUpval || e.hasJumps() {
		fs.exp2anyreg(e)
	}
}

// exp2val makes e a value: in a register if it has jumps, else discharged.
func (fs *funcState) exp2val(e *expdesc) {
	if e.hasJumps() {
		fs.exp2anyreg(e)
	} else {
		fs.dischargeVars(e)
	}
}

// exp2K makes e a K operand if it is a constant with a small enough index.
func (fs *funcState) exp2K(e *expdesc) bool {
	if e.hasJumps() {
		return false
	}
	var info int
	switch e.k {
	case vTrue:
		info = fs.boolK(true)
	case vFalse:
		info = fs.boolK(false)
	case vNil:
		info = fs.nilK()
	case vKInt:
		info = fs.intK(e.ival)
	case vKFlt:
		info = fs.numberK(e.nval)
	case vKStr:
		info = fs.stringK(e.strval)
	case vK:
		info = e.info
	default:
		return false
	}
	if info <= maxIndexRK {
		e.k = vK
		e.info = info
		return true
	}
	return false
}

// exp2RK makes e a K operand or puts it in a register; it reports which.
func (fs *funcState) exp2RK(e *expdesc) bool {
	if fs.exp2K(e) {
		return true
	}
	fs.exp2anyreg(e)
	return false
}

func (fs *funcState) codeABRK(op Opcode, a, b int, ec *expdesc) {
	k := fs.exp2RK(ec)
	fs.codeABCk(op, a, b, ec.info, k)
}

// storeVar assigns ex to the variable var (luaK_storevar).
func (fs *funcState) storeVar(v, ex *expdesc) {
	switch v.k {
	case vLocal:
		fs.freeExp(ex)
		fs.exp2reg(ex, v.ridx)
		return
	case vUpval:
		e := fs.exp2anyreg(ex)
		fs.codeABC(OP_SETUPVAL, e, v.info, 0)
	case vIndexUp:
		fs.codeABRK(OP_SETTABUP, v.indT, v.indIdx, ex)
	case vIndexI:
		fs.codeABRK(OP_SETI, v.indT, v.indIdx, ex)
	case vIndexStr:
		fs.codeABRK(OP_SETFIELD, v.indT, v.indIdx, ex)
	case vIndexed:
		fs.codeABRK(OP_SETTABLE, v.indT, v.indIdx, ex)
	}
	fs.freeExp(ex)
}

// self compiles e:key into the SELF instruction (luaK_self).
func (fs *funcState) self(e, key *expdesc) {
	fs.exp2anyreg(e)
	ereg := e.info
	fs.freeExp(e)
	e.info = fs.freeReg
	e.k = vNonReloc
	fs.reserveRegs(2)
	fs.codeABRK(OP_SELF, e.info, ereg, key)
	fs.freeExp(key)
}

func (fs *funcState) negateCondition(e *expdesc) {
	pc := fs.jumpControl(e.info)
	setK(pc, !pc.K())
}

// jumpOnCond emits a jump taken when e's truth equals cond.
func (fs *funcState) jumpOnCond(e *expdesc, cond bool) int {
	if e.k == vReloc {
		ie := *fs.instruction(e)
		if ie.Op() == OP_NOT {
			fs.removeLastInstruction()
			return fs.condJump(OP_TEST, ie.B(), 0, 0, !cond)
		}
	}
	fs.discharge2anyreg(e)
	fs.freeExp(e)
	return fs.condJump(OP_TESTSET, NoReg, e.info, 0, cond)
}

// goIfTrue falls through when e is true and jumps (via e.f) when false.
func (fs *funcState) goIfTrue(e *expdesc) {
	var pc int
	fs.dischargeVars(e)
	switch e.k {
	case vJmp:
		fs.negateCondition(e)
		pc = e.info
	case vK, vKFlt, vKInt, vKStr, vTrue:
		pc = noJump // always true
	default:
		pc = fs.jumpOnCond(e, false)
	}
	fs.concatJumps(&e.f, pc)
	fs.patchToHere(e.t)
	e.t = noJump
}

// goIfFalse falls through when e is false and jumps (via e.t) when true.
func (fs *funcState) goIfFalse(e *expdesc) {
	var pc int
	fs.dischargeVars(e)
	switch e.k {
	case vJmp:
		pc = e.info
	case vNil, vFalse:
		pc = noJump // always false
	default:
		pc = fs.jumpOnCond(e, true)
	}
	fs.concatJumps(&e.t, pc)
	fs.patchToHere(e.f)
	e.f = noJump
}

func (fs *funcState) isKstr(e *expdesc) bool {
	if e.k != vK || e.hasJumps() || e.info > MaxArgB {
		return false
	}
	s, ok := fs.f.Constants[e.info].(string)
	return ok && len(s) <= maxShortLen
}

func (e *expdesc) isKint() bool { return e.k == vKInt && !e.hasJumps() }

func (e *expdesc) isCint() bool { return e.isKint() && uint64(e.ival) <= MaxArgC }

func (e *expdesc) isSCint() bool { return e.isKint() && fitsC(e.ival) }

// isSCnumber reports whether e is a number that fits an sC/sB operand and
// returns it encoded. Like the reference, it sets *isFloat for any integral
// float, even one that does not fit.
func (e *expdesc) isSCnumber(isFloat *bool) (int, bool) {
	var i int64
	switch {
	case e.k == vKInt:
		i = e.ival
	case e.k == vKFlt:
		fi, ok := floatToInt(e.nval)
		if !ok {
			return 0, false
		}
		i = fi
		*isFloat = true
	default:
		return 0, false
	}
	if !e.hasJumps() && fitsC(i) {
		return int(i) + OffsetSC, true
	}
	return 0, false
}

// indexed makes t the indexed expression t[k] (luaK_indexed).
func (fs *funcState) indexed(t, k *expdesc) {
	if k.k == vKStr {
		fs.str2K(k)
	}
	if t.k == vUpval && !fs.isKstr(k) {
		fs.exp2anyreg(t)
	}
	if t.k == vUpval {
		t.indT = t.info
		t.indIdx = k.info
		t.k = vIndexUp
		return
	}
	if t.k == vLocal {
		t.indT = t.ridx
	} else {
		t.indT = t.info
	}
	switch {
	case fs.isKstr(k):
		t.indIdx = k.info
		t.k = vIndexStr
	case k.isCint():
		t.indIdx = int(k.ival)
		t.k = vIndexI
	default:
		t.indIdx = fs.exp2anyreg(k)
		t.k = vIndexed
	}
}
