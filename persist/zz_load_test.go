package persist_test

import (
	"fmt"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/persist"
	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/memstore"
)

func TestZZLoad(t *testing.T) {
	for _, n := range []int{400_000} {
		b := memstore.New()
		s := lua.NewState()
		lib.OpenAll(s)
		db, _ := persist.Open(s, b, persist.Options{Encoder: store.DefaultEncoder})
		users := lua.NewTable(0, n)
		db.Root().SetStr("users", users.Value())
		for i := range n {
			rec := lua.NewTable(0, 4)
			rec.SetStr("name", lua.String(fmt.Sprintf("User %d", i)))
			rec.SetStr("score", lua.Int(int64(i%1000)))
			users.SetStr(fmt.Sprintf("user_%d", i), rec.Value())
			if (i+1)%50000 == 0 {
				db.Commit()
			}
		}
		db.Close()
		f, _ := os.Create("/tmp/load.prof")
		pprof.StartCPUProfile(f)
		t0 := time.Now()
		s2 := lua.NewState()
		lib.OpenAll(s2)
		_, err := persist.Open(s2, b, persist.Options{})
		pprof.StopCPUProfile()
		t.Log(n, "load", time.Since(t0), err)
	}
}
