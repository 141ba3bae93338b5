//go:build !js

package persist_test

import (
	"path/filepath"
	"testing"

	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/boltstore"
)

// bbolt runs the benchmarks durably; bbolt-nosync without the fsyncs,
// to show the CPU cost of a commit apart from the disk's.
func init() {
	for _, nosync := range []bool{false, true} {
		name := "bbolt"
		if nosync {
			name = "bbolt-nosync"
		}
		backends = append(backends, benchBackend{name, func(b *testing.B) store.Backend {
			s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), &boltstore.Options{NoSync: nosync})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		}})
	}
}
