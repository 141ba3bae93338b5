package lib_test

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

func pack(f string, args ...lua.Value) call {
	return call{"pack", append([]lua.Value{S(f)}, args...)}
}

func unpack(f string, args ...lua.Value) call {
	return call{"unpack", append([]lua.Value{S(f)}, args...)}
}

func TestPack(t *testing.T) {
	runCallTests(t, []callTest{
		{pack("<i4", I(1)), outcome(S("\x01\x00\x00\x00"))},
		{pack(">i4", I(1)), outcome(S("\x00\x00\x00\x01"))},
		{pack("=i2", I(-2)), outcome(S("\xfe\xff"))},
		{pack("<i3", I(-1)), outcome(S("\xff\xff\xff"))},
		{pack(">I3", I(0x123456)), outcome(S("\x12\x34\x56"))},
		{pack("<i16", I(-2)), outcome(S("\xfe" + strings.Repeat("\xff", 15)))},
		{pack(">I16", I(7)), outcome(S(strings.Repeat("\x00", 15) + "\x07"))},
		{pack("<j", I(math.MinInt64)), outcome(S("\x00\x00\x00\x00\x00\x00\x00\x80"))},
		{pack(">J", I(-1)), outcome(S(strings.Repeat("\xff", 8)))},
		{pack("bBhHlLT", I(-1), I(255), I(-1), I(65535), I(-1), I(-1), I(1)), outcome(S("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x00\x00\x00\x00\x00\x00\x00"))},
		{pack("<f", F(1.5)), outcome(S("\x00\x00\xc0\x3f"))},
		{pack(">d", F(-2.25)), outcome(S("\xc0\x02\x00\x00\x00\x00\x00\x00"))},
		{pack("<n", I(1)), outcome(S("\x00\x00\x00\x00\x00\x00\xf0\x3f"))},
		{pack("<s1", S("hello")), outcome(S("\x05hello"))},
		{pack(">s2", S("hi")), outcome(S("\x00\x02hi"))},
		{pack("z", S("abc")), outcome(S("abc\x00"))},
		{pack("c5", S("abc")), outcome(S("abc\x00\x00"))},
		{pack("c0", S("")), outcome(S(""))},
		{pack("<!4 b i4", I(1), I(2)), outcome(S("\x01\x00\x00\x00\x02\x00\x00\x00"))},
		{pack("<!8 b d", I(1), F(0.5)), outcome(S("\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xe0\x3f"))},
		{pack("<! b d", I(1), F(0.5)), outcome(S("\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xe0\x3f"))},
		{pack("<b i4", I(1), I(2)), outcome(S("\x01\x02\x00\x00\x00"))},
		{pack("<b x i2", I(1), I(2)), outcome(S("\x01\x00\x02\x00"))},
		{pack("<!4 b Xi4 i4", I(1), I(2)), outcome(S("\x01\x00\x00\x00\x02\x00\x00\x00"))},
		{pack("<!2 i1 Xi2 i1", I(9), I(8)), outcome(S("\x09\x00\x08"))},
		{pack("!4 z Xi4", S("ab")), outcome(S("ab\x00\x00"))},
		{pack("i4\x00garbage", I(1)), outcome(S("\x01\x00\x00\x00"))},
		{pack("i1", I(200)), failure("bad argument #2 (integer overflow)")},
		{pack("i1", I(-129)), failure("bad argument #2 (integer overflow)")},
		{pack("I1", I(-1)), failure("bad argument #2 (unsigned overflow)")},
		{pack("I1", I(256)), failure("bad argument #2 (unsigned overflow)")},
		{pack("i17", I(1)), failure("integral size (17) out of limits [1,16]")},
		{pack("i0", I(1)), failure("integral size (0) out of limits [1,16]")},
		{pack("!17"), failure("integral size (17) out of limits [1,16]")},
		{pack("s1", S(strings.Repeat("x", 256))), failure("bad argument #2 (string length does not fit in given size)")},
		{pack("z", S("a\x00b")), failure("bad argument #2 (string contains zeros)")},
		{pack("c2", S("abc")), failure("bad argument #2 (string longer than given size)")},
		{pack("c", S("abc")), failure("missing size for format option 'c'")},
		{pack("y", I(1)), failure("invalid format option 'y'")},
		{pack("\xff", I(1)), failure("invalid format option '\xff'")},
		{pack("i4", S("x")), failure("bad argument #2 (number expected, got string)")},
		{pack("i4", F(1.5)), failure("bad argument #2 (number has no integer representation)")},
		{pack("i4"), failure("bad argument #2 (number expected, got nil)")}, // lua5.4 pushes a nil mark after the arguments
		{pack("!3 i4", I(1)), failure("bad argument #1 (format asks for alignment not power of 2)")},
		{pack("!4 i3", I(1)), failure("bad argument #1 (format asks for alignment not power of 2)")},
		{pack("X", I(1)), failure("bad argument #1 (invalid next option for option 'X')")},
		{pack("Xc1"), failure("bad argument #1 (invalid next option for option 'X')")},
		{pack("X<"), failure("bad argument #1 (invalid next option for option 'X')")},
		{pack("Xz"), failure("bad argument #1 (invalid next option for option 'X')")},
		{c("pack"), failure("bad argument #1 (string expected, got no value)")},
	})
}

