package lib

import (
	"math"
	"math/bits"
	"time"

	"github.com/luawasm/luawasm/lua"
)

// OpenMath returns the math library. Its random generator is seeded from
// the clock, as the reference's is.
func OpenMath(s *lua.State) *lua.Table {
	m := newLib("math", map[string]lua.GoFunc{
		"abs":       mathAbs,
		"ceil":      mathCeil,
		"floor":     mathFloor,
		"fmod":      mathFmod,
		"modf":      mathModf,
		"sqrt":      mathSqrt,
		"exp":       floatFunc(math.Exp),
		"log":       mathLog,
		"sin":       floatFunc(math.Sin),
		"cos":       floatFunc(math.Cos),
		"tan":       floatFunc(math.Tan),
		"asin":      floatFunc(math.Asin),
		"acos":      floatFunc(math.Acos),
		"atan":      mathAtan,
		"deg":       floatFunc(func(x float64) float64 { return x * (180.0 / math.Pi) }),
		"rad":       floatFunc(func(x float64) float64 { return x * (math.Pi / 180.0) }),
		"tointeger": mathToInteger,
		"type":      mathType,
		"ult":       mathUlt,
		"max":       mathMax,
		"min":       mathMin,
	})
	m.SetStr("pi", lua.Float(math.Pi))
	m.SetStr("huge", lua.Float(math.Inf(1)))
	m.SetStr("maxinteger", lua.Int(math.MaxInt64))
	m.SetStr("mininteger", lua.Int(math.MinInt64))
	g := &xoshiro{}
	g.seedFromClock()
	m.SetStr("random", lua.NewGoFunction("math.random", g.random).Value())
	m.SetStr("randomseed", lua.NewGoFunction("math.randomseed", g.randomseed).Value())
	return m
}

// floatFunc makes a library function of a float function of one argument.
func floatFunc(f func(float64) float64) lua.GoFunc {
	return func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		x, err := lua.CheckFloat(args, 1)
		if err != nil {
			return nil, err
		}
		return t.Ret(lua.Float(f(x)))
	}
}

