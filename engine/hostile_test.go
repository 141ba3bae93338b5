package engine_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/persist"
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
var hostileBudget = engine.Options{MaxInstructions: 20_000_000, MemoryLimit: 32 << 20}

// hostileTimeout bounds each program: a budget that does not stop a
// program within it is not a budget. It is generous enough for a loaded
// machine: speed is for the benchmarks.
const hostileTimeout = time.Minute

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
		msg   string // the error contains this (or one of its |-separated alternatives)
	}{
		{"infinite loop", "while true do end", lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"loop under pcall", "while true do pcall(function() while true do end end) end", lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"loop in xpcall handler", "xpcall(error, function() while true do end end)", lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"memory bomb in xpcall handler", "xpcall(error, function() local s = 'x' for i = 1, 40 do s = s .. s end end)", lua.ErrMemoryLimit, "not enough memory"},
		{"loop in coroutine", "coroutine.wrap(function() while true do end end)()", lua.ErrInstructionLimit, "instruction budget exhausted"},
		{"deep recursion", "local function f() return 1 + f() end f()", nil, "stack overflow|not enough memory"},
		{"deep recursion under pcall", "local function f() return 1 + f() end local ok, e = pcall(f) error(e, 0)", nil, "stack overflow|not enough memory"},
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
			if failure := hostileFailure(err, tc.cause, tc.msg); failure != "" {
				t.Error(failure)
			}
			t.Logf("%v: %.120v", elapsed.Round(time.Millisecond), err)
			if elapsed > hostileTimeout {
				t.Errorf("took %v", elapsed)
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

// hostileFailure says how err fails to be the expected error, or "".
func hostileFailure(err, cause error, msg string) string {
	var le *lua.Error
	switch {
	case err == nil:
		return "no error"
	case !errors.As(err, &le):
		return fmt.Sprintf("error %v is a %T, not a *lua.Error", err, err)
	case cause != nil && !errors.Is(err, cause):
		return fmt.Sprintf("error %q does not report %v", err, cause)
	}
	for _, alt := range strings.Split(msg, "|") {
		if strings.Contains(err.Error(), alt) {
			return ""
		}
	}
	return fmt.Sprintf("error %q, want it to contain %q", err, msg)
}

// reachWalker returns a function walker(debug, forbidden) that walks
// everything a script can reach from the globals (tables and their keys,
// metatables, the string metatable, functions' upvalues; the registry
// only through debug, which is itself forbidden in a sandbox) and returns
// the paths at which forbidden(v) names a value. It is given debug, so
// that it works in a state without it, and it is reachable from nothing
// the script can see.
const reachWalker = `
local type, next, tostring = type, next, tostring
return function(debug, forbidden)
  local getmetatable = debug.getmetatable
  local seen, found = {}, {}
  local function walk(v, path)
    local name = forbidden(v)
    if name then found[#found + 1] = name .. " at " .. path end
    local ty = type(v)
    if (ty ~= "table" and ty ~= "function" and ty ~= "userdata" and ty ~= "thread") or seen[v] then return end
    seen[v] = true
    local mt = getmetatable(v)
    if mt then walk(mt, path .. "<meta>") end
    if ty == "table" then
      for k, x in next, v do
        walk(k, path .. "<key>")
        walk(x, path .. "." .. tostring(k))
      end
    elseif ty == "function" then
      for i = 1, 255 do
        local name, x = debug.getupvalue(v, i)
        if not name then break end
        walk(x, path .. "<upvalue " .. name .. ">")
      end
    end
  end
  walk(_G, "_G")
  walk(getmetatable(""), "<string meta>")
  return table.concat(found, "; ")
end
`

// hostFunctions are the names of the Go functions that reach past the
// state: files, processes, the environment, modules from disk, and the
// debug library's access to the registry, locals and upvalues.
var hostFunctions = []string{"require", "dofile", "loadfile", "os.execute", "os.remove", "os.rename", "os.getenv",
	"os.tmpname", "getregistry", "getupvalue", "setupvalue", "upvaluejoin", "getlocal", "setlocal", "sethook", "getinfo"}

// reachesHost names v when a script must not reach it: a file handle, a
// function of io or package, or one of hostFunctions.
func reachesHost(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	v := lua.Arg(args, 1)
	if v.AsUserdata() != nil {
		return t.Ret(lua.String("userdata"))
	}
	if g := v.AsGoFunction(); g != nil {
		name := g.Name
		if strings.HasPrefix(name, "io.") || strings.HasPrefix(name, "FILE*.") || strings.HasPrefix(name, "package.") || slices.Contains(hostFunctions, name) {
			return t.Ret(lua.String(name))
		}
	}
	return t.Ret(lua.Nil)
}

// TestHostAccessIsWhatTheEmbedderGrants: natively engine.Open grants the
// full io, os, package and debug libraries; with Options.Sandbox no path
// leads from a script to a host function: not the globals, not
// package.loaded nor the registry, not a metatable or an upvalue.
func TestHostAccessIsWhatTheEmbedderGrants(t *testing.T) {
	for _, sandbox := range []bool{false, true} {
		opts := hostileBudget
		opts.Sandbox = sandbox
		e, err := engine.Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		res, err := e.Eval(reachWalker)
		if err != nil {
			t.Fatal(err)
		}
		forbidden := lua.NewGoFunction("reachesHost", reachesHost)
		res, err = e.Call(res[0], lua.OpenDebug(e.State()).Value(), forbidden.Value())
		if err != nil {
			t.Fatal(err)
		}
		found, _ := res[0].AsString()
		if sandbox && found != "" {
			t.Errorf("a sandboxed script can reach host functions: %s", found)
		}
		if !sandbox && (!strings.Contains(found, "io.open at ") || !strings.Contains(found, "os.execute at ") || !strings.Contains(found, "getregistry at ")) {
			t.Errorf("the default engine should grant io, os and debug: found %s", found)
		}
		// Scripts keep working: the calendar, the string library, Memory
		// and print.
		if _, err := e.Eval(`Memory.t = os.time() print(#string.format("%d", os.clock() // 1 + 10))`); err != nil {
			t.Errorf("sandbox %v: %v", sandbox, err)
		}
	}
}

// tableEntries yields every entry of t.
func tableEntries(t *lua.Table) func(func(lua.Value, lua.Value) bool) {
	return func(yield func(lua.Value, lua.Value) bool) {
		k := lua.Nil
		for {
			key, v, ok, err := t.Next(k)
			if err != nil || !ok || !yield(key, v) {
				return
			}
			k = key
		}
	}
}

// The keys of the meta record and of the root table (persist/format.go).
const (
	metaKey = "0"
	rootKey = "5\x00\x00\x00\x00\x00\x00\x00\x0c"
)

// TestFlippedByteIsReported damages stored data as an attacker with
// access to the store (or a failing disk) would: for every record of a
// Memory, and several positions in it, one byte is flipped. The engine
// must open, report a checksum warning naming exactly that key, and run
// scripts over the rest; a damaged meta or root record fails Open with
// persist.ErrNoRoot instead.
func TestFlippedByteIsReported(t *testing.T) {
	src := reusable{memstore.New()}
	e, err := engine.Open(engine.Options{Backend: src})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Eval(`
		Memory.users = {}
		for i = 1, 40 do Memory.users["u" .. i] = {name = "user" .. i, score = i * 10, tags = {"a", "b"}} end
		local c = 0
		Memory.counter = function() c = c + 1 return c end
		Memory.big = string.rep("compressible ", 200)
		Memory.co = coroutine.create(function() coroutine.yield(1) end)
		coroutine.resume(Memory.co)
	`); err != nil {
		t.Fatal(err)
	}
	e.Close()
	type record struct{ k, v []byte }
	var records []record
	src.Scan(nil, func(k, v []byte) error {
		records = append(records, record{bytes.Clone(k), bytes.Clone(v)})
		return nil
	})
	damaged := 0
	for i, bad := range records {
		for _, pos := range []int{0, len(bad.v) / 2, len(bad.v) - 1} {
			backend := memstore.New()
			var batch store.Batch
			for j, r := range records {
				v := r.v
				if j == i {
					v = bytes.Clone(v)
					v[pos] ^= 0x5a
				}
				batch.Put(r.k, v)
			}
			if err := backend.Commit(&batch); err != nil {
				t.Fatal(err)
			}
			e, err := engine.Open(engine.Options{Backend: backend})
			if string(bad.k) == metaKey || string(bad.k) == rootKey {
				// Everything hangs from these two: Open refuses rather
				// than start over from an empty root.
				if !errors.Is(err, persist.ErrNoRoot) || !strings.Contains(err.Error(), "checksum mismatch") {
					t.Errorf("record %x, byte %d flipped: Open: %v, want ErrNoRoot", bad.k, pos, err)
				}
				damaged++
				continue
			}
			if err != nil {
				t.Fatalf("record %x, byte %d: Open: %v", bad.k, pos, err)
			}
			// The first warning names the damaged record; the others, if
			// any, are the objects that referred to what it held.
			w := e.Warnings()
			var le *persist.LoadError
			if len(w) == 0 || !errors.As(w[0], &le) || !bytes.Equal(le.Key, bad.k) || !strings.Contains(w[0].Error(), "checksum mismatch") {
				t.Errorf("record %x, byte %d flipped: warnings %v", bad.k, pos, w)
			}
			for _, other := range w[1:] {
				if strings.Contains(other.Error(), "checksum mismatch") {
					t.Errorf("record %x, byte %d flipped: another record fails its checksum: %v", bad.k, pos, other)
				}
			}
			if _, err := e.Eval(`local n = 0 for k, v in pairs(Memory.users or {}) do n = n + 1 end Memory.after = n`); err != nil {
				t.Errorf("record %x, byte %d flipped: Eval: %v", bad.k, pos, err)
			}
			e.Close()
			damaged++
		}
	}
	t.Logf("%d records, %d damaged stores, each reported with its key", len(records), damaged)
}
