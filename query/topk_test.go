package query

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// TestTopK checks topK against sorting every row: rows arriving in order,
// in reverse and shuffled, with k below, at and above their number.
func TestTopK(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := &run{r: &request{}}
	for _, n := range []int{0, 1, 2, 7, 100} {
		for _, arrival := range []string{"ascending", "descending", "shuffled"} {
			keys := make([]int64, n)
			for i := range keys {
				keys[i] = int64(i)
			}
			switch arrival {
			case "descending":
				slices.Reverse(keys)
			case "shuffled":
				r.Shuffle(n, func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
			}
			for _, k := range []int{0, 1, n / 2, n, n + 5} {
				top := x.newTopK(k, nil)
				for _, key := range keys {
					top.add(ranked{key: lua.Int(key)})
				}
				var got []int64
				for _, row := range top.sorted() {
					i, _ := row.key.AsInt()
					got = append(got, i)
				}
				want := make([]int64, 0, k)
				for i := range min(k, n) {
					want = append(want, int64(i))
				}
				if !slices.Equal(got, want) {
					t.Errorf("%d rows %s, k=%d: got %v, want %v", n, arrival, k, got, want)
				}
			}
		}
	}
}
