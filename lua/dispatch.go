package lua

import "github.com/luawasm/luawasm/compile"

// The exec loop switches on a dispatchCode rather than on the opcode, so
// that the numbering of its cases can differ by target. Natively Go
// compiles the switch to a jump table and the codes are the opcodes
// (dispatch_native.go). In WebAssembly Go has no jump tables: the switch
// is a binary search whose every taken branch is a jump through the
// function's block table (a br_table at the head of one loop, where V8
// keeps the Go locals in stack slots), the costliest thing in Go's
// WebAssembly code; there the codes are the positions in that binary
// search reached through the fewest taken branches, given to the
// instructions programs run most (dispatch_wasm.go; ordering by measured
// frequency and by branches rather than by rank: mandelbrot -8%, nbody
// -14%).
type dispatchCode uint8

// fastOps lists the instructions with a fast path in the exec loop, the
// most frequent first: by their share of the instructions executed by the
// ../shared/bench programs (each program weighing the same), then the rest
// by an estimate for typical Lua code. Every other instruction dispatches
// to dSlow.
var fastOps = [...]compile.Opcode{
	compile.OP_ADD,
	compile.OP_CALL,
	compile.OP_MOVE,
	compile.OP_ADDI,
	compile.OP_GETFIELD,
	compile.OP_MUL,
	compile.OP_RETURN1,
	compile.OP_GETUPVAL,
	compile.OP_FORLOOP,
	compile.OP_GETTABLE,
	compile.OP_MODK,
	compile.OP_GETTABUP,
	compile.OP_LT,
	compile.OP_SETTABLE,
	compile.OP_LOADK,
	compile.OP_SETFIELD,
	compile.OP_SUB,
	compile.OP_MULK,
	compile.OP_SELF,
	compile.OP_EQI,
	compile.OP_LOADI,
	compile.OP_GETI,
	compile.OP_LTI,
	compile.OP_LEN,
	compile.OP_JMP,
	compile.OP_NEWTABLE,
	compile.OP_TESTSET,
	compile.OP_LOADTRUE,
	compile.OP_TAILCALL,
	compile.OP_DIV,
	compile.OP_TFORCALL,
	compile.OP_TFORLOOP,
	compile.OP_LOADF,
	compile.OP_TEST,
	compile.OP_RETURN,
	compile.OP_EQ,
	compile.OP_LE,
	compile.OP_LEI,
	compile.OP_GEI,
	compile.OP_SETI,
	compile.OP_DIVK,
	compile.OP_SETUPVAL,
	compile.OP_FORPREP,
	compile.OP_SETLIST,
	compile.OP_LFALSESKIP,
	compile.OP_NOT,
	compile.OP_CLOSURE,
	compile.OP_EQK,
	compile.OP_ADDK,
	compile.OP_MOD,
	compile.OP_GTI,
	compile.OP_SUBK,
	compile.OP_SHRI,
	compile.OP_LOADFALSE,
	compile.OP_RETURN0,
	compile.OP_BOR,
	compile.OP_IDIVK,
	compile.OP_VARARGPREP,
	compile.OP_SHLI,
	compile.OP_LOADNIL,
	compile.OP_SETTABUP,
	compile.OP_IDIV,
	compile.OP_POW,
	compile.OP_POWK,
	compile.OP_UNM,
	compile.OP_BAND,
	compile.OP_BXOR,
	compile.OP_SHL,
	compile.OP_SHR,
	compile.OP_BANDK,
	compile.OP_BORK,
	compile.OP_BXORK,
	compile.OP_BNOT,
	compile.OP_LOADKX,
}
