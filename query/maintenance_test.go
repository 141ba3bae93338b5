package query

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// checkIndexes compares every index of coll with one built afresh.
func checkIndexes(t *testing.T, cat *Catalog, coll *lua.Table) {
	t.Helper()
	for _, ix := range cat.indexes(coll) {
		fresh := newIndex(ix.def, ix.path)
		fresh.build(coll)
		if got, want := ix.Len(), fresh.Len(); got != want {
			t.Fatalf("%s: %d records, want %d", ix.def, got, want)
		}
		fv := fresh.recordValues(coll)
		for k, v := range fv.strs {
			if old, ok := ix.recordValues(coll).get(lua.String(k)); !ok || !equalValues(old, v) {
				t.Fatalf("%s: record %q indexed as %s, want %s", ix.def, k, formatValue(old), formatValue(v))
			}
		}
		for k, v := range fv.others {
			if old, ok := ix.recordValues(coll).get(k); !ok || !equalValues(old, v) {
				t.Fatalf("%s: record %s indexed as %s, want %s", ix.def, formatValue(k), formatValue(old), formatValue(v))
			}
		}
		switch ix.def.Kind {
		case KindBTree, KindSuffix:
			var got, want []entry
			got, want = ix.tree.all(t), fresh.tree.all(t)
			if !slices.EqualFunc(got, want, func(a, b entry) bool { return equalValues(a.v, b.v) && lua.RawEqual(a.key, b.key) }) {
				t.Fatalf("%s: B-tree holds %d entries unlike a rebuilt one (%d)", ix.def, len(got), len(want))
			}
		case KindHash:
			if ix.buckets.len() != fresh.buckets.len() {
				t.Fatalf("%s: %d buckets, want %d", ix.def, ix.buckets.len(), fresh.buckets.len())
			}
			check := func(v lua.Value, b bucket) {
				got, _ := ix.buckets.get(v)
				if got.len() != b.len() {
					t.Fatalf("%s: bucket %s holds %d keys, want %d", ix.def, formatValue(v), got.len(), b.len())
				}
				if (got.many != nil) != (got.len() > 1) {
					t.Fatalf("%s: bucket %s of %d keys has a list: %v", ix.def, formatValue(v), got.len(), got.many != nil)
				}
				for i := range got.len() {
					k := got.key(i)
					if got.many != nil && got.many.pos != nil {
						if p, ok := got.many.pos.get(k); !ok || int(p) != i {
							t.Fatalf("%s: bucket %s: position of %s is %d, want %d", ix.def, formatValue(v), formatValue(k), p, i)
						}
					}
					if _, ok := fv.get(k); !ok {
						t.Fatalf("%s: bucket %s holds stale key %s", ix.def, formatValue(v), formatValue(k))
					}
				}
			}
			for s, b := range fresh.buckets.strs {
				check(lua.String(s), b)
			}
			for v, b := range fresh.buckets.others {
				check(v, b)
			}
		}
	}
}

// mutate makes one random change to coll, as Lua code would, and reports
// it to cat as the persistence layer does.
func mutate(r *rand.Rand, cat *Catalog, coll *lua.Table, n int) {
	var keys []lua.Value
	for k := range tableEntries(coll) {
		keys = append(keys, k)
	}
	key := randomKey(r, 2*n)
	if len(keys) > 0 && r.IntN(4) > 0 {
		key = keys[r.IntN(len(keys))]
	}
	rec := coll.Get(key).AsTable()
	switch x := r.IntN(10); {
	case x < 3 || rec == nil: // set or replace the record
		coll.Set(key, randomRecord(r))
	case x < 5: // change a field
		rec.SetStr(fields[r.IntN(2)], randomFieldValue(r, "a"))
	case x < 7: // change a nested field, or the table holding it
		if nested := rec.GetStr("n").AsTable(); nested != nil && r.IntN(3) > 0 {
			nested.SetStr("x", randomFieldValue(r, "n.x"))
		} else {
			other := randomRecord(r)
			for other.AsTable() == nil {
				other = randomRecord(r)
			}
			rec.SetStr("n", other.AsTable().GetStr("n"))
		}
	case x < 9: // delete
		coll.Set(key, lua.Nil)
	default: // replace by a value that is not a record
		coll.Set(key, lua.Int(1))
	}
	cat.RecordChanged(coll, key)
}