func TestUnpack(t *testing.T) {
	data := S("\x0a\x00\x14\x00\x1e\x00")
	runCallTests(t, []callTest{
		{unpack("<i2", data), outcome(I(10), I(3))},
		{unpack("<i2", data, I(3)), outcome(I(20), I(5))},
		{unpack("<i2", data, I(-2)), outcome(I(30), I(7))},
		{unpack("<i2 i2 i2", data), outcome(I(10), I(20), I(30), I(7))},
		{unpack("<i2", data, I(7)), failure("bad argument #2 (data string too short)")},
		{unpack("<i2", data, I(8)), failure("bad argument #3 (initial position out of string)")},
		{unpack("b", S("a"), I(-5)), outcome(I(97), I(2))},
		{unpack("", S("abc"), I(4)), outcome(I(4))},
		{unpack("<i4", S("ab")), failure("bad argument #2 (data string too short)")},
		{unpack("<i3", S("\xff\xff\xff")), outcome(I(-1), I(4))},
		{unpack("<I3", S("\xff\xff\xff")), outcome(I(0xffffff), I(4))},
		{unpack("<i16", S(strings.Repeat("\xff", 16))), outcome(I(-1), I(17))},
		{unpack("<I9", S("\x01"+strings.Repeat("\x00", 8))), outcome(I(1), I(10))},
		{unpack("<i16", S(strings.Repeat("\xff", 8)+strings.Repeat("\x01", 8))), failure("16-byte integer does not fit into Lua Integer")},
		{unpack(">i9", S("\x00\x80"+strings.Repeat("\x00", 7))), failure("9-byte integer does not fit into Lua Integer")},
		{unpack("<I9", S(strings.Repeat("\xff", 8)+"\x00")), outcome(I(-1), I(10))},
		{unpack("<f", S("\x00\x00\xc0\x3f")), outcome(F(1.5), I(5))},
		{unpack(">d", S("\xc0\x02\x00\x00\x00\x00\x00\x00")), outcome(F(-2.25), I(9))},
		{unpack("z z", S("one\x00two\x00")), outcome(S("one"), S("two"), I(9))},
		{unpack("z", S("abc")), failure("bad argument #2 (unfinished string for format 'z')")},
		{unpack("s1", S("\x05hello!")), outcome(S("hello"), I(7))},
		{unpack("s1", S("\x05hell")), failure("bad argument #2 (data string too short)")},
		{unpack("<s8", S("\xff\xff\xff\xff\xff\xff\xff\xffx")), failure("bad argument #2 (data string too short)")},
		{unpack("c3", S("abcd")), outcome(S("abc"), I(4))},
		{unpack("c5", S("abcd")), failure("bad argument #2 (data string too short)")},
		{unpack("<!4 b Xi4 i4", S("\x01\x00\x00\x00\x02\x00\x00\x00")), outcome(I(1), I(2), I(9))},
		{unpack("!4 b i4", S("\x01\x00\x00\x00\x02\x00\x00\x00"), I(1)), outcome(I(1), I(2), I(9))},
		{unpack("x b", S("\x00\x07")), outcome(I(7), I(3))},
		{unpack("i4", S("abcd"), S("x")), failure("bad argument #3 (number expected, got string)")},
		{unpack("i4", nilV), failure("bad argument #2 (string expected, got nil)")},
	})
}

