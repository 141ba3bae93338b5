package lua_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// TestRuntimeErrors checks error messages, variable descriptions included,
// against texts produced by the reference interpreter.
func TestRuntimeErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"local x; return x.y", "x:1: attempt to index a nil value (local 'x')"},
		{"return undefinedGlobal.y", "x:1: attempt to index a nil value (global 'undefinedGlobal')"},
		{"local t = {}; return t.a.b", "x:1: attempt to index a nil value (field 'a')"},
		{"local u; return (function() return u.k end)()", "x:1: attempt to index a nil value (upvalue 'u')"},
		{"local t, k = {}, 'key'; return t[k].name", "x:1: attempt to index a nil value (field '?')"},
		{"local s = {}; return s.obj:method()", "x:1: attempt to index a nil value (field 'obj')"},
		{"undefinedFunction()", "x:1: attempt to call a nil value (global 'undefinedFunction')"},
		{"local t = {}; t:missing()", "x:1: attempt to call a nil value (method 'missing')"},
		{"local t = {}; t.missing()", "x:1: attempt to call a nil value (field 'missing')"},
		{"local t = {}; t()", "x:1: attempt to call a table value (local 't')"},
		{"local t = {}; return t.y + 1", "x:1: attempt to perform arithmetic on a nil value (field 'y')"},
		{"local b = true; return b / 2", "x:1: attempt to perform arithmetic on a boolean value (local 'b')"},
		{"return {} + 1", "x:1: attempt to perform arithmetic on a table value"},
		{"return 1 < nil", "x:1: attempt to compare number with nil"},
		{"return {} < {}", "x:1: attempt to compare two table values"},
		{"return {} <= 1", "x:1: attempt to compare table with number"},
		{"local t = {}; return 'x' .. t.name", "x:1: attempt to concatenate a nil value (field 'name')"},
		{"local t = {}; return t .. 'x'", "x:1: attempt to concatenate a table value (local 't')"},
		{"local n = 3; return #n", "x:1: attempt to get length of a number value (local 'n')"},
		{"local f = 1.5; return f | 0", "x:1: number (local 'f') has no integer representation"},
		{"return 1.5 | 0", "x:1: number has no integer representation"},
		{"local x = 'a'; return x | 0", "x:1: attempt to perform bitwise operation on a string value (local 'x')"},
		{"local a, b = 1, 0; return a // b", "x:1: attempt to divide by zero"},
		{"local a, b = 1, 0; return a % b", "x:1: attempt to perform 'n%0'"},
		{"for i = 1, 2, 0 do end", "x:1: 'for' step is zero"},
		{"for i = 1, 'x' do end", "x:1: bad 'for' limit (number expected, got string)"},
		{"for i = {}, 1 do end", "x:1: bad 'for' initial value (number expected, got table)"},
		{"local t = {}; t[nil] = 1", "x:1: table index is nil"},
		{"local t = {}; t[0/0] = 1", "x:1: table index is NaN"},
		{"local t <close> = 42", "x:1: variable 't' got a non-closable value"},
		{"error('msg')", "x:1: msg"},
		{"error('msg', 0)", "msg"},
		{"local function f() error('lvl2', 2) end\nf()", "x:2: lvl2"},
		{"assert(false)", "x:1: assertion failed!"},
		{"assert(nil, 'why')", "x:1: why"},
		{"setmetatable(1, {})", "x:1: bad argument #1 to 'setmetatable' (table expected, got number)"},
		{"local s = 'x'; s:rep({})", "x:1: bad argument #1 to 'rep' (number expected, got table)"},
		{"('x').rep()", "x:1: bad argument #1 to 'rep' (string expected, got no value)"},
		{"string.rep()", "x:1: bad argument #1 to 'rep' (string expected, got no value)"},
		{"local t = setmetatable({}, {__index = function(t, k) return t[k] end}); return t.x", "x:1: C stack overflow"},
		{"local t = setmetatable({}, {__metatable = 1}); setmetatable(t, {})", "x:1: cannot change a protected metatable"},
		{"coroutine.yield()", "attempt to yield from outside a coroutine"},
		{"local w = coroutine.wrap(function() error('in co') end); w()", "x:1: x:1: in co"},
		{"select(0)", "x:1: bad argument #1 to 'select' (index out of range)"},
		{"local t = setmetatable({}, {__name = 'Widget'}); return t + 1", "x:1: attempt to perform arithmetic on a Widget value (local 't')"},
		{"string.rep(setmetatable({}, {__name = 'Widget'}))", "x:1: bad argument #1 to 'rep' (string expected, got Widget)"},
	}
	for _, tt := range tests {
		s, _ := newState()
		_, err := s.DoString(tt.src, "=x")
		if err == nil {
			t.Errorf("%s: no error", tt.src)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("%s:\n got  %q\n want %q", tt.src, got, tt.want)
		}
	}
}

// TestTraceback checks the traceback captured for an uncaught error.
func TestTraceback(t *testing.T) {
	src := `local function lvl3() error("deep") end
local function lvl2() lvl3() end
function globalfn() lvl2() end
local t = {}
function t.method(self) globalfn() end
t:method()
`
	s, _ := newState()
	_, err := s.DoString(src, "@tb.lua")
	var e *lua.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *lua.Error", err)
	}
	want := `stack traceback:
	[C]: in function 'error'
	tb.lua:1: in upvalue 'lvl3'
	tb.lua:2: in upvalue 'lvl2'
	tb.lua:3: in function 'globalfn'
	tb.lua:5: in method 'method'
	tb.lua:6: in main chunk
	[C]: in ?`
	if e.Traceback != want {
		t.Errorf("traceback:\n%s\nwant:\n%s", e.Traceback, want)
	}
	if e.Error() != "tb.lua:1: deep" {
		t.Errorf("message %q", e.Error())
	}
}

