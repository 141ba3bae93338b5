package compile

// The instruction set is Lua 5.4.7's (lopcodes.h): the same opcodes in the
// same order, the same 32-bit encodings and the same operand meanings, so that
// code generation can be checked against `luac -l` listings and the
// reference's debug-information heuristics (variable names in error messages)
// apply unchanged.
//
// Encodings (bit 0 is the least significant):
//
//	iABC   C(8) | B(8) | k(1) | A(8) | Op(7)
//	iABx   Bx(17)      | A(8) | Op(7)
//	iAsBx  sBx(17)     | A(8) | Op(7)
//	iAx    Ax(25)             | Op(7)
//	isJ    sJ(25)             | Op(7)
//
// Signed operands are stored in excess-K: sBx = Bx - OffsetSBx,
// sJ = J - OffsetSJ, sC = C - OffsetSC.

// Opcode is an instruction's operation.
type Opcode uint8

const (
	OP_MOVE       Opcode = iota // A B     R[A] := R[B]
	OP_LOADI                    // A sBx   R[A] := sBx
	OP_LOADF                    // A sBx   R[A] := (lua_Number)sBx
	OP_LOADK                    // A Bx    R[A] := K[Bx]
	OP_LOADKX                   // A       R[A] := K[extra arg]
	OP_LOADFALSE                // A       R[A] := false
	OP_LFALSESKIP               // A       R[A] := false; pc++
	OP_LOADTRUE                 // A       R[A] := true
	OP_LOADNIL                  // A B     R[A], R[A+1], ..., R[A+B] := nil
	OP_GETUPVAL                 // A B     R[A] := UpValue[B]
	OP_SETUPVAL                 // A B     UpValue[B] := R[A]

	OP_GETTABUP // A B C   R[A] := UpValue[B][K[C]:shortstring]
	OP_GETTABLE // A B C   R[A] := R[B][R[C]]
	OP_GETI     // A B C   R[A] := R[B][C]
	OP_GETFIELD // A B C   R[A] := R[B][K[C]:shortstring]

	OP_SETTABUP // A B C   UpValue[A][K[B]:shortstring] := RK(C)
	OP_SETTABLE // A B C   R[A][R[B]] := RK(C)
	OP_SETI     // A B C   R[A][B] := RK(C)
	OP_SETFIELD // A B C   R[A][K[B]:shortstring] := RK(C)

	OP_NEWTABLE // A B C k R[A] := {}  (B: log2(hash size)+1, C: array size, k: C += EXTRAARG*256)

	OP_SELF // A B C   R[A+1] := R[B]; R[A] := R[B][RK(C):string]

	OP_ADDI // A B sC  R[A] := R[B] + sC

	OP_ADDK  // A B C   R[A] := R[B] + K[C]:number
	OP_SUBK  // A B C   R[A] := R[B] - K[C]:number
	OP_MULK  // A B C   R[A] := R[B] * K[C]:number
	OP_MODK  // A B C   R[A] := R[B] % K[C]:number
	OP_POWK  // A B C   R[A] := R[B] ^ K[C]:number
	OP_DIVK  // A B C   R[A] := R[B] / K[C]:number
	OP_IDIVK // A B C   R[A] := R[B] // K[C]:number

	OP_BANDK // A B C   R[A] := R[B] & K[C]:integer
	OP_BORK  // A B C   R[A] := R[B] | K[C]:integer
	OP_BXORK // A B C   R[A] := R[B] ~ K[C]:integer

	OP_SHRI // A B sC  R[A] := R[B] >> sC
	OP_SHLI // A B sC  R[A] := sC << R[B]

	OP_ADD  // A B C   R[A] := R[B] + R[C]
	OP_SUB  // A B C   R[A] := R[B] - R[C]
	OP_MUL  // A B C   R[A] := R[B] * R[C]
	OP_MOD  // A B C   R[A] := R[B] % R[C]
	OP_POW  // A B C   R[A] := R[B] ^ R[C]
	OP_DIV  // A B C   R[A] := R[B] / R[C]
	OP_IDIV // A B C   R[A] := R[B] // R[C]

	OP_BAND // A B C   R[A] := R[B] & R[C]
	OP_BOR  // A B C   R[A] := R[B] | R[C]
	OP_BXOR // A B C   R[A] := R[B] ~ R[C]
	OP_SHL  // A B C   R[A] := R[B] << R[C]
	OP_SHR  // A B C   R[A] := R[B] >> R[C]

	OP_MMBIN  // A B C   call C metamethod over R[A] and R[B]
	OP_MMBINI // A sB C k  call C metamethod over R[A] and sB
	OP_MMBINK // A B C k   call C metamethod over R[A] and K[B]

	OP_UNM  // A B     R[A] := -R[B]
	OP_BNOT // A B     R[A] := ~R[B]
	OP_NOT  // A B     R[A] := not R[B]
	OP_LEN  // A B     R[A] := #R[B] (length operator)

	OP_CONCAT // A B     R[A] := R[A].. ... ..R[A + B - 1]

	OP_CLOSE // A       close all upvalues >= R[A]
	OP_TBC   // A       mark variable A "to be closed"
	OP_JMP   // sJ      pc += sJ
	OP_EQ    // A B k   if ((R[A] == R[B]) ~= k) then pc++
	OP_LT    // A B k   if ((R[A] <  R[B]) ~= k) then pc++
	OP_LE    // A B k   if ((R[A] <= R[B]) ~= k) then pc++

	OP_EQK // A B k   if ((R[A] == K[B]) ~= k) then pc++
	OP_EQI // A sB k  if ((R[A] == sB) ~= k) then pc++
	OP_LTI // A sB k  if ((R[A] < sB) ~= k) then pc++
	OP_LEI // A sB k  if ((R[A] <= sB) ~= k) then pc++
	OP_GTI // A sB k  if ((R[A] > sB) ~= k) then pc++
	OP_GEI // A sB k  if ((R[A] >= sB) ~= k) then pc++

	OP_TEST    // A k     if (not R[A] == k) then pc++
	OP_TESTSET // A B k   if (not R[B] == k) then pc++ else R[A] := R[B]

	OP_CALL     // A B C   R[A], ... ,R[A+C-2] := R[A](R[A+1], ... ,R[A+B-1])
	OP_TAILCALL // A B C k return R[A](R[A+1], ... ,R[A+B-1])

	OP_RETURN  // A B C k return R[A], ... ,R[A+B-2]
	OP_RETURN0 //         return
	OP_RETURN1 // A       return R[A]

	OP_FORLOOP // A Bx    update counters; if loop continues then pc-=Bx;
	OP_FORPREP // A Bx    <check values and prepare counters>; if not to run then pc+=Bx+1;

	OP_TFORPREP // A Bx    create upvalue for R[A + 3]; pc+=Bx
	OP_TFORCALL // A C     R[A+4], ... ,R[A+3+C] := R[A](R[A+1], R[A+2]);
	OP_TFORLOOP // A Bx    if R[A+2] ~= nil then { R[A]=R[A+2]; pc -= Bx }

	OP_SETLIST // A B C k  R[A][C+i] := R[A+i], 1 <= i <= B

	OP_CLOSURE // A Bx    R[A] := closure(KPROTO[Bx])

	OP_VARARG // A C     R[A], R[A+1], ..., R[A+C-2] = vararg

	OP_VARARGPREP // A       (adjust vararg parameters)

	OP_EXTRAARG // Ax      extra (larger) argument for previous opcode

	NumOpcodes = iota
)

