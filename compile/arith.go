package compile

import (
	"math"

	"github.com/luawasm/luawasm/internal/luamath"
)

// arithOp numbers the foldable operations as the reference's LUA_OP*
// constants; the binary ones share syntax.BinOp's order.
type arithOp uint8

const (
	arithAdd arithOp = iota
	arithSub
	arithMul
	arithMod
	arithPow
	arithDiv
	arithIDiv
	arithBAnd
	arithBOr
	arithBXor
	arithShl
	arithShr
	arithUnm
	arithBNot
)

// validArith reports whether folding op is safe: bitwise operands must be
// convertible to integers and divisors must not be zero, so that the
// run-time error (or result) is left to run time (lcode.c's validop).
func validArith(op arithOp, v1, v2 Constant) bool {
	switch op {
	case arithBAnd, arithBOr, arithBXor, arithShl, arithShr, arithBNot:
		_, ok1 := toInteger(v1)
		_, ok2 := toInteger(v2)
		return ok1 && ok2
	case arithDiv, arithIDiv, arithMod:
		return toFloat(v2) != 0
	}
	return true
}

func toInteger(v Constant) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case float64:
		return floatToInt(v)
	}
	return 0, false
}

func toFloat(v Constant) float64 {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v.(float64)
}

// rawArith computes op over two numbers that validArith accepted
// (luaO_rawarith): integers stay integers except for / and ^.
func rawArith(op arithOp, v1, v2 Constant) Constant {
	switch op {
	case arithBAnd, arithBOr, arithBXor, arithShl, arithShr, arithBNot:
		i1, _ := toInteger(v1)
		i2, _ := toInteger(v2)
		return intArith(op, i1, i2)
	case arithDiv, arithPow:
		return floatArith(op, toFloat(v1), toFloat(v2))
	}
	i1, ok1 := v1.(int64)
	i2, ok2 := v2.(int64)
	if ok1 && ok2 {
		return intArith(op, i1, i2)
	}
	return floatArith(op, toFloat(v1), toFloat(v2))
}

func intArith(op arithOp, a, b int64) int64 {
	switch op {
	case arithAdd:
		return a + b
	case arithSub:
		return a - b
	case arithMul:
		return a * b
	case arithMod:
		return luamath.IMod(a, b)
	case arithIDiv:
		return luamath.IDiv(a, b)
	case arithBAnd:
		return a & b
	case arithBOr:
		return a | b
	case arithBXor:
		return a ^ b
	case arithShl:
		return luamath.ShiftLeft(a, b)
	case arithShr:
		return luamath.ShiftLeft(a, -b)
	case arithUnm:
		return -a
	case arithBNot:
		return ^a
	}
	panic("unreachable")
}

func floatArith(op arithOp, a, b float64) float64 {
	switch op {
	case arithAdd:
		return a + b
	case arithSub:
		return a - b
	case arithMul:
		return a * b
	case arithDiv:
		return a / b
	case arithPow:
		return luamath.Pow(a, b)
	case arithIDiv:
		return math.Floor(a / b)
	case arithUnm:
		return -a
	case arithMod:
		return luamath.Mod(a, b)
	}
	panic("unreachable")
}
