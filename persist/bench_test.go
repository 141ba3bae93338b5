package persist_test

import (
	"fmt"
	"testing"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/persist"
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
func BenchmarkOpen(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("memstore/records=%d", n), func(b *testing.B) {
			backend := memstore.New()
			fillUsers(b, backend, n)
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
		})
	}
}

// fillUsers opens a DB on backend and fills Memory.users with n records
// of three fields, in commits of 50,000 records as an application would.
func fillUsers(b *testing.B, backend store.Backend, n int) (*persist.DB, *lua.Table) {
	s := lua.NewState()
	lib.OpenAll(s)
	db, err := persist.Open(s, backend, persist.Options{Encoder: store.DefaultEncoder})
	if err != nil {
		b.Fatal(err)
	}
	users := lua.NewTable(0, n)
	db.Root().SetStr("users", users.Value())
	for i := range n {
		rec := lua.NewTable(0, 4)
		rec.SetStr("name", lua.String(fmt.Sprintf("User %d", i)))
		rec.SetStr("email", lua.String(fmt.Sprintf("user%d@example.com", i)))
		rec.SetStr("score", lua.Int(int64(i%1000)))
		users.SetStr(fmt.Sprintf("user_%d", i), rec.Value())
		if (i+1)%50_000 == 0 || i == n-1 {
			if _, err := db.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	}
	return db, users
}
