package memstore

import (
	"encoding/binary"
	"fmt"
	"slices"
	"testing"

	"github.com/luawasm/luawasm/store"
)

// BenchmarkCommitSorted commits what persist writes for a batch of 10,000
// new records into a fresh store: the records' object keys (growing ids)
// and the collection's entry keys, sorted, ~50 bytes each.
func BenchmarkCommitSorted(b *testing.B) {
	var keys [][]byte
	for i := range 10_000 {
		keys = append(keys, binary.BigEndian.AppendUint64([]byte("0 5"), uint64(i+100)))
		keys = append(keys, fmt.Appendf([]byte("0 8\x00\x00\x00\x00\x00\x00\x00$\x05\t"), "user_%d", i))
	}
	slices.SortFunc(keys, compareKeys)
	value := make([]byte, 38)
	var batch store.Batch
	for _, k := range keys {
		batch.Add(store.Op{Key: k, Value: value})
	}
	for b.Loop() {
		b.StopTimer()
		s := New()
		b.StartTimer()
		if err := s.Commit(&batch); err != nil {
			b.Fatal(err)
		}
	}
}
