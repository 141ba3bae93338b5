package lib

import (
	"fmt"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

func TestTableFunctions(t *testing.T) {
	tests := []struct {
		name  string
		table []lua.Value // the table argument, when any
		fn    string
		args  []lua.Value // arguments after the table
		want  string      // results
		after string      // the table's elements afterwards
	}{
		{"insert at end", ints(1, 2), "insert", ints(3), "", "1,2,3"},
		{"insert at front", ints(1, 2), "insert", ints(1, 0), "", "0,1,2"},
		{"insert at n+1", ints(1, 2), "insert", ints(3, 9), "", "1,2,9"},
		{"insert past end", ints(1, 2), "insert", ints(4, 9), "error: bad argument #2 (position out of bounds)", "1,2"},
		{"insert at 0", ints(1, 2), "insert", ints(0, 9), "error: bad argument #2 (position out of bounds)", "1,2"},
		{"insert 4 args", ints(1), "insert", ints(1, 2, 3), "error: wrong number of arguments to 'insert'", "1"},
		{"insert 1 arg", ints(1), "insert", nil, "error: wrong number of arguments to 'insert'", "1"},
		{"insert float pos", ints(1), "insert", []lua.Value{lua.Float(1.5), lua.Int(0)}, "error: bad argument #2 (number has no integer representation)", "1"},
		{"remove last", ints(10, 20, 30), "remove", nil, "30", "10,20"},
		{"remove first", ints(10, 20, 30), "remove", ints(1), "10", "20,30"},
		{"remove n+1", ints(10, 20), "remove", ints(3), "nil", "10,20"},
		{"remove out of bounds", ints(10, 20), "remove", ints(5), "error: bad argument #2 (position out of bounds)", "10,20"},
		{"remove empty", nil, "remove", nil, "nil", ""},
		{"remove empty at 0", nil, "remove", ints(0), "nil", ""},
		{"concat", ints(1, 2, 3), "concat", nil, "123", "1,2,3"},
		{"concat sep", ints(1, 2, 3), "concat", strs(", "), "1, 2, 3", "1,2,3"},
		{"concat range", strs("a", "b", "c", "d"), "concat", []lua.Value{lua.String("-"), lua.Int(2), lua.Int(3)}, "b-c", "a,b,c,d"},
		{"concat empty range", ints(1, 2), "concat", []lua.Value{lua.String(","), lua.Int(3)}, "", "1,2"},
		{"concat floats", []lua.Value{lua.Float(2.5), lua.Float(3), lua.Int(-1)}, "concat", strs(" "), "2.5 3.0 -1", "2.5,3.0,-1"},
		{"concat nil", ints(1, 2), "concat", []lua.Value{lua.String(","), lua.Int(1), lua.Int(3)}, "error: invalid value (nil) at index 3 in table for 'concat'", "1,2"},
		{"concat table", []lua.Value{lua.Int(1), lua.NewTable(0, 0).Value()}, "concat", nil, "error: invalid value (table) at index 2 in table for 'concat'", "1,table"},
		{"unpack", ints(1, 2, 3), "unpack", nil, "1\t2\t3", "1,2,3"},
		{"unpack from", ints(1, 2, 3), "unpack", ints(2), "2\t3", "1,2,3"},
		{"unpack beyond", ints(1, 2, 3), "unpack", ints(2, 5), "2\t3\tnil\tnil", "1,2,3"},
		{"unpack negative", strs("a", "b"), "unpack", ints(-1, 1), "nil\tnil\ta", "a,b"},
		{"unpack empty", nil, "unpack", ints(1, 0), "", ""},
		{"unpack too many", nil, "unpack", ints(1, 1e8), "error: too many results to unpack", ""},
		{"unpack huge range", nil, "unpack", ints(-1<<63, 1<<63-1), "error: too many results to unpack", ""},
		{"move down", ints(1, 2, 3, 4, 5), "move", ints(2, 4, 1), "table", "2,3,4,4,5"},
		{"move up overlapping", ints(1, 2, 3, 4, 5), "move", ints(1, 3, 3), "table", "1,2,1,2,3"},
		{"move empty range", ints(1, 2), "move", ints(3, 2, 1), "table", "1,2"},
		{"move too many", ints(1), "move", ints(-1, 1<<63-1, 1), "error: bad argument #3 (too many elements to move)", "1"},
		{"move wrap around", ints(1), "move", ints(1, 2, 1<<63-1), "error: bad argument #4 (destination wrap around)", "1"},
		{"sort numbers", []lua.Value{lua.Int(3), lua.Float(-1.5), lua.Int(2), lua.Float(2.5)}, "sort", nil, "", "-1.5,2,2.5,3"},
		{"sort strings", strs("pear", "Apple", "apple", "fig"), "sort", nil, "", "Apple,apple,fig,pear"},
		{"sort mixed", []lua.Value{lua.Int(3), lua.String("a"), lua.Int(1)}, "sort", nil, "error: attempt to compare string with number", "1,a,3"},
		{"sort bad comparator", ints(3, 2, 1), "sort", ints(42), "error: bad argument #2 (function expected, got number)", "3,2,1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestState()
			tb := list(tc.table...)
			got := callLib(t, s, "table", tc.fn, append([]lua.Value{tb.Value()}, tc.args...)...)
			if got != tc.want {
				t.Errorf("results: got %q, want %q", got, tc.want)
			}
			if after := elems(tb); after != tc.after {
				t.Errorf("table afterwards: got %q, want %q", after, tc.after)
			}
		})
	}
}

