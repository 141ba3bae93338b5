package lua

import (
	"math"
	"strconv"
)

// Integer and float operations with Lua 5.4's semantics (lvm.c, lobject.c).

// intMod is m % n for integers, rounding the quotient toward minus
// infinity; n must not be zero.
func intMod(m, n int64) int64 {
	if uint64(n)+1 <= 1 { // n is 0 or -1
		return 0 // m % -1 == 0; avoids overflow of minint % -1
	}
	r := m % n
	if r != 0 && (r^n) < 0 {
		r += n
	}
	return r
}

// intIDiv is m // n for integers; n must not be zero.
func intIDiv(m, n int64) int64 {
	if uint64(n)+1 <= 1 { // n is 0 or -1
		return -m // avoids overflow of minint // -1
	}
	q := m / n
	if (m^n) < 0 && m%n != 0 {
		q--
	}
	return q
}

// floatMod is a % b for floats: fmod adjusted to the sign of b.
func floatMod(a, b float64) float64 {
	if b == 0 || math.IsInf(a, 0) {
		if a == a && b == b {
			return invalidNaN
		}
	}
	m := math.Mod(a, b)
	if m > 0 {
		if b < 0 {
			m += b
		}
	} else if m < 0 && b != m {
		if b > 0 {
			m += b
		}
	}
	return m
}

// floatPow is a ^ b. Integral and half-integral exponents are computed in
// double-double arithmetic, which rounds like the C library's pow does in
// practice (math.Pow can be an ulp off, as for 100^1.5); other exponents
// and special values go to math.Pow.
func floatPow(a, b float64) float64 {
	if b == 2 {
		return a * a
	}
	if a > 0 && !math.IsInf(a, 0) && math.Abs(b) <= 1<<30 {
		if n := math.Floor(b); n == b {
			if r, ok := powDD(a, int64(n), false); ok {
				return r
			}
		} else if n+0.5 == b {
			if r, ok := powDD(a, int64(n), true); ok {
				return r
			}
		}
	} else if a < 0 && !math.IsInf(a, 0) && math.Abs(b) <= 1<<30 && math.Floor(b) == b {
		r, ok := powDD(-a, int64(b), false)
		if ok {
			if int64(b)&1 != 0 {
				r = -r
			}
			return r
		}
	}
	if a < 0 && !math.IsInf(b, 0) && b == b && math.Floor(b) != b {
		return invalidNaN // a negative base with a fractional exponent
	}
	if a > 0 && !math.IsInf(a, 0) && !math.IsInf(b, 0) && b == b {
		// exp(b*log(a)) with both steps in double-double.
		t := logDD(a).mulFloat(b)
		if math.Abs(t.hi) < 700 {
			e := expDD(t)
			return e.hi + e.lo
		}
	}
	return math.Pow(a, b)
}

// invalidNaN is the NaN that invalid operations produce on the reference
// platform (x86: the sign bit is set, and printf shows "-nan").
var invalidNaN = math.Float64frombits(0xFFF8000000000000)

// doubleDouble is an unevaluated sum hi+lo with about 106 bits of precision.
type doubleDouble struct{ hi, lo float64 }

// twoSum returns a+b exactly as a rounded sum and its error.
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	return s, (a - (s - bb)) + (b - bb)
}

func (a doubleDouble) add(b doubleDouble) doubleDouble {
	s, e := twoSum(a.hi, b.hi)
	e += a.lo + b.lo
	hi := s + e
	return doubleDouble{hi, e - (hi - s)}
}

func (a doubleDouble) mulFloat(b float64) doubleDouble {
	p := a.hi * b
	e := math.FMA(a.hi, b, -p) + a.lo*b
	hi := p + e
	return doubleDouble{hi, e - (hi - p)}
}

// ln2 in double-double.
var ln2DD = doubleDouble{0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56}

// expDD returns e^t for |t| < 700 to about 100 bits: t = k*ln2 + r, then
// a Taylor series for r/256 squared eight times, then scaled by 2^k.
func expDD(t doubleDouble) doubleDouble {
	k := math.Round(t.hi / ln2DD.hi)
	r := t.add(ln2DD.mulFloat(-k))
	r = doubleDouble{r.hi / 256, r.lo / 256}
	sum, term := doubleDouble{1, 0}, doubleDouble{1, 0}
	for i := 1; i <= 12; i++ {
		term = term.mul(r).mulFloat(1 / float64(i))
		sum = sum.add(term)
	}
	for range 8 {
		sum = sum.mul(sum)
	}
	return doubleDouble{math.Ldexp(sum.hi, int(k)), math.Ldexp(sum.lo, int(k))}
}

// logDD returns log(x) for a positive finite x to about 100 bits: one
// Newton step from math.Log.
func logDD(x float64) doubleDouble {
	l0 := math.Log(x)
	y := expDD(doubleDouble{-l0, 0}).mulFloat(x).add(doubleDouble{-1, 0})
	return doubleDouble{l0, 0}.add(y)
}

func (a doubleDouble) mul(b doubleDouble) doubleDouble {
	p := a.hi * b.hi
	e := math.FMA(a.hi, b.hi, -p) + (a.hi*b.lo + a.lo*b.hi)
	hi := p + e
	return doubleDouble{hi, e - (hi - p)}
}

// powDD computes x^n (times sqrt(x) when half is set) for x > 0; ok is
// false when an intermediate result leaves the range where double-double
// arithmetic is exact enough.
func powDD(x float64, n int64, half bool) (float64, bool) {
	neg := n < 0
	if neg {
		n = -n
	}
	// Within this range the products and their error terms stay normal.
	inRange := func(v float64) bool { return math.Abs(v) < 0x1p1020 && math.Abs(v) > 0x1p-1010 }
	r, b := doubleDouble{1, 0}, doubleDouble{x, 0}
	for n > 0 {
		if n&1 != 0 {
			if r = r.mul(b); !inRange(r.hi) {
				return 0, false
			}
		}
		n >>= 1
		if n > 0 {
			if b = b.mul(b); !inRange(b.hi) {
				return 0, false
			}
		}
	}
	if neg {
		q := 1 / r.hi
		rem := math.FMA(-q, r.hi, 1) - q*r.lo
		lo := rem * q
		r = doubleDouble{q + lo, lo - ((q + lo) - q)}
	}
	if half {
		s := math.Sqrt(x)
		r = r.mul(doubleDouble{s, math.FMA(-s, s, x) / (2 * s)})
	}
	res := r.hi + r.lo
	if math.IsInf(res, 0) || res == 0 || math.Abs(res) < 0x1p-1010 {
		return 0, false
	}
	return res, true
}

// shiftLeft is x << y with Lua's rules: logical shifts, negative counts
// shift the other way, counts of 64 or more give 0.
func shiftLeft(x, y int64) int64 {
	if y < 0 {
		if y <= -64 {
			return 0
		}
		return int64(uint64(x) >> uint(-y))
	}
	if y >= 64 {
		return 0
	}
	return int64(uint64(x) << uint(y))
}

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
			return Int(shiftLeft(x, y)), true
		case tmShr:
			return Int(shiftLeft(x, -y)), true
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
				return Int(intMod(x, y)), true
			}
			return Nil, false
		case tmIDiv:
			if y != 0 {
				return Int(intIDiv(x, y)), true
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
		return Float(floatMod(x, y)), true
	case tmIDiv:
		return Float(math.Floor(x / y)), true
	case tmPow:
		return Float(floatPow(x, y)), true
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
