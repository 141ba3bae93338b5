package compile

import "github.com/luawasm/luawasm/syntax"

// Metamethod events that MMBIN instructions name (ltm.h's TMS order).
const (
	tmAdd = 6 + iota
	tmSub
	tmMul
	tmMod
	tmPow
	tmDiv
	tmIDiv
	tmBAnd
	tmBOr
	tmBXor
	tmShl
	tmShr
)

// binTM is the metamethod event of an arithmetic or bitwise operator; the
// syntax package orders operators as the reference's BinOpr.
func binTM(op syntax.BinOp) int { return int(op-syntax.OpAdd) + tmAdd }

// binOpcode maps an arithmetic/bitwise operator to its opcode in the run of
// opcodes starting at base (OP_ADD, OP_ADDK).
func binOpcode(op syntax.BinOp, base Opcode) Opcode { return base + Opcode(op-syntax.OpAdd) }

// prefix compiles a unary operator applied to e (luaK_prefix).
func (fs *funcState) prefix(op syntax.UnOp, e *expdesc, line int) {
	fs.dischargeVars(e)
	switch op {
	case syntax.OpNeg, syntax.OpBNot:
		zero := expdesc{k: vKInt, t: noJump, f: noJump}
		aop := arithUnm
		if op == syntax.OpBNot {
			aop = arithBNot
		}
		if fs.constFolding(aop, e, &zero) {
			return
		}
		fallthrough
	case syntax.OpLen:
		fs.codeUnExpVal(OP_UNM+Opcode(op), e, line)
	case syntax.OpNot:
		fs.codeNot(e)
	}
}

func (fs *funcState) codeUnExpVal(op Opcode, e *expdesc, line int) {
	r := fs.exp2anyreg(e)
	fs.freeExp(e)
	e.info = fs.codeABC(op, 0, r, 0)
	e.k = vReloc
	fs.fixLine(line)
}

func (fs *funcState) codeNot(e *expdesc) {
	switch e.k {
	case vNil, vFalse:
		e.k = vTrue
	case vK, vKFlt, vKInt, vKStr, vTrue:
		e.k = vFalse
	case vJmp:
		fs.negateCondition(e)
	case vReloc, vNonReloc:
		fs.discharge2anyreg(e)
		fs.freeExp(e)
		e.info = fs.codeABC(OP_NOT, 0, e.info, 0)
		e.k = vReloc
	}
	e.f, e.t = e.t, e.f
	fs.removeValues(e.f)
	fs.removeValues(e.t)
}

// infix prepares the first operand of a binary operator, before the second
// one is compiled (luaK_infix).
func (fs *funcState) infix(op syntax.BinOp, v *expdesc) {
	fs.dischargeVars(v)
	switch op {
	case syntax.OpAnd:
		fs.goIfTrue(v)
	case syntax.OpOr:
		fs.goIfFalse(v)
	case syntax.OpConcat:
		fs.exp2nextreg(v)
	case syntax.OpEq, syntax.OpNe:
		if !v.isNumeral() {
			fs.exp2RK(v)
		}
	case syntax.OpLt, syntax.OpLe, syntax.OpGt, syntax.OpGe:
		var isFloat bool
		if _, ok := v.isSCnumber(&isFloat); !ok {
			fs.exp2anyreg(v)
		}
	default: // arithmetic and bitwise: keep numerals for folding or immediates
		if !v.isNumeral() {
			fs.exp2anyreg(v)
		}
	}
}

