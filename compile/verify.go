package compile

import (
	"errors"

	"github.com/luawasm/luawasm/internal/printf"
)

// Verify checks that p and its nested functions are well formed, so that
// the VM can execute them without checking operands again: every register
// operand is inside the frame (MaxStackSize), every constant, upvalue and
// prototype index is in range and of the kind the instruction needs,
// every jump lands inside the code and never in the middle of an
// instruction pair (EXTRAARG, MMBIN*, the consumer of an open result
// list), instructions that come in groups (tests and their jumps,
// arithmetic and MMBIN, for-loop preparation and loop, TFORCALL and
// TFORLOOP) are complete, and the code ends with a return. It does not
// check the types of register contents: the VM must still check those.
//
// Code from Compile always passes; Verify is what makes loading binary
// chunks safe.
func Verify(p *Proto) error { return verify(p, nil, 0) }

func verify(p, parent *Proto, depth int) error {
	if p == nil {
		return errors.New("missing function")
	}
	if depth > maxDumpDepth {
		return errors.New("functions nested too deeply")
	}
	if err := verifyHeader(p, parent); err != nil {
		return err
	}
	if err := verifyCode(p); err != nil {
		return err
	}
	for _, child := range p.Protos {
		if err := verify(child, p, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func verifyHeader(p, parent *Proto) error {
	if p.MaxStackSize < 0 || p.MaxStackSize > MaxRegs {
		return errors.New("bad stack size")
	}
	if p.NumParams < 0 || p.NumParams > p.MaxStackSize {
		return errors.New("bad number of parameters")
	}
	if len(p.Code) == 0 {
		return errors.New("empty function")
	}
	if p.LineInfo != nil && len(p.LineInfo) != len(p.Code) {
		return errors.New("bad line information")
	}
	for _, v := range p.LocVars {
		if v.StartPC < 0 || v.StartPC > v.EndPC || v.EndPC > len(p.Code) {
			return errors.New("bad local variable information")
		}
	}
	if len(p.Upvalues) > maxUpvals {
		return errors.New("too many upvalues")
	}
	for _, u := range p.Upvalues {
		if u.Kind > VarCompileTime || u.Index < 0 {
			return errors.New("bad upvalue")
		}
		if parent == nil {
			continue // the main function's upvalues are set by load
		}
		if u.InStack && u.Index >= parent.MaxStackSize || !u.InStack && u.Index >= len(parent.Upvalues) {
			return errors.New("bad upvalue")
		}
	}
	for _, k := range p.Constants {
		switch k.(type) {
		case nil, bool, int64, float64, string:
		default:
			return errors.New("bad constant")
		}
	}
	return nil
}

// codeVerifier checks one function's instructions.
type codeVerifier struct {
	p         *Proto
	needClose bool
	noLanding []bool // instructions that must not be jump targets
}

func verifyCode(p *Proto) error {
	v := codeVerifier{p: p, noLanding: make([]bool, len(p.Code))}
	for _, child := range p.Protos {
		if child == nil {
			return errors.New("missing function")
		}
		for _, u := range child.Upvalues {
			v.needClose = v.needClose || u.InStack
		}
	}
	for _, i := range p.Code {
		if op := i.Op(); op == OP_TBC || op == OP_TFORPREP {
			v.needClose = true
		}
	}
	if op := p.Code[len(p.Code)-1].Op(); op != OP_RETURN && op != OP_RETURN0 && op != OP_RETURN1 {
		return errors.New("code does not end with a return")
	}
	if p.IsVararg && (p.Code[0].Op() != OP_VARARGPREP || p.Code[0].A() != p.NumParams) {
		return errors.New("vararg function without VARARGPREP")
	}
	var targets []int // jump targets, checked once noLanding is known
	for pc, i := range p.Code {
		ts, err := v.instruction(pc, i)
		if err != nil {
			return printf.Errorf("bad instruction %d (%s): %v", pc+1, i.Op(), err)
		}
		targets = append(targets, ts...)
	}
	for _, t := range targets {
		if t < 0 || t >= len(p.Code) || v.noLanding[t] {
			return errors.New("bad jump target")
		}
	}
	return nil
}

var (
	errRegister = errors.New("register out of range")
	errConstant = errors.New("bad constant operand")
	errUpvalue  = errors.New("upvalue out of range")
	errSequence = errors.New("incomplete instruction sequence")
)

func (v *codeVerifier) reg(r int) error {
	if r >= v.p.MaxStackSize {
		return errRegister
	}
	return nil
}

// regs checks registers r..r+n-1.
func (v *codeVerifier) regs(r, n int) error {
	if r+n > v.p.MaxStackSize {
		return errRegister
	}
	return nil
}

func (v *codeVerifier) upvalue(u int) error {
	if u >= len(v.p.Upvalues) {
		return errUpvalue
	}
	return nil
}

func (v *codeVerifier) constant(k int) (Constant, error) {
	if k >= len(v.p.Constants) {
		return nil, errConstant
	}
	return v.p.Constants[k], nil
}

func (v *codeVerifier) stringK(k int) error {
	c, err := v.constant(k)
	if _, ok := c.(string); err != nil || !ok {
		return errConstant
	}
	return nil
}

func (v *codeVerifier) numberK(k int) error {
	c, err := v.constant(k)
	switch c.(type) {
	case int64, float64:
		return err
	}
	return errConstant
}

func (v *codeVerifier) integerK(k int) error {
	c, err := v.constant(k)
	if _, ok := c.(int64); err != nil || !ok {
		return errConstant
	}
	return nil
}

// rk checks an operand that is a constant when k is set, else a register.
func (v *codeVerifier) rk(i Instruction, c int) error {
	if i.K() {
		_, err := v.constant(c)
		return err
	}
	return v.reg(c)
}

// next returns the instruction after pc, if any.
func (v *codeVerifier) next(pc int) (Instruction, bool) {
	if pc+1 < len(v.p.Code) {
		return v.p.Code[pc+1], true
	}
	return 0, false
}

// followedBy checks that the instruction after pc has opcode op and marks
// it as reachable only from pc.
func (v *codeVerifier) followedBy(pc int, op Opcode) (Instruction, error) {
	n, ok := v.next(pc)
	if !ok || n.Op() != op {
		return 0, errSequence
	}
	if op != OP_JMP { // a test's jump may also be a target
		v.noLanding[pc+1] = true
	}
	return n, nil
}

// opensTop reports whether i leaves a variable number of values on the
// stack for the next instruction.
func opensTop(i Instruction) bool {
	switch i.Op() {
	case OP_CALL, OP_VARARG:
		return i.C() == 0
	case OP_TAILCALL:
		return true
	}
	return false
}

// takesTop reports whether i uses the values left by an opensTop
// instruction before it.
func takesTop(i Instruction) bool {
	switch i.Op() {
	case OP_CALL, OP_TAILCALL, OP_RETURN, OP_SETLIST:
		return i.B() == 0
	}
	return false
}

// returnArgs checks the C operand and k flag of RETURN and TAILCALL, which
// luaK_finish sets from the function's properties.
func (v *codeVerifier) returnArgs(i Instruction) error {
	c := 0
	if v.p.IsVararg {
		c = v.p.NumParams + 1
	}
	if i.C() != c || v.needClose && !i.K() {
		return errors.New("bad return flags")
	}
	return nil
}

// instruction checks the instruction at pc and returns the jump targets it
// may transfer control to (besides pc+1).
func (v *codeVerifier) instruction(pc int, i Instruction) ([]int, error) {
	p := v.p
	op := i.Op()
	if op >= NumOpcodes {
		return nil, errors.New("invalid opcode")
	}
	a, b, c := i.A(), i.B(), i.C()
	if opens := pc > 0 && opensTop(p.Code[pc-1]); opens != takesTop(i) {
		return nil, errSequence
	}
	if takesTop(i) {
		// the open values start at the previous instruction's A
		first := p.Code[pc-1].A()
		minFirst := a + 1
		if op == OP_RETURN {
			minFirst = a
		}
		if first < minFirst {
			return nil, errRegister
		}
		v.noLanding[pc] = true
	}
	if pc == len(p.Code)-1 && opensTop(i) {
		return nil, errSequence
	}
	var err error
	switch op {
	case OP_MOVE, OP_UNM, OP_BNOT, OP_NOT, OP_LEN:
		err = errors.Join(v.reg(a), v.reg(b))
	case OP_LOADI, OP_LOADF, OP_LOADFALSE, OP_LOADTRUE, OP_TBC:
		err = v.reg(a)
	case OP_LFALSESKIP:
		if err = v.reg(a); err == nil {
			return []int{pc + 2}, nil
		}
	case OP_LOADK:
		_, kerr := v.constant(i.Bx())
		err = errors.Join(v.reg(a), kerr)
	case OP_LOADKX:
		var x Instruction
		if x, err = v.followedBy(pc, OP_EXTRAARG); err == nil {
			_, kerr := v.constant(x.Ax())
			err = errors.Join(v.reg(a), kerr)
		}
	case OP_LOADNIL:
		err = v.regs(a, b+1)
	case OP_GETUPVAL, OP_SETUPVAL:
		err = errors.Join(v.reg(a), v.upvalue(b))
	case OP_GETTABUP:
		err = errors.Join(v.reg(a), v.upvalue(b), v.stringK(c))
	case OP_GETTABLE:
		err = errors.Join(v.reg(a), v.reg(b), v.reg(c))
	case OP_GETI:
		err = errors.Join(v.reg(a), v.reg(b))
	case OP_GETFIELD:
		err = errors.Join(v.reg(a), v.reg(b), v.stringK(c))
	case OP_SETTABUP:
		err = errors.Join(v.upvalue(a), v.stringK(b), v.rk(i, c))
	case OP_SETTABLE:
		err = errors.Join(v.reg(a), v.reg(b), v.rk(i, c))
	case OP_SETI:
		err = errors.Join(v.reg(a), v.rk(i, c))
	case OP_SETFIELD:
		err = errors.Join(v.reg(a), v.stringK(b), v.rk(i, c))
	case OP_NEWTABLE:
		var x Instruction
		if x, err = v.followedBy(pc, OP_EXTRAARG); err == nil {
			err = errors.Join(v.reg(a), v.tableSize(i, x))
		}
	case OP_SELF:
		key := v.reg(c)
		if i.K() {
			key = v.stringK(c)
		}
		err = errors.Join(v.regs(a, 2), v.reg(b), key)
	case OP_ADDI, OP_SHRI, OP_SHLI:
		err = errors.Join(v.reg(a), v.reg(b), v.mmbin(pc, OP_MMBINI))
	case OP_ADDK, OP_SUBK, OP_MULK, OP_MODK, OP_POWK, OP_DIVK, OP_IDIVK:
		err = errors.Join(v.reg(a), v.reg(b), v.numberK(c), v.mmbin(pc, OP_MMBINK))
	case OP_BANDK, OP_BORK, OP_BXORK:
		err = errors.Join(v.reg(a), v.reg(b), v.integerK(c), v.mmbin(pc, OP_MMBINK))
	case OP_ADD, OP_SUB, OP_MUL, OP_MOD, OP_POW, OP_DIV, OP_IDIV,
		OP_BAND, OP_BOR, OP_BXOR, OP_SHL, OP_SHR:
		err = errors.Join(v.reg(a), v.reg(b), v.reg(c), v.mmbin(pc, OP_MMBIN))
	case OP_MMBIN:
		err = errors.Join(v.afterArith(pc), v.reg(a), v.reg(b), v.event(c))
	case OP_MMBINI:
		err = errors.Join(v.afterArith(pc), v.reg(a), v.event(c))
	case OP_MMBINK:
		err = errors.Join(v.afterArith(pc), v.reg(a), v.numberK(b), v.event(c))
	case OP_CONCAT:
		if b < 2 {
			err = errors.New("bad operand count")
		} else {
			err = v.regs(a, b)
		}
	case OP_CLOSE:
		if a > p.MaxStackSize {
			err = errRegister
		}
	case OP_JMP:
		return []int{pc + 1 + i.SJ()}, nil
	case OP_EQ, OP_LT, OP_LE, OP_TESTSET:
		err = errors.Join(v.reg(a), v.reg(b), v.testJump(pc))
	case OP_EQK:
		_, kerr := v.constant(b)
		err = errors.Join(v.reg(a), kerr, v.testJump(pc))
	case OP_EQI, OP_LTI, OP_LEI, OP_GTI, OP_GEI, OP_TEST:
		err = errors.Join(v.reg(a), v.testJump(pc))
	case OP_CALL:
		err = errors.Join(v.reg(a), v.callRegs(a, b), v.regs(a, max(c-1, 0)))
	case OP_TAILCALL:
		err = errors.Join(v.reg(a), v.callRegs(a, b), v.returnArgs(i))
		if err == nil {
			if n, _ := v.next(pc); n.Op() != OP_RETURN {
				err = errSequence
			}
		}
	case OP_RETURN:
		err = errors.Join(v.regs(a, max(b-1, 0)), v.returnArgs(i))
		if b == 0 {
			err = errors.Join(err, v.reg(a))
		} else if a > p.MaxStackSize {
			err = errRegister
		}
	case OP_RETURN0, OP_RETURN1:
		if p.IsVararg || v.needClose {
			err = errors.New("bad return flags")
		} else if op == OP_RETURN1 {
			err = v.reg(a)
		}
	case OP_FORPREP:
		return v.forPrep(pc, i)
	case OP_FORLOOP:
		return v.forLoop(pc, i, OP_FORPREP)
	case OP_TFORPREP:
		loop := pc + i.Bx() + 1
		if err = v.regs(a, 4); err == nil {
			if loop >= len(p.Code) || p.Code[loop].Op() != OP_TFORCALL || p.Code[loop].A() != a {
				err = errSequence
			} else {
				return []int{loop}, nil
			}
		}
	case OP_TFORCALL:
		if c < 1 {
			err = errors.New("bad result count")
		} else {
			var n Instruction
			if n, err = v.followedBy(pc, OP_TFORLOOP); err == nil && n.A() != a {
				err = errSequence
			}
			// the call copies A..A+2 to A+4..A+6 and gets c results at A+4
			err = errors.Join(err, v.regs(a, max(7, 4+c)))
		}
	case OP_TFORLOOP:
		if pc == 0 || p.Code[pc-1].Op() != OP_TFORCALL {
			err = errSequence
		} else if err = v.regs(a, 5); err == nil {
			return []int{pc + 1 - i.Bx()}, nil
		}
	case OP_SETLIST:
		err = errors.Join(v.reg(a), v.regs(a, b+1))
		if i.K() && err == nil {
			_, err = v.followedBy(pc, OP_EXTRAARG)
		}
	case OP_CLOSURE:
		err = v.reg(a)
		if i.Bx() >= len(p.Protos) {
			err = errors.New("function index out of range")
		}
	case OP_VARARG:
		err = v.regs(a, max(c-1, 1))
		if !p.IsVararg {
			err = errors.New("vararg in a non-vararg function")
		}
	case OP_VARARGPREP:
		if pc != 0 || !p.IsVararg {
			err = errSequence
		}
	case OP_EXTRAARG:
		if pc == 0 || !v.noLanding[pc] {
			err = errSequence
		}
	}
	return nil, err
}

// callRegs checks the function and arguments of a call with B operand b.
func (v *codeVerifier) callRegs(a, b int) error {
	return v.regs(a, max(b, 1))
}

// mmbin checks that an arithmetic instruction is followed by its MMBIN.
func (v *codeVerifier) mmbin(pc int, op Opcode) error {
	_, err := v.followedBy(pc, op)
	return err
}

// afterArith checks that an MMBIN instruction follows the arithmetic
// instruction it completes (which marked it as not landable).
func (v *codeVerifier) afterArith(pc int) error {
	if pc == 0 || !v.noLanding[pc] {
		return errSequence
	}
	return nil
}

func (v *codeVerifier) event(e int) error {
	if e < tmAdd || e > tmShr {
		return errors.New("bad metamethod event")
	}
	return nil
}

// testJump checks that a test is followed by a jump.
func (v *codeVerifier) testJump(pc int) error {
	_, err := v.followedBy(pc, OP_JMP)
	return err
}

// tableSize bounds NEWTABLE's size hints by what a constructor of this
// function's size could need, so that a hostile chunk cannot make the VM
// preallocate huge tables.
func (v *codeVerifier) tableSize(i, extra Instruction) error {
	limit := 64 * len(v.p.Code)
	if b := i.B(); b > 0 && (b > 31 || 1<<(b-1) > limit) {
		return errors.New("bad table size")
	}
	size := i.C()
	if i.K() {
		size += extra.Ax() * (MaxArgC + 1)
	}
	if size > limit {
		return errors.New("bad table size")
	}
	return nil
}

// forPrep checks a numeric loop's preparation: it jumps past the FORLOOP
// that closes the loop, which must jump back just after it.
func (v *codeVerifier) forPrep(pc int, i Instruction) ([]int, error) {
	p := v.p
	if err := v.regs(i.A(), 4); err != nil {
		return nil, err
	}
	loop := pc + i.Bx() + 1
	if loop+1 >= len(p.Code) {
		return nil, errSequence
	}
	l := p.Code[loop]
	if l.Op() != OP_FORLOOP || l.A() != i.A() || loop+1-l.Bx() != pc+1 {
		return nil, errSequence
	}
	return []int{loop + 1}, nil
}

// forLoop checks a loop instruction that jumps back after its preparation.
func (v *codeVerifier) forLoop(pc int, i Instruction, prepOp Opcode) ([]int, error) {
	if err := v.regs(i.A(), 4); err != nil {
		return nil, err
	}
	target := pc + 1 - i.Bx()
	if target < 1 || v.p.Code[target-1].Op() != prepOp || v.p.Code[target-1].A() != i.A() {
		return nil, errSequence
	}
	return []int{target}, nil
}
