package query

import (
	"math"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

func TestCompareValues(t *testing.T) {
	i, f, s := lua.Int, lua.Float, lua.String
	tests := []struct {
		a, b lua.Value
		want int
	}{
		{i(1), f(1), 0},
		{i(1), f(1.5), -1},
		{f(-0.5), i(0), -1},
		{f(math.Copysign(0, -1)), i(0), 0},
		{i(1<<53 + 1), f(1 << 53), 1}, // the float conversion of 2^53+1 would round
		{i(math.MaxInt64), f(0x1p63), -1},
		{i(math.MinInt64), f(-0x1p63), 0},
		{i(math.MinInt64), f(math.Inf(-1)), 1},
		{f(math.Inf(1)), i(math.MaxInt64), 1},
		{i(-3), f(-2.5), -1},
		{i(-2), f(-2.5), 1},
		{i(2), i(10), -1},
		{s("10"), s("2"), -1}, // bytewise, as Lua compares strings
		{s(""), s("a"), -1},
		{s("z"), s("\xff"), -1},
		{s("a\x00"), s("a"), 1},
		{i(99), s(""), -1}, // numbers before strings
		{s("zzz"), lua.False, -1},
		{lua.False, lua.True, -1},
		{f(math.Inf(1)), s(""), -1},
	}
	for _, test := range tests {
		if got := compareValues(test.a, test.b); got != test.want {
			t.Errorf("compareValues(%s, %s) = %d, want %d", formatValue(test.a), formatValue(test.b), got, test.want)
		}
		if got := compareValues(test.b, test.a); got != -test.want {
			t.Errorf("compareValues(%s, %s) = %d, want %d", formatValue(test.b), formatValue(test.a), got, -test.want)
		}
		if got, want := equalValues(test.a, test.b), test.want == 0; got != want {
			t.Errorf("equalValues(%s, %s) = %t", formatValue(test.a), formatValue(test.b), got)
		}
	}
}

func TestClassOf(t *testing.T) {
	tests := []struct {
		v    lua.Value
		want class
	}{
		{lua.Int(0), classNumber},
		{lua.Float(math.Inf(-1)), classNumber},
		{lua.Float(math.NaN()), classNone},
		{lua.String(""), classString},
		{lua.False, classBool},
		{lua.Nil, classNone},
		{lua.NewTable(0, 0).Value(), classNone},
		{lua.NewGoFunction("f", nil).Value(), classNone},
	}
	for _, test := range tests {
		if got := classOf(test.v); got != test.want {
			t.Errorf("classOf(%s) = %d, want %d", test.v.TypeName(), got, test.want)
		}
	}
}

func TestCompareKeys(t *testing.T) {
	t1, t2 := lua.NewTable(0, 0).Value(), lua.NewTable(0, 0).Value()
	fn := lua.NewGoFunction("f", nil).Value()
	order := []lua.Value{lua.Nil, lua.Int(-1), lua.Float(0.5), lua.String("a"), lua.True, t1, fn, keyHigh}
	if identity(t2) < identity(t1) {
		order[5] = t2
	}
	for i, a := range order {
		for j, b := range order {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := compareKeys(a, b); got != want {
				t.Errorf("compareKeys(#%d %s, #%d %s) = %d, want %d", i, a.TypeName(), j, b.TypeName(), got, want)
			}
		}
	}
	if compareKeys(t1, t2) == 0 || compareKeys(t1, t2) != -compareKeys(t2, t1) {
		t.Error("two tables compare equal or inconsistently")
	}
	if compareKeys(lua.String("k"), lua.String("k")) != 0 {
		t.Error("equal strings in distinct objects differ as keys")
	}
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct {
		p, end string
		ok     bool
	}{
		{"abc", "abd", true},
		{"a\xff", "b", true},
		{"a\xff\xff", "b", true},
		{"\xff", "", false},
		{"", "", false},
	}
	for _, test := range tests {
		end, ok := prefixEnd(test.p)
		if end != test.end || ok != test.ok {
			t.Errorf("prefixEnd(%q) = %q, %t; want %q, %t", test.p, end, ok, test.end, test.ok)
		}
	}
}

// TestReferenceKeys queries a collection keyed by tables: the order of its
// rows is arbitrary but the same with and without an index.
func TestReferenceKeys(t *testing.T) {
	coll := lua.NewTable(0, 0)
	for i := range 50 {
		rec := lua.NewTable(0, 1)
		rec.SetStr("v", lua.Int(int64(i%3)))
		coll.Set(lua.NewTable(0, 0).Value(), rec.Value())
	}
	spec := Spec{Field: "v", Op: OpEq, Value: lua.Int(1)}
	plain, err := NewCatalog().Query(coll, spec)
	if err != nil {
		t.Fatal(err)
	}
	cat := NewCatalog()
	if _, err := cat.CreateIndex(coll, "c", "v", KindBTree); err != nil {
		t.Fatal(err)
	}
	indexed, err := cat.Query(coll, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.Rows) != 17 || !sameRows(plain.Rows, indexed.Rows) {
		t.Errorf("%d rows by scan, %d by index, or in another order", len(plain.Rows), len(indexed.Rows))
	}
	for i := 1; i < len(plain.Rows); i++ {
		if compareKeys(plain.Rows[i-1].Key, plain.Rows[i].Key) >= 0 {
			t.Fatalf("rows %d and %d are out of order", i-1, i)
		}
	}
}
