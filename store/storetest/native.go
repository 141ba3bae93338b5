//go:build !js

package storetest

import (
	"path/filepath"
	"testing"

	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/boltstore"
)

// nativeBackends are bbolt durable (two fdatasyncs per commit, which
// dominate on slow disks) and bbolt-nosync.
func nativeBackends() []Backend {
	bolt := func(noSync bool) func(testing.TB) store.Backend {
		return func(tb testing.TB) store.Backend {
			s, err := boltstore.Open(filepath.Join(tb.TempDir(), "bench.db"), &boltstore.Options{NoSync: noSync})
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { s.Close() })
			return s
		}
	}
	return []Backend{{"bbolt", bolt(false)}, {"bbolt-nosync", bolt(true)}}
}
