package lib_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/luatest"
)

// These tests call the library's Go functions directly, so they need no VM;
// the differential ones run the same calls under the reference interpreter
// lua5.4 (when installed) and compare results and error messages.

// A call is one library call: string[fn](args...).
type call struct {
	fn   string
	args []lua.Value
}

func (c call) String() string {
	lits := make([]string, len(c.args))
	for i, a := range c.args {
		lits[i] = luaLiteral(a)
	}
	return "string." + c.fn + "(" + strings.Join(lits, ", ") + ")"
}

// newThread returns a thread of a fresh state with the string library open.
func newThread() (*lua.Thread, *lua.Table) {
	s := lua.NewState()
	return s.MainThread(), lib.OpenString(s)
}

// run performs c on th and describes the outcome as reference results do.
func run(th *lua.Thread, strlib *lua.Table, c call) string {
	if c.fn == "gmatchall" {
		return describe(gmatchAll(th, strlib, append([]lua.Value(nil), c.args...)))
	}
	f := strlib.GetStr(c.fn).AsGoFunction()
	if f == nil {
		return "no function " + c.fn
	}
	res, err := f.Fn(th, append([]lua.Value(nil), c.args...))
	return describe(res, err)
}

// describe renders results, or an error, in the form the reference script
// prints: values separated by spaces (strings hex-encoded, floats by their
// bits), or "e:" and the hex-encoded message.
func describe(res []lua.Value, err error) string {
	if err != nil {
		return "e:" + hex.EncodeToString([]byte(err.Error()))
	}
	parts := make([]string, len(res))
	for i, v := range res {
		parts[i] = encodeValue(v)
	}
	return strings.Join(parts, " ")
}

func encodeValue(v lua.Value) string {
	if i, ok := v.AsInt(); ok {
		return "i:" + strconv.FormatInt(i, 10)
	}
	if f, ok := v.AsFloat(); ok {
		if f != f {
			return "f:nan" // NaN payloads and signs vary with the hardware
		}
		return fmt.Sprintf("f:%016x", math.Float64bits(f))
	}
	if s, ok := v.AsString(); ok {
		return "s:" + hex.EncodeToString([]byte(s))
	}
	if b, ok := v.AsBool(); ok {
		return strconv.FormatBool(b)
	}
	return v.TypeName()
}

// refPrelude defines the reference side of describe: emit(pcall(...)).
const refPrelude = `
local function enc(v)
  local ty = math.type(v) or type(v)
  if ty == "string" then
    return "s:" .. v:gsub(".", function(c) return string.format("%02x", c:byte()) end)
  elseif ty == "integer" then return "i:" .. string.format("%d", v)
  elseif ty == "float" then
    if v ~= v then return "f:nan" end
    return "f:" .. string.format("%016x", (string.unpack("<i8", string.pack("<d", v))))
  elseif ty == "boolean" then return tostring(v)
  end
  return ty
end
function string.gmatchall(s, p, ...)
  local steps = {}
  for a, b in string.gmatch(s, p, ...) do steps[#steps + 1] = tostring(a) .. "," .. tostring(b) end
  return table.concat(steps, ";")
end
local function emit(ok, ...)
  if not ok then
    -- The position and the function name come from the VM, not the library.
    local msg = tostring((...)):gsub("^stdin:%d+: ", ""):gsub("bad argument #(%d+) to '[^']*'", "bad argument #%1")
    io.write("e:", (msg:gsub(".", function(c) return string.format("%02x", c:byte()) end)), "\n")
    return
  end
  local parts = {}
  for i = 1, select('#', ...) do parts[i] = enc((select(i, ...))) end
  io.write(table.concat(parts, " "), "\n")
end
`