// posfix finishes a binary operator once both operands are compiled
// (luaK_posfix); line is the operator's line.
func (fs *funcState) posfix(op syntax.BinOp, e1, e2 *expdesc, line int) {
	fs.dischargeVars(e2)
	if op <= syntax.OpShr && fs.constFolding(arithOp(op), e1, e2) {
		return
	}
	switch op {
	case syntax.OpAnd:
		fs.concatJumps(&e2.f, e1.f)
		*e1 = *e2
	case syntax.OpOr:
		fs.concatJumps(&e2.t, e1.t)
		*e1 = *e2
	case syntax.OpConcat:
		fs.exp2nextreg(e2)
		fs.codeConcat(e1, e2, line)
	case syntax.OpAdd, syntax.OpMul:
		fs.codeCommutative(op, e1, e2, line)
	case syntax.OpSub:
		if fs.finishBinExpNeg(e1, e2, OP_ADDI, line, tmSub) {
			break
		}
		fs.codeArith(op, e1, e2, false, line)
	case syntax.OpDiv, syntax.OpIDiv, syntax.OpMod, syntax.OpPow:
		fs.codeArith(op, e1, e2, false, line)
	case syntax.OpBAnd, syntax.OpBOr, syntax.OpBXor:
		fs.codeBitwise(op, e1, e2, line)
	case syntax.OpShl:
		switch {
		case e1.isSCint():
			*e1, *e2 = *e2, *e1
			fs.codeBinI(OP_SHLI, e1, e2, true, line, tmShl) // I << r2
		case fs.finishBinExpNeg(e1, e2, OP_SHRI, line, tmShl): // r1 >> -I
		default:
			fs.codeBinExpVal(op, e1, e2, line)
		}
	case syntax.OpShr:
		if e2.isSCint() {
			fs.codeBinI(OP_SHRI, e1, e2, false, line, tmShr)
		} else {
			fs.codeBinExpVal(op, e1, e2, line)
		}
	case syntax.OpEq, syntax.OpNe:
		fs.codeEq(op, e1, e2)
	case syntax.OpGt, syntax.OpGe:
		// (a > b) is (b < a); (a >= b) is (b <= a)
		*e1, *e2 = *e2, *e1
		fs.codeOrder(op-syntax.OpGt+syntax.OpLt, e1, e2)
	case syntax.OpLt, syntax.OpLe:
		fs.codeOrder(op, e1, e2)
	}
}

func (fs *funcState) constFolding(op arithOp, e1, e2 *expdesc) bool {
	if !e1.isNumeral() || !e2.isNumeral() {
		return false
	}
	v1, v2 := e1.numeral(), e2.numeral()
	if !validArith(op, v1, v2) {
		return false
	}
	switch r := rawArith(op, v1, v2).(type) {
	case int64:
		e1.k, e1.ival = vKInt, r
	case float64:
		if r != r || r == 0 { // NaN, or a zero whose sign could be lost
			return false
		}
		e1.k, e1.nval = vKFlt, r
	}
	return true
}

func (fs *funcState) codeConcat(e1, e2 *expdesc, line int) {
	if ie2 := fs.previousInstruction(); ie2 != nil && ie2.Op() == OP_CONCAT {
		// e2 is a concatenation: extend it to include e1
		n := ie2.B()
		fs.freeExp(e2)
		setA(ie2, e1.info)
		setB(ie2, n+1)
		return
	}
	fs.codeABC(OP_CONCAT, e1.info, 2, 0)
	fs.freeExp(e2)
	fs.fixLine(line)
}

// finishBinExpVal emits the operation and the MMBIN that follows it.
func (fs *funcState) finishBinExpVal(e1, e2 *expdesc, op Opcode, v2 int, flip bool, line int, mmop Opcode, event int) {
	v1 := fs.exp2anyreg(e1)
	pc := fs.codeABCk(op, 0, v1, v2, false)
	fs.freeExps(e1, e2)
	e1.info = pc
	e1.k = vReloc
	fs.fixLine(line)
	fs.codeABCk(mmop, v1, v2, event, flip)
	fs.fixLine(line)
}

func (fs *funcState) codeBinExpVal(op syntax.BinOp, e1, e2 *expdesc, line int) {
	v2 := fs.exp2anyreg(e2)
	fs.finishBinExpVal(e1, e2, binOpcode(op, OP_ADD), v2, false, line, OP_MMBIN, binTM(op))
}

func (fs *funcState) codeBinI(op Opcode, e1, e2 *expdesc, flip bool, line, event int) {
	v2 := int(e2.ival) + OffsetSC
	fs.finishBinExpVal(e1, e2, op, v2, flip, line, OP_MMBINI, event)
}

func (fs *funcState) codeBinK(op syntax.BinOp, e1, e2 *expdesc, flip bool, line int) {
	fs.finishBinExpVal(e1, e2, binOpcode(op, OP_ADDK), e2.info, flip, line, OP_MMBINK, binTM(op))
}

