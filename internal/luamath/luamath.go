// Package luamath holds the arithmetic the exec loop and the compiler's
// constant folding share, so that a folded constant equals the same
// operation done at run time: integer floor division, modulo and shifts
// with Lua's rules, and the float operations whose results Lua programs
// can see to the last bit and that Go's math package computes differently
// from the C library the reference uses.
package luamath

import "math"

// IMod is m % n for integers, rounding the quotient toward minus
// infinity; n must not be zero.
func IMod(m, n int64) int64 {
	if uint64(n)+1 <= 1 { // n is 0 or -1
		return 0 // m % -1 == 0; avoids overflow of minint % -1
	}
	r := m % n
	if r != 0 && (r^n) < 0 {
		r += n
	}
	return r
}

// IDiv is m // n for integers; n must not be zero.
func IDiv(m, n int64) int64 {
	if uint64(n)+1 <= 1 { // n is 0 or -1
		return -m // avoids overflow of minint // -1
	}
	q := m / n
	if (m^n) < 0 && m%n != 0 {
		q--
	}
	return q
}

// ShiftLeft is x << y with Lua's rules: logical shifts, negative counts
// shift the other way, counts of 64 or more give 0.
func ShiftLeft(x, y int64) int64 {
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

// Mod is a % b for floats: fmod adjusted to the sign of b. A NaN operand
// is the result, sign included, as the C library's fmod returns it.
func Mod(a, b float64) float64 {
	if a != a {
		return a
	}
	if b != b {
		return b
	}
	if b == 0 || math.IsInf(a, 0) {
		if a == a && b == b {
			return InvalidNaN
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

// Pow is a ^ b. Integral and half-integral exponents are computed in
// double-double arithmetic, which rounds like the C library's pow does in
// practice (math.Pow can be an ulp off, as for 100^1.5); other exponents
// and special values go to math.Pow.
func Pow(a, b float64) float64 {
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
	if a < 0 && !math.IsInf(a, 0) && !math.IsInf(b, 0) && b == b && math.Floor(b) != b {
		return InvalidNaN // a negative finite base with a fractional exponent
	}
	if a > 0 && !math.IsInf(a, 0) && !math.IsInf(b, 0) && b == b {
		// exp(b*log(a)) with both steps in double-double.
		t := logDD(a).mulFloat(b)
		if math.Abs(t.hi) < 746 {
			e := expDD(t)
			return e.hi + e.lo
		}
	}
	return math.Pow(a, b)
}

// InvalidNaN is the NaN that invalid operations produce on the reference
// platform (x86: the sign bit is set, and printf shows "-nan").
var InvalidNaN = math.Float64frombits(0xFFF8000000000000)

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

// logDD returns log(x) for a positive finite x to about 100 bits: x =
// m * 2^e, and log(m) by one Newton step from math.Log (on m, so that
// e^-log(m) stays far from the subnormal range), plus e*ln2.
func logDD(x float64) doubleDouble {
	m, e := math.Frexp(x)
	l0 := math.Log(m)
	y := expDD(doubleDouble{-l0, 0}).mulFloat(m).add(doubleDouble{-1, 0})
	return doubleDouble{l0, 0}.add(y).add(ln2DD.mulFloat(float64(e)))
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