// Instruction operand limits and offsets.
const (
	SizeOp = 7
	SizeA  = 8
	SizeB  = 8
	SizeC  = 8
	SizeBx = SizeC + SizeB + 1
	SizeAx = SizeBx + SizeA
	SizeSJ = SizeBx + SizeA

	PosA  = SizeOp
	PosK  = PosA + SizeA
	PosB  = PosK + 1
	PosC  = PosB + SizeB
	PosBx = PosK
	PosAx = PosA
	PosSJ = PosA

	MaxArgA  = 1<<SizeA - 1
	MaxArgB  = 1<<SizeB - 1
	MaxArgC  = 1<<SizeC - 1
	MaxArgBx = 1<<SizeBx - 1
	MaxArgAx = 1<<SizeAx - 1
	MaxArgSJ = 1<<SizeSJ - 1

	OffsetSBx = MaxArgBx >> 1
	OffsetSJ  = MaxArgSJ >> 1
	OffsetSC  = MaxArgC >> 1

	// NoReg marks an invalid register (fits in 8 bits).
	NoReg = MaxArgA

	// MaxRegs is the maximum number of registers in a Lua function (must fit in 8 bits).
	MaxRegs = 255

	// FieldsPerFlush is the number of list items accumulated before a SETLIST.
	FieldsPerFlush = 50
)

// Instruction is one encoded VM instruction.
type Instruction uint32

