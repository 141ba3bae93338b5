package query

import (
	"runtime"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

func TestWeakKey(t *testing.T) {
	collectable := []lua.Value{
		lua.NewTable(0, 0).Value(),
		lua.NewGoFunction("f", nil).Value(),
		lua.NewUserdata(nil).Value(),
		lua.NewState().MainThread().Value(),
	}
	for _, k := range collectable {
		w, ok := MakeWeakKey(k)
		if !ok || w.Value() != k {
			t.Errorf("%s: MakeWeakKey gave %v, %v", k.TypeName(), w.Value(), ok)
		}
		if again, _ := MakeWeakKey(k); again != w {
			t.Errorf("%s: two WeakKeys of one object differ", k.TypeName())
		}
	}
	for _, k := range []lua.Value{lua.Nil, lua.True, lua.Int(1), lua.Float(1.5), lua.String("k")} {
		if _, ok := MakeWeakKey(k); ok {
			t.Errorf("%s: MakeWeakKey accepted a value that is not collectable", k.TypeName())
		}
	}
	w, _ := MakeWeakKey(lua.NewTable(0, 0).Value())
	runtime.GC()
	if !w.Value().IsNil() {
		t.Error("a WeakKey kept its table alive")
	}
}

// TestIndexLeavesOutWeakKeys checks that the index of a weak-keyed
// collection holds no record whose key is an object, and that queries scan
// while such a record is there.
func TestIndexLeavesOutWeakKeys(t *testing.T) {
	mt := lua.NewTable(0, 1)
	mt.SetStr("__mode", lua.String("k"))
	coll := lua.NewTable(0, 0)
	coll.SetMetatable(mt)
	record := func(score int64) lua.Value {
		rec := lua.NewTable(0, 1)
		rec.SetStr("score", lua.Int(score))
		return rec.Value()
	}
	coll.SetStr("a", record(1))
	key := lua.NewTable(0, 0).Value()
	coll.Set(key, record(2))
	cat := NewCatalog()
	ix, err := cat.CreateIndex(coll, "users", "score", KindBTree)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 1 {
		t.Fatalf("the index holds %d records, want the one with a string key", ix.Len())
	}
	spec := Spec{Field: "score", Op: OpGe, Value: lua.Int(0)}
	res, err := cat.Query(coll, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 2 || !strings.Contains(res.Plan, "full scan (index on score leaves out weakly held keys)") {
		t.Fatalf("%d rows by %q, want 2 by a full scan", len(res.Rows), res.Plan)
	}
	coll.Set(key, lua.Nil)
	cat.RecordChanged(coll, key)
	if res, _ = cat.Query(coll, spec); len(res.Rows) != 1 || !strings.HasPrefix(res.Plan, "btree range") {
		t.Fatalf("%d rows by %q, want 1 by the index", len(res.Rows), res.Plan)
	}
	coll.Set(key, record(3))
	cat.RecordChanged(coll, key)
	if res, _ = cat.Query(coll, spec); len(res.Rows) != 2 || !strings.HasPrefix(res.Plan, "full scan") || ix.Len() != 1 {
		t.Fatalf("%d rows by %q (index of %d), want 2 by a full scan", len(res.Rows), res.Plan, ix.Len())
	}
}
