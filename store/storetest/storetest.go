// Package storetest gives the tests and benchmarks of the packages built on
// the store (persist, engine) the backends to run on: memstore everywhere,
// and bbolt natively, once durably and once without fsyncs so that a
// commit's CPU cost shows apart from the disk's.
package storetest

import (
	"testing"

	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/memstore"
)

// A Backend is a named way to open a fresh, empty store.
type Backend struct {
	Name string
	// Open returns a new store, closed when tb's test ends.
	Open func(tb testing.TB) store.Backend
}

// Backends lists the stores this build can run on, memstore first.
func Backends() []Backend {
	return append([]Backend{{"memstore", func(testing.TB) store.Backend { return memstore.New() }}}, nativeBackends()...)
}
