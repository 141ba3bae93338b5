package lib_test

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

func format(f string, args ...lua.Value) call {
	return call{"format", append([]lua.Value{S(f)}, args...)}
}

func TestFormat(t *testing.T) {
	pi := F(math.Pi)
	runCallTests(t, []callTest{
		{format("[%d] [%5d] [%-5d] [%05d] [%+d] [% d]", I(42), I(42), I(42), I(42), I(42), I(42)), outcome(S("[42] [   42] [42   ] [00042] [+42] [ 42]"))},
		{format("[%d] [%5d] [%-5d] [%05d]", I(-42), I(-42), I(-42), I(-42)), outcome(S("[-42] [  -42] [-42  ] [-0042]"))},
		{format("[%i] [%.3d] [%8.3d] [%.0d] [%.0d]", I(7), I(7), I(7), I(0), I(1)), outcome(S("[7] [007] [     007] [] [1]"))},
		{format("[%x] [%X] [%#x] [%08x] [%o] [%#o] [%#o]", I(255), I(255), I(255), I(255), I(8), I(8), I(0)), outcome(S("[ff] [FF] [0xff] [000000ff] [10] [010] [0]"))},
		{format("[%x] [%X] [%u]", I(-1), I(math.MinInt64), I(-1)), outcome(S("[ffffffffffffffff] [8000000000000000] [18446744073709551615]"))},
		{format("[%d] [%d]", I(math.MaxInt64), I(math.MinInt64)), outcome(S("[9223372036854775807] [-9223372036854775808]"))},
		{format("%d", F(1099511627776)), outcome(S("1099511627776"))},
		{format("%d", S("10")), outcome(S("10"))},
		{format("[%c%c%c] [%5c] [%-3c|]", I(76), I(117), I(97), I(65), I(66)), outcome(S("[Lua] [    A] [B  |]"))},
		{format("%c", I(0)), outcome(S("\x00"))},
		{format("%c", I(256+65)), outcome(S("A"))},
		{format("[%f] [%.2f] [%10.3f] [%-10.1f] [%+.1f] [%010.2f]", pi, pi, pi, pi, pi, F(-math.Pi)), outcome(S("[3.141593] [3.14] [     3.142] [3.1       ] [+3.1] [-000003.14]"))},
		{format("[%e] [%.0e] [%E] [%12.4e] [%#.0e]", F(123456.789), F(123456.789), F(0.000123), F(-1.5), F(1)), outcome(S("[1.234568e+05] [1e+05] [1.230000E-04] [ -1.5000e+00] [1.e+00]"))},
		{format("[%g] [%g] [%g] [%g] [%g]", I(100000), I(1000000), F(1e-4), F(1e-5), F(0.5)), outcome(S("[100000] [1e+06] [0.0001] [1e-05] [0.5]"))},
		{format("[%.3g] [%#.3g] [%G] [%.10g] [%g] [%#g]", F(2), F(2), F(1e-10), F(1.0/3), F(0), F(0)), outcome(S("[2] [2.00] [1E-10] [0.3333333333] [0] [0.00000]"))},
		{format("[%5.1f] [%.0f] [%#.0f] [%.0f] [%.0f]", F(9.96), F(2.5), F(3), F(3.5), F(0.5)), outcome(S("[ 10.0] [2] [3.] [4] [0]"))},
		{format("[%f] [%f] [%.1f] [%e]", F(1e15), F(math.Copysign(0, -1)), F(0.05), F(0)), outcome(S("[1000000000000000.000000] [-0.000000] [0.1] [0.000000e+00]"))},
		{format("[%f] [%5.1f] [%-6e|] [%+g] [% G] [%06f]", F(math.Inf(1)), F(math.Inf(-1)), F(math.Inf(1)), F(math.Inf(1)), F(math.Inf(1)), F(math.Inf(-1))), outcome(S("[inf] [ -inf] [inf   |] [+inf] [ INF] [  -inf]"))},
		{format("[%f] [%E] [%.3f]", F(math.NaN()), F(math.NaN()), F(math.Copysign(math.NaN(), -1))), outcome(S("[nan] [NAN] [-nan]"))},
		{format("%F", F(1)), failure("invalid conversion '%F' to 'format'")},
		{format("%.3f", I(1)), outcome(S("1.000"))},
		{format("%5.2f|%-8.3e|%g", S("1.5"), S("2"), S("0x10")), outcome(S(" 1.50|2.000e+00|16"))},
		{format("[%a] [%A] [%.3a] [%a] [%a] [%a]", F(1.5), F(-0.1), F(1.0/3), F(0), F(5e-324), F(math.Copysign(0, -1))), outcome(S("[0x1.8p+0] [-0X1.999999999999AP-4] [0x1.555p-2] [0x0p+0] [0x0.0000000000001p-1022] [-0x0p+0]"))},
		{format("[%.0a] [%.1a] [%.1a] [%.1a] [%#a] [%10a] [%010a] [%-10a|] [%+a]", F(1.5), F(1.03125), F(1.09375), F(1.15625), F(1), F(1), F(1), F(1), F(2)), outcome(S("[0x2p+0] [0x1.0p+0] [0x1.2p+0] [0x1.2p+0] [0x1.p+0] [    0x1p+0] [0x00001p+0] [0x1p+0    |] [+0x1p+1]"))},
		{format("[%.15a] [%a] [%a]", F(1), F(math.MaxFloat64), F(math.Inf(-1))), outcome(S("[0x1.000000000000000p+0] [0x1.fffffffffffffp+1023] [-inf]"))},
		{format("[%5s] [%-5s] [%.2s] [%5.1s|] [%s]", S("abc"), S("abc"), S("abc"), S("abc"), S("")), outcome(S("[  abc] [abc  ] [ab] [    a|] []"))},
		{format("%s %s %s %s", I(1), F(1.5), lua.True, nilV), outcome(S("1 1.5 true nil"))},
		{format("%s|%s", S("with\x00zero"), S("x")), outcome(S("with\x00zero|x"))},
		{format("%10s|", S("with\x00zero")), failure("bad argument #2 (string contains zeros)")},
		{format("%5s", S(strings.Repeat("x", 100))), outcome(S(strings.Repeat("x", 100)))},
		{format("%.3s", S(strings.Repeat("x", 100))), outcome(S("xxx"))},
		{format("%q", S("simple")), outcome(S(`"simple"`))},
		{format("%q", S(`quote " and \ backslash`)), outcome(S(`"quote \" and \\ backslash"`))},
		{format("%q", S("new\nline")), outcome(S("\"new\\\nline\""))},
		{format("%q", S("tab\there\r\x00end")), outcome(S(`"tab\9here\13\0end"`))},
		{format("%q", S("\x01\x012\x7fx\x80\xff")), outcome(S("\"\\1\\0012\\127x\x80\xff\""))},
		{format("%q", S("\x00")), outcome(S(`"\0"`))},
		{format("%q %q %q", I(42), I(-7), I(math.MinInt64)), outcome(S("42 -7 0x8000000000000000"))},
		{format("%q %q %q %q", F(1), F(0.5), F(-2.75), F(1e100)), outcome(S("0x1p+0 0x1p-1 -0x1.6p+1 0x1.249ad2594c37dp+332"))},
		{format("%q %q %q %q", F(math.Inf(1)), F(math.Inf(-1)), F(math.NaN()), F(math.Copysign(0, -1))), outcome(S("1e9999 -1e9999 (0/0) -0x0p+0"))},
		{format("%q %q %q", lua.True, lua.False, nilV), outcome(S("true false nil"))},
		{format("%q", tableV), failure("bad argument #2 (value has no literal form)")},
		{format("%5q", S("x")), failure("specifier '%q' cannot have modifiers")},
		{format("%p %p %p", I(1), nilV, lua.True), outcome(S("(null) (null) (null)"))},
		{format("%10p|%-7p|", I(1), F(2)), outcome(S("    (null)|(null) |"))},
		{format("100%% sure, %d%%", I(50)), outcome(S("100% sure, 50%"))},
		{format("no conversions"), outcome(S("no conversions"))},
		{format(""), outcome(S(""))},
		{format("%d %d", I(1)), failure("bad argument #3 (no value)")},
		{format("%"), failure("bad argument #2 (no value)")},
		{format("%", I(1)), failure("invalid conversion '%' to 'format'")},
		{format("%5", I(1)), failure("invalid conversion '%5' to 'format'")},
		{format("%5\x00", I(1)), failure("invalid conversion '%5' to 'format'")},
		{format("%y", I(1)), failure("invalid conversion '%y' to 'format'")},
		{format("%10.3y", I(1)), failure("invalid conversion '%10.3y' to 'format'")},
		{format("%ld", I(1)), failure("invalid conversion '%l' to 'format'")},
		{format("%d", S("x")), failure("bad argument #2 (number expected, got string)")},
		{format("%d", F(1.5)), failure("bad argument #2 (number has no integer representation)")},
		{format("%f", tableV), failure("bad argument #2 (number expected, got table)")},
		{format("%0100d", I(1)), failure("invalid conversion specification: '%0100d'")},
		{format("%100d", I(1)), failure("invalid conversion specification: '%100d'")},
		{format("%.100f", I(1)), failure("invalid conversion specification: '%.100f'")},
		{format("%"+strings.Repeat("1", 25)+"d", I(1)), failure("invalid format (too long)")},
		{format("%#d", I(1)), failure("invalid conversion specification: '%#d'")},
		{format("%+x", I(1)), failure("invalid conversion specification: '%+x'")},
		{format("%.3c", I(65)), failure("invalid conversion specification: '%.3c'")},
		{format("%05s", S("a")), failure("invalid conversion specification: '%05s'")},
		{format("%.3p", I(1)), failure("invalid conversion specification: '%.3p'")},
		{format("%c", S("A")), failure("bad argument #2 (number expected, got string)")},
		{format("%#c", S("A")), failure("invalid conversion specification: '%#c'")},
		{format("%#5.2d", S("x")), failure("bad argument #2 (number expected, got string)")},
		{format("%-#5x", I(255)), outcome(S("0xff "))},
		{format("%-05d|%0-5d", I(1), I(2)), outcome(S("1    |2    "))},
		{format("%+ d|% +d", I(1), I(2)), outcome(S("+1|+2"))},
		{format("%05.1d|%08.3x", I(1), I(255)), outcome(S("    1|     0ff"))},
		{format("%.99f", F(1.0/3)), outcome(S("0.333333333333333314829616256247390992939472198486328125000000000000000000000000000000000000000000000"))},
		{c("format"), failure("bad argument #1 (string expected, got no value)")},
		{c("format", nilV), failure("bad argument #1 (string expected, got nil)")},
		{c("format", I(12)), outcome(S("12"))},
	})
}

