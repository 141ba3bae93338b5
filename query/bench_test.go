package query

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// benchUsers caches the benchmark collections, which take a while to build.
var benchUsers = map[int]*lua.Table{}

func benchCollection(n int) *lua.Table {
	if benchUsers[n] == nil {
		benchUsers[n] = users(n)
	}
	return benchUsers[n]
}

func BenchmarkBuildIndex(b *testing.B) {
	coll := benchCollection(10000)
	for _, kind := range []Kind{KindBTree, KindHash} {
		for _, field := range []string{"score", "name", "address.city"} {
			b.Run(fmt.Sprintf("%s/%s/10k", kind, field), func(b *testing.B) {
				for b.Loop() {
					if _, err := NewCatalog().CreateIndex(coll, "users", field, kind); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// benchQuery runs spec over coll with the given indexes.
func benchQuery(b *testing.B, coll *lua.Table, defs []IndexDef, spec Spec) {
	cat := NewCatalog()
	for _, d := range defs {
		if _, err := cat.CreateIndex(coll, "users", d.Field, d.Kind); err != nil {
			b.Fatal(err)
		}
	}
	var res *Result
	for b.Loop() {
		var err error
		if res, err = cat.Query(coll, spec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Examined), "examined/op")
}

func BenchmarkIndexedQuery(b *testing.B) {
	coll := benchCollection(100000)
	score := []IndexDef{{Field: "score", Kind: KindBTree}}
	tests := []struct {
		name string
		defs []IndexDef
		spec Spec
	}{
		{"range-desc", score, Spec{Field: "score", Op: OpGe, Value: lua.Int(80000), Limit: 10, Sort: Sort{Order: "desc"}}},
		{"range-asc", score, Spec{Field: "score", Op: OpGe, Value: lua.Int(80000), Limit: 10}},
		{"between", score, Spec{Field: "score", Op: OpBetween, Value: List(lua.Int(40000), lua.Int(60000)), Limit: 10}},
		{"btree-eq", []IndexDef{{Field: "name", Kind: KindBTree}}, Spec{Field: "name", Op: OpEq, Value: lua.String("name777")}},
		{"hash-eq", []IndexDef{{Field: "name", Kind: KindHash}}, Spec{Field: "name", Op: OpEq, Value: lua.String("name777")}},
		{"hash-eq-sorted", []IndexDef{{Field: "status", Kind: KindHash}, {Field: "score", Kind: KindBTree}},
			Spec{Field: "status", Op: OpEq, Value: lua.String("active"), Sort: Sort{Field: "score", Order: "desc"}, Limit: 10}},
		{"prefix", []IndexDef{{Field: "email", Kind: KindBTree}}, Spec{Field: "email", Op: OpStartsWith, Value: lua.String("user7777"), Limit: 10}},
	}
	for _, test := range tests {
		b.Run(test.name+"/100k", func(b *testing.B) { benchQuery(b, coll, test.defs, test.spec) })
	}
}

func BenchmarkFullScan(b *testing.B) {
	tests := []struct {
		name string
		spec Spec
	}{
		{"gt", Spec{Field: "score", Op: OpGt, Value: lua.Int(5000), Limit: 10}},
		{"nested", Spec{Field: "address.city", Op: OpEq, Value: lua.String("Lima"), Limit: 10}},
		{"endsWith", Spec{Field: "email", Op: OpEndsWith, Value: lua.String("7@y.org"), Limit: 10}},
		{"contains", Spec{Field: "email", Op: OpContains, Value: lua.String("777"), Limit: 10}},
		{"sorted", Spec{Field: "status", Op: OpEq, Value: lua.String("active"), Sort: Sort{Field: "score", Order: "desc"}, Limit: 10}},
		{"count", Spec{Field: "score", Op: OpGt, Value: lua.Int(5000), Count: true}},
		// Every match, by key (the browser benchmark's scan: 180 rows).
		{"rows", Spec{Field: "score", Op: OpLt, Value: lua.Int(200), Limit: 1000000}},
	}
	for _, n := range []int{10000, 100000} {
		coll := benchCollection(n)
		for _, test := range tests {
			b.Run(fmt.Sprintf("%s/%dk", test.name, n/1000), func(b *testing.B) { benchQuery(b, coll, nil, test.spec) })
		}
	}
}

// BenchmarkFirstUse measures the first index build and the first scan of
// records as a store loads them (each with its own copy of every field
// name), against records sharing their field names (as a Lua chunk or the
// wasm bridge makes them): the first lookups compare the names' bytes,
// then give the records the query's key objects.
func BenchmarkFirstUse(b *testing.B) {
	for _, own := range []bool{false, true} {
		name := "shared-keys"
		if own {
			name = "own-keys"
		}
		for _, op := range []struct {
			name string
			run  func(coll *lua.Table)
		}{
			{"btree", func(coll *lua.Table) { NewCatalog().CreateIndex(coll, "users", "score", KindBTree) }},
			{"scan", func(coll *lua.Table) {
				NewCatalog().Query(coll, Spec{Field: "score", Op: OpGt, Value: lua.Int(5000), Count: true})
			}},
		} {
			b.Run(op.name+"/"+name+"/10k", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					coll := copyCollection(benchCollection(10000), own)
					runtime.GC()
					b.StartTimer()
					op.run(coll)
				}
			})
		}
	}
}

// copyCollection returns a deep copy of coll (laid out alike whatever
// own is) whose string keys are one object per name, or with own set one
// object per table.
func copyCollection(coll *lua.Table, own bool) *lua.Table {
	names := map[string]lua.Value{}
	var copyTable func(t *lua.Table) *lua.Table
	copyTable = func(t *lua.Table) *lua.Table {
		c := lua.NewTable(0, 0)
		for pos, k, v := t.Iter(0); pos != 0; pos, k, v = t.Iter(pos) {
			if s, ok := k.AsString(); ok {
				if names[s].IsNil() || own {
					names[s] = lua.String(strings.Clone(s))
				}
				k = names[s]
			}
			if sub := v.AsTable(); sub != nil {
				v = copyTable(sub).Value()
			}
			c.Set(k, v)
		}
		return c
	}
	return copyTable(coll)
}

// heapInUse returns the live heap after a collection.
func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkIndexMemory reports what an index costs per record, absolutely
// and relative to the collection itself (the records, their strings and
// nested tables, and the collection's own table).
func BenchmarkIndexMemory(b *testing.B) {
	const n = 100000
	for _, d := range []IndexDef{{Field: "score", Kind: KindBTree}, {Field: "name", Kind: KindBTree}, {Field: "name", Kind: KindHash}, {Field: "status", Kind: KindHash}, {Field: "email", Kind: KindSuffix}} {
		b.Run(fmt.Sprintf("%s/%s", d.Kind, d.Field), func(b *testing.B) {
			var collBytes, builtBytes, indexBytes float64
			for b.Loop() {
				before := heapInUse()
				coll := users(n)
				withColl := heapInUse()
				cat := NewCatalog()
				ix, err := cat.CreateIndex(coll, "users", d.Field, d.Kind)
				if err != nil {
					b.Fatal(err)
				}
				built := heapInUse()
				ix.recordValues(coll) // as the first write does
				withIndex := heapInUse()
				collBytes, builtBytes, indexBytes = float64(withColl-before), float64(built-withColl), float64(withIndex-withColl)
				runtime.KeepAlive(cat)
				runtime.KeepAlive(coll)
			}
			// index-B/record and %overhead count the map from record
			// key to indexed value that an index makes on its first
			// write; built-B/record is an index only read since built.
			b.ReportMetric(collBytes/n, "collection-B/record")
			b.ReportMetric(builtBytes/n, "built-B/record")
			b.ReportMetric(indexBytes/n, "index-B/record")
			b.ReportMetric(100*indexBytes/collBytes, "%overhead")
		})
	}
}