func TestPacksize(t *testing.T) {
	tests := map[string]string{
		"i4": outcome(I(4)), "i8": outcome(I(8)), "b": outcome(I(1)), "h": outcome(I(2)), "d": outcome(I(8)),
		"f": outcome(I(4)), "n": outcome(I(8)), "j": outcome(I(8)), "T": outcome(I(8)), "i3": outcome(I(3)),
		"!8 b d": outcome(I(16)), "!4 b i4 b": outcome(I(9)), "c10": outcome(I(10)), "<i2 x x i2": outcome(I(6)),
		"!8 i1 Xd": outcome(I(8)), "": outcome(I(0)), "!2 b Xi8": outcome(I(2)),
		"s":                          failure("bad argument #1 (variable-length format)"),
		"z":                          failure("bad argument #1 (variable-length format)"),
		"c1073741824c1073741824":     failure("bad argument #1 (format result too large)"),
		"c2147483647":                failure("invalid format option '7'"), // digits stop before overflow
		"c1073741824c1073741823":     outcome(I(2147483647)),
		"c99999999999":               failure("invalid format option '9'"),
		strings.Repeat("c", 1) + "0": outcome(I(0)),
	}
	var calls []callTest
	for f, want := range tests {
		calls = append(calls, callTest{c("packsize", S(f)), want})
	}
	runCallTests(t, calls)
}

// packOptions are the pieces random pack formats are made of.
var packOptions = []string{
	"b", "B", "h", "H", "i", "I", "l", "L", "j", "J", "T", "f", "d", "n",
	"i1", "i2", "i3", "i5", "i7", "i8", "i9", "i16", "I1", "I3", "I9", "I16",
	"s", "s1", "s2", "s4", "z", "c0", "c1", "c3", "x", "Xi4", "Xd", "Xh",
	"<", ">", "=", "!", "!1", "!2", "!4", "!8", "!16", " ",
}

// packArgs are tried with every option kind (errors included).
var packArgs = []lua.Value{
	I(0), I(1), I(-1), I(127), I(128), I(-128), I(255), I(256), I(65535), I(-32769),
	I(1 << 31), I(math.MaxInt64), I(math.MinInt64), F(0.5), F(-2.25), F(1e300), F(3), F(1.5),
	S(""), S("a"), S("abc"), S("a\x00b"), S("10"), nilV,
}

func TestPackAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var calls []call
	for range 4000 {
		var f strings.Builder
		n := 1 + r.IntN(4)
		for range n {
			f.WriteString(packOptions[r.IntN(len(packOptions))])
		}
		args := []lua.Value{S(f.String())}
		for range n {
			args = append(args, packArgs[r.IntN(len(packArgs))])
		}
		calls = append(calls, call{"pack", args}, c("packsize", S(f.String())))
		// Unpack the packing of valid values, and of random bytes.
		raw := make([]byte, r.IntN(24))
		for i := range raw {
			raw[i] = byte(r.IntN(4)) * 85
		}
		calls = append(calls, unpack(f.String(), S(string(raw))), unpack(f.String(), S(string(raw)), I(int64(r.IntN(6)-2))))
	}
	for _, o := range packOptions {
		for _, a := range packArgs {
			calls = append(calls, pack(o, a), pack("<"+o+">"+o, a, a))
		}
		calls = append(calls, pack("!"+strconv.Itoa(r.IntN(18))+"b"+o, I(1), I(1)))
	}
	compareWithReference(t, calls)
}

// FuzzPack unpacks arbitrary data with arbitrary formats; whatever unpacks
// must pack again into data that unpacks to the same values, and nothing
// may panic.
func FuzzPack(f *testing.F) {
	f.Add("<i4 >I2 b", "\x01\x02\x03\x04\x05\x06\x07")
	f.Add("!8 b d s1 z", "\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xe0\x3f\x02hiz\x00")
	f.Add("<i16 c3 Xi8 f", strings.Repeat("\xff", 16)+"abc\x00\x00\x00\x00\x00\x00\xc0\x3f")
	th, strlib := newThread()
	packFn := strlib.GetStr("pack").AsGoFunction()
	unpackFn := strlib.GetStr("unpack").AsGoFunction()
	packsizeFn := strlib.GetStr("packsize").AsGoFunction()
	f.Fuzz(func(t *testing.T, format, data string) {
		packsizeFn.Fn(th, []lua.Value{S(format)})
		res, err := unpackFn.Fn(th, []lua.Value{S(format), S(data)})
		if err != nil {
			return
		}
		vals := append([]lua.Value{S(format)}, res[:len(res)-1]...)
		res, err = packFn.Fn(th, vals)
		if err != nil {
			t.Fatalf("pack(%q) of unpacked values: %v", format, err)
		}
		packed, _ := res[0].AsString()
		res, err = unpackFn.Fn(th, []lua.Value{S(format), S(packed)})
		if err != nil {
			t.Fatalf("unpack(%q) of its own packing %q: %v", format, packed, err)
		}
		if got, want := describe(res[:len(res)-1], nil), describe(vals[1:], nil); got != want {
			t.Fatalf("format %q: values %s repacked as %q unpack as %s", format, readable(want), packed, readable(got))
		}
	})
}