// formatValues are the arguments random formats are tried with.
var formatValues = []lua.Value{
	I(0), I(1), I(-1), I(42), I(-42), I(255), I(65), I(math.MaxInt64), I(math.MinInt64), I(1 << 40),
	F(0), F(math.Copysign(0, -1)), F(0.5), F(1.5), F(2.5), F(-2.5), F(1.0 / 3), F(2.0 / 3), F(100), F(1e15), F(1e16),
	F(123456.789), F(9.999999e-5), F(0.000123456), F(1e100), F(1e300), F(-1e308), F(math.MaxFloat64), F(5e-324),
	F(2.2250738585072014e-308), F(1e-310), F(0.1), F(999999.5), F(9.5), F(0.05), F(1.0625), F(1.96875),
	F(999999.5), F(999999.7), F(999.5), F(99.95), F(9.9999996), F(0.000999995), F(1e23), F(9.999999999999999e22),
	F(math.Inf(1)), F(math.Inf(-1)), F(math.NaN()), F(math.Copysign(math.NaN(), -1)),
	S(""), S("abc"), S("10"), S("0x1p4"), S(" 2.5 "), S("x\x00y"), S(strings.Repeat("long", 30)), S("\"\\\n\r\x00\x01\x7f\xff9"),
	nilV, lua.True, lua.False, tableV,
}