// luaLiteral returns Lua source that evaluates to v.
func luaLiteral(v lua.Value) string {
	if i, ok := v.AsInt(); ok {
		if i == math.MinInt64 {
			return "math.mininteger"
		}
		return strconv.FormatInt(i, 10)
	}
	if f, ok := v.AsFloat(); ok {
		switch {
		case f != f && math.Signbit(f):
			return "(0/0)" // x86 produces a negative NaN
		case f != f:
			return "(-(0/0))"
		case math.IsInf(f, 1):
			return "(1/0)"
		case math.IsInf(f, -1):
			return "(-1/0)"
		}
		return "(" + strconv.FormatFloat(f, 'x', -1, 64) + ")"
	}
	if s, ok := v.AsString(); ok {
		var b strings.Builder
		b.WriteByte('"')
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= ' ' && c < 127 && c != '"' && c != '\\' {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "\\%03d", c)
			}
		}
		b.WriteByte('"')
		return b.String()
	}
	switch v.Type() {
	case lua.TypeNil:
		return "nil"
	case lua.TypeBoolean:
		return strconv.FormatBool(v.Truthy())
	case lua.TypeTable:
		var b strings.Builder
		b.WriteByte('{')
		tb := v.AsTable()
		for k, val, ok, _ := tb.Next(lua.Nil); ok; k, val, ok, _ = tb.Next(k) {
			fmt.Fprintf(&b, "[%s]=%s, ", luaLiteral(k), luaLiteral(val))
		}
		b.WriteByte('}')
		return b.String()
	case lua.TypeFunction:
		// Test functions carry their Lua source as their name.
		if f := v.AsGoFunction(); f != nil && strings.HasPrefix(f.Name, "function") {
			return "(" + f.Name + ")"
		}
	}
	panic("no literal for a " + v.TypeName())
}

// luaFunction returns a Go function that does what the Lua function src
// does, for calls that the reference must run too.
func luaFunction(src string, fn lua.GoFunc) lua.Value {
	return lua.NewGoFunction(src, fn).Value()
}

// referenceResults runs calls under lua5.4 and returns one line per call;
// it skips the test when lua5.4 is not installed.
func referenceResults(t *testing.T, calls []call) []string {
	t.Helper()
	ref, err := exec.LookPath("lua5.4")
	if err != nil {
		t.Skipf("no reference interpreter: %v", err)
	}
	var src strings.Builder
	src.WriteString(refPrelude)
	for _, c := range calls {
		// One function per call keeps every chunk below Lua's limits.
		fmt.Fprintf(&src, "emit(pcall(function() return %s end))\n", c)
	}
	cmd := exec.Command(ref, "-")
	cmd.Stdin = strings.NewReader(src.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("lua5.4: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(calls) {
		t.Fatalf("lua5.4 printed %d lines for %d calls", len(lines), len(calls))
	}
	return lines
}

// compareWithReference runs calls here and under lua5.4 and reports the
// differences (at most maxReported of them).
func compareWithReference(t *testing.T, calls []call) {
	t.Helper()
	want := referenceResults(t, calls)
	th, strlib := newThread()
	const maxReported = 20
	failures := 0
	for i, c := range calls {
		got := run(th, strlib, c)
		if got != want[i] {
			failures++
			if failures <= maxReported {
				t.Errorf("%s:\n got %s\nwant %s", c, readable(got), readable(want[i]))
			}
		}
	}
	if failures > maxReported {
		t.Errorf("... %d differences in all, out of %d calls", failures, len(calls))
	}
}

// readable decodes the hex parts of a described outcome for messages.
func readable(d string) string {
	parts := strings.Split(d, " ")
	if strings.HasPrefix(d, "e:") {
		parts = []string{d}
	}
	for i, p := range parts {
		for _, prefix := range []string{"s:", "e:"} {
			if rest, ok := strings.CutPrefix(p, prefix); ok {
				if b, err := hex.DecodeString(rest); err == nil {
					parts[i] = prefix + strconv.Quote(string(b))
				}
			}
		}
	}
	return strings.Join(parts, " ")
}

// Shorthands for building arguments.
func S(s string) lua.Value  { return lua.String(s) }
func I(i int64) lua.Value   { return lua.Int(i) }
func F(f float64) lua.Value { return lua.Float(f) }

var (
	nilV   = lua.Nil
	tableV = lua.NewTable(0, 0).Value()
)

// outcome describes expected results the way run does.
func outcome(vals ...lua.Value) string { return describe(vals, nil) }

// failure describes an expected error message.
func failure(msg string) string { return describe(nil, fmt.Errorf("%s", msg)) }

type callTest struct {
	call call
	want string
}

func runCallTests(t *testing.T, tests []callTest) {
	t.Helper()
	th, strlib := newThread()
	for _, tt := range tests {
		if got := run(th, strlib, tt.call); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.call, readable(got), readable(tt.want))
		}
	}
}

