package memstore

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTreeModel runs random puts and deletes against the tree and a map,
// checking after each round that the tree holds the map's contents in
// order, that its leaves keep their bounds, and that an ascent from any
// key starts at the right entry. The workloads grow and then shrink the
// tree so that leaves split, merge and disappear.
func TestTreeModel(t *testing.T) {
	for _, tc := range []struct {
		name             string
		keySpace         int
		rounds, perRound int
		putPercent       int
	}{
		{"small", 50, 20, 30, 60},
		{"splits", 5_000, 10, 2_000, 90},
		{"merges", 5_000, 20, 2_000, 10},
		{"drain", 3_000, 10, 3_000, 0},
		{"churn", 2_000, 30, 1_000, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(tc.keySpace)))
			var tr tree
			model := map[string]string{}
			key := func() []byte { return fmt.Appendf(nil, "k%06d", r.IntN(tc.keySpace)) }
			// Grow first so that the deleting workloads have leaves to merge.
			// Each put is hinted with the previous one's leaf, mostly wrong
			// for random keys.
			hint := -1
			for range tc.keySpace {
				k := key()
				v := fmt.Sprint(r.Int())
				hint = tr.put(newEntry(append(k, v...), len(k)), hint)
				model[string(k)] = v
			}
			for round := range tc.rounds {
				for range tc.perRound {
					k := key()
					if r.IntN(100) < tc.putPercent {
						v := fmt.Sprint(r.Int())
						tr.put(newEntry(append(k, v...), len(k)), r.IntN(len(tr.leaves)+2)-1) // any hint, right or wrong
						model[string(k)] = v
					} else {
						tr.delete(k)
						delete(model, string(k))
					}
				}
				// A run of sorted puts, as a commit makes, each hinted
				// with the previous one's leaf.
				run := make([][]byte, tc.perRound*tc.putPercent/400)
				for i := range run {
					run[i] = key()
				}
				slices.SortFunc(run, bytes.Compare)
				hint := -1
				for _, k := range run {
					v := fmt.Sprint(r.Int())
					hint = tr.put(newEntry(append(k, v...), len(k)), hint)
					model[string(k)] = v
				}
				checkTree(t, &tr, model, fmt.Sprintf("round %d", round))
				from := key()
				var got []byte
				tr.ascend(from, func(e *entry) bool { got = e.key(); return false })
				var want []byte
				for k := range model {
					if k >= string(from) && (want == nil || k < string(want)) {
						want = []byte(k)
					}
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("round %d: ascend(%q) starts at %q, want %q", round, from, got, want)
				}
			}
		})
	}
}

func checkTree(t *testing.T, tr *tree, model map[string]string, when string) {
	t.Helper()
	var keys []string
	for i, leaf := range tr.leaves {
		if len(leaf) == 0 || len(leaf) > leafMax {
			t.Fatalf("%s: leaf %d of %d has %d entries", when, i, len(tr.leaves), len(leaf))
		}
	}
	tr.ascend(nil, func(e *entry) bool {
		keys = append(keys, string(e.key()))
		if v, ok := model[string(e.key())]; !ok || v != string(e.value()) {
			t.Fatalf("%s: tree holds %q = %q, model has %q (%v)", when, e.key(), e.value(), v, ok)
		}
		return true
	})
	if !slices.IsSorted(keys) || len(keys) != len(model) {
		t.Fatalf("%s: tree holds %d keys (sorted: %v), model %d", when, len(keys), slices.IsSorted(keys), len(model))
	}
	for k, v := range model {
		if got, ok := tr.get([]byte(k)); !ok || string(got) != v {
			t.Fatalf("%s: get(%q) = %q, %v; want %q", when, k, got, ok, v)
		}
	}
	if _, ok := tr.get([]byte("absent")); ok {
		t.Fatalf("%s: get of an absent key found something", when)
	}
}

// TestCompareKeys checks compareKeys against bytes.Compare on keys that
// share prefixes of every length around the eight-byte steps, and differ
// in a low, a high or no byte, or in length only.
func TestCompareKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	for prefix := range 20 {
		for _, tail := range [][2]string{
			{"", ""}, {"a", ""}, {"", "a"}, {"a", "b"}, {"b", "a"},
			{"\x00", "\xff"}, {"\xff", "\x00"}, {"\x01x", "\x01"}, {"same", "same"},
		} {
			p := make([]byte, prefix)
			for i := range p {
				p[i] = byte(r.UintN(256))
			}
			a := append(slices.Clone(p), tail[0]...)
			b := append(slices.Clone(p), tail[1]...)
			if got, want := compareKeys(a, b), bytes.Compare(a, b); got != want {
				t.Errorf("compareKeys(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}