// mathSqrt is floatFunc(math.Sqrt) with the call direct, which Go
// compiles to the machine's square root instruction (n-body codes call it
// in their inner loop).
func mathSqrt(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	x, err := lua.CheckFloat(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(lua.Float(math.Sqrt(x)))
}

// intOrFloat returns f as an integer when it has an exact integer value
// (lmathlib's pushnumint), else as a float.
func intOrFloat(f float64) lua.Value {
	if i, ok := lua.FloatToInteger(f); ok {
		return lua.Int(i)
	}
	return lua.Float(f)
}

func mathAbs(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if i, ok := lua.Arg(args, 1).AsInt(); ok {
		if i < 0 {
			i = int64(0 - uint64(i)) // wraps for mininteger, as in C
		}
		return t.Ret(lua.Int(i))
	}
	x, err := lua.CheckFloat(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(lua.Float(math.Abs(x)))
}

func mathFloor(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if v := lua.Arg(args, 1); v.IsInt() {
		return t.Ret(v)
	}
	x, err := lua.CheckFloat(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(intOrFloat(math.Floor(x)))
}

func mathCeil(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if v := lua.Arg(args, 1); v.IsInt() {
		return t.Ret(v)
	}
	x, err := lua.CheckFloat(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(intOrFloat(math.Ceil(x)))
}

func mathFmod(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	a, aInt := lua.Arg(args, 1).AsInt()
	d, dInt := lua.Arg(args, 2).AsInt()
	if aInt && dInt {
		switch d {
		case 0:
			return nil, lua.ArgError(2, "zero")
		case -1:
			return t.Ret(lua.Int(0)) // avoids the overflow of mininteger % -1
		}
		return t.Ret(lua.Int(a % d)) // truncated, as C's %
	}
	// The reference checks both arguments in one C call expression, which
	// gcc evaluates right to left: a bad second argument is reported first.
	y, err := lua.CheckFloat(args, 2)
	if err != nil {
		return nil, err
	}
	x, err := lua.CheckFloat(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(lua.Float(fmod(x, y)))
}

// defaultNaN is the NaN that x86 hardware, and so the reference's C
// fmod, produces for an invalid operation (printed "-nan").
var defaultNaN = math.Float64frombits(0xFFF8000000000000)

// fmod is C's fmod as the reference computes it: math.Mod, with a NaN
// operand propagated and the hardware's default NaN for invalid cases.
func fmod(x, y float64) float64 {
	r := math.Mod(x, y)
	switch {
	case !math.IsNaN(r):
		return r
	case math.IsNaN(x):
		return x
	case math.IsNaN(y):
		return y
	}
	return defaultNaN
}

func mathModf(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if v := lua.Arg(args, 1); v.IsInt() {
		return t.Ret(v, lua.Float(0))
	}
	x, err := lua.CheckFloat(args, 1)
	if err != nil {
		return nil, err
	}
	var ip float64 // integer part, rounded toward zero
	if x < 0 {
		ip = math.Ceil(x)
	} else {
		ip = math.Floor(x)
	}
	frac := 0.0 // the test keeps inf - inf from giving nan
	if x != ip {
		frac = x - ip
	}
	return t.Ret(intOrFloat(ip), lua.Float(frac))
}

func mathLog(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	x, err := lua.CheckFloat(args, 1)
	if err != nil {
		return nil, err
	}
	if lua.Arg(args, 2).IsNil() {
		return t.Ret(lua.Float(math.Log(x)))
	}
	base, err := lua.CheckFloat(args, 2)
	if err != nil {
		return nil, err
	}
	var r float64
	switch base {
	case 2:
		r = math.Log2(x)
	case 10:
		r = log10(x)
	default:
		r = math.Log(x) / math.Log(base)
	}
	return t.Ret(lua.Float(r))
}

// log10 is C's log10, which is exact for powers of ten (Go's math.Log10
// computes log(x)/ln(10) and can miss them by one unit in the last place).
func log10(x float64) float64 {
	r := math.Log10(x)
	if k := math.Round(r); k != r && k >= 0 && k <= 22 && math.Pow(10, k) == x {
		return k
	}
	return r
}

func mathAtan(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	y, err := lua.CheckFloat(args, 1)
	if err != nil {
		return nil, err
	}
	x, err := lua.OptFloat(args, 2, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(lua.Float(math.Atan2(y, x)))
}

func mathToInteger(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if i, ok := lua.Arg(args, 1).ToInteger(); ok {
		return t.Ret(lua.Int(i))
	}
	if _, err := lua.CheckAny(args, 1); err != nil {
		return nil, err
	}
	return t.Ret(lua.Nil)
}

func mathType(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	v, err := lua.CheckAny(args, 1)
	if err != nil {
		return nil, err
	}
	switch {
	case v.IsInt():
		return t.Ret(lua.String("integer"))
	case v.IsFloat():
		return t.Ret(lua.String("float"))
	}
	return t.Ret(lua.Nil)
}

func mathUlt(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	a, err := lua.CheckInt(args, 1)
	if err != nil {
		return nil, err
	}
	b, err := lua.CheckInt(args, 2)
	if err != nil {
		return nil, err
	}
	return t.Ret(lua.Bool(uint64(a) < uint64(b)))
}

func mathMax(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	return extremum(t, args, false)
}

func mathMin(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	return extremum(t, args, true)
}

// extremum returns the argument that is least (min) or greatest (by <, so
// that the first of equal values wins and integers stay integers).
func extremum(t *lua.Thread, args []lua.Value, min bool) ([]lua.Value, error) {
	if len(args) == 0 {
		return nil, lua.ArgError(1, "value expected")
	}
	best := args[0]
	copied := false
	for i := 1; i < len(args); i++ {
		v := args[i]
		a, b := best, v // max: best < v
		if min {
			a, b = v, best // min: v < best
		}
		lt, ok := rawLess(a, b)
		if !ok {
			if !copied { // __lt may run Lua code, after which args is invalid
				args, copied = append([]lua.Value(nil), args...), true
			}
			var err error
			if lt, err = t.LessThan(a, b); err != nil {
				return nil, err
			}
		}
		if lt {
			best = v
		}
	}
	return t.Ret(best)
}

// ---- pseudo-random numbers: xoshiro256**, seeded and projected exactly
// as the reference does so that sequences are the same ----

type xoshiro struct{ s [4]uint64 }

func (g *xoshiro) next() uint64 {
	s := &g.s
	result := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return result
}

func (g *xoshiro) seed(n1, n2 uint64) {
	g.s = [4]uint64{n1, 0xff, n2, 0} // 0xff avoids an all-zero state
	for range 16 {
		g.next() // discard the first values to spread the seed
	}
}

// seedFromClock seeds from the time and, as the reference mixes in the
// address of its state, from the monotonic clock.
func (g *xoshiro) seedFromClock() (n1, n2 uint64) {
	now := time.Now()
	n1 = uint64(now.Unix())
	n2 = uint64(now.UnixNano()) ^ uint64(time.Since(processStart))<<20
	g.seed(n1, n2)
	return n1, n2
}

var processStart = time.Now()

// project maps a random value into [0, n] without bias: values are masked
// to the smallest 2^b-1 not below n and redrawn while they exceed n.
func (g *xoshiro) project(ran, n uint64) uint64 {
	if n&(n+1) == 0 { // n+1 is a power of 2
		return ran & n
	}
	lim := n
	lim |= lim >> 1
	lim |= lim >> 2
	lim |= lim >> 4
	lim |= lim >> 8
	lim |= lim >> 16
	lim |= lim >> 32
	for ran &= lim; ran > n; ran &= lim {
		ran = g.next()
	}
	return ran
}

func (g *xoshiro) random(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	rv := g.next()
	var low, up int64
	var err error
	switch len(args) {
	case 0:
		return t.Ret(lua.Float(float64(rv>>11) * 0x1p-53))
	case 1:
		low = 1
		if up, err = lua.CheckInt(args, 1); err != nil {
			return nil, err
		}
		if up == 0 { // random(0): a full 64-bit integer
			return t.Ret(lua.Int(int64(rv)))
		}
	case 2:
		if low, err = lua.CheckInt(args, 1); err != nil {
			return nil, err
		}
		if up, err = lua.CheckInt(args, 2); err != nil {
			return nil, err
		}
	default:
		return nil, lua.Errorf("wrong number of arguments")
	}
	if low > up {
		return nil, lua.ArgError(1, "interval is empty")
	}
	p := g.project(rv, uint64(up)-uint64(low))
	return t.Ret(lua.Int(int64(p + uint64(low))))
}

func (g *xoshiro) randomseed(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if len(args) == 0 {
		n1, n2 := g.seedFromClock()
		return t.Ret(lua.Int(int64(n1)), lua.Int(int64(n2)))
	}
	n1, err := lua.CheckInt(args, 1)
	if err != nil {
		return nil, err
	}
	n2, err := lua.OptInt(args, 2, 0)
	if err != nil {
		return nil, err
	}
	g.seed(uint64(n1), uint64(n2))
	return t.Ret(lua.Int(n1), lua.Int(n2))
}