// finishBinExpNeg codes e1 - I as e1 + (-I) (and e1 << I as e1 >> -I) when
// both I and -I fit an immediate; the MMBINI keeps the original operand.
func (fs *funcState) finishBinExpNeg(e1, e2 *expdesc, op Opcode, line, event int) bool {
	if !e2.isKint() {
		return false
	}
	i2 := e2.ival
	if !(fitsC(i2) && fitsC(-i2)) {
		return false
	}
	v2 := int(i2)
	fs.finishBinExpVal(e1, e2, op, -v2+OffsetSC, false, line, OP_MMBINI, event)
	setB(&fs.f.Code[fs.pc()-1], v2+OffsetSC)
	return true
}

func (fs *funcState) codeBinNoK(op syntax.BinOp, e1, e2 *expdesc, flip bool, line int) {
	if flip {
		*e1, *e2 = *e2, *e1 // back to the original order
	}
	fs.codeBinExpVal(op, e1, e2, line)
}

func (fs *funcState) codeArith(op syntax.BinOp, e1, e2 *expdesc, flip bool, line int) {
	if e2.isNumeral() && fs.exp2K(e2) {
		fs.codeBinK(op, e1, e2, flip, line)
	} else {
		fs.codeBinNoK(op, e1, e2, flip, line)
	}
}

func (fs *funcState) codeCommutative(op syntax.BinOp, e1, e2 *expdesc, line int) {
	flip := false
	if e1.isNumeral() {
		*e1, *e2 = *e2, *e1
		flip = true
	}
	if op == syntax.OpAdd && e2.isSCint() {
		fs.codeBinI(OP_ADDI, e1, e2, flip, line, tmAdd)
	} else {
		fs.codeArith(op, e1, e2, flip, line)
	}
}

func (fs *funcState) codeBitwise(op syntax.BinOp, e1, e2 *expdesc, line int) {
	flip := false
	if e1.k == vKInt {
		*e1, *e2 = *e2, *e1
		flip = true
	}
	if e2.k == vKInt && fs.exp2K(e2) {
		fs.codeBinK(op, e1, e2, flip, line)
	} else {
		fs.codeBinNoK(op, e1, e2, flip, line)
	}
}

// codeOrder compiles < and <= (luaK_posfix turned > and >= into them).
func (fs *funcState) codeOrder(op syntax.BinOp, e1, e2 *expdesc) {
	var r1, r2 int
	var opc Opcode
	isFloat := false
	if im, ok := e2.isSCnumber(&isFloat); ok {
		r1 = fs.exp2anyreg(e1)
		r2 = im
		opc = OP_LTI + Opcode(op-syntax.OpLt)
	} else if im, ok := e1.isSCnumber(&isFloat); ok {
		// (A < B) is (B > A); (A <= B) is (B >= A)
		r1 = fs.exp2anyreg(e2)
		r2 = im
		opc = OP_GTI + Opcode(op-syntax.OpLt)
	} else {
		r1 = fs.exp2anyreg(e1)
		r2 = fs.exp2anyreg(e2)
		opc = OP_LT + Opcode(op-syntax.OpLt)
	}
	fs.freeExps(e1, e2)
	e1.info = fs.condJump(opc, r1, r2, b2i(isFloat), true)
	e1.k = vJmp
}

func (fs *funcState) codeEq(op syntax.BinOp, e1, e2 *expdesc) {
	var r2 int
	var opc Opcode
	isFloat := false
	if e1.k != vNonReloc { // e1 is a constant: make it the second operand
		*e1, *e2 = *e2, *e1
	}
	r1 := fs.exp2anyreg(e1)
	if im, ok := e2.isSCnumber(&isFloat); ok {
		opc, r2 = OP_EQI, im
	} else if fs.exp2RK(e2) {
		opc, r2 = OP_EQK, e2.info
	} else {
		opc, r2 = OP_EQ, fs.exp2anyreg(e2)
	}
	fs.freeExps(e1, e2)
	e1.info = fs.condJump(opc, r1, r2, b2i(isFloat), op == syntax.OpEq)
	e1.k = vJmp
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
