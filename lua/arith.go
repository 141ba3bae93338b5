package lua

import (
	"math"
	"strconv"

	"github.com/luawasm/luawasm/internal/luamath"
)

// Integer and float operations with Lua 5.4's semantics (lvm.c, lobject.c).

// toNumberNS converts a number value to float64 (no string coercion).
func toNumberNS(v Value) (float64, bool) {
	switch v.p {
	case pFloat:
		return v.floatPayload(), true
	case pInt:
		return float64(v.intPayload()), true
	}
	return 0, false
}

// toIntegerStrict converts v to an integer for bitwise operations: integers,
// floats with an exact integral value, and strings that convert to those.
func toIntegerStrict(v Value) (int64, bool) {
	switch v.p {
	case pInt:
		return v.intPayload(), true
	case pFloat:
		return FloatToInteger(v.floatPayload())
	}
	if s, ok := v.AsString(); ok {
		if n, ok := StringToNumber(s); ok {
			return toIntegerStrict(n)
		}
	}
	return 0, false
}

// arithOp identifies an arithmetic or bitwise operator by its metamethod event.
func arithRaw(op tmEvent, a, b Value) (Value, bool) {
	switch op {
	case tmBand, tmBor, tmBxor, tmShl, tmShr, tmBnot:
		x, ok1 := toIntegerStrict(a)
		y, ok2 := toIntegerStrict(b)
		if !ok1 || !ok2 {
			return Nil, false
		}
		switch op {
		case tmBand:
			return Int(x & y), true
		case tmBor:
			return Int(x | y), true
		case tmBxor:
			return Int(x ^ y), true
		case tmShl:
			return Int(luamath.ShiftLeft(x, y)), true
		case tmShr:
			return Int(luamath.ShiftLeft(x, -y)), true
		default:
			return Int(^x), true
		}
	}
	if a.p == pInt && b.p == pInt {
		x, y := a.intPayload(), b.intPayload()
		switch op {
		case tmAdd:
			return Int(x + y), true
		case tmSub:
			return Int(x - y), true
		case tmMul:
			return Int(x * y), true
		case tmUnm:
			return Int(-x), true
		case tmMod:
			if y != 0 {
				return Int(luamath.IMod(x, y)), true
			}
			return Nil, false
		case tmIDiv:
			if y != 0 {
				return Int(luamath.IDiv(x, y)), true
			}
			return Nil, false
		}
	}
	x, ok1 := toNumberNS(a)
	y, ok2 := toNumberNS(b)
	if !ok1 || !ok2 {
		return Nil, false
	}
	switch op {
	case tmAdd:
		return Float(x + y), true
	case tmSub:
		return Float(x - y), true
	case tmMul:
		return Float(x * y), true
	case tmDiv:
		return Float(x / y), true
	case tmMod:
		return Float(luamath.Mod(x, y)), true
	case tmIDiv:
		return Float(math.Floor(x / y)), true
	case tmPow:
		return Float(luamath.Pow(x, y)), true
	case tmUnm:
		return Float(-x), true
	}
	return Nil, false
}

// Arith performs a raw arithmetic or bitwise operation (no metamethods, no
// string coercion except for bitwise operators, as the VM does). op is one
// of "+", "-", "*", "%", "^", "/", "//", "&", "|", "~", "<<", ">>", "unm", "bnot".
func Arith(op string, a, b Value) (Value, bool) {
	e, ok := arithOps[op]
	if !ok {
		return Nil, false
	}
	return arithRaw(e, a, b)
}

var arithOps = map[string]tmEvent{
	"+": tmAdd, "-": tmSub, "*": tmMul, "%": tmMod, "^": tmPow, "/": tmDiv, "//": tmIDiv,
	"&": tmBand, "|": tmBor, "~": tmBxor, "<<": tmShl, ">>": tmShr, "unm": tmUnm, "bnot": tmBnot,
}

// ---- comparisons ----

// ltIntFloat reports i < f exactly.
func ltIntFloat(i int64, f float64) bool {
	if -(1<<53) <= i && i <= 1<<53 {
		return float64(i) < f
	}
	// i has no exact float; compare with f converted to an integer (f > i iff floor? ceil)
	if f >= 9223372036854775808.0 {
		return true
	}
	if f > -9223372036854775808.0 {
		return i < int64(math.Ceil(f)) || (float64(int64(math.Ceil(f))) == f && false)
	}
	return false // f is -inf, NaN or below minint
}

// leIntFloat reports i <= f exactly.
func leIntFloat(i int64, f float64) bool {
	if -(1<<53) <= i && i <= 1<<53 {
		return float64(i) <= f
	}
	if f >= 9223372036854775808.0 {
		return true
	}
	if f >= -9223372036854775808.0 {
		return i <= int64(math.Floor(f))
	}
	return false
}

// ltFloatInt reports f < i exactly.
func ltFloatInt(f float64, i int64) bool {
	if -(1<<53) <= i && i <= 1<<53 {
		return f < float64(i)
	}
	if f >= 9223372036854775808.0 {
		return false
	}
	if f >= -9223372036854775808.0 {
		return int64(math.Floor(f)) < i
	}
	return f == f // -inf is less; NaN is not
}

// leFloatInt reports f <= i exactly.
func leFloatInt(f float64, i int64) bool {
	if -(1<<53) <= i && i <= 1<<53 {
		return f <= float64(i)
	}
	if f >= 9223372036854775808.0 {
		return false
	}
	if f > -9223372036854775808.0 {
		return int64(math.Ceil(f)) <= i
	}
	return f == f
}

// numLess reports a < b for two numbers.
func numLess(a, b Value) bool {
	if a.p == pInt {
		if b.p == pInt {
			return a.intPayload() < b.intPayload()
		}
		return ltIntFloat(a.intPayload(), b.floatPayload())
	}
	if b.p == pFloat {
		return a.floatPayload() < b.floatPayload()
	}
	return ltFloatInt(a.floatPayload(), b.intPayload())
}

// numLessEq reports a <= b for two numbers.
func numLessEq(a, b Value) bool {
	if a.p == pInt {
		if b.p == pInt {
			return a.intPayload() <= b.intPayload()
		}
		return leIntFloat(a.intPayload(), b.floatPayload())
	}
	if b.p == pFloat {
		return a.floatPayload() <= b.floatPayload()
	}
	return leFloatInt(a.floatPayload(), b.intPayload())
}

// ---- number to string ----

// numberToString formats a number value as tostring does.
func numberToString(v Value) string {
	if v.p == pInt {
		return strconv.FormatInt(v.intPayload(), 10)
	}
	return FormatFloat(v.floatPayload())
}

// tostringBasic converts any value to a string without metamethods
// (luaL_tolstring's default branch minus __name): "nil", "true",
// numbers, strings, "table: 0x...".
func tostringBasic(v Value) string {
	switch v.kind() {
	case kindNil:
		return "nil"
	case kindBool:
		if v.n != 0 {
			return "true"
		}
		return "false"
	case kindInt, kindFloat:
		return numberToString(v)
	case kindString:
		return v.str()
	}
	return v.TypeName() + ": " + pointerString(v)
}

// pointerString formats v's object address as C's "%p" does.
func pointerString(v Value) string {
	return "0x" + strconv.FormatUint(uint64(uintptr(v.p)), 16)
}
