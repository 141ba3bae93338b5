package syntax

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"testing"
)

var numberTests = []struct {
	in    string
	isInt bool
	i     int64
	f     float64
	ok    bool
}{
	{"0", true, 0, 0, true},
	{"  10\t\n", true, 10, 0, true},
	{"\v\f-10\r", true, -10, 0, true},
	{"+7", true, 7, 0, true},
	{"00012", true, 12, 0, true},
	{"9223372036854775807", true, math.MaxInt64, 0, true},
	{"-9223372036854775808", true, math.MinInt64, 0, true},
	{"9223372036854775808", false, 0, 9223372036854775808, true},
	{"-9223372036854775809", false, 0, -9223372036854775809, true},
	{"0x10", true, 16, 0, true},
	{"0XfF", true, 255, 0, true},
	{"-0x10", true, -16, 0, true},
	{"0xffffffffffffffff", true, -1, 0, true},
	{"0x10000000000000001", true, 1, 0, true}, // wraps around
	{"1.5", false, 0, 1.5, true},
	{".5", false, 0, 0.5, true},
	{"5.", false, 0, 5, true},
	{"1e2", false, 0, 100, true},
	{"1E+2", false, 0, 100, true},
	{" -.5e-3 ", false, 0, -0.0005, true},
	{"1e309", false, 0, math.Inf(1), true},
	{"-1e309", false, 0, math.Inf(-1), true},
	{"1e-400", false, 0, 0, true},
	{"0x1p4", false, 0, 16, true},
	{"0X1P-1", false, 0, 0.5, true},
	{"0x.8", false, 0, 0.5, true},
	{"0x8.", false, 0, 8, true},
	{"0xA.8p1", false, 0, 21, true},
	{"-0x1p1024", false, 0, math.Inf(-1), true},
	{"0x1.00000000000008p0", false, 0, 1, true}, // a tie rounds to even
	{"0x1.000000000000081p0", false, 0, 1 + 0x1p-52, true},
	{"", false, 0, 0, false},
	{"  ", false, 0, 0, false},
	{"-", false, 0, 0, false},
	{".", false, 0, 0, false},
	{"0x", false, 0, 0, false},
	{"0x.", false, 0, 0, false},
	{"0x.p1", false, 0, 0, false},
	{"0x1p", false, 0, 0, false},
	{"1e", false, 0, 0, false},
	{"1e+", false, 0, 0, false},
	{"1.2.3", false, 0, 0, false},
	{"1_000", false, 0, 0, false},
	{"0b101", false, 0, 0, false},
	{"- 1", false, 0, 0, false},
	{"--1", false, 0, 0, false},
	{"0x-1", false, 0, 0, false},
	{"1 2", false, 0, 0, false},
	{"inf", false, 0, 0, false},
	{"nan", false, 0, 0, false},
	{"-INF", false, 0, 0, false},
	{"infinity", false, 0, 0, false},
	{"1\x00", false, 0, 0, false},
	{"\x001", false, 0, 0, false},
}

func TestParseNumber(t *testing.T) {
	for _, test := range numberTests {
		isInt, i, f, ok := ParseNumber(test.in)
		if isInt != test.isInt || i != test.i || ok != test.ok ||
			math.Float64bits(f) != math.Float64bits(test.f) {
			t.Errorf("ParseNumber(%q) = %v, %d, %g, %v; want %v, %d, %g, %v",
				test.in, isInt, i, f, ok, test.isInt, test.i, test.f, test.ok)
		}
	}
}

// TestParseNumberMatchesReference compares ParseNumber with the
// reference's tonumber, bit for bit.
func TestParseNumberMatchesReference(t *testing.T) {
	var inputs []string
	for _, test := range numberTests {
		inputs = append(inputs, test.in)
	}
	inputs = append(inputs,
		"1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
		"4e-324", "2.4703282292062328e-324", "2.4703282292062327e-324",
		"0x1.fffffffffffffp1023", "0x1.fffffffffffff8p1023", "0x1.fffffffffffff7ffp1023",
		"0x.0000000000001p-1022", "0x1p-1075", "0x1.8p-1075", "0x1p-1074",
		"0x"+strings.Repeat("f", 40), "0x"+strings.Repeat("f", 40)+".8",
		"1"+strings.Repeat("0", 400), "0."+strings.Repeat("0", 400)+"1",
		"0x1p99999999999999999999", "0x1p-99999999999999999999", "1e99999999999999999999",
		"123456789012345678901234567890", "-0", "-0.0", "0x-0", "1e0001", "0e0",
		"3.14159265358979323846264338327950288", "0x3.243F6A8885A308D313198A2E03707344A",
		"9007199254740993", "9007199254740993.0", "0x20000000000001p0",
	)
	script := "for _, s in ipairs{\n" + luaList(inputs) + "} do\n" +
		"  local v = tonumber(s)\n" +
		"  if math.type(v) == 'float' then\n" +
		"    io.write('float ', (string.pack('<d', v):gsub('.', function(c) return string.format('%02x', c:byte()) end)), '\\n')\n" +
		"  else io.write(tostring(math.type(v)), ' ', tostring(v), '\\n') end\n" +
		"end\n"
	out := strings.Split(strings.TrimSuffix(runReference(t, script), "\n"), "\n")
	if len(out) != len(inputs) {
		t.Fatalf("reference printed %d lines for %d inputs", len(out), len(inputs))
	}
	for k, in := range inputs {
		isInt, i, f, ok := ParseNumber(in)
		var got string
		switch {
		case !ok:
			got = "nil nil"
		case isInt:
			got = "integer " + strconv.FormatInt(i, 10)
		default:
			var b [8]byte
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(f))
			got = "float " + hex.EncodeToString(b[:])
		}
		if got != out[k] {
			t.Errorf("ParseNumber(%q) gives %s, reference %s", in, got, out[k])
		}
	}
}