func TestTableArgumentErrors(t *testing.T) {
	tests := []struct {
		fn   string
		args []lua.Value
		want string
	}{
		{"insert", []lua.Value{lua.Nil, lua.Int(1)}, "error: bad argument #1 (table expected, got nil)"},
		{"sort", strs("abc"), "error: bad argument #1 (table expected, got string)"},
		{"concat", nil, "error: bad argument #1 (table expected, got no value)"},
		{"concat", []lua.Value{list().Value(), lua.NewTable(0, 0).Value()}, "error: bad argument #2 (string expected, got table)"},
		{"pack", ints(1, 2), "table"},
		{"move", []lua.Value{list().Value(), lua.Int(1), lua.Int(2)}, "error: bad argument #4 (number expected, got no value)"},
		{"unpack", nil, "error: attempt to get length of a nil value"},
	}
	for _, tc := range tests {
		t.Run(tc.fn, func(t *testing.T) {
			if got := callLib(t, newTestState(), "table", tc.fn, tc.args...); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTablePack(t *testing.T) {
	s := newTestState()
	res, err := s.MainThread().Call(libFunc(t, s, "table", "pack"), lua.Int(1), lua.Nil, lua.Int(3), lua.Nil)
	if err != nil {
		t.Fatal(err)
	}
	p := res[0].AsTable()
	if got := fmt.Sprint(showValue(p.GetStr("n")), " ", showValue(p.GetInt(1)), " ", showValue(p.GetInt(3))); got != "4 1 3" {
		t.Errorf("pack: got %q", got)
	}
}

// lessGo returns a Go comparator that records the comparisons it is asked.
func lessGo(log *[]string, less func(a, b int64) bool) lua.Value {
	return lua.NewGoFunction("cmp", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		a, _ := args[0].AsInt()
		b, _ := args[1].AsInt()
		*log = append(*log, fmt.Sprintf("%d<%d", a, b))
		return t.Ret(lua.Bool(less(a, b)))
	}).Value()
}

func TestSortInvalidOrder(t *testing.T) {
	s := newTestState()
	vs := make([]lua.Value, 50)
	for i := range vs {
		vs[i] = lua.Int(int64(i*37) % 50)
	}
	var log []string
	got := callLib(t, s, "table", "sort", list(vs...).Value(), lessGo(&log, func(a, b int64) bool { return true }))
	if got != "error: invalid order function for sorting" {
		t.Errorf("always-true comparator: got %q", got)
	}
}

// TestSortDifferential checks that sorting calls the comparator with the
// same pairs, in the same order, as the reference, and ends with the same
// arrangement, also for an inconsistent comparator.
func TestSortDifferential(t *testing.T) {
	const n = 300
	data := make([]int64, n)
	seed := int64(12345)
	for i := range data {
		seed = (seed*1103515245 + 12345) % 2147483648
		data[i] = seed % 100
	}
	comparators := []struct {
		lua  string
		less func(a, b int64) bool
	}{
		{"a < b", func(a, b int64) bool { return a < b }},
		{"a > b", func(a, b int64) bool { return a > b }},
		{"a % 7 < b % 7", func(a, b int64) bool { return a%7 < b%7 }},
		{"a <= b", func(a, b int64) bool { return a <= b }},
	}
	for _, c := range comparators {
		t.Run(c.lua, func(t *testing.T) {
			var src strings.Builder
			src.WriteString("local t = {")
			for _, d := range data {
				fmt.Fprintf(&src, "%d,", d)
			}
			src.WriteString("}\nlocal log = {}\n")
			fmt.Fprintf(&src, "local ok, err = pcall(table.sort, t, function(a, b) log[#log+1] = a .. '<' .. b; return %s end)\n", c.lua)
			src.WriteString("print(#log, table.concat(log, ' '))\nprint(ok, err)\nprint(table.concat(t, ','))\n")
			want := referenceLua(t, src.String())

			s := newTestState()
			var log []string
			tb := list(ints(data...)...)
			res, err := s.MainThread().Call(libFunc(t, s, "table", "sort"), tb.Value(), lessGo(&log, c.less))
			ok, msg := "true", "nil"
			if err != nil {
				ok, msg = "false", "table.sort: "+err.Error()
				_ = res
			}
			got := fmt.Sprintf("%d\t%s\n%s\t%s\n%s\n", len(log), strings.Join(log, " "), ok, msg, elems(tb))
			if err != nil {
				// The reference's message carries a position prefix.
				want = strings.Replace(want, "\tinvalid order", "\ttable.sort: invalid order", 1)
			}
			if got != want {
				t.Errorf("got:\n%.300s\nwant:\n%.300s", got, want)
			}
		})
	}
}

func TestTableNoArguments(t *testing.T) {
	for _, fn := range []string{"insert", "remove", "concat", "sort", "move", "unpack"} {
		got := callLib(t, newTestState(), "table", fn)
		if !strings.HasPrefix(got, "error: ") {
			t.Errorf("table.%s(): got %q, want an error", fn, got)
		}
	}
}

func BenchmarkSort(b *testing.B) {
	s := newTestState()
	th := s.MainThread()
	sort := s.Globals().GetStr("table").AsTable().GetStr("sort")
	data := make([]lua.Value, 10000)
	for b.Loop() {
		seed := int64(1)
		for i := range data {
			seed = (seed*1103515245 + 12345) % 2147483648
			data[i] = lua.Int(seed)
		}
		if _, err := th.Call(sort, list(data...).Value()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInsertRemove(b *testing.B) {
	s := newTestState()
	th := s.MainThread()
	tbl := s.Globals().GetStr("table").AsTable()
	insert, remove := tbl.GetStr("insert"), tbl.GetStr("remove")
	for b.Loop() {
		tb := lua.NewTable(0, 0).Value()
		for i := range 1000 {
			th.Call(insert, tb, lua.Int(int64(i)))
		}
		for range 1000 {
			th.Call(remove, tb)
		}
	}
}

func BenchmarkConcat(b *testing.B) {
	s := newTestState()
	th := s.MainThread()
	concat := s.Globals().GetStr("table").AsTable().GetStr("concat")
	tb := list(strs(strings.Split(strings.Repeat("word ", 1000), " ")...)...).Value()
	for b.Loop() {
		th.Call(concat, tb, lua.String(","))
	}
}
