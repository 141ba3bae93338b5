package lua_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
)

// sandbox returns a state with the standard libraries, an instruction
// budget and a memory budget.
func sandbox(t *testing.T) *lua.State {
	t.Helper()
	s, _ := newState()
	s.SetInstructionLimit(50_000_000)
	s.SetMemoryLimit(128 << 20)
	t.Cleanup(s.Close)
	return s
}

// checkUsable runs a small chunk after a failed one: the state must still work.
func checkUsable(t *testing.T, s *lua.State) {
	t.Helper()
	res, err := s.DoString("local t = {} for i = 1, 100 do t[i] = i end return #t .. 'ok'", "=after")
	if err != nil || len(res) != 1 || !lua.RawEqual(res[0], lua.String("100ok")) {
		t.Fatalf("next run: %v, %v", res, err)
	}
}

// Hostile programs: each must end with a Lua error (of the given limit
// when cause is set, containing msg or one of its |-separated
// alternatives), within its budget, and leave the state usable.
func TestHostileLua(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		cause error
		msg   string
	}{
		{"infinite loop", "while true do end", lua.ErrInstructionLimit, "hostile:1: instruction budget exhausted"},
		{"loop under pcall", "while true do pcall(function() while true do end end) end", lua.ErrInstructionLimit, "budget exhausted"},
		{"loop under xpcall handler", "xpcall(function() while true do end end, function(m) return 'caught' end) return 'escaped'", lua.ErrInstructionLimit, "budget exhausted"},
		{"loop in xpcall handler", "xpcall(error, function() while true do end end) while true do end", lua.ErrInstructionLimit, "budget exhausted"},
		{"loop in coroutine", "local co = coroutine.create(function() while true do end end) print(coroutine.resume(co))", lua.ErrInstructionLimit, "budget exhausted"},
		{"loop in wrapped coroutine", "pcall(coroutine.wrap(function() while true do end end))", lua.ErrInstructionLimit, "budget exhausted"},
		{"loop in load reader", "print(load(function() while true do end end))", lua.ErrInstructionLimit, "budget exhausted"},
		{"loop in __close", "do local x <close> = setmetatable({}, {__close = function() while true do end end}) end", lua.ErrInstructionLimit, "budget exhausted"},
		{"loop in __tostring", "tostring(setmetatable({}, {__tostring = function() while true do end end}))", lua.ErrInstructionLimit, "budget exhausted"},
		{"loop in sort comparator", "local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function(a, b) while true do end end)", lua.ErrInstructionLimit, "budget exhausted"},
		{"pathological pattern", `string.find(("a"):rep(1e5), ("a*"):rep(50).."b")`, lua.ErrInstructionLimit, "budget exhausted"},
		{"pathological gsub", `while true do string.gsub(("a"):rep(1e4), ("a?"):rep(30), "") end`, lua.ErrInstructionLimit, "budget exhausted"},
		// A million frames may not fit in the memory budget.
		{"deep recursion", "local function f() return 1 + f() end f()", nil, "stack overflow|not enough memory"},
		{"deep recursion under pcall", "local function f() return 1 + f() end local ok, e = pcall(f) error(e, 0)", nil, "stack overflow|not enough memory"},
		{"deep recursion with frames", "local function f(a, b, c) local x, y, z = a, b, c return 1 + f(x, y, z) end f()", nil, "stack overflow"},
		{"metamethod recursion", "local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x", nil, "stack overflow"},
		{"Go-level recursion", "local t = setmetatable({}, {__tostring = function(t) return tostring(t) end}) return tostring(t)", nil, "stack overflow"},
		{"__index loop", "local t = {} setmetatable(t, {__index = t}) return t.x", nil, "'__index' chain too long; possibly a loop"},
		{"__newindex loop", "local t = {} setmetatable(t, {__newindex = t}) t.x = 1", nil, "'__newindex' chain too long; possibly a loop"},
		{"string.rep bomb", "return string.rep('x', 1e9)", lua.ErrMemoryLimit, "not enough memory"},
		{"string.rep with separator", "return string.rep('x', 1e8, 'yy')", lua.ErrMemoryLimit, "not enough memory"},
		{"concatenation bomb", "local s = 'x' for i = 1, 40 do s = s .. s end", lua.ErrMemoryLimit, "not enough memory"},
		{"concatenation bomb under pcall", "local s = 'x' for i = 1, 40 do pcall(function() s = s .. s end) end", lua.ErrMemoryLimit, "not enough memory"},
		{"table.concat bomb", "local t = {} local s = ('x'):rep(1e6) for i = 1, 200 do t[i] = s end return table.concat(t)", lua.ErrMemoryLimit, "not enough memory"},
		{"gsub bomb", "local s = ('x'):rep(1e6) return s:gsub('x', ('y'):rep(300))", lua.ErrMemoryLimit, "not enough memory"},
		{"string.format bomb", "local s = ('x'):rep(1e7) local t = {} for i = 1, 100 do t[i] = string.format('%s%s', s, s) end", lua.ErrMemoryLimit, "not enough memory"},
		{"table flood", "local t = {} for i = 1, 1e9 do t[i] = i end", lua.ErrMemoryLimit, "not enough memory"},
		{"table of tables flood", "local t = {} for i = 1, 1e9 do t[i] = {i} end", lua.ErrMemoryLimit, "not enough memory"},
		{"hash flood", "local t = {} for i = 1, 1e9 do t['k' .. i] = true end", lua.ErrMemoryLimit, "not enough memory"},
		{"coroutine flood", "local t = {} for i = 1, 1e9 do t[i] = coroutine.create(print) end", lua.ErrMemoryLimit, "not enough memory"},
		{"suspended coroutine flood", "local t = {} for i = 1, 1e9 do local co = coroutine.wrap(function() local a = {} coroutine.yield() end) co() t[i] = co end", lua.ErrMemoryLimit, "not enough memory"},
		{"closure flood", "local t = {} for i = 1, 1e9 do t[i] = function() return i end end", lua.ErrMemoryLimit, "not enough memory"},
		{"malformed binary chunk", `return load("\27Lua\x54\0\x19\x93\r\n\x1a\n\4\8\8xV\0\0\0\0\0\0\0\0\0\0\0(w@\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0")()`, nil, ""},
		{"error from __close", "do local x <close> = setmetatable({}, {__close = function() error('in close') end}) end", nil, "in close"},
		{"error from __tostring", "return tostring(setmetatable({}, {__tostring = function() error('in tostring') end}))", nil, "in tostring"},
		{"error object from __close", "do local x <close> = setmetatable({}, {__close = function() error({}) end}) error('first') end", nil, "(error object is a table value)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := sandbox(t)
			start := time.Now()
			_, err := s.DoString(tc.src, "=hostile")
			if err == nil {
				t.Fatalf("no error")
			}
			// A guard against budgets that do not stop a program, generous
			// enough for a loaded machine (speed is for the benchmarks).
			if elapsed := time.Since(start); elapsed > time.Minute {
				t.Errorf("took %v", elapsed)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("error %q does not report %v", err, tc.cause)
			}
			found := false
			for _, alt := range strings.Split(tc.msg, "|") {
				found = found || strings.Contains(err.Error(), alt)
			}
			if !found {
				t.Errorf("error %q, want it to contain %q", err, tc.msg)
			}
			checkUsable(t, s)
		})
	}
}

