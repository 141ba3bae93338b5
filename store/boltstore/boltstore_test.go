//go:build !js && !wasip1

package boltstore

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/internal/backendtest"
)

func openTemp(t testing.TB, opts *Options) *Store {
	s, err := Open(filepath.Join(t.TempDir(), "store.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	backendtest.Run(t, backendtest.Factory{
		Open: func(t testing.TB) store.Backend { return openTemp(t, nil) },
		Reopen: func(t *testing.T, b store.Backend) store.Backend {
			path := b.(*Store).db.Path()
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	})
}

func BenchmarkCommit(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		b.Run(fmt.Sprintf("nosync=%t", noSync), func(b *testing.B) {
			backendtest.BenchmarkCommit(b, func(tb testing.TB) store.Backend {
				return openTemp(tb, &Options{NoSync: noSync})
			})
		})
	}
}