func c(fn string, args ...lua.Value) call { return call{fn, args} }

func TestBasicFunctions(t *testing.T) {
	runCallTests(t, []callTest{
		{c("len", S("")), outcome(I(0))},
		{c("len", S("a\x00b")), outcome(I(3))},
		{c("len", I(123)), outcome(I(3))},
		{c("len"), failure("bad argument #1 (string expected, got no value)")},
		{c("len", tableV), failure("bad argument #1 (string expected, got table)")},

		{c("sub", S("hello"), I(2), I(4)), outcome(S("ell"))},
		{c("sub", S("hello"), I(-3)), outcome(S("llo"))},
		{c("sub", S("hello"), I(0)), outcome(S("hello"))},
		{c("sub", S("hello"), I(-100), I(2)), outcome(S("he"))},
		{c("sub", S("hello"), I(4), I(2)), outcome(S(""))},
		{c("sub", S("hello"), I(6)), outcome(S(""))},
		{c("sub", S("hello"), I(2), I(100)), outcome(S("ello"))},
		{c("sub", S("hello"), I(2), I(-2)), outcome(S("ell"))},
		{c("sub", S("hello"), I(math.MinInt64), I(math.MaxInt64)), outcome(S("hello"))},
		{c("sub", S("hello"), F(2.0)), outcome(S("ello"))},
		{c("sub", S("hello"), F(2.5)), failure("bad argument #2 (number has no integer representation)")},
		{c("sub", S("hello")), failure("bad argument #2 (number expected, got no value)")},
		{c("sub", I(12345), I(2), I(3)), outcome(S("23"))},

		{c("upper", S("abc XYZ 123 \xe9")), outcome(S("ABC XYZ 123 \xe9"))},
		{c("lower", S("ABC xyz 123 \xc9")), outcome(S("abc xyz 123 \xc9"))},
		{c("reverse", S("abc")), outcome(S("cba"))},
		{c("reverse", S("")), outcome(S(""))},

		{c("rep", S("ab"), I(3)), outcome(S("ababab"))},
		{c("rep", S("ab"), I(3), S(",")), outcome(S("ab,ab,ab"))},
		{c("rep", S("ab"), I(0)), outcome(S(""))},
		{c("rep", S("ab"), I(-1), S(",")), outcome(S(""))},
		{c("rep", S(""), I(1<<40)), outcome(S(""))},
		{c("rep", S("x"), I(1<<31)), failure("resulting string too large")},
		{c("rep", S("x"), I(1<<30), S("y")), failure("resulting string too large")},
		{c("rep", S("x"), I(math.MaxInt64)), failure("resulting string too large")},

		{c("byte", S("ABC")), outcome(I(65))},
		{c("byte", S("ABC"), I(2)), outcome(I(66))},
		{c("byte", S("ABC"), I(1), I(-1)), outcome(I(65), I(66), I(67))},
		{c("byte", S("ABC"), I(-1)), outcome(I(67))},
		{c("byte", S("ABC"), I(10)), outcome()},
		{c("byte", S("ABC"), I(3), I(1)), outcome()},
		{c("byte", S(""), I(1)), outcome()},
		{c("byte", S("\xff\x00")), outcome(I(255))},
		{c("byte", S("abc"), I(0)), outcome()},

		{c("char"), outcome(S(""))},
		{c("char", I(72), I(105)), outcome(S("Hi"))},
		{c("char", I(0), I(255)), outcome(S("\x00\xff"))},
		{c("char", I(256)), failure("bad argument #1 (value out of range)")},
		{c("char", I(65), I(-1)), failure("bad argument #2 (value out of range)")},
		{c("char", S("65")), outcome(S("A"))},
		{c("char", S("x")), failure("bad argument #1 (number expected, got string)")},

		{c("dump", I(1)), failure("bad argument #1 (function expected, got number)")},
		{c("dump", lua.NewGoFunction("f", nil).Value()), failure("unable to dump given function")},
	})
}

