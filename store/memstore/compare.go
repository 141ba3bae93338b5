package memstore

import (
	"cmp"
	"encoding/binary"
	"math/bits"
)

// compareKeys is bytes.Compare eight bytes at a time. In WebAssembly
// bytes.Compare and bytes.Equal are byte loops (no vector assembly), and
// the keys of a commit share long prefixes (a collection's entries, the
// ids of new objects); little-endian loads compile to one i64.load there,
// and the first differing byte is found from the XOR's trailing zeros.
func compareKeys(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		x, y := binary.LittleEndian.Uint64(a[i:]), binary.LittleEndian.Uint64(b[i:])
		if x != y {
			d := i + bits.TrailingZeros64(x^y)/8
			return cmp.Compare(a[d], b[d])
		}
	}
	for ; i < n; i++ {
		if a[i] != b[i] {
			return cmp.Compare(a[i], b[i])
		}
	}
	return cmp.Compare(len(a), len(b))
}
