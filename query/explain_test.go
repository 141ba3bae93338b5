package query

import (
	"fmt"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// users returns a collection of n users: user_0001 = {name = "name1",
// score = 1, status = "active" or "inactive", email = "user1@x.com" or
// "...@y.org", address = {city = ...}}; every tenth has no score. Like a
// table constructor in Lua, every record shares its key strings.
func users(n int) *lua.Table {
	coll := lua.NewTable(0, n)
	name, score, status, email, address, city := lua.String("name"), lua.String("score"), lua.String("status"), lua.String("email"), lua.String("address"), lua.String("city")
	cities := []lua.Value{lua.String("Paris"), lua.String("Oslo"), lua.String("Lima"), lua.String("Rome")}
	statuses := []lua.Value{lua.String("active"), lua.String("inactive")}
	for i := range n {
		rec := lua.NewTable(0, 5)
		rec.Set(name, lua.String(fmt.Sprintf("name%d", i)))
		if i%10 != 0 {
			rec.Set(score, lua.Int(int64(i)))
		}
		rec.Set(status, statuses[i%2])
		rec.Set(email, lua.String(fmt.Sprintf("user%d@%s", i, []string{"x.com", "y.org"}[i%3%2])))
		addr := lua.NewTable(0, 1)
		addr.Set(city, cities[i%len(cities)])
		rec.Set(address, addr.Value())
		coll.SetStr(fmt.Sprintf("user_%04d", i), rec.Value())
	}
	return coll
}

func TestExplain(t *testing.T) {
	coll := users(1000)
	cat := NewCatalog()
	for _, d := range []IndexDef{{"users", "score", KindBTree}, {"users", "name", KindHash}, {"users", "status", KindHash}, {"users", "email", KindBTree}, {"users", "address.city", KindBTree}} {
		if _, err := cat.CreateIndex(coll, d.Collection, d.Field, d.Kind); err != nil {
			t.Fatal(err)
		}
	}
	s, i := lua.String, func(i int64) lua.Value { return lua.Int(i) }
	tests := []struct {
		spec     Spec
		plan     string
		examined int // -1: not checked
		first    string
	}{
		{Spec{Field: "score", Op: OpGe, Value: i(800), Limit: 10, Sort: Sort{Order: "desc"}}, "btree range on score [800, +inf) desc", 10, "user_0999"},
		{Spec{Field: "score", Op: OpBetween, Value: List(i(400), i(600)), Limit: 20}, "btree range on score [400, 600]", 20, "user_0401"},
		{Spec{Field: "score", Op: OpLt, Value: i(5)}, "btree range on score (-inf, 5)", 4, "user_0001"},
		{Spec{Field: "score", Op: OpGt, Value: i(990), Sort: Sort{Order: "asc"}}, "btree range on score (990, +inf)", 9, "user_0991"},
		{Spec{Field: "score", Op: OpLe, Value: i(3), Offset: 1}, "btree range on score (-inf, 3]", 3, "user_0002"},
		{Spec{Field: "score", Op: OpIn, Value: List(i(3), i(1), lua.Float(2))}, "btree lookup on score (3 values)", 3, "user_0001"},
		{Spec{Field: "score", Op: OpEq, Value: lua.Float(7)}, "btree lookup on score", 1, "user_0007"},
		{Spec{Field: "name", Op: OpEq, Value: s("name5")}, "hash lookup on name", 1, "user_0005"},
		{Spec{Field: "name", Op: OpIn, Value: List(s("name5"), s("name6"))}, "hash lookup on name (2 values)", 2, "user_0005"},
		{Spec{Field: "email", Op: OpStartsWith, Value: s("user99")}, `btree prefix on email "user99"`, 11, "user_0990"},
		{Spec{Field: "email", Op: OpEndsWith, Value: s(".org")}, "full scan (endsWith)", 1000, "user_0001"},
		{Spec{Field: "email", Op: OpContains, Value: s("99@")}, "full scan (contains)", 1000, "user_0099"},
		{Spec{Field: "status", Op: OpNe, Value: s("active")}, "full scan (!=)", 1000, "user_0001"},
		{Spec{Field: "age", Op: OpGt, Value: i(3)}, "full scan (no index on age)", 1000, ""},
		{Spec{}, "full scan", 1000, "user_0000"},
		{Spec{Field: "email", Op: OpEndsWith, Value: s(".com"), And: []Cond{{"score", OpGt, i(990)}}},
			`btree range on score (990, +inf); filter email endsWith ".com"`, 9, "user_0992"},
		// Half the users are active: walking the score index finds ten of
		// them in 22 entries, where the hash holds 500.
		{Spec{Field: "status", Op: OpEq, Value: s("active"), Sort: Sort{Field: "score", Order: "desc"}, Limit: 10},
			`btree order on score desc; filter status = "active"`, 22, "user_0998"},
		// One user has the name: the hash lookup wins over the walk.
		{Spec{Field: "name", Op: OpEq, Value: s("name5"), Sort: Sort{Field: "score", Order: "desc"}},
			"hash lookup on name; sort by score desc", 1, "user_0005"},
		{Spec{Sort: Sort{Field: "score"}, Limit: 3}, "btree order on score", 3, "user_0001"},
		// The index misses the users without a score: they come last.
		{Spec{Sort: Sort{Field: "score", Order: "desc"}, Offset: 899, Limit: 2}, "btree order on score desc; then records without score", 1900, "user_0001"},
		{Spec{Sort: Sort{Field: "name", Order: "desc"}, Limit: 1}, "full scan; sort by name desc", 1000, "user_0999"},
		{Spec{Or: []Cond{{"name", OpEq, s("name1")}, {"score", OpBetween, List(i(5), i(6))}}},
			"union (hash lookup on name | btree range on score [5, 6])", 3, "user_0001"},
		{Spec{Or: []Cond{{"name", OpEq, s("name1")}, {"email", OpEndsWith, s("1@x.com")}}},
			"full scan (endsWith)", 1000, "user_0001"},
		{Spec{Field: "status", Op: OpEq, Value: s("active"), Count: true}, "hash lookup on status; count", 1, ""},
		{Spec{Field: "score", Op: OpGe, Value: i(500), Count: true}, "btree range on score [500, +inf); count", 450, ""},
		{Spec{Field: "address.city", Op: OpEq, Value: s("Lima"), And: []Cond{{"score", OpGt, i(995)}}},
			`btree range on score (995, +inf); filter address.city = "Lima"`, 4, "user_0998"},
	}
	for _, test := range tests {
		res, err := cat.Query(coll, test.spec)
		if err != nil {
			t.Errorf("%s: %v", describeSpec(test.spec), err)
			continue
		}
		if res.Plan != test.plan {
			t.Errorf("%s: plan %q, want %q", describeSpec(test.spec), res.Plan, test.plan)
		}
		if res.Examined != test.examined {
			t.Errorf("%s: examined %d, want %d", describeSpec(test.spec), res.Examined, test.examined)
		}
		first := ""
		if len(res.Rows) > 0 {
			first, _ = res.Rows[0].Key.AsString()
		}
		if first != test.first {
			t.Errorf("%s: first row %q, want %q", describeSpec(test.spec), first, test.first)
		}
		want, wantCount := oracle(coll, test.spec, planIndexField(res.Plan))
		if !sameRows(res.Rows, want) || test.spec.Count && res.Count != wantCount {
			t.Errorf("%s: rows %s (count %d), want %s (count %d)", describeSpec(test.spec), formatRows(res.Rows), res.Count, formatRows(want), wantCount)
		}
	}
}

func TestExplainSuffix(t *testing.T) {
	coll := users(1000)
	cat := NewCatalog()
	for _, d := range []IndexDef{{"users", "email", KindSuffix}, {"users", "score", KindBTree}} {
		if _, err := cat.CreateIndex(coll, d.Collection, d.Field, d.Kind); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		spec     Spec
		plan     string
		examined int
	}{
		{Spec{Field: "email", Op: OpEndsWith, Value: lua.String("99@y.org")}, `suffix lookup on email "99@y.org"`, 3},
		{Spec{Field: "email", Op: OpEndsWith, Value: lua.String("9@y.org"), Sort: Sort{Field: "score", Order: "desc"}, Limit: 2},
			`suffix lookup on email "9@y.org"; sort by score desc`, 33},
		{Spec{Field: "email", Op: OpStartsWith, Value: lua.String("user1")}, "full scan (startsWith)", 1000},
		{Spec{Field: "email", Op: OpEndsWith, Value: lua.String(".org"), Count: true}, `suffix lookup on email ".org"; count`, 333},
	}
	for _, test := range tests {
		res, err := cat.Query(coll, test.spec)
		if err != nil {
			t.Fatal(err)
		}
		if res.Plan != test.plan || res.Examined != test.examined {
			t.Errorf("%s: plan %q examining %d, want %q examining %d", describeSpec(test.spec), res.Plan, res.Examined, test.plan, test.examined)
		}
		want, wantCount := oracle(coll, test.spec, "")
		if !sameRows(res.Rows, want) || test.spec.Count && res.Count != wantCount {
			t.Errorf("%s: rows %s (count %d), want %s (count %d)", describeSpec(test.spec), formatRows(res.Rows), res.Count, formatRows(want), wantCount)
		}
	}
}
