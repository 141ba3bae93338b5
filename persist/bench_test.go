package persist_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/persist"
	"github.com/luawasm/luawasm/query"
	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/memstore"
	"github.com/luawasm/luawasm/store/storetest"
)

// BenchmarkCommitOneChange measures a commit changing one field of one
// record, in a collection of n records: its cost must not grow with n.
func BenchmarkCommitOneChange(b *testing.B) {
	for _, be := range storetest.Backends() {
		for _, n := range []int{1_000, 100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/records=%d", be.Name, n), func(b *testing.B) {
				db, users := fillUsers(b, be.Open(b), n)
				i := 0
				for b.Loop() {
					i++
					rec := users.GetStr(fmt.Sprintf("user_%d", i%n)).AsTable()
					rec.SetStr("score", lua.Int(int64(i)))
					st, err := db.Commit()
					if err != nil {
						b.Fatal(err)
					}
					if st.Puts != 1 {
						b.Fatalf("commit wrote %d records", st.Puts)
					}
				}
			})
		}
	}
}

// BenchmarkOpen measures loading a Memory of n records into a new state.
// With own-keys every record has field names of its own (no two records
// share a key), the worst case of the loader's names table.
func BenchmarkOpen(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("memstore/records=%d", n), func(b *testing.B) {
			backend := memstore.New()
			fillUsers(b, backend, n)
			benchOpen(b, backend)
		})
	}
	b.Run("memstore/own-keys/records=100000", func(b *testing.B) {
		backend := memstore.New()
		fill(b, backend, 100_000, func(i int) *lua.Table {
			rec := lua.NewTable(0, 4)
			rec.SetStr(fmt.Sprintf("name%d", i), lua.String(fmt.Sprintf("User %d", i)))
			rec.SetStr(fmt.Sprintf("email%d", i), lua.String(fmt.Sprintf("user%d@example.com", i)))
			rec.SetStr(fmt.Sprintf("score%d", i), lua.Int(int64(i%1000)))
			return rec
		})
		benchOpen(b, backend)
	})
}

func benchOpen(b *testing.B, backend store.Backend) {
	for b.Loop() {
		s := lua.NewState()
		lib.OpenAll(s)
		db, err := persist.Open(s, backend, persist.Options{Encoder: store.DefaultEncoder})
		if err != nil {
			b.Fatal(err)
		}
		if got := db.Root().GetStr("users").AsTable().Len(); got != 0 {
			b.Fatalf("users has a border of %d", got)
		}
		db.Close()
	}
}

// BenchmarkFirstQuery measures the first index build and the first scan
// of a collection just loaded from the store: they read one field of every
// record, whose keys the loader decoded.
func BenchmarkFirstQuery(b *testing.B) {
	backend := memstore.New()
	fillUsers(b, backend, 10_000)
	for _, op := range []struct {
		name string
		run  func(users *lua.Table) error
	}{
		{"btree", func(users *lua.Table) error {
			_, err := query.NewCatalog().CreateIndex(users, "users", "score", query.KindBTree)
			return err
		}},
		{"scan", func(users *lua.Table) error {
			_, err := query.NewCatalog().Query(users, query.Spec{Field: "score", Op: query.OpGt, Value: lua.Int(500), Count: true})
			return err
		}},
	} {
		b.Run(op.name+"/10k", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := lua.NewState()
				db, err := persist.Open(s, backend, persist.Options{Encoder: store.DefaultEncoder})
				if err != nil {
					b.Fatal(err)
				}
				users := db.Root().GetStr("users").AsTable()
				runtime.GC()
				b.StartTimer()
				if err := op.run(users); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
		})
	}
}

// fillUsers opens a DB on backend and fills Memory.users with n records
// of three fields.
func fillUsers(b *testing.B, backend store.Backend, n int) (*persist.DB, *lua.Table) {
	return fill(b, backend, n, func(i int) *lua.Table {
		rec := lua.NewTable(0, 4)
		rec.SetStr("name", lua.String(fmt.Sprintf("User %d", i)))
		rec.SetStr("email", lua.String(fmt.Sprintf("user%d@example.com", i)))
		rec.SetStr("score", lua.Int(int64(i%1000)))
		return rec
	})
}

// fill opens a DB on backend and fills Memory.users with the records
// user_0 .. user_<n-1> made by record, in commits of 50,000 records as an
// application would.
func fill(b *testing.B, backend store.Backend, n int, record func(i int) *lua.Table) (*persist.DB, *lua.Table) {
	s := lua.NewState()
	lib.OpenAll(s)
	db, err := persist.Open(s, backend, persist.Options{Encoder: store.DefaultEncoder})
	if err != nil {
		b.Fatal(err)
	}
	users := lua.NewTable(0, n)
	db.Root().SetStr("users", users.Value())
	for i := range n {
		users.SetStr(fmt.Sprintf("user_%d", i), record(i).Value())
		if (i+1)%50_000 == 0 || i == n-1 {
			if _, err := db.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	}
	return db, users
}
