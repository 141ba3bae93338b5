//go:build !js

package engine_test

import (
	"path/filepath"
	"testing"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/store/boltstore"
)

func TestMemoryPersistsAcrossOpens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "memory.db")
	for run := 1; run <= 3; run++ {
		b, err := boltstore.Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		e, err := engine.Open(engine.Options{Backend: b})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Eval(`Memory.runs = (Memory.runs or 0) + 1 return Memory.runs`)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res[0].AsInt(); n != int64(run) {
			t.Errorf("run %d: Memory.runs = %d", run, n)
		}
		e.Close()
	}
}