func TestMaintenanceProperty(t *testing.T) {
	for i, defs := range indexSets[1:] {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := rand.New(rand.NewPCG(11, uint64(i)))
			n := 150
			coll := randomCollection(r, n)
			cat := NewCatalog()
			for _, d := range defs {
				if _, err := cat.CreateIndex(coll, "c", d.Field, d.Kind); err != nil {
					t.Fatal(err)
				}
			}
			for round := range 40 {
				for range 1 + r.IntN(30) {
					mutate(r, cat, coll, n)
				}
				if round%10 == 9 { // Memory.c = {...}: a new table, sharing some records
					next := randomCollection(r, n/2)
					for k, v := range tableEntries(coll) {
						if r.IntN(2) == 0 {
							next.Set(k, v)
						}
					}
					cat.CollectionReplaced(coll, next)
					if len(cat.indexes(coll)) != 0 {
						t.Fatal("the replaced collection still has indexes")
					}
					coll = next
				}
				checkIndexes(t, cat, coll)
				checkQueries(t, r, cat, coll, 50)
			}
		})
	}
}

// TestMaintenance follows one record through each kind of write and checks
// what an indexed query sees after each.
func TestMaintenance(t *testing.T) {
	for _, kind := range []Kind{KindBTree, KindHash} {
		t.Run(string(kind), func(t *testing.T) {
			coll := lua.NewTable(0, 0)
			user := func(city string, score int64) lua.Value {
				addr := lua.NewTable(0, 1)
				addr.SetStr("city", lua.String(city))
				rec := lua.NewTable(0, 2)
				rec.SetStr("address", addr.Value())
				rec.SetStr("score", lua.Int(score))
				return rec.Value()
			}
			coll.SetStr("u1", user("Paris", 1))
			coll.SetStr("u2", user("Oslo", 2))
			cat := NewCatalog()
			for _, field := range []string{"address.city", "score"} {
				if _, err := cat.CreateIndex(coll, "users", field, kind); err != nil {
					t.Fatal(err)
				}
			}
			find := func(city string) []string {
				t.Helper()
				res, err := cat.Query(coll, Spec{Field: "address.city", Op: OpEq, Value: lua.String(city)})
				if err != nil {
					t.Fatal(err)
				}
				var keys []string
				for _, row := range res.Rows {
					s, _ := row.Key.AsString()
					keys = append(keys, s)
				}
				return keys
			}
			steps := []struct {
				name  string
				write func()
				key   string
				city  string
				want  []string
			}{
				{"set", func() { coll.SetStr("u3", user("Paris", 3)) }, "u3", "Paris", []string{"u1", "u3"}},
				{"replace", func() { coll.SetStr("u1", user("Oslo", 1)) }, "u1", "Paris", []string{"u3"}},
				{"nested field", func() { coll.GetStr("u2").AsTable().GetStr("address").AsTable().SetStr("city", lua.String("Paris")) }, "u2", "Paris", []string{"u2", "u3"}},
				{"nested table", func() { coll.GetStr("u3").AsTable().SetStr("address", lua.Int(0)) }, "u3", "Paris", []string{"u2"}},
				{"delete", func() { coll.SetStr("u2", lua.Nil) }, "u2", "Paris", nil},
				{"not a record", func() { coll.SetStr("u1", lua.String("Oslo")) }, "u1", "Oslo", nil},
				{"back", func() { coll.SetStr("u1", user("Oslo", 1)) }, "u1", "Oslo", []string{"u1"}},
			}
			for _, step := range steps {
				step.write()
				cat.RecordChanged(coll, lua.String(step.key))
				if got := find(step.city); !slices.Equal(got, step.want) {
					t.Errorf("after %s: city = %s finds %q, want %q", step.name, step.city, got, step.want)
				}
				checkIndexes(t, cat, coll)
			}

			// Memory.users = {...}: the indexes follow the new table.
			next := lua.NewTable(0, 0)
			next.SetStr("v1", user("Paris", 10))
			cat.CollectionReplaced(coll, next)
			coll = next
			if got := find("Paris"); !slices.Equal(got, []string{"v1"}) {
				t.Errorf("after the collection was replaced: %q, want [v1]", got)
			}
			if got := len(cat.Indexes()); got != 2 {
				t.Errorf("after the collection was replaced: %d indexes, want 2", got)
			}
			cat.CollectionReplaced(coll, nil)
			if got := cat.Indexes(); len(got) != 0 {
				t.Errorf("after the collection was deleted: indexes %v remain", got)
			}
		})
	}
}