func (i Instruction) Op() Opcode { return Opcode(i & (1<<SizeOp - 1)) }
func (i Instruction) A() int     { return int(i>>PosA) & MaxArgA }
func (i Instruction) B() int     { return int(i>>PosB) & MaxArgB }
func (i Instruction) C() int     { return int(i>>PosC) & MaxArgC }
func (i Instruction) SB() int    { return i.B() - OffsetSC }
func (i Instruction) SC() int    { return i.C() - OffsetSC }
func (i Instruction) K() bool    { return i&(1<<PosK) != 0 }
func (i Instruction) Bx() int    { return int(i>>PosBx) & MaxArgBx }
func (i Instruction) SBx() int   { return i.Bx() - OffsetSBx }
func (i Instruction) Ax() int    { return int(i>>PosAx) & MaxArgAx }
func (i Instruction) SJ() int    { return int(i>>PosSJ)&MaxArgSJ - OffsetSJ }

func k2u(k bool) Instruction {
	if k {
		return 1
	}
	return 0
}

// CreateABCk encodes an iABC instruction.
func CreateABCk(op Opcode, a, b, c int, k bool) Instruction {
	return Instruction(op) | Instruction(a)<<PosA | Instruction(b)<<PosB | Instruction(c)<<PosC | k2u(k)<<PosK
}

// CreateABx encodes an iABx instruction.
func CreateABx(op Opcode, a, bx int) Instruction {
	return Instruction(op) | Instruction(a)<<PosA | Instruction(bx)<<PosBx
}

// CreateAsBx encodes an iAsBx instruction.
func CreateAsBx(op Opcode, a, sbx int) Instruction { return CreateABx(op, a, sbx+OffsetSBx) }

// CreateAx encodes an iAx instruction.
func CreateAx(op Opcode, ax int) Instruction { return Instruction(op) | Instruction(ax)<<PosAx }

// CreateSJ encodes an isJ instruction.
func CreateSJ(op Opcode, sj int) Instruction {
	return Instruction(op) | Instruction(sj+OffsetSJ)<<PosSJ
}

// OpMode is an instruction's operand layout.
type OpMode uint8

const (
	IABC OpMode = iota
	IABx
	IAsBx
	IAx
	IsJ
)

// OpInfo describes an opcode: its name, layout, and whether it sets R[A],
// is a test (next instruction is a jump), uses/sets the stack top (for
// variable numbers of values), or calls a metamethod.
type OpInfo struct {
	Name   string
	Mode   OpMode
	SetsA  bool
	Test   bool
	InTop  bool // uses L->top set by previous instruction (when B == 0)
	OutTop bool // sets L->top for next instruction (when C == 0)
	MM     bool // instruction is an MM instruction (call a metamethod)
}