// A __gc that fails or loops cannot break the host either.
func TestHostileFinalizers(t *testing.T) {
	s := sandbox(t)
	var warnings strings.Builder
	s.Stderr = &warnings
	_, err := s.DoString(`
		warn("@on")
		for i = 1, 10 do setmetatable({}, {__gc = function() error("in gc") end}) end
		collectgarbage()
		collectgarbage()
	`, "=gc")
	if err != nil {
		t.Fatal(err)
	}
	checkUsable(t, s)
	_, err = s.DoString(`
		setmetatable({}, {__gc = function() while true do end end})
		collectgarbage()
		while true do end
	`, "=gcloop")
	if !errors.Is(err, lua.ErrInstructionLimit) {
		t.Errorf("looping __gc: %v", err)
	}
	checkUsable(t, s)
}

// Each run gets the whole instruction budget, and a run stops close to it.
func TestInstructionLimitPerRun(t *testing.T) {
	s, _ := newState()
	s.SetInstructionLimit(100_000)
	count := func() int64 {
		t.Helper()
		_, err := s.DoString("n = 0 while true do n = n + 1 end", "=count")
		if !errors.Is(err, lua.ErrInstructionLimit) {
			t.Fatalf("got %v", err)
		}
		n, _ := s.GetGlobal("n").AsInt()
		return n
	}
	first := count()
	if first < 90_000 || first > 110_000 {
		t.Errorf("loop ran %d iterations with a budget of 100000", first)
	}
	if second := count(); second != first {
		t.Errorf("second run ran %d iterations, first %d", second, first)
	}
	s.SetInstructionLimit(0)
	if _, err := s.DoString("for i = 1, 1e6 do end", "=free"); err != nil {
		t.Errorf("without a limit: %v", err)
	}
}

