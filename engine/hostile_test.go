package engine_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/memstore"
)

// Hostile programs through the product API: each runs as an Eval under
// instruction and memory budgets, after writing to Memory, and must end
// with a Lua error within its budget; the engine must then hold Memory
// exactly as before, the store must not have seen a commit, and the next
// Eval must work. lua/limits_test.go checks the same programs (and more)
// on a bare State; this is the embedder's view.

// hostileBudget is what a host would grant an untrusted script.
var hostileBudget = engine.Options{MaxInstructions: 20_000_000, MemoryLimit: 64 << 20}

// hostileTimeout bounds each program: a budget that does not stop a
// program within it is not a budget.
const hostileTimeout = 10 * time.Second

// countingBackend counts commits, so that a test can tell the store saw
// none.
type countingBackend struct {
	store.Backend
	commits int
}

func (b *countingBackend) Commit(batch *store.Batch) error {
	b.commits++
	return b.Backend.Commit(batch)
}

// snapshot returns every record of b, for comparing stores.
func snapshot(t *testing.T, b store.Backend) string {
	t.Helper()
	var out bytes.Buffer
	err := b.Scan(nil, func(k, v []byte) error {
		fmt.Fprintf(&out, "%x=%x\n", k, v)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// memoryDump renders Memory canonically (sorted keys, functions by name).
const memoryDump = `
local function dump(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return type(v) == "function" and "function" or tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. dump(v[k]) end
  return "{" .. table.concat(parts, ",") .. "}"
end
return dump(Memory)
`

func memoryOf(t *testing.T, e *engine.Engine) string {
	t.Helper()
	res, err := e.Eval(memoryDump)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := res[0].AsString()
	return s
}

// hostilePrelude writes to Memory first: the hostile part must roll it back.
const hostilePrelude = "Memory.runs = Memory.runs + 1; Memory.list[#Memory.list + 1] = 'hostile'; Memory.rec.name = 'changed'; "

// malformedChunks builds binary chunks from a real one: truncated, with
// bytes flipped, with an absurd count. load must refuse each or the
// verifier must keep the VM safe; the program then fails on purpose.
const malformedChunks = `
local good = string.dump(function(a, b) local t = {a, b} for i = 1, 10 do t[i] = (t[i] or 0) + i end return t end)
local results = {}
for cut = 1, #good - 1, 7 do
  results[#results + 1] = load(good:sub(1, cut), "cut", "b") == nil
end
for i = 13, #good do
  local bad = good:sub(1, i - 1) .. string.char((good:byte(i) + 0x55) % 256) .. good:sub(i + 1)
  local f = load(bad, "flip", "b")
  if f then pcall(f, 1, 2) end
end
local huge = good:sub(1, 20) .. string.rep("\255", 40) .. good:sub(61)
local f = load(huge, "huge", "b")
if f then pcall(f) end
error("malformed chunks survived: " .. #results)
`

func TestHostileEval(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		cause error  // the limit the error reports, or nil for a plain Lua error
		msg   string // the error contains this
	}{
		{"infinite loop", "while true do end", lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"loop under pcall", "while true do pcall(function() while true do end end) end", lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"loop in xpcall handler", "xpcall(error, function() while true do end end)", lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"loop in coroutine", "coroutine.wrap(function() while true do end end)()", lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"deep recursion", "local function f() return 1 + f() end f()", nil, "stack overflow"},
		{"deep recursion under pcall", "local function f() return 1 + f() end local ok, e = pcall(f) error(e, 0)", nil, "stack overflow"},
		{"deep metamethod recursion", "local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x", nil, "stack overflow"},
		{"Go-level recursion", "local t = setmetatable({}, {__tostring = function(t) return tostring(t) end}) return tostring(t)", nil, "stack overflow"},
		{"string.rep bomb", "return string.rep('x', 1e9)", lua.ErrMemoryLimit, "not enough memory"},
		{"concatenation bomb", "local s = 'x' for i = 1, 40 do s = s .. s end", lua.ErrMemoryLimit, "not enough memory"},
		{"concatenation bomb under pcall", "local s = 'x' for i = 1, 40 do pcall(function() s = s .. s end) end", lua.ErrMemoryLimit, "not enough memory"},
		{"table.concat bomb", "local t, s = {}, ('x'):rep(1e6) for i = 1, 200 do t[i] = s end return table.concat(t)", lua.ErrMemoryLimit, "not enough memory"},
		{"table flood", "local t = {} for i = 1, 1e9 do t[i] = i end", lua.ErrMemoryLimit, "not enough memory"},
		{"hash flood", "local t = {} for i = 1, 1e9 do t['k' .. i] = true end", lua.ErrMemoryLimit, "not enough memory"},
		{"table flood into Memory", "for i = 1, 1e9 do Memory.list[i] = {i, tostring(i)} end", lua.ErrMemoryLimit, "not enough memory"},
		{"pathological pattern", `string.find(("a"):rep(1e5), ("a*"):rep(50) .. "b")`, lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"coroutine flood", "local t = {} for i = 1, 1e9 do t[i] = coroutine.create(print) end", lua.ErrMemoryLimit, "not enough memory"},
		{"suspended coroutine flood", "local t = {} for i = 1, 1e9 do local co = coroutine.wrap(function() coroutine.yield() end) co() t[i] = co end", lua.ErrMemoryLimit, "not enough memory"},
		{"malformed binary chunks", malformedChunks, nil, "malformed chunks survived"},
		{"__index chain to itself", "local t = {} setmetatable(t, {__index = t}) return t.x", nil, "'__index' chain too long; possibly a loop"},
		{"__newindex chain to itself", "local t = {} setmetatable(t, {__newindex = t}) t.x = 1", nil, "'__newindex' chain too long; possibly a loop"},
		{"error from __close", "do local x <close> = setmetatable({}, {__close = function() error('in close') end}) end", nil, "in close"},
		{"loop in __close", "do local x <close> = setmetatable({}, {__close = function() while true do end end}) end", lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"error from __tostring", "return tostring(setmetatable({}, {__tostring = function() error('in tostring') end}))", nil, "in tostring"},
		{"loop in __gc", "setmetatable({}, {__gc = function() while true do end end}) collectgarbage() while true do end", lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"error from __gc, then an error", "for i = 1, 10 do setmetatable({}, {__gc = function() error('in gc') end}) end collectgarbage() collectgarbage() error('after gc')", nil, "after gc"},
		{"loop in a persisted function's caller", "Memory.f = function() while true do end end Memory.f()", lua.ErrInstructionLimit, "instruction budget exhausted"},
	}
	backend := &countingBackend{Backend: reusable{memstore.New()}}
	opts := hostileBudget
	opts.Backend = backend
	e, err := engine.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var warnings bytes.Buffer
	e.State().Stderr = &warnings // __gc errors become warnings (when on)
	if _, err := e.Eval(`Memory.runs = 0 Memory.list = {"a", "b"} Memory.rec = {name = "n", n = {1, 2, 3}}`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, stored, commits := memoryOf(t, e), snapshot(t, backend), backend.commits
			start := time.Now()
			_, err := e.Eval(hostilePrelude + tc.src)
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("no error")
			}
			if elapsed > hostileTimeout {
				t.Errorf("took %v", elapsed)
			}
			var le *lua.Error
			if !errors.As(err, &le) {
				t.Errorf("error %v is a %T, not a *lua.Error", err, err)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("error %q does not report %v", err, tc.cause)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q, want it to contain %q", err, tc.msg)
			}
			if after := memoryOf(t, e); after != before {
				t.Errorf("Memory changed:\n got %.300s\nwant %.300s", after, before)
			}
			if backend.commits != commits || snapshot(t, backend) != stored {
				t.Errorf("the store changed")
			}
			// The next transaction runs and commits.
			res, err := e.Eval(`Memory.runs = Memory.runs + 1 return Memory.runs`)
			if err != nil {
				t.Fatalf("next eval: %v", err)
			}
			if n, _ := res[0].AsInt(); backend.commits != commits+1 || n < 1 {
				t.Errorf("next eval: runs = %v, %d commits", res[0], backend.commits-commits)
			}
			t.Logf("%v: %.120s", elapsed.Round(time.Millisecond), err)
		})
	}
	// What was committed reloads exactly.
	want := memoryOf(t, e)
	e2, err := engine.Open(engine.Options{Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	if got := memoryOf(t, e2); got != want {
		t.Errorf("reopened Memory differs:\n got %.300s\nwant %.300s", got, want)
	}
}
