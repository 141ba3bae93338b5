//go:build wasm

package lua

import (
	"slices"

	"github.com/luawasm/luawasm/compile"
)

// In WebAssembly a dispatch code is a position in the binary search that Go
// compiles the switch into, chosen by the instruction's rank in fastOps so
// that the more frequent an instruction, the fewer taken branches lead to
// its case (searchOrder; dispatchTable maps opcodes to codes; both checked
// by TestDispatchCodes).
const (
	dADD        dispatchCode = 0
	dCALL       dispatchCode = 1
	dMOVE       dispatchCode = 2
	dADDI       dispatchCode = 4
	dGETFIELD   dispatchCode = 9
	dMUL        dispatchCode = 18
	dRETURN1    dispatchCode = 37
	dGETUPVAL   dispatchCode = 3
	dFORLOOP    dispatchCode = 5
	dGETTABLE   dispatchCode = 6
	dMODK       dispatchCode = 10
	dGETTABUP   dispatchCode = 11
	dLT         dispatchCode = 13
	dSETTABLE   dispatchCode = 19
	dLOADK      dispatchCode = 20
	dSETFIELD   dispatchCode = 22
	dSUB        dispatchCode = 27
	dMULK       dispatchCode = 38
	dSELF       dispatchCode = 39
	dEQI        dispatchCode = 41
	dLOADI      dispatchCode = 46
	dGETI       dispatchCode = 55
	dLTI        dispatchCode = 7
	dLEN        dispatchCode = 12
	dJMP        dispatchCode = 14
	dNEWTABLE   dispatchCode = 15
	dTESTSET    dispatchCode = 21
	dLOADTRUE   dispatchCode = 23
	dTAILCALL   dispatchCode = 24
	dDIV        dispatchCode = 28
	dTFORCALL   dispatchCode = 29
	dTFORLOOP   dispatchCode = 32
	dLOADF      dispatchCode = 40
	dTEST       dispatchCode = 42
	dRETURN     dispatchCode = 43
	dEQ         dispatchCode = 47
	dLE         dispatchCode = 48
	dLEI        dispatchCode = 50
	dGEI        dispatchCode = 56
	dSETI       dispatchCode = 57
	dDIVK       dispatchCode = 59
	dSETUPVAL   dispatchCode = 64
	dFORPREP    dispatchCode = 8
	dSETLIST    dispatchCode = 16
	dLFALSESKIP dispatchCode = 25
	dNOT        dispatchCode = 30
	dCLOSURE    dispatchCode = 33
	dEQK        dispatchCode = 34
	dADDK       dispatchCode = 44
	dMOD        dispatchCode = 49
	dGTI        dispatchCode = 51
	dSUBK       dispatchCode = 52
	dSHRI       dispatchCode = 58
	dLOADFALSE  dispatchCode = 60
	dRETURN0    dispatchCode = 61
	dBOR        dispatchCode = 65
	dIDIVK      dispatchCode = 66
	dVARARGPREP dispatchCode = 69
	dSHLI       dispatchCode = 17
	dLOADNIL    dispatchCode = 26
	dSETTABUP   dispatchCode = 31
	dIDIV       dispatchCode = 35
	dPOW        dispatchCode = 45
	dPOWK       dispatchCode = 53
	dUNM        dispatchCode = 62
	dBAND       dispatchCode = 67
	dBXOR       dispatchCode = 70
	dSHL        dispatchCode = 71
	dSHR        dispatchCode = 36
	dBANDK      dispatchCode = 54
	dBORK       dispatchCode = 63
	dBXORK      dispatchCode = 68
	dBNOT       dispatchCode = 72
	dLOADKX     dispatchCode = 73
)

// dSlow is the code of the instructions with no fast path: beyond every
// case, so that the binary search reaches it last.
const dSlow dispatchCode = 255

var dispatchTable = func() (t [1 << compile.SizeOp]dispatchCode) {
	for i := range t {
		t[i] = dSlow
	}
	order := searchOrder(len(fastOps))
	for rank, op := range fastOps {
		t[op] = order[rank]
	}
	return t
}()

// searchOrder returns the n codes 0..n-1 of a switch with n cases, the
// cheapest first. Go lowers a switch on integer constants to a binary
// search: below 4 cases a run of equality tests, else a test against the
// middle case whose "less" side falls through and whose other side is a
// taken branch. The cost of a code is the number of taken branches before
// its case: the searches' right turns plus its place in its final run.
func searchOrder(n int) []dispatchCode {
	cost := make([]int, n)
	var search func(lo, hi, turns int)
	search = func(lo, hi, turns int) {
		if hi-lo < 4 {
			for i := lo; i < hi; i++ {
				cost[i] = turns + i - lo
			}
			return
		}
		half := lo + (hi-lo)/2
		search(lo, half, turns)
		search(half, hi, turns+1)
	}
	search(0, n, 0)
	order := make([]dispatchCode, n)
	for i := range order {
		order[i] = dispatchCode(i)
	}
	slices.SortStableFunc(order, func(a, b dispatchCode) int { return cost[a] - cost[b] })
	return order
}

func dispatchOf(ins compile.Instruction) dispatchCode { return dispatchTable[ins.Op()] }

// setInt and setFloat store a number in a register. When the register
// already holds a number of that kind only the payload is written: a store
// of the type pointer runs Go's write-barrier check, whose usual outcome
// (no barrier) is a taken branch, that is a jump through the function's
// block table (loop and floatloop: 8-16% faster).
func setInt(r *Value, i uint64) {
	if r.p == pInt {
		r.n = i
	} else {
		*r = Value{pInt, i}
	}
}

func setFloat(r *Value, bits uint64) {
	if r.p == pFloat {
		r.n = bits
	} else {
		*r = Value{pFloat, bits}
	}
}