// randomSpec builds a conversion specification, mostly valid ones.
func randomSpec(r *rand.Rand) string {
	const conversions = "diuoxXcaAeEfgGsqp%diouxaefgsF"
	var b strings.Builder
	b.WriteByte('%')
	for range r.IntN(3) {
		b.WriteByte("-+ #0"[r.IntN(5)])
	}
	switch r.IntN(4) {
	case 0:
		b.WriteString(strconv.Itoa(r.IntN(30)))
	case 1:
		b.WriteString(strconv.Itoa(r.IntN(120)))
	}
	switch r.IntN(4) {
	case 0:
		b.WriteString("." + strconv.Itoa(r.IntN(20)))
	case 1:
		b.WriteString("." + strconv.Itoa(r.IntN(120)))
	case 2:
		b.WriteString(".")
	}
	if r.IntN(40) == 0 {
		b.WriteByte("lhyz!"[r.IntN(5)])
	} else {
		b.WriteByte(conversions[r.IntN(len(conversions))])
	}
	return b.String()
}

// referenceOnlyDifferences reports formats whose output cannot be the same
// here: addresses (%p and %s of tables).
func hasAddress(spec string, v lua.Value) bool {
	conv := spec[len(spec)-1]
	return (conv == 'p' && (v.IsString() || v.Type() == lua.TypeTable)) ||
		(conv == 's' && v.Type() == lua.TypeTable)
}

func TestFormatAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var calls []call
	for range 20000 {
		spec := randomSpec(r)
		v := formatValues[r.IntN(len(formatValues))]
		if hasAddress(spec, v) {
			continue
		}
		calls = append(calls, format("<"+spec+">", v))
	}
	// Every float conversion with every value, precisions 0-17.
	for _, conv := range "aAeEfgG" {
		for _, v := range formatValues {
			if !v.IsNumber() {
				continue
			}
			for p := range 18 {
				calls = append(calls, format("%."+strconv.Itoa(p)+string(conv), v))
			}
			calls = append(calls, format("%"+string(conv), v), format("%#"+string(conv), v), format("%+015"+string(conv), v))
		}
	}
	compareWithReference(t, calls)
}

// FuzzFormat formats arbitrary formats with an integer, a float and a
// string argument: it must never panic, and %d, %s and %q must agree with
// their definitions whenever the format is exactly that conversion.
func FuzzFormat(f *testing.F) {
	f.Add("%d|%5.2f|%-8s|%q", int64(42), 3.14159, "text")
	f.Add("%#x %+.3e %10.4g %a", int64(-1), 1e-300, "")
	f.Add("%c%%%5q", int64(65), math.Inf(1), "a\x00b")
	th, strlib := newThread()
	format := strlib.GetStr("format").AsGoFunction()
	f.Fuzz(func(t *testing.T, spec string, i int64, x float64, s string) {
		res, err := format.Fn(th, []lua.Value{S(spec), I(i), F(x), S(s)})
		if err != nil {
			return
		}
		out, ok := res[0].AsString()
		if !ok {
			t.Fatalf("format(%q) returned a %s", spec, res[0].TypeName())
		}
		if spec == "%d" && out != strconv.FormatInt(i, 10) {
			t.Errorf("format(%%d, %d) = %q", i, out)
		}
		if spec == "%d%s" && out != strconv.FormatInt(i, 10)+lua.FormatFloat(x) {
			t.Errorf("format(%%d%%s, %d, %v) = %q", i, x, out)
		}
	})
}

func BenchmarkFormatMixed(b *testing.B) {
	benchmarkCall(b, "format", S("%d: %s = %.3f (%5.1f%%)"), I(12345), S("name"), F(math.Pi), F(99.5))
}
func BenchmarkFormatG(b *testing.B) { benchmarkCall(b, "format", S("%g"), F(1.0/3)) }
func BenchmarkFormatNumbers(b *testing.B) {
	benchmarkCall(b, "format", S("%d:%05.2f;"), I(12345), F(12345.0/7))
}
