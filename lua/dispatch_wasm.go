//go:build wasm

package lua

import "github.com/luawasm/luawasm/compile"

// In WebAssembly a dispatch code is the instruction's rank in fastOps
// (dispatchTable maps opcodes to ranks; checked by TestDispatchCodes).
const (
	dMOVE dispatchCode = iota
	dGETFIELD
	dLOADK
	dGETUPVAL
	dCALL
	dADDI
	dFORLOOP
	dGETTABUP
	dLOADI
	dADD
	dRETURN1
	dJMP
	dTEST
	dLTI
	dEQ
	dSETFIELD
	dGETTABLE
	dSETTABLE
	dSELF
	dRETURN
	dMUL
	dSUB
	dLT
	dLE
	dEQK
	dEQI
	dADDK
	dGETI
	dSETI
	dTFORCALL
	dTFORLOOP
	dRETURN0
	dMULK
	dSUBK
	dDIV
	dLEI
	dGTI
	dGEI
	dTESTSET
	dNOT
	dLEN
	dTAILCALL
	dFORPREP
	dLOADNIL
	dLOADFALSE
	dLOADTRUE
	dLFALSESKIP
	dSETUPVAL
	dSETTABUP
	dNEWTABLE
	dSETLIST
	dCLOSURE
	dMOD
	dMODK
	dDIVK
	dIDIV
	dIDIVK
	dPOW
	dPOWK
	dUNM
	dBAND
	dBOR
	dBXOR
	dSHL
	dSHR
	dBANDK
	dBORK
	dBXORK
	dSHRI
	dSHLI
	dBNOT
	dLOADF
	dLOADKX
	dVARARGPREP
)

// dSlow is the code of the instructions with no fast path: beyond every
// case, so that the binary search reaches it last.
const dSlow dispatchCode = 255

var dispatchTable = func() (t [1 << compile.SizeOp]dispatchCode) {
	for i := range t {
		t[i] = dSlow
	}
	for rank, op := range fastOps {
		t[op] = dispatchCode(rank)
	}
	return t
}()

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
