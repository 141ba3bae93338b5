package lua

import (
	"slices"
	"testing"
)

// TestShiftArray checks the bulk move against the one-element-at-a-time
// definition, and that it declines ranges it cannot move in one copy.
func TestShiftArray(t *testing.T) {
	tests := []struct {
		name    string
		n       int // t[1..n] = 10, 20, ...
		lo, hi  int64
		dir     int
		persist bool
		ok      bool
	}{
		{"up whole", 5, 1, 5, +1, false, true},
		{"up middle", 6, 2, 4, +1, false, true},
		{"down whole", 5, 1, 5, -1, false, true},
		{"down tail", 6, 4, 6, -1, false, true},
		{"one element", 3, 2, 2, -1, false, true},
		{"past the array part", 4, 1, 5, +1, false, false},
		{"below 1", 4, 0, 3, -1, false, false},
		{"empty range", 4, 3, 2, +1, false, false},
		{"persistent", 4, 1, 4, -1, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, want := NewTable(0, 0), NewTable(0, 0)
			for i := 1; i <= tt.n; i++ {
				tb.SetInt(int64(i), Int(int64(10*i)))
				want.SetInt(int64(i), Int(int64(10*i)))
			}
			if tt.persist {
				tb.SetPersistent(NewPersistent(1, NewJournal()))
			}
			before := slices.Clone(tb.arr)
			if got := tb.ShiftArray(tt.lo, tt.hi, tt.dir); got != tt.ok {
				t.Fatalf("ShiftArray = %v, want %v", got, tt.ok)
			}
			if !tt.ok {
				if !slices.Equal(tb.arr, before) {
					t.Fatalf("declined but changed the table: %v", tb.arr)
				}
				return
			}
			if tt.dir > 0 {
				for i := tt.hi; i > tt.lo; i-- {
					want.SetInt(i, want.GetInt(i-1))
				}
			} else {
				for i := tt.lo; i < tt.hi; i++ {
					want.SetInt(i, want.GetInt(i+1))
				}
			}
			if !slices.Equal(tb.arr, want.arr) {
				t.Errorf("got %v, want %v", tb.arr, want.arr)
			}
		})
	}
}

// TestSmallTables checks that tables allocated with their parts inline
// behave as others as they grow past them.
func TestSmallTables(t *testing.T) {
	for _, size := range [][2]int{{0, 1}, {0, 3}, {1, 0}, {2, 0}, {3, 0}, {4, 0}} {
		tb := NewTable(size[0], size[1])
		for i := int64(1); i <= 40; i++ {
			tb.SetInt(i, Int(i))
			tb.SetStr(string(rune('a'+i%26)), Int(i))
		}
		for i := int64(1); i <= 40; i++ {
			if got := tb.GetInt(i); got != Int(i) {
				t.Fatalf("%v: t[%d] = %v", size, i, got)
			}
		}
		if got := tb.Len(); got != 40 {
			t.Errorf("%v: #t = %d, want 40", size, got)
		}
		if got := tb.GetStr("z"); got != Int(25) {
			t.Errorf("%v: t.z = %v, want 25", size, got)
		}
	}
}
