package persist

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/luawasm/luawasm/store"
)

// TestSortOps checks sortOps against a stable comparison sort on keys
// built to hit its cases: shared prefixes of every length around the
// 8-byte windows, keys that are prefixes of others, zero bytes (which
// the windows' padding must not confuse with a key's end), duplicates
// (whose order must be kept), and runs both short (insertion sort) and
// long (radix sort).
func TestSortOps(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		prefix  int // length of the prefix all keys share
		alpha   string
		maxTail int
	}{
		{"empty", 0, 0, "ab", 4},
		{"one", 1, 0, "ab", 4},
		{"short", 20, 3, "a\x00b", 6},
		{"zeros", 300, 0, "\x00\x01", 40},
		{"window", 500, 6, "\x00ab", 6},
		{"windows", 500, 14, "\x00ab", 6},
		{"deep", 2_000, 31, "xyz\x00", 24},
		{"dups", 3_000, 5, "ab", 3},
		{"records", 20_000, 3, "0123456789", 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tc.n), uint64(tc.prefix)))
			prefix := bytes.Repeat([]byte{'p'}, tc.prefix)
			var ops []store.Op
			for range tc.n {
				key := slices.Clone(prefix)
				for range r.IntN(tc.maxTail + 1) {
					key = append(key, tc.alpha[r.IntN(len(tc.alpha))])
				}
				ops = append(ops, store.Op{Key: key, Delete: r.IntN(2) == 0})
			}
			want := make([]int, len(ops))
			for i := range want {
				want[i] = i
			}
			key := func(i int) []byte { return ops[i].Key }
			slices.SortStableFunc(want, func(a, b int) int { return bytes.Compare(key(a), key(b)) })
			got, _ := sortOps(ops, make([]rank, 0, r.IntN(3*tc.n+1))) // a buffer too small or big enough
			if len(got) != len(want) {
				t.Fatalf("sortOps returned %d ranks for %d ops", len(got), len(want))
			}
			for i, rk := range got {
				if int(rk.i) != want[i] {
					t.Fatalf("position %d: op %d (%q), want op %d (%q)", i, rk.i, key(int(rk.i)), want[i], key(want[i]))
				}
			}
		})
	}
}
