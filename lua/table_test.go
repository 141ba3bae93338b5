package lua

import (
	"math/rand"
	"testing"
	"unsafe"
)

// TestTableModel checks tables against a Go map under random operations:
// lookups, traversals (each live key once, clearing fields while
// traversing) and borders.
func TestTableModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	keyOf := func() Value {
		switch rng.Intn(5) {
		case 0, 1:
			return Int(int64(rng.Intn(40)) - 3)
		case 2:
			return Float(float64(rng.Intn(20)) + 0.5)
		case 3:
			return Float(float64(rng.Intn(20))) // normalizes to an integer
		default:
			return String(string(rune('a' + rng.Intn(26))))
		}
	}
	mkey := func(k Value) any {
		k = normKey(k)
		if s, ok := k.AsString(); ok {
			return s
		}
		return k
	}
	for round := 0; round < 200; round++ {
		tb := NewTable(rng.Intn(4), rng.Intn(4))
		model := map[any]Value{}
		for op := 0; op < 300; op++ {
			k := keyOf()
			if rng.Intn(4) == 0 {
				tb.Set(k, Nil)
				delete(model, mkey(k))
			} else {
				v := Int(int64(op))
				tb.Set(k, v)
				model[mkey(k)] = v
			}
		}
		for mk, v := range model {
			var k Value
			switch x := mk.(type) {
			case string:
				k = String(x)
			case Value:
				k = x
			}
			if got := tb.Get(k); got != v {
				t.Fatalf("round %d: t[%v] = %v, want %v", round, k, got, v)
			}
		}
		seen := map[any]bool{}
		var k Value
		for {
			nk, v, ok, err := tb.Next(k)
			if err != nil {
				t.Fatalf("round %d: next: %v", round, err)
			}
			if !ok {
				break
			}
			if seen[mkey(nk)] {
				t.Fatalf("round %d: key %v visited twice", round, nk)
			}
			seen[mkey(nk)] = true
			if model[mkey(nk)] != v {
				t.Fatalf("round %d: traversal gave %v = %v", round, nk, v)
			}
			if rng.Intn(3) == 0 {
				tb.Set(nk, Nil) // allowed during traversal
			}
			k = nk
		}
		if len(seen) != len(model) {
			t.Fatalf("round %d: traversal saw %d keys, want %d", round, len(seen), len(model))
		}
		// Iter walks the same entries in the same order as Next.
		k = Nil
		for pos, ik, iv := tb.Iter(0); ; pos, ik, iv = tb.Iter(pos) {
			nk, nv, ok, _ := tb.Next(k)
			if (pos != 0) != ok || ik != nk || iv != nv {
				t.Fatalf("round %d: Iter gave (%d, %v, %v) after %v, Next (%v, %v, %v)", round, pos, ik, iv, k, ok, nk, nv)
			}
			if pos == 0 {
				break
			}
			k = nk
		}
		n := tb.Len()
		if n < 0 || n > 0 && tb.GetInt(n).IsNil() || !tb.GetInt(n+1).IsNil() {
			t.Fatalf("round %d: %d is not a border", round, n)
		}
	}
}

// TestTableBorders checks lengths the reference gives for common shapes.
func TestTableBorders(t *testing.T) {
	s := NewState()
	OpenBase(s)
	tests := []struct {
		src  string
		want int64
	}{
		{"return {1, 2, nil, 4}", 4},
		{"return {nil, nil, 3}", 3},
		{"local t = {} t[1] = 1 t[2] = 2 t[4] = 4 return t", 4},
		{"local t = {} for i = 10, 1, -1 do t[i] = i end return t", 10},
		{"local t = {} for i = 1, 10 do t[i] = i end t[10] = nil return t", 9},
		{"local t = {1, 2, 3} t[#t + 1] = 4 t[#t] = nil return t", 3},
		{"return {n = 1, 1, 2, 3}", 3},
	}
	for _, tt := range tests {
		res, err := s.DoString(tt.src, "=border")
		if err != nil {
			t.Fatal(err)
		}
		if got := res[0].AsTable().Len(); got != tt.want {
			t.Errorf("%s: # = %d, want %d", tt.src, got, tt.want)
		}
	}
}

// TestFindConstFilter checks the lookup of constant string keys (the exec
// loop's GETFIELD, SELF and SETFIELD paths, with the keys filter that
// answers misses without probing) against a Go map, through inserts,
// deletes, dead-slot reuse and rehashes.
func TestFindConstFilter(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	var keys []*stringObject
	for i := range 64 {
		v := String(string(rune('a'+i%26)) + string(rune('A'+i/26)))
		s := (*stringObject)(v.p)
		stringHash(s)
		keys = append(keys, s)
	}
	for round := range 200 {
		tb := NewTable(0, rng.Intn(4))
		model := map[*stringObject]Value{}
		for op := range 200 {
			k := keys[rng.Intn(len(keys))]
			if rng.Intn(3) == 0 {
				tb.Set(Value{p: unsafe.Pointer(k)}, Nil)
				delete(model, k)
			} else {
				v := Int(int64(op))
				tb.Set(Value{p: unsafe.Pointer(k)}, v)
				model[k] = v
			}
			for _, k := range keys {
				nd, sure := tb.findConst(k)
				want, present := model[k]
				switch {
				case present && (nd == nil || nd.val != want):
					t.Fatalf("round %d: key %q present but findConst gave %v", round, k.s, nd)
				case !present && nd != nil && nd.val.p != nil:
					t.Fatalf("round %d: key %q absent but findConst gave %v", round, k.s, nd.val)
				case !present && nd == nil && !sure:
					t.Fatalf("round %d: key %q absent but not sure", round, k.s)
				}
			}
		}
	}
}
