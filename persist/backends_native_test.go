//go:build !js

package persist_test

import (
	"path/filepath"
	"testing"

	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/boltstore"
)

func init() {
	backends = append(backends, benchBackend{"bbolt", func(b *testing.B) store.Backend {
		s, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}})
}
