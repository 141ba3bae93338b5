package lua

import (
	"testing"

	"github.com/luawasm/luawasm/compile"
)

// TestDispatchCodes checks that every fast instruction dispatches to its
// own case of the exec loop, whichever numbering the target uses.
func TestDispatchCodes(t *testing.T) {
	cases := []struct {
		op   compile.Opcode
		code dispatchCode
	}{
		{compile.OP_MOVE, dMOVE},
		{compile.OP_GETFIELD, dGETFIELD},
		{compile.OP_LOADK, dLOADK},
		{compile.OP_GETUPVAL, dGETUPVAL},
		{compile.OP_CALL, dCALL},
		{compile.OP_ADDI, dADDI},
		{compile.OP_FORLOOP, dFORLOOP},
		{compile.OP_GETTABUP, dGETTABUP},
		{compile.OP_LOADI, dLOADI},
		{compile.OP_ADD, dADD},
		{compile.OP_RETURN1, dRETURN1},
		{compile.OP_JMP, dJMP},
		{compile.OP_TEST, dTEST},
		{compile.OP_LTI, dLTI},
		{compile.OP_EQ, dEQ},
		{compile.OP_SETFIELD, dSETFIELD},
		{compile.OP_GETTABLE, dGETTABLE},
		{compile.OP_SETTABLE, dSETTABLE},
		{compile.OP_SELF, dSELF},
		{compile.OP_RETURN, dRETURN},
		{compile.OP_MUL, dMUL},
		{compile.OP_SUB, dSUB},
		{compile.OP_LT, dLT},
		{compile.OP_LE, dLE},
		{compile.OP_EQK, dEQK},
		{compile.OP_EQI, dEQI},
		{compile.OP_ADDK, dADDK},
		{compile.OP_GETI, dGETI},
		{compile.OP_SETI, dSETI},
		{compile.OP_TFORCALL, dTFORCALL},
		{compile.OP_TFORLOOP, dTFORLOOP},
		{compile.OP_RETURN0, dRETURN0},
		{compile.OP_MULK, dMULK},
		{compile.OP_SUBK, dSUBK},
		{compile.OP_DIV, dDIV},
		{compile.OP_LEI, dLEI},
		{compile.OP_GTI, dGTI},
		{compile.OP_GEI, dGEI},
		{compile.OP_TESTSET, dTESTSET},
		{compile.OP_NOT, dNOT},
		{compile.OP_LEN, dLEN},
		{compile.OP_TAILCALL, dTAILCALL},
		{compile.OP_FORPREP, dFORPREP},
		{compile.OP_LOADNIL, dLOADNIL},
		{compile.OP_LOADFALSE, dLOADFALSE},
		{compile.OP_LOADTRUE, dLOADTRUE},
		{compile.OP_LFALSESKIP, dLFALSESKIP},
		{compile.OP_SETUPVAL, dSETUPVAL},
		{compile.OP_SETTABUP, dSETTABUP},
		{compile.OP_NEWTABLE, dNEWTABLE},
		{compile.OP_SETLIST, dSETLIST},
		{compile.OP_CLOSURE, dCLOSURE},
		{compile.OP_MOD, dMOD},
		{compile.OP_MODK, dMODK},
		{compile.OP_DIVK, dDIVK},
		{compile.OP_IDIV, dIDIV},
		{compile.OP_IDIVK, dIDIVK},
		{compile.OP_POW, dPOW},
		{compile.OP_POWK, dPOWK},
		{compile.OP_UNM, dUNM},
		{compile.OP_BAND, dBAND},
		{compile.OP_BOR, dBOR},
		{compile.OP_BXOR, dBXOR},
		{compile.OP_SHL, dSHL},
		{compile.OP_SHR, dSHR},
		{compile.OP_BANDK, dBANDK},
		{compile.OP_BORK, dBORK},
		{compile.OP_BXORK, dBXORK},
		{compile.OP_SHRI, dSHRI},
		{compile.OP_SHLI, dSHLI},
		{compile.OP_BNOT, dBNOT},
		{compile.OP_LOADF, dLOADF},
		{compile.OP_LOADKX, dLOADKX},
		{compile.OP_VARARGPREP, dVARARGPREP},
	}
	if len(cases) != len(fastOps) {
		t.Fatalf("%d cases for %d fast instructions", len(cases), len(fastOps))
	}
	seen := map[dispatchCode]compile.Opcode{}
	for _, c := range cases {
		got := dispatchOf(compile.Instruction(c.op))
		if got != c.code {
			t.Errorf("opcode %d dispatches to %d, want %d", c.op, got, c.code)
		}
		if prev, dup := seen[got]; dup {
			t.Errorf("opcodes %d and %d share dispatch code %d", prev, c.op, got)
		}
		seen[got] = c.op
	}
	for op := compile.Opcode(0); op < 1<<compile.SizeOp; op++ {
		if fast, ok := seen[dispatchOf(compile.Instruction(op))]; ok && fast != op {
			t.Errorf("opcode %d, which has no fast path, dispatches to the case of %d", op, fast)
		}
	}
}