func TestByteSliceTooLong(t *testing.T) {
	th, strlib := newThread()
	big := strings.Repeat("x", 1000000)
	got := run(th, strlib, c("byte", S(big), I(1), I(-1)))
	if want := failure("stack overflow (string slice too long)"); got != want {
		t.Errorf("byte of a 1e6-byte string: got %s, want %s", readable(got), readable(want))
	}
	res, err := strlib.GetStr("byte").AsGoFunction().Fn(th, []lua.Value{S(big), I(1), I(100000)})
	if err != nil || len(res) != 100000 {
		t.Errorf("byte of 1e5 bytes: %d results, error %v", len(res), err)
	}
}

func TestStringMetatable(t *testing.T) {
	s := lua.NewState()
	strlib := lib.OpenString(s)
	mt := s.Metatable(S("x"))
	if mt == nil {
		t.Fatal("strings have no metatable")
	}
	if idx := mt.GetStr("__index"); idx.AsTable() != strlib {
		t.Errorf("__index of strings is %v, want the string table", idx.TypeName())
	}
	for _, event := range []string{"__add", "__sub", "__mul", "__div", "__mod", "__pow", "__unm", "__idiv"} {
		if mt.GetStr(event).AsGoFunction() == nil {
			t.Errorf("no %s in the string metatable", event)
		}
	}
	for _, event := range []string{"__band", "__concat", "__len", "__eq", "__lt"} {
		if !mt.GetStr(event).IsNil() {
			t.Errorf("unexpected %s in the string metatable", event)
		}
	}
}

