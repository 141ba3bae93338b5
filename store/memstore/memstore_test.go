package memstore_test

import (
	"testing"

	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/internal/backendtest"
	"github.com/luawasm/luawasm/store/memstore"
)

func TestConformance(t *testing.T) {
	backendtest.Run(t, backendtest.Factory{
		Open: func(testing.TB) store.Backend { return memstore.New() },
	})
}

func BenchmarkCommit(b *testing.B) {
	backendtest.BenchmarkCommit(b, func(testing.TB) store.Backend { return memstore.New() })
}
