package query

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// all returns the entries of s in order, checking its invariants: no empty
// leaf, entries strictly increasing across leaves.
func (s *entrySet) all(t *testing.T) []entry {
	t.Helper()
	var es []entry
	for i, leaf := range s.leaves {
		if len(leaf) == 0 || len(leaf) > leafMax {
			t.Fatalf("leaf %d of %d holds %d entries", i, len(s.leaves), len(leaf))
		}
		es = append(es, leaf...)
	}
	for i := 1; i < len(es); i++ {
		if compareEntries(es[i-1], es[i]) >= 0 {
			t.Fatalf("entries %d and %d out of order", i-1, i)
		}
	}
	return es
}

// TestEntrySet checks an entrySet against a sorted slice under random
// builds, inserts (some replacing) and deletes (some absent), with walks
// of random ranges both ways.
func TestEntrySet(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	entryOf := func(n int) entry {
		v := lua.Int(int64(rng.Intn(n)))
		return entry{v, lua.Int(int64(rng.Intn(n)))}
	}
	for round := range 60 {
		n := []int{4, 40, 400, 4000}[round%4]
		var s entrySet
		var model []entry
		put := func(e entry) {
			i, found := slices.BinarySearchFunc(model, e, compareEntries)
			if !found {
				model = slices.Insert(model, i, e)
			}
		}
		if round%3 == 0 {
			var built []entry
			for range n {
				e := entryOf(n)
				if _, dup := slices.BinarySearchFunc(model, e, compareEntries); !dup {
					built = append(built, e)
					put(e)
				}
			}
			s.build(built)
		}
		for op := range 3 * n {
			e := entryOf(n)
			// Deletions dominate in odd rounds, to drain leaves; most
			// delete a present entry.
			if rng.Intn(4) < 1+2*(round%2) {
				if len(model) > 0 && rng.Intn(5) > 0 {
					e = model[rng.Intn(len(model))]
				}
				s.delete(e)
				if i, found := slices.BinarySearchFunc(model, e, compareEntries); found {
					model = slices.Delete(model, i, i+1)
				}
			} else {
				s.insert(e)
				put(e)
			}
			if op%97 == 0 || op == 3*n-1 {
				if got := s.all(t); !slices.Equal(got, model) {
					t.Fatalf("round %d op %d: set holds %d entries, want %d", round, op, len(got), len(model))
				}
				lo, hi := entry{lua.Int(int64(rng.Intn(n))), lua.Nil}, entry{lua.Int(int64(rng.Intn(n))), keyHigh}
				var want, up, down []entry
				for _, e := range model {
					if compareEntries(lo, e) < 0 && compareEntries(e, hi) < 0 {
						want = append(want, e)
					}
				}
				s.ascend(lo, hi, func(e entry) bool { up = append(up, e); return true })
				s.descend(hi, lo, func(e entry) bool { down = append(down, e); return true })
				slices.Reverse(down)
				if !slices.Equal(up, want) || !slices.Equal(down, want) {
					t.Fatalf("round %d op %d: walk (%v, %v) gave %d up, %d down, want %d", round, op, lo, hi, len(up), len(down), len(want))
				}
				if len(want) > 1 {
					var first []entry
					if s.ascend(lo, hi, func(e entry) bool { first = append(first, e); return false }) || !slices.Equal(first, want[:1]) {
						t.Fatalf("round %d: a walk stopped by its callback did not stop", round)
					}
				}
			}
		}
	}
}
