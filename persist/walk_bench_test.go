package persist_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/persist"
	"github.com/luawasm/luawasm/store/memstore"
)

// BenchmarkCommitNewCollection measures the commit of a new collection of
// 10,000 records: every table's entries are walked to encode them.
func BenchmarkCommitNewCollection(b *testing.B) {
	db, _ := fillUsers(b, memstore.New(), 1)
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		coll := lua.NewTable(0, 10_000)
		for i := range 10_000 {
			rec := lua.NewTable(0, 4)
			rec.SetStr("name", lua.String(fmt.Sprintf("User %d", i)))
			rec.SetStr("email", lua.String(fmt.Sprintf("user%d@example.com", i)))
			rec.SetStr("score", lua.Int(int64(i%1000)))
			coll.SetStr(fmt.Sprintf("user_%d", i), rec.Value())
		}
		db.Root().SetStr(fmt.Sprintf("coll_%d", round), coll.Value())
		b.StartTimer()
		if _, err := db.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnpersistablePath measures the error of a commit that meets a
// host function in the last record of 10,000: naming its path searches
// the graph from the root.
func BenchmarkUnpersistablePath(b *testing.B) {
	db, users := fillUsers(b, memstore.New(), 10_000)
	host := lua.NewGoFunction("host", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) { return nil, nil })
	rec := users.GetStr("user_9999").AsTable()
	for b.Loop() {
		rec.SetStr("onClick", host.Value())
		_, err := db.Commit()
		var ue *persist.UnpersistableError
		if !errors.As(err, &ue) || ue.Path != "users.user_9999.onClick" {
			b.Fatalf("commit: %v", err)
		}
		db.Rollback()
	}
}
