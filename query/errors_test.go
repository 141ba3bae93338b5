package query

import (
	"math"
	"slices"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

func TestQueryErrors(t *testing.T) {
	str, num := lua.String("x"), lua.Int(1)
	tbl := lua.NewTable(0, 0).Value()
	tests := []struct {
		spec Spec
		want string
	}{
		{Spec{Field: "a", Op: OpStartsWith, Value: num}, "operator 'startsWith' expects a string, got number"},
		{Spec{Field: "a", Op: OpEndsWith, Value: lua.Nil}, "operator 'endsWith' expects a string, got nil"},
		{Spec{Field: "a", Op: OpContains, Value: lua.True}, "operator 'contains' expects a string, got boolean"},
		{Spec{Field: "a", Op: OpLt, Value: tbl}, "operator '<' expects a number or a string, got table"},
		{Spec{Field: "a", Op: OpGe, Value: lua.False}, "operator '>=' expects a number or a string, got boolean"},
		{Spec{Field: "a", Op: OpGt, Value: lua.Float(math.NaN())}, "operator '>' expects a number or a string, got NaN"},
		{Spec{Field: "a", Op: OpEq, Value: lua.Nil}, "operator '=' expects a number, string or boolean, got nil"},
		{Spec{Field: "a", Op: "~=", Value: tbl}, "operator '!=' expects a number, string or boolean, got table"},
		{Spec{Field: "a", Op: OpBetween, Value: num}, "operator 'between' expects a list {lo, hi} of two numbers or two strings, got number"},
		{Spec{Field: "a", Op: OpBetween, Value: List(num)}, "operator 'between' expects a list {lo, hi} of two numbers or two strings, got a list of 1 values"},
		{Spec{Field: "a", Op: OpBetween, Value: List(num, num, num)}, "operator 'between' expects a list {lo, hi} of two numbers or two strings, got a list of 3 values"},
		{Spec{Field: "a", Op: OpBetween, Value: List(num, str)}, "operator 'between' expects a list {lo, hi} of two numbers or two strings, got {number, string}"},
		{Spec{Field: "a", Op: OpBetween, Value: List(lua.True, lua.False)}, "operator 'between' expects a list {lo, hi} of two numbers or two strings, got {boolean, boolean}"},
		{Spec{Field: "a", Op: OpIn, Value: str}, "operator 'in' expects a list of numbers, strings or booleans, got string"},
		{Spec{Field: "a", Op: OpIn, Value: List(num, tbl)}, "operator 'in' expects a list of numbers, strings or booleans, got table at position 2"},
		{Spec{Field: "a", Op: "like", Value: str}, "unknown operator 'like' (expected one of = != < <= > >= between startsWith endsWith contains in)"},
		{Spec{Field: "a", Value: str}, "query condition on 'a' needs an operator"},
		{Spec{Op: OpEq, Value: str}, "query condition needs a field"},
		{Spec{Field: "a..b", Op: OpEq, Value: str}, "invalid field path 'a..b' (empty segment)"},
		{Spec{Field: "a", Op: OpEq, Value: str, Limit: -1}, "limit must not be negative, got -1"},
		{Spec{Field: "a", Op: OpEq, Value: str, Offset: -5}, "offset must not be negative, got -5"},
		{Spec{Field: "a", Op: OpEq, Value: str, Sort: Sort{Order: "up"}}, "sort order must be 'asc' or 'desc', got 'up'"},
		{Spec{Sort: Sort{Order: "desc"}}, "sort 'desc' needs a field: the query has no main field"},
		{Spec{Sort: Sort{Field: ".x"}}, "invalid field path '.x' (empty segment)"},
		{Spec{And: []Cond{{Field: "b", Op: OpLt, Value: lua.True}}}, "operator '<' expects a number or a string, got boolean"},
		{Spec{Or: []Cond{{Field: "b", Op: OpStartsWith, Value: num}}}, "operator 'startsWith' expects a string, got number"},
	}
	cat := NewCatalog()
	coll := lua.NewTable(0, 0)
	for _, test := range tests {
		_, err := cat.Query(coll, test.spec)
		if err == nil || err.Error() != test.want {
			t.Errorf("%+v: error %v, want %q", test.spec, err, test.want)
		}
	}
	if _, err := cat.Query(nil, Spec{}); err == nil {
		t.Error("a query on a nil collection succeeded")
	}
}

func TestCatalogErrors(t *testing.T) {
	cat := NewCatalog()
	coll := lua.NewTable(0, 0)
	tests := []struct {
		name string
		do   func() error
		want string
	}{
		{"kind", func() error { _, err := cat.CreateIndex(coll, "c", "a", "trie"); return err }, "unknown index kind 'trie' (expected btree, hash or suffix)"},
		{"field", func() error { _, err := cat.CreateIndex(coll, "c", "", KindHash); return err }, "field name is empty"},
		{"path", func() error { _, err := cat.CreateIndex(coll, "c", "a.", KindHash); return err }, "invalid field path 'a.' (empty segment)"},
		{"collection", func() error { _, err := cat.CreateIndex(nil, "c", "a", KindHash); return err }, "cannot index collection 'c': it is not a table"},
		{"drop", func() error { return cat.DropIndex(coll, "a", "") }, "no index on field 'a'"},
		{"drop kind", func() error { return cat.DropIndex(coll, "a", KindHash) }, "no hash index on field 'a'"},
	}
	for _, test := range tests {
		if err := test.do(); err == nil || err.Error() != test.want {
			t.Errorf("%s: error %v, want %q", test.name, err, test.want)
		}
	}
}

func TestCatalogIndexes(t *testing.T) {
	cat := NewCatalog()
	users, posts := lua.NewTable(0, 0), lua.NewTable(0, 0)
	for _, d := range []IndexDef{{"users", "score", KindBTree}, {"users", "name", KindHash}, {"posts", "title", ""}, {"users", "score", KindHash}} {
		coll := users
		if d.Collection == "posts" {
			coll = posts
		}
		if _, err := cat.CreateIndex(coll, d.Collection, d.Field, d.Kind); err != nil {
			t.Fatal(err)
		}
	}
	again, err := cat.CreateIndex(users, "users", "score", KindBTree)
	if err != nil || again.Def() != (IndexDef{"users", "score", KindBTree}) {
		t.Fatalf("creating an existing index: %v, %v", again, err)
	}
	want := []IndexDef{{"posts", "title", KindBTree}, {"users", "name", KindHash}, {"users", "score", KindBTree}, {"users", "score", KindHash}}
	if got := cat.Indexes(); !slices.Equal(got, want) {
		t.Fatalf("Indexes() = %v, want %v", got, want)
	}
	if err := cat.DropIndex(users, "score", KindHash); err != nil {
		t.Fatal(err)
	}
	if err := cat.DropIndex(users, "score", ""); err != nil {
		t.Fatal(err)
	}
	if err := cat.DropIndex(posts, "title", ""); err != nil {
		t.Fatal(err)
	}
	if got, want := cat.Indexes(), []IndexDef{{"users", "name", KindHash}}; !slices.Equal(got, want) {
		t.Fatalf("after the drops, Indexes() = %v, want %v", got, want)
	}
}