func TestStringArithmetic(t *testing.T) {
	s := lua.NewState()
	th := s.MainThread()
	lib.OpenString(s)
	mt := s.Metatable(S(""))
	other := lua.NewTable(0, 1)
	other.SetStr("__add", lua.NewGoFunction("otheradd", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return t.Ret(S("other " + args[0].TypeName() + " " + args[1].TypeName()))
	}).Value())
	withAdd := lua.NewTable(0, 0)
	withAdd.SetMetatable(other)
	tests := []struct {
		event string
		a, b  lua.Value
		want  string
	}{
		{"__add", S("10"), I(1), outcome(I(11))},
		{"__add", S("10"), S("0x10"), outcome(I(26))},
		{"__add", S(" 1.5 "), I(1), outcome(F(2.5))},
		{"__add", S("9007199254740993"), I(0), outcome(I(9007199254740993))},
		{"__add", S("9223372036854775807"), I(1), outcome(I(math.MinInt64))},
		{"__sub", S("1e2"), S("1"), outcome(F(99))},
		{"__mul", S("3"), S("4"), outcome(I(12))},
		{"__div", S("3"), S("1"), outcome(F(3))},
		{"__mod", S("7"), S("-3"), outcome(I(-2))},
		{"__mod", S("-5.5"), S("2"), outcome(F(0.5))},
		{"__mod", S("-5.5"), S("-2"), outcome(F(-1.5))},
		{"__mod", S("1"), F(math.Inf(1)), outcome(F(1))},
		{"__mod", S("-1"), F(math.Inf(1)), outcome(F(math.Inf(1)))},
		{"__mod", S("10"), S("0"), failure("attempt to perform 'n%0'")},
		{"__mod", I(math.MinInt64), S("-1"), outcome(I(0))},
		{"__idiv", S("7"), S("2"), outcome(I(3))},
		{"__idiv", S("-7"), S("2"), outcome(I(-4))},
		{"__idiv", S("7.5"), S("2"), outcome(F(3))},
		{"__idiv", S("10"), I(0), failure("attempt to divide by zero")},
		{"__idiv", S("10"), F(0), outcome(F(math.Inf(1)))},
		{"__idiv", I(math.MinInt64), S("-1"), outcome(I(math.MinInt64))},
		{"__pow", S("2"), S("10"), outcome(F(1024))},
		{"__unm", S("2"), S("2"), outcome(I(-2))},
		{"__unm", S("-2.5"), S("-2.5"), outcome(F(2.5))},
		{"__add", S("abc"), I(1), failure("attempt to add a 'string' with a 'number'")},
		{"__add", S("1\x00"), I(1), failure("attempt to add a 'string' with a 'number'")},
		{"__add", S("10"), lua.True, failure("attempt to add a 'string' with a 'boolean'")},
		{"__add", lua.True, S("10"), failure("attempt to add a 'boolean' with a 'string'")},
		{"__add", S("abc"), tableV, failure("attempt to add a 'string' with a 'table'")},
		{"__unm", S("abc"), S("abc"), failure("attempt to unm a 'string' with a 'string'")},
		{"__concat", S("abc"), S("abc"), "no metamethod"},
		{"__add", S("abc"), withAdd.Value(), outcome(S("other string table"))},
		{"__add", S("10"), withAdd.Value(), outcome(S("other string table"))},
	}
	for _, tt := range tests {
		f := mt.GetStr(tt.event).AsGoFunction()
		got := "no metamethod"
		if f != nil {
			res, err := f.Fn(th, []lua.Value{tt.a, tt.b})
			got = describe(res, err)
		}
		if got != tt.want {
			t.Errorf("%s(%s, %s) = %s, want %s", tt.event, luaLiteral(tt.a), luaLiteral(tt.b), readable(got), readable(tt.want))
		}
	}
}

func TestBasicFunctionsAgainstReference(t *testing.T) {
	var calls []call
	subjects := []string{"", "a", "hello world", "\x00\xff\x7f"}
	positions := []int64{math.MinInt64, -100, -5, -1, 0, 1, 2, 5, 100, math.MaxInt64}
	for _, s := range subjects {
		calls = append(calls, c("len", S(s)), c("upper", S(s)), c("lower", S(s)), c("reverse", S(s)))
		for _, i := range positions {
			calls = append(calls, c("sub", S(s), I(i)), c("byte", S(s), I(i)))
			for _, j := range positions {
				calls = append(calls, c("sub", S(s), I(i), I(j)), c("byte", S(s), I(i), I(j)))
			}
		}
		for _, n := range []int64{-1, 0, 1, 3} {
			calls = append(calls, c("rep", S(s), I(n)), c("rep", S(s), I(n), S("--")))
		}
	}
	for _, v := range []lua.Value{I(0), I(65), I(255), I(256), I(-1), F(65), F(65.5), S("66"), S("x"), nilV, tableV} {
		calls = append(calls, c("char", v), c("char", I(97), v))
	}
	compareWithReference(t, calls)
}

// TestStringScripts runs the Lua scripts of testdata/string through the
// whole interpreter (methods on strings, operators, callbacks, positions in
// messages), also against lua5.4 when it is installed.
func TestStringScripts(t *testing.T) {
	luatest.RunDir(t, filepath.Join("testdata", "string"), luatest.Options{Differential: true})
}