// Ops describes every opcode, indexed by Opcode (lopcodes.c's luaP_opmodes).
var Ops = [NumOpcodes]OpInfo{
	OP_MOVE:       {"MOVE", IABC, true, false, false, false, false},
	OP_LOADI:      {"LOADI", IAsBx, true, false, false, false, false},
	OP_LOADF:      {"LOADF", IAsBx, true, false, false, false, false},
	OP_LOADK:      {"LOADK", IABx, true, false, false, false, false},
	OP_LOADKX:     {"LOADKX", IABx, true, false, false, false, false},
	OP_LOADFALSE:  {"LOADFALSE", IABC, true, false, false, false, false},
	OP_LFALSESKIP: {"LFALSESKIP", IABC, true, false, false, false, false},
	OP_LOADTRUE:   {"LOADTRUE", IABC, true, false, false, false, false},
	OP_LOADNIL:    {"LOADNIL", IABC, true, false, false, false, false},
	OP_GETUPVAL:   {"GETUPVAL", IABC, true, false, false, false, false},
	OP_SETUPVAL:   {"SETUPVAL", IABC, false, false, false, false, false},
	OP_GETTABUP:   {"GETTABUP", IABC, true, false, false, false, false},
	OP_GETTABLE:   {"GETTABLE", IABC, true, false, false, false, false},
	OP_GETI:       {"GETI", IABC, true, false, false, false, false},
	OP_GETFIELD:   {"GETFIELD", IABC, true, false, false, false, false},
	OP_SETTABUP:   {"SETTABUP", IABC, false, false, false, false, false},
	OP_SETTABLE:   {"SETTABLE", IABC, false, false, false, false, false},
	OP_SETI:       {"SETI", IABC, false, false, false, false, false},
	OP_SETFIELD:   {"SETFIELD", IABC, false, false, false, false, false},
	OP_NEWTABLE:   {"NEWTABLE", IABC, true, false, false, false, false},
	OP_SELF:       {"SELF", IABC, true, false, false, false, false},
	OP_ADDI:       {"ADDI", IABC, true, false, false, false, false},
	OP_ADDK:       {"ADDK", IABC, true, false, false, false, false},
	OP_SUBK:       {"SUBK", IABC, true, false, false, false, false},
	OP_MULK:       {"MULK", IABC, true, false, false, false, false},
	OP_MODK:       {"MODK", IABC, true, false, false, false, false},
	OP_POWK:       {"POWK", IABC, true, false, false, false, false},
	OP_DIVK:       {"DIVK", IABC, true, false, false, false, false},
	OP_IDIVK:      {"IDIVK", IABC, true, false, false, false, false},
	OP_BANDK:      {"BANDK", IABC, true, false, false, false, false},
	OP_BORK:       {"BORK", IABC, true, false, false, false, false},
	OP_BXORK:      {"BXORK", IABC, true, false, false, false, false},
	OP_SHRI:       {"SHRI", IABC, true, false, false, false, false},
	OP_SHLI:       {"SHLI", IABC, true, false, false, false, false},
	OP_ADD:        {"ADD", IABC, true, false, false, false, false},
	OP_SUB:        {"SUB", IABC, true, false, false, false, false},
	OP_MUL:        {"MUL", IABC, true, false, false, false, false},
	OP_MOD:        {"MOD", IABC, true, false, false, false, false},
	OP_POW:        {"POW", IABC, true, false, false, false, false},
	OP_DIV:        {"DIV", IABC, true, false, false, false, false},
	OP_IDIV:       {"IDIV", IABC, true, false, false, false, false},
	OP_BAND:       {"BAND", IABC, true, false, false, false, false},
	OP_BOR:        {"BOR", IABC, true, false, false, false, false},
	OP_BXOR:       {"BXOR", IABC, true, false, false, false, false},
	OP_SHL:        {"SHL", IABC, true, false, false, false, false},
	OP_SHR:        {"SHR", IABC, true, false, false, false, false},
	OP_MMBIN:      {"MMBIN", IABC, false, false, false, false, true},
	OP_MMBINI:     {"MMBINI", IABC, false, false, false, false, true},
	OP_MMBINK:     {"MMBINK", IABC, false, false, false, false, true},
	OP_UNM:        {"UNM", IABC, true, false, false, false, false},
	OP_BNOT:       {"BNOT", IABC, true, false, false, false, false},
	OP_NOT:        {"NOT", IABC, true, false, false, false, false},
	OP_LEN:        {"LEN", IABC, true, false, false, false, false},
	OP_CONCAT:     {"CONCAT", IABC, true, false, false, false, false},
	OP_CLOSE:      {"CLOSE", IABC, false, false, false, false, false},
	OP_TBC:        {"TBC", IABC, false, false, false, false, false},
	OP_JMP:        {"JMP", IsJ, false, false, false, false, false},
	OP_EQ:         {"EQ", IABC, false, true, false, false, false},
	OP_LT:         {"LT", IABC, false, true, false, false, false},
	OP_LE:         {"LE", IABC, false, true, false, false, false},
	OP_EQK:        {"EQK", IABC, false, true, false, false, false},
	OP_EQI:        {"EQI", IABC, false, true, false, false, false},
	OP_LTI:        {"LTI", IABC, false, true, false, false, false},
	OP_LEI:        {"LEI", IABC, false, true, false, false, false},
	OP_GTI:        {"GTI", IABC, false, true, false, false, false},
	OP_GEI:        {"GEI", IABC, false, true, false, false, false},
	OP_TEST:       {"TEST", IABC, false, true, false, false, false},
	OP_TESTSET:    {"TESTSET", IABC, true, true, false, false, false},
	OP_CALL:       {"CALL", IABC, true, false, true, true, false},
	OP_TAILCALL:   {"TAILCALL", IABC, true, false, true, true, false},
	OP_RETURN:     {"RETURN", IABC, false, false, true, false, false},
	OP_RETURN0:    {"RETURN0", IABC, false, false, false, false, false},
	OP_RETURN1:    {"RETURN1", IABC, false, false, false, false, false},
	OP_FORLOOP:    {"FORLOOP", IABx, true, false, false, false, false},
	OP_FORPREP:    {"FORPREP", IABx, true, false, false, false, false},
	OP_TFORPREP:   {"TFORPREP", IABx, false, false, false, false, false},
	OP_TFORCALL:   {"TFORCALL", IABC, false, false, false, false, false},
	OP_TFORLOOP:   {"TFORLOOP", IABx, true, false, false, false, false},
	OP_SETLIST:    {"SETLIST", IABC, false, false, true, false, false},
	OP_CLOSURE:    {"CLOSURE", IABx, true, false, false, false, false},
	OP_VARARG:     {"VARARG", IABC, true, false, false, true, false},
	OP_VARARGPREP: {"VARARGPREP", IABC, false, false, true, false, false},
	OP_EXTRAARG:   {"EXTRAARG", IAx, false, false, false, false, false},
}

func (op Opcode) String() string {
	if int(op) < len(Ops) {
		return Ops[op].Name
	}
	return "UNKNOWN"
}