// TestTracebackElision checks the "...(skipping N levels)" form.
func TestTracebackElision(t *testing.T) {
	s, _ := newState()
	_, err := s.DoString("local function f(n) if n == 0 then error('x') end f(n - 1) end f(40)", "=deep")
	tb := err.(*lua.Error).Traceback
	if !strings.Contains(tb, "\n\t...\t(skipping 22 levels)\n") {
		t.Errorf("no elision in:\n%s", tb)
	}
	if n := strings.Count(tb, "\n"); n != 22 {
		t.Errorf("traceback has %d lines, want 22:\n%s", n+1, tb)
	}
}

// TestGoAPI exercises the embedding API.
func TestGoAPI(t *testing.T) {
	s, out := newState()
	s.Register("double", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		n, err := lua.CheckInt(args, 1)
		if err != nil {
			return nil, err
		}
		return t.Ret(lua.Int(2 * n))
	})
	s.SetGlobal("greeting", lua.String("hi"))
	res, err := s.DoString("print(greeting, double(21)); return double(2), 'x'", "=api")
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0] != lua.Int(4) {
		t.Errorf("results %v", res)
	}
	if out.String() != "hi\t42\n" {
		t.Errorf("output %q", out.String())
	}
	if _, err := s.DoString("double('x')", "=api"); err == nil || err.Error() != "api:1: bad argument #1 to 'double' (number expected, got string)" {
		t.Errorf("argument error %v", err)
	}
	fn := s.GetGlobal("double")
	res, err = s.Call(fn, lua.Int(5))
	if err != nil || len(res) != 1 || res[0] != lua.Int(10) {
		t.Errorf("Call: %v %v", res, err)
	}
	if _, err := s.Call(lua.Int(1)); err == nil || err.Error() != "attempt to call a number value" {
		t.Errorf("calling a number: %v", err)
	}
}

// TestGoPanic checks that a panicking Go function becomes a catchable Lua error.
func TestGoPanic(t *testing.T) {
	s, _ := newState()
	s.Register("boom", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		var m map[string]int
		m["x"] = 1 // panics
		return nil, nil
	})
	res, err := s.DoString("local ok, e = pcall(boom); return ok, e", "=p")
	if err != nil {
		t.Fatal(err)
	}
	if res[0] != lua.False {
		t.Errorf("pcall returned %v", res[0])
	}
	if msg, _ := res[1].AsString(); !strings.Contains(msg, "Go panic") {
		t.Errorf("message %q", msg)
	}
	if _, err := s.DoString("boom()", "=p"); err == nil || !strings.Contains(err.Error(), "Go panic") {
		t.Errorf("uncaught panic: %v", err)
	}
	// The state still works.
	if res, err := s.DoString("return 1 + 1", "=p"); err != nil || res[0] != lua.Int(2) {
		t.Errorf("after panic: %v %v", res, err)
	}
}

// TestCoroutineFromGo resumes a coroutine through the library function from Go.
func TestCoroutineFromGo(t *testing.T) {
	s, _ := newState()
	res, err := s.DoString("return coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end)", "=co")
	if err != nil {
		t.Fatal(err)
	}
	co := res[0]
	resume := s.GetGlobal("coroutine").AsTable().GetStr("resume")
	r1, err := s.Call(resume, co, lua.Int(1))
	if err != nil || len(r1) != 2 || r1[1] != lua.Int(2) {
		t.Fatalf("first resume: %v %v", r1, err)
	}
	r2, err := s.Call(resume, co, lua.Int(10))
	if err != nil || len(r2) != 2 || r2[1] != lua.Int(20) {
		t.Fatalf("second resume: %v %v", r2, err)
	}
	r3, _ := s.Call(resume, co)
	if msg, _ := r3[1].AsString(); r3[0] != lua.False || msg != "cannot resume dead coroutine" {
		t.Errorf("third resume: %v", r3)
	}
}

// TestLoadModes checks the mode argument of Load.
func TestLoadModes(t *testing.T) {
	s, _ := newState()
	if _, err := s.Load("return 1", "=m", "b"); err == nil || err.Error() != "attempt to load a text chunk (mode is 'b')" {
		t.Errorf("text in b mode: %v", err)
	}
	fn, err := s.Load("return ...", "=m", "t")
	if err != nil {
		t.Fatal(err)
	}
	bin, err := lua.DumpFunction(fn, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(bin, "=m", "t"); err == nil || err.Error() != "attempt to load a binary chunk (mode is 't')" {
		t.Errorf("binary in t mode: %v", err)
	}
	f2, err := s.Load(bin, "=m", "bt")
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Call(f2, lua.Int(7)); err != nil || len(res) != 1 || res[0] != lua.Int(7) {
		t.Errorf("undumped function: %v %v", res, err)
	}
	if _, err := s.Load("x = = 1", "=m", "t"); err == nil || err.Error() != "m:1: unexpected symbol near '='" {
		t.Errorf("syntax error: %v", err)
	}
}
