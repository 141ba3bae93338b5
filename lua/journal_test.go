package lua_test

import (
	"fmt"
	"testing"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
)

// TestJournalSeesEveryWritePath runs each way Lua code can write to a
// table, an upvalue or a coroutine against persistent objects, and checks
// that the journal logged the old value and that a rollback restores it.
// A new fast path in the exec loop that writes without the journal fails
// here.
func TestJournalSeesEveryWritePath(t *testing.T) {
	tests := []struct {
		name  string
		setup string // runs before the objects are journaled
		write string // the write; T is the journaled table
		check string // after the rollback: must return true
	}{
		{"SETFIELD existing key", `T.x = 1`, `T.x = 2`, `return T.x == 1`},
		{"SETFIELD new key", ``, `T.fresh = 1`, `return T.fresh == nil`},
		{"SETFIELD new key, home slot taken", `for i = 1, 5 do T["k" .. i] = i end`, `for i = 6, 6 do T["k" .. i] = i end T.zz = 1`, `return T.k6 == nil and T.zz == nil and T.k5 == 5`},
		{"SETFIELD to nil", `T.x = 1`, `T.x = nil`, `return T.x == 1`},
		{"SETI in the array", `T[1] = 1`, `T[1] = 10`, `return T[1] == 10 - 9`},
		{"SETI appending", `T[1] = 1`, `T[2] = 2`, `return T[2] == nil and #T == 1`},
		{"SETTABLE integer key", `T[1] = 1`, `local k = 1 T[k] = 5`, `return T[1] == 1`},
		{"SETTABLE hash integer key", `T[100] = 1`, `local k = 100 T[k] = 5`, `return T[100] == 1`},
		{"SETTABLE string key", `T.s = 1`, `local k = "s" T[k] = 5`, `return T.s == 1`},
		{"SETTABLE float and boolean keys", ``, `T[2.5] = 1 T[true] = 2`, `return T[2.5] == nil and T[true] == nil`},
		{"SETTABUP (global in a journaled _ENV)", ``, `local f = load("g = 1", "x", "t", T) f()`, `return T.g == nil`},
		{"rawset", `T.r = 1`, `rawset(T, "r", 2) rawset(T, 7, 7)`, `return T.r == 1 and T[7] == nil`},
		{"table.insert and table.remove", `T[1], T[2] = "a", "b"`, `table.insert(T, 1, "z") table.remove(T)`, `return T[1] == "a" and T[2] == "b" and T[3] == nil`},
		{"table.sort", `T[1], T[2], T[3] = 3, 1, 2`, `table.sort(T)`, `return T[1] == 3 and T[2] == 1 and T[3] == 2`},
		{"table.move", `T[1], T[2] = 1, 2`, `table.move({7, 8, 9}, 1, 3, 1, T)`, `return T[1] == 1 and T[2] == 2 and T[3] == nil`},
		{"setmetatable", ``, `setmetatable(T, {__index = {m = 1}})`, `return getmetatable(T) == nil and T.m == nil`},
		{"debug.setmetatable", ``, `debug.setmetatable(T, {})`, `return getmetatable(T) == nil`},
		{"__newindex to a journaled table", ``, `local p = setmetatable({}, {__newindex = T}) p.via = 1`, `return T.via == nil`},
		{"SETUPVAL", `T.f = (function() local n = 1 return function() n = n + 1 return n end end)()`, `T.f() T.f()`, `return T.f() == 2`},
		{"debug.setupvalue", `T.f = (function() local n = 1 return function() return n end end)()`, `debug.setupvalue(T.f, 1, 50)`, `return T.f() == 1`},
		{"debug.upvaluejoin", `local a, b = 1, 2 T.f = function() return a end T.g = function() return b end`, `debug.upvaluejoin(T.f, 1, T.g, 1)`, `return T.f() == 1`},
		{"coroutine.resume", `T.co = coroutine.create(function() for i = 1, 9 do coroutine.yield(i) end end)`, `coroutine.resume(T.co) coroutine.resume(T.co)`, `return select(2, coroutine.resume(T.co)) == 1`},
		{"coroutine.resume inside a function", `T.co = coroutine.create(function() for i = 1, 9 do coroutine.yield(i) end end) T.w = function() return select(2, coroutine.resume(T.co)) end`, `T.w() T.w() T.w()`, `return T.w() == 1`},
		{"coroutine.close", `T.co = coroutine.create(function() coroutine.yield() end) coroutine.resume(T.co)`, `coroutine.close(T.co)`, `return coroutine.status(T.co) == "suspended"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := lua.NewState()
			lib.OpenAll(s)
			tbl := lua.NewTable(0, 0)
			s.SetGlobal("T", tbl.Value())
			if _, err := s.DoString(tt.setup, "=setup"); err != nil {
				t.Fatal(err)
			}
			j := lua.NewJournal()
			markAll(tbl.Value(), j, map[any]bool{})
			if _, err := s.DoString(tt.write, "=write"); err != nil {
				t.Fatal(err)
			}
			if j.Len() == 0 {
				t.Fatalf("the journal logged nothing")
			}
			j.Rollback()
			res, err := s.DoString(tt.check, "=check")
			if err != nil {
				t.Fatal(err)
			}
			if len(res) == 0 || !res[0].Truthy() {
				t.Errorf("not restored by the rollback")
			}
		})
	}
}

// markAll marks every table, closure, cell and coroutine reachable from v
// as persistent in j.
func markAll(v lua.Value, j *lua.Journal, seen map[any]bool) {
	if seen[v] {
		return
	}
	seen[v] = true
	id := uint64(len(seen))
	switch {
	case v.AsTable() != nil:
		t := v.AsTable()
		t.SetPersistent(lua.NewPersistent(id, j))
		if mt := t.Metatable(); mt != nil {
			markAll(mt.Value(), j, seen)
		}
		k := lua.Nil
		for {
			key, val, ok, _ := t.Next(k)
			if !ok {
				break
			}
			markAll(key, j, seen)
			markAll(val, j, seen)
			k = key
		}
	case v.AsLuaFunction() != nil:
		f := v.AsLuaFunction()
		f.SetPersistent(lua.NewPersistent(id, j))
		for i := range f.NumUpvalues() {
			u := f.Upvalue(i)
			if !seen[u] {
				seen[u] = true
				u.SetPersistent(lua.NewPersistent(uint64(len(seen)), j))
				markAll(u.Get(), j, seen)
			}
		}
	case v.AsThread() != nil:
		v.AsThread().SetPersistent(lua.NewPersistent(id, j))
	}
}

// TestJournalLogsEachEntryOnce checks that repeated writes to one entry
// log it once, with the value from before the first.
func TestJournalLogsEachEntryOnce(t *testing.T) {
	s := lua.NewState()
	lib.OpenAll(s)
	tbl := lua.NewTable(0, 0)
	tbl.SetStr("x", lua.Int(0))
	j := lua.NewJournal()
	tbl.SetPersistent(lua.NewPersistent(1, j))
	s.SetGlobal("T", tbl.Value())
	if _, err := s.DoString(`for i = 1, 1000 do T.x = i T[i % 3 + 1] = i T["k" .. i % 2] = i end`, "=x"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range j.Changes() {
		got = append(got, fmt.Sprintf("%v=%v", c.Key, c.Old))
	}
	if j.Len() != 6 {
		t.Errorf("logged %d changes: %v", j.Len(), got)
	}
	j.Rollback()
	if n, _ := tbl.GetStr("x").AsInt(); n != 0 || !tbl.GetInt(1).IsNil() || !tbl.GetStr("k0").IsNil() {
		t.Errorf("rollback: x = %d", n)
	}
}
