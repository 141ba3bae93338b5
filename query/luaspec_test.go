package query

import (
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// evalTable evaluates a Lua expression that builds a table.
func evalTable(t *testing.T, src string) *lua.Table {
	t.Helper()
	res, err := lua.NewState().DoString("return "+src, "=spec")
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	tbl := res[0].AsTable()
	if tbl == nil {
		t.Fatalf("%s is not a table", src)
	}
	return tbl
}

func TestSpecFromTable(t *testing.T) {
	s, i := lua.String, func(i int64) lua.Value { return lua.Int(i) }
	tests := []struct {
		src  string
		want Spec
	}{
		{`{field = "score", op = ">=", value = 800, limit = 10, sort = "desc"}`,
			Spec{Field: "score", Op: OpGe, Value: i(800), Limit: 10, Sort: Sort{Order: "desc"}}},
		{`{table = "appUsers", field = "score", operator = "between", value = {400, 600}, limit = 20.0}`,
			Spec{Table: "appUsers", Field: "score", Op: OpBetween, Value: List(i(400), i(600)), Limit: 20}},
		{`{field = "name", op = "in", value = {"a", "b"}, offset = 5, count = true}`,
			Spec{Field: "name", Op: OpIn, Value: List(s("a"), s("b")), Offset: 5, Count: true}},
		{`{where = {{field = "a", op = "<", value = 1}, {field = "b", operator = "=", value = true}}, any = {{field = "c", op = "contains", value = "x"}}}`,
			Spec{And: []Cond{{"a", OpLt, i(1)}, {"b", OpEq, lua.True}}, Or: []Cond{{"c", OpContains, s("x")}}}},
		{`{where = {field = "a", op = "~=", value = 1}}`, Spec{And: []Cond{{"a", "~=", i(1)}}}},
		{`{sort = {field = "name", order = "desc"}}`, Spec{Sort: Sort{Field: "name", Order: "desc"}}},
		{`{sort = {"name", "asc"}}`, Spec{Sort: Sort{Field: "name", Order: "asc"}}},
		{`{sort = {"name"}}`, Spec{Sort: Sort{Field: "name"}}},
		{`{}`, Spec{}},
	}
	for _, test := range tests {
		got, err := SpecFromTable(evalTable(t, test.src))
		if err != nil {
			t.Errorf("%s: %v", test.src, err)
			continue
		}
		if describeSpec(got) != describeSpec(test.want) || got.Table != test.want.Table {
			t.Errorf("%s:\n got %s\nwant %s", test.src, describeSpec(got), describeSpec(test.want))
		}
	}
}

func TestSpecFromTableErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`{field = "a", opertor = "="}`, "unknown query option 'opertor'"},
		{`{"score", ">=", 800}`, "query option names must be strings, got number"},
		{`{field = 1}`, "query option 'field' must be a string, got number"},
		{`{op = "=", operator = "="}`, "query spec gives both op and operator"},
		{`{limit = "10"}`, "query option 'limit' must be an integer, got string"},
		{`{limit = 1.5}`, "query option 'limit' must be an integer, got 1.5"},
		{`{offset = true}`, "query option 'offset' must be an integer, got boolean"},
		{`{count = 1}`, "query option 'count' must be a boolean, got number"},
		{`{sort = "up"}`, "sort order must be 'asc' or 'desc', got 'up'"},
		{`{sort = 1}`, "query option 'sort' must be 'asc', 'desc' or {field, order}, got number"},
		{`{sort = {order = "desc"}}`, "query option 'sort' needs a field"},
		{`{sort = {field = "a", by = "b"}}`, "unknown sort option 'by'"},
		{`{sort = {1, "asc"}}`, "query option 'sort[1]' must be a string, got number"},
		{`{where = "a > 1"}`, "query option 'where' must be a list of conditions, got string"},
		{`{where = {1}}`, "query option 'where': condition 1 must be a table, got number"},
		{`{any = {{field = "a", value = 1, opp = "="}}}`, "unknown option 'opp' in query condition any[1]"},
		{`{where = {{field = "a", op = 1}}}`, "query option 'where[1].op' must be a string, got number"},
	}
	for _, test := range tests {
		_, err := SpecFromTable(evalTable(t, test.src))
		if err == nil || err.Error() != test.want {
			t.Errorf("%s: error %v, want %q", test.src, err, test.want)
		}
	}
}

func TestResultTable(t *testing.T) {
	coll := users(30)
	cat := NewCatalog()
	res, err := cat.Query(coll, Spec{Field: "score", Op: OpGe, Value: lua.Int(25), Sort: Sort{Order: "desc"}, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	tbl := res.Table()
	if tbl.Len() != 2 {
		t.Fatalf("%d rows, want 2", tbl.Len())
	}
	for i, want := range []string{"user_0029", "user_0028"} {
		row := tbl.GetInt(int64(i) + 1).AsTable()
		if key, _ := row.GetStr("key").AsString(); key != want {
			t.Errorf("row %d: key %q, want %q", i+1, key, want)
		}
		if row.GetStr("value").AsTable() != coll.GetStr(want).AsTable() {
			t.Errorf("row %d: value is not the record", i+1)
		}
	}
}