// TestLargeBucket moves thousands of records in and out of one hash
// bucket, through the position map a large bucket keeps.
func TestLargeBucket(t *testing.T) {
	coll := lua.NewTable(0, 0)
	rec := func(status string) lua.Value {
		r := lua.NewTable(0, 1)
		r.SetStr("status", lua.String(status))
		return r.Value()
	}
	for i := range 2000 {
		coll.Set(lua.Int(int64(i)), rec("active"))
	}
	cat := NewCatalog()
	if _, err := cat.CreateIndex(coll, "c", "status", KindHash); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		k := lua.Int(int64(r.IntN(2500)))
		switch r.IntN(3) {
		case 0:
			coll.Set(k, rec("inactive"))
		case 1:
			coll.Set(k, lua.Nil)
		default:
			coll.Set(k, rec("active"))
		}
		cat.RecordChanged(coll, k)
	}
	checkIndexes(t, cat, coll)
	for _, status := range []string{"active", "inactive"} {
		spec := Spec{Field: "status", Op: OpEq, Value: lua.String(status), Count: true}
		res, err := cat.Query(coll, spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, want := oracle(coll, spec, ""); res.Count != want {
			t.Errorf("status = %s: count %d, want %d", status, res.Count, want)
		}
	}
}

// TestChangesReportedTogether changes many records before reporting any,
// as the engine does for a transaction: the first report makes the map
// from record key to indexed value, which a hash index takes from records
// (its buckets keep no value object) that may have changed since.
func TestChangesReportedTogether(t *testing.T) {
	for _, kind := range []Kind{KindHash, KindBTree, KindSuffix} {
		t.Run(string(kind), func(t *testing.T) {
			coll := lua.NewTable(0, 0)
			rec := func(name string) lua.Value {
				r := lua.NewTable(0, 1)
				r.SetStr("name", lua.String(name))
				return r.Value()
			}
			for i := range 200 {
				coll.Set(lua.Int(int64(i)), rec(fmt.Sprint("n", i%150))) // unique and shared values
			}
			cat := NewCatalog()
			if _, err := cat.CreateIndex(coll, "c", "name", kind); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(5, 6))
			var changed []lua.Value
			for range 120 {
				k := lua.Int(int64(r.IntN(220)))
				switch r.IntN(3) {
				case 0:
					coll.Set(k, lua.Nil)
				case 1:
					coll.Set(k, rec(fmt.Sprint("n", r.IntN(300))))
				default:
					if rt := coll.Get(k).AsTable(); rt != nil {
						rt.SetStr("name", lua.String(fmt.Sprint("m", r.IntN(50))))
					}
				}
				changed = append(changed, k)
			}
			for _, k := range changed {
				cat.RecordChanged(coll, k)
			}
			checkIndexes(t, cat, coll)
		})
	}
}
