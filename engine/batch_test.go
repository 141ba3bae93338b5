package engine_test

import (
	"errors"
	"testing"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/query"
)

// A batch that creates collections sizes their tables from its sets (see
// newCollection): every kind of key must still land, whether the guess put
// it in the array or the hash part, and survive a reload.
func TestBatchCreatesCollections(t *testing.T) {
	h := newHarness(t, engine.Options{})
	set := func(coll string, key lua.Value, v int64) engine.Op {
		return engine.Op{Type: "set", Collection: coll, Key: key, Value: lua.Int(v)}
	}
	var ops []engine.Op
	for i := int64(1); i <= 40; i++ { // more than a packed table holds
		ops = append(ops, set("ints", lua.Int(i), i))
	}
	ops = append(ops,
		set("ints", lua.Int(1000), 1000), // beyond the count: hash part
		set("ints", lua.Int(0), 0),
		set("ints", lua.Int(-3), -3),
		set("ints", lua.Float(2.5), 25),
		set("ints", lua.String("s"), 7),
		set("other", lua.Int(1), 1),
		engine.Op{Type: "get", Collection: "ints", Key: lua.Int(40)},
		set("ints", lua.Int(5), 55), // again: the last set wins
		engine.Op{Type: "delete", Collection: "ints", Key: lua.Int(6)},
	)
	res, err := h.e.Batch(ops)
	if err != nil {
		t.Fatal(err)
	}
	if got := res[46]; !got.Found || got.Value != lua.Int(40) {
		t.Errorf("get ints[40] in the batch = %v, %v", got.Found, got.Value)
	}
	for round := range 2 {
		h.check(`local t = Memory.ints
			for i = 1, 40 do
				local want = i == 5 and 55 or i ~= 6 and i or nil
				if t[i] ~= want then return false end
			end
			local n = 0 for _ in pairs(t) do n = n + 1 end
			return n == 44 and t[1000] == 1000 and t[0] == 0 and t[-3] == -3 and t[2.5] == 25
				and t.s == 7 and Memory.other[1] == 1`)
		if round == 0 {
			h.reopen()
		}
	}
}

// A batch looks each collection up once (its name, table and schema): a
// batch that alternates collections, creates one and queries it, and
// breaks the schema of another must behave as its operations one by one.
func TestBatchAlternatesCollections(t *testing.T) {
	h := newHarness(t, engine.Options{})
	if err := h.e.SetSchema("users", engine.Schema{"name": {Type: "string", Required: true}}); err != nil {
		t.Fatal(err)
	}
	user := func(name string) lua.Value {
		r := lua.NewTable(0, 1)
		if name != "" {
			r.SetStr("name", lua.String(name))
		}
		return r.Value()
	}
	set := func(coll string, key string, v lua.Value) engine.Op {
		return engine.Op{Type: "set", Collection: coll, Key: lua.String(key), Value: v}
	}
	res, err := h.e.Batch([]engine.Op{
		set("users", "u1", user("ann")),
		set("fresh", "k1", user("one")),
		{Type: "query", Collection: "fresh", Query: query.Spec{Count: true}},
		set("users", "u2", user("bob")),
		set("fresh", "k2", user("two")),
		{Type: "get", Collection: "fresh", Key: lua.String("k1")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := res[2].Result; got == nil || got.Count != 1 {
		t.Errorf("query of fresh in the batch = %+v, want a count of 1", got)
	}
	if got := res[5]; !got.Found || got.Value.AsTable() == nil {
		t.Errorf("get fresh.k1 in the batch = %v, %v", got.Found, got.Value)
	}
	// The schema of users still applies after other collections' ops.
	_, err = h.e.Batch([]engine.Op{
		set("users", "u3", user("cy")),
		set("fresh", "k3", user("three")),
		set("users", "u4", user("")),
	})
	var be *engine.BatchError
	if !errors.As(err, &be) || be.Index != 2 {
		t.Fatalf("a batch breaking the schema: %v, want a BatchError at operation 3", err)
	}
	for round := range 2 {
		h.check(`return Memory.users.u1.name == "ann" and Memory.users.u2.name == "bob" and Memory.users.u3 == nil
			and Memory.fresh.k1.name == "one" and Memory.fresh.k2.name == "two" and Memory.fresh.k3 == nil`)
		if round == 0 {
			h.reopen()
		}
	}
}
