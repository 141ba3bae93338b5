package persist_test

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/store/memstore"
)

// keyData returns the bytes behind the string key of t equal to name, or
// nil when t has no such key.
func keyData(t *lua.Table, name string) *byte {
	for pos, k, _ := t.Iter(0); pos != 0; pos, k, _ = t.Iter(pos) {
		if s, ok := k.AsString(); ok && s == name {
			return unsafe.StringData(s)
		}
	}
	return nil
}

// Records loaded from the store share their short field names: one string
// per name, not one per record, in packed records and in wide (spread)
// ones, even after many keys that never come again.
func TestLoadedRecordsShareFieldNames(t *testing.T) {
	long := strings.Repeat("x", 33)
	exact := strings.Repeat("y", 32)
	se := openSession(t, memstore.New())
	se.must(fmt.Sprintf(`
		Memory.a = {name = "ann", score = 1, [%[1]q] = 1, [%[2]q] = 1, [""] = 0}
		Memory.b = {name = "bob", score = 2, [%[1]q] = 2, [%[2]q] = 2, [""] = 0}
		local function wide()
			local r = {}
			for i = 1, 100 do r["field" .. i] = i end
			return r
		end
		Memory.wide = {wide(), wide(), wide()}`, long, exact))
	// Keys that never come again, then records: their tables load in this
	// order (object ids grow from one commit to the next).
	se.must(`Memory.ids = {} for i = 1, 6000 do Memory.ids[i] = {["id" .. i] = true} end`)
	se.must(`Memory.late = {} for i = 1, 40 do Memory.late[i] = {name = i} end`)
	se = se.reopen()
	mem := se.db.Root().GetStr("Memory").AsTable()
	a, b := mem.GetStr("a").AsTable(), mem.GetStr("b").AsTable()
	wide := mem.GetStr("wide").AsTable()
	w2, w3 := wide.GetInt(2).AsTable(), wide.GetInt(3).AsTable()
	late := mem.GetStr("late").AsTable()
	late39, late40 := late.GetInt(39).AsTable(), late.GetInt(40).AsTable()
	for _, test := range []struct {
		a, b   *lua.Table
		key    string
		shared bool
	}{
		{a, b, "name", true},
		{a, b, "score", true},
		{a, b, exact, true},
		{a, b, long, false}, // longer than a field name: decoded as it comes
		{w2, w3, "field1", true},
		{w2, w3, "field100", true},
		{w2, w3, "field99", true},
		{late39, late40, "name", true}, // learnt again after 6,000 misses
	} {
		da, db := keyData(test.a, test.key), keyData(test.b, test.key)
		if da == nil || db == nil {
			t.Errorf("key %q: missing after reload", test.key)
			continue
		}
		if shared := da == db; shared != test.shared {
			t.Errorf("key %q: shared = %v, want %v", test.key, shared, test.shared)
		}
	}
}

// Everything a packed or spread table holds round-trips whatever its keys:
// short and long strings, numbers, booleans, tables, the same strings as
// values, and more distinct names than the loader's names table keeps.
func TestKeysRoundTrip(t *testing.T) {
	se := openSession(t, memstore.New())
	se.must(`
		local t = {}
		for i = 1, 5000 do t[i] = {["k" .. i] = i, id = i, kind = "k" .. i} end
		Memory.many = t
		Memory.mixed = {[1] = "one", [2.5] = "float", [true] = "yes", [false] = "no",
			[""] = "empty", name = "name", [string.rep("z", 100)] = "long", ["é"] = "utf8",
			["a\0b"] = "nul"}
		Memory.mixed[Memory.mixed] = "self"
		local wide = {}
		for i = 1, 40 do wide["field" .. i] = i end
		Memory.wide = {wide, wide, {field1 = 1}}
		-- Records whose fields differ from the last record's at the same
		-- place (names of one length, other kinds of keys, long keys).
		Memory.shapes = {{name = "a", score = 1}, {name = "b", scorf = 2}, {namf = "c", score = 3},
			{x = 1, y = 2, z = 3}, {z = 4, y = 5, x = 6}, {"p", "q", x = 7}, {[1.5] = 8, [true] = 9},
			{[string.rep("w", 40)] = 10, w = 11}, {[string.rep("w", 40)] = 12, w = 13}, {[""] = 14, x = 15}}`)
	se = se.reopen()
	se.check(`
		for i = 1, 5000 do
			local r = Memory.many[i]
			local n = 0
			for _ in pairs(r) do n = n + 1 end
			if n ~= 3 or r["k" .. i] ~= i or r.id ~= i or r.kind ~= "k" .. i then return false end
		end
		local m = Memory.mixed
		local n = 0
		for _ in pairs(m) do n = n + 1 end
		if n ~= 10 or m[1] ~= "one" or m[2.5] ~= "float" or m[true] ~= "yes" or m[false] ~= "no"
			or m[""] ~= "empty" or m.name ~= "name" or m[string.rep("z", 100)] ~= "long"
			or m["é"] ~= "utf8" or m["a\0b"] ~= "nul" or m[m] ~= "self" then
			return false
		end
		local w = Memory.wide
		if w[1] ~= w[2] or w[3].field1 ~= 1 then return false end
		for i = 1, 40 do if w[1]["field" .. i] ~= i then return false end end
		local want = {{name = "a", score = 1}, {name = "b", scorf = 2}, {namf = "c", score = 3},
			{x = 1, y = 2, z = 3}, {z = 4, y = 5, x = 6}, {"p", "q", x = 7}, {[1.5] = 8, [true] = 9},
			{[string.rep("w", 40)] = 10, w = 11}, {[string.rep("w", 40)] = 12, w = 13}, {[""] = 14, x = 15}}
		for i, rec in ipairs(want) do
			local got, n = Memory.shapes[i], 0
			for k, v in pairs(got) do
				if rec[k] ~= v then return false end
				n = n + 1
			end
			for _ in pairs(rec) do n = n - 1 end
			if n ~= 0 then return false end
		end
		return true`)
	// A reloaded record is an ordinary table: changing a shared name's
	// entry in one record leaves the others alone.
	se.must(`Memory.many[1].id = "changed" Memory.many[2].id = nil`)
	se = se.reopen()
	se.check(`return Memory.many[1].id == "changed" and Memory.many[2].id == nil and Memory.many[3].id == 3`)
}
