package query

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// TestSortEntries checks sortEntries (and groupEntries) against a
// comparison sort by compareEntries, on sets shaped to reach each of its paths: exact and
// lossy digests, ties broken by the next 8 bytes of strings, by the keys,
// or by compareEntries, runs below and above radixMin.
func TestSortEntries(t *testing.T) {
	tables := []lua.Value{lua.NewTable(0, 0).Value(), lua.NewTable(0, 0).Value(), lua.NewTable(0, 0).Value()}
	str := func(r *rand.Rand, prefix string, n int) lua.Value {
		return lua.String(prefix + strings.Repeat("\x00", r.IntN(2)) + string(rune('a'+r.IntN(n))))
	}
	values := []struct {
		name string
		gen  func(r *rand.Rand) lua.Value
	}{
		{"ints", func(r *rand.Rand) lua.Value { return lua.Int(r.Int64N(2000) - 1000) }},
		{"big ints", func(r *rand.Rand) lua.Value { return lua.Int(1<<53 + r.Int64N(8) - 4) }},
		{"numbers", func(r *rand.Rand) lua.Value {
			switch r.IntN(5) {
			case 0:
				return lua.Float(float64(r.IntN(20)) / 4)
			case 1:
				return lua.Float([]float64{math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0, 1<<53 + 2, -1e300}[r.IntN(6)])
			case 2:
				return lua.Int(1<<53 + r.Int64N(5) - 2)
			}
			return lua.Int(r.Int64N(10) - 5)
		}},
		{"short strings", func(r *rand.Rand) lua.Value { return str(r, "", 26) }},
		{"shared prefix", func(r *rand.Rand) lua.Value { return str(r, "user00000"[:r.IntN(10)], 10) }},
		{"long prefix", func(r *rand.Rand) lua.Value { return str(r, strings.Repeat("x", 60+r.IntN(20)), 3) }},
		{"few values", func(r *rand.Rand) lua.Value { return lua.String([]string{"active", "inactive", "Lima"}[r.IntN(3)]) }},
		{"bools", func(r *rand.Rand) lua.Value { return lua.Bool(r.IntN(2) == 0) }},
		{"mixed", func(r *rand.Rand) lua.Value {
			switch r.IntN(4) {
			case 0:
				return lua.Int(r.Int64N(5))
			case 1:
				return lua.Float(float64(r.IntN(10)) / 2)
			case 2:
				return str(r, "ab", 3)
			}
			return lua.Bool(r.IntN(2) == 0)
		}},
	}
	keys := []struct {
		name string
		gen  func(r *rand.Rand, i int) lua.Value
	}{
		{"int keys", func(r *rand.Rand, i int) lua.Value { return lua.Int(int64(i)) }},
		{"string keys", func(r *rand.Rand, i int) lua.Value {
			return lua.String("user_" + strings.Repeat("0", r.IntN(8)) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676)))
		}},
		{"mixed keys", func(r *rand.Rand, i int) lua.Value {
			switch i % 4 {
			case 0:
				return lua.Int(int64(i))
			case 1:
				return lua.Float(float64(i) + 0.5)
			case 2:
				return lua.String(string(rune('a'+i%26)) + string(rune('a'+i/26)))
			}
			if i < 12 {
				return tables[i/4]
			}
			return lua.Bool(false)
		}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, value := range values {
		for _, key := range keys {
			for _, n := range []int{0, 1, 2, 10, radixMin - 1, radixMin, 300, 3000} {
				seen := map[[2]any]bool{}
				var es []entry
				for i := range n {
					e := entry{value.gen(rng), key.gen(rng, i)}
					id := [2]any{keyOf(e.v), keyOf(e.key)}
					if !seen[id] {
						seen[id] = true
						es = append(es, e)
					}
				}
				want := slices.Clone(es)
				slices.SortFunc(want, compareEntries)
				grouped := slices.Clone(es)
				sortEntries(es)
				for i := range es {
					if compareEntries(es[i], want[i]) != 0 {
						t.Fatalf("%s, %s, %d entries: entry %d is {%v, %v}, want {%v, %v}", value.name, key.name, len(es), i, es[i].v, es[i].key, want[i].v, want[i].key)
					}
				}
				// groupEntries orders by value only: sorting each group
				// of equal values by key must give the sorted entries.
				groupEntries(grouped)
				for a := 0; a < len(grouped); {
					b := a + 1
					for b < len(grouped) && compareValues(grouped[a].v, grouped[b].v) == 0 {
						b++
					}
					slices.SortFunc(grouped[a:b], compareEntries)
					a = b
				}
				for i := range grouped {
					if compareEntries(grouped[i], want[i]) != 0 {
						t.Fatalf("%s, %s, %d entries: grouped entry %d is {%v, %v}, want {%v, %v}", value.name, key.name, len(es), i, grouped[i].v, grouped[i].key, want[i].v, want[i].key)
					}
				}
			}
		}
	}
}

// keyOf identifies a value for deduplication: 1 and 1.0 are one value.
func keyOf(v lua.Value) any {
	if s, ok := v.AsString(); ok {
		return s
	}
	if classOf(v) == classNumber {
		if f, ok := v.AsFloat(); ok {
			if i, exact := lua.FloatToInteger(f); exact {
				return i
			}
			return f
		}
		i, _ := v.AsInt()
		return i
	}
	return v
}