// __close variables are closed when a limit stops the run, and their
// errors do not replace the limit error.
func TestLimitClosesVariables(t *testing.T) {
	s, out := newState()
	s.SetInstructionLimit(100_000)
	_, err := s.DoString(`
		local x <close> = setmetatable({}, {__close = function(_, e) print("closed", e) error("replaced?") end})
		while true do end`, "=close")
	if !errors.Is(err, lua.ErrInstructionLimit) {
		t.Fatalf("got %v", err)
	}
	if want := "closed\tclose:3: instruction budget exhausted\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

// Cancel stops a run from another goroutine; the next run is unaffected.
func TestCancel(t *testing.T) {
	s, _ := newState()
	timer := time.AfterFunc(50*time.Millisecond, s.Cancel)
	defer timer.Stop()
	_, err := s.DoString("while true do end", "=spin")
	if !errors.Is(err, lua.ErrCancelled) || err.Error() != "cancelled" {
		t.Fatalf("got %v", err)
	}
	checkUsable(t, s)

	timer = time.AfterFunc(50*time.Millisecond, func() { s.Interrupt("interrupted!") })
	_, err = s.DoString("string.find(('a'):rep(1e5), ('a*'):rep(50)..'b')", "=find")
	if !errors.Is(err, lua.ErrCancelled) || err.Error() != "interrupted!" {
		t.Fatalf("got %v", err)
	}
}

func TestCallContext(t *testing.T) {
	s, _ := newState()
	fn, err := s.Load("while true do end", "=spin", "t")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.CallContext(ctx, fn); !errors.Is(err, lua.ErrCancelled) {
		t.Errorf("got %v", err)
	}
	if _, err := s.CallContext(ctx, fn); !errors.Is(err, lua.ErrCancelled) {
		t.Errorf("with a done context: got %v", err)
	}
	checkUsable(t, s)
}

func TestFatalFromGo(t *testing.T) {
	s, _ := newState()
	stop := errors.New("host stop")
	s.Register("stop", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return nil, lua.Fatal(stop)
	})
	for _, src := range []string{
		"pcall(stop) error('not reached')",
		"pcall(pcall, stop) error('not reached')",
		"coroutine.resume(coroutine.create(function() pcall(stop) end)) error('not reached')",
		"coroutine.resume(coroutine.create(stop)) error('not reached')",
		"pcall(coroutine.wrap(stop)) error('not reached')",
	} {
		_, err := s.DoString(src, "=fatal")
		if !errors.Is(err, stop) {
			t.Errorf("%s: got %v", src, err)
		}
		checkUsable(t, s)
	}
}

// The memory estimate counts what the state holds, not garbage: a program
// that allocates far more than its limit over time, but holds little,
// runs to the end.
func TestMemoryLimitCountsLiveData(t *testing.T) {
	s := lua.NewState()
	lib.OpenAll(s)
	s.SetMemoryLimit(8 << 20)
	_, err := s.DoString(`
		local keep = {}
		for i = 1, 2000 do
			local s = ("x"):rep(10000) .. i -- 20 MB of garbage in all
			keep[i % 10] = s
		end`, "=churn")
	if err != nil {
		t.Fatal(err)
	}
}
