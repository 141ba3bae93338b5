package query

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// The property tests check every query against a brute-force evaluation
// written independently of the engine: it splits field paths per record,
// compares numbers as exact big.Floats and sorts with the standard library.

// fields are the paths the random records fill; "n.x" is nested.
var fields = []string{"a", "s", "n.x"}

// randomFieldValue returns a value of any kind a field can hold, with few
// distinct values so that equalities and ties happen.
func randomFieldValue(r *rand.Rand, field string) lua.Value {
	words := []string{"", "a", "ab", "abc", "b", "ba", "bab", "cab", "\xff", "a\xff", "abcabc"}
	switch x := r.IntN(20); {
	case x < 6:
		return lua.Int(int64(r.IntN(9) - 4))
	case x < 8:
		return lua.Float(float64(r.IntN(9)-4) / 2) // halves, some integral
	case x < 9:
		return []lua.Value{lua.Int(math.MaxInt64), lua.Int(math.MinInt64), lua.Float(0x1p63), lua.Float(math.Inf(1)), lua.Float(math.Inf(-1)), lua.Float(math.Copysign(0, -1))}[r.IntN(6)]
	case x < 14 && field != "a":
		return lua.String(words[r.IntN(len(words))])
	case x < 12:
		return lua.String(words[r.IntN(len(words))])
	case x < 16:
		return lua.Bool(r.IntN(2) == 0)
	case x < 17:
		return lua.Float(math.NaN())
	case x < 18:
		return lua.NewTable(0, 0).Value()
	}
	return lua.Nil
}

// randomKey returns a record key: mostly strings and integers.
func randomKey(r *rand.Rand, n int) lua.Value {
	switch r.IntN(10) {
	case 0:
		return lua.Float(float64(r.IntN(n)) + 0.5)
	case 1, 2, 3:
		return lua.Int(int64(r.IntN(n)))
	case 4:
		return lua.Bool(r.IntN(2) == 0)
	}
	return lua.String(fmt.Sprintf("k%d", r.IntN(n)))
}

// randomRecord returns a record, or sometimes a non-record value.
func randomRecord(r *rand.Rand) lua.Value {
	if r.IntN(30) == 0 {
		return lua.String("not a record")
	}
	rec := lua.NewTable(0, 4)
	rec.SetStr("a", randomFieldValue(r, "a"))
	rec.SetStr("s", randomFieldValue(r, "s"))
	switch r.IntN(8) {
	case 0:
		rec.SetStr("n", lua.Int(5)) // not a table: n.x is missing
	case 1: // no n
	default:
		n := lua.NewTable(0, 1)
		n.SetStr("x", randomFieldValue(r, "n.x"))
		rec.SetStr("n", n.Value())
	}
	return rec.Value()
}

func randomCollection(r *rand.Rand, n int) *lua.Table {
	coll := lua.NewTable(0, n)
	for range n {
		coll.Set(randomKey(r, 2*n), randomRecord(r))
	}
	return coll
}

// randomQueryValue returns a valid value for op.
func randomQueryValue(r *rand.Rand, op Op) lua.Value {
	for {
		v := randomFieldValue(r, "s")
		cls := classOf(v)
		switch op {
		case OpEq, OpNe:
			if cls != classNone {
				return v
			}
		case OpLt, OpLe, OpGt, OpGe:
			if cls == classNumber || cls == classString {
				return v
			}
		case OpStartsWith, OpEndsWith, OpContains:
			if cls == classString {
				return v
			}
		case OpBetween:
			w := randomFieldValue(r, "s")
			if (cls == classNumber || cls == classString) && classOf(w) == cls {
				return List(v, w)
			}
		case OpIn:
			vs := make([]lua.Value, r.IntN(4))
			for i := range vs {
				vs[i] = randomQueryValue(r, OpEq)
			}
			return List(vs...)
		}
	}
}

func randomCond(r *rand.Rand) Cond {
	op := allOps[r.IntN(len(allOps))]
	return Cond{Field: fields[r.IntN(len(fields))], Op: op, Value: randomQueryValue(r, op)}
}

func randomSpec(r *rand.Rand) Spec {
	var s Spec
	if r.IntN(6) > 0 {
		c := randomCond(r)
		s.Field, s.Op, s.Value = c.Field, c.Op, c.Value
	}
	for range r.IntN(3) / 2 * (1 + r.IntN(2)) {
		s.And = append(s.And, randomCond(r))
	}
	if r.IntN(4) == 0 {
		for range 1 + r.IntN(2) {
			s.Or = append(s.Or, randomCond(r))
		}
	}
	order := []string{"", "asc", "desc"}[r.IntN(3)]
	switch r.IntN(4) {
	case 1:
		if s.Field != "" {
			s.Sort = Sort{Order: order}
		}
	case 2:
		s.Sort = Sort{Field: fields[r.IntN(len(fields))], Order: order}
	}
	if r.IntN(3) > 0 {
		s.Limit = 1 + r.IntN(15)
	}
	if r.IntN(3) == 0 {
		s.Offset = r.IntN(10)
	}
	s.Count = r.IntN(8) == 0
	return s
}

// ---- the brute-force oracle ----

func oracleLookup(rec *lua.Table, field string) lua.Value {
	v := rec.Value()
	for _, seg := range strings.Split(field, ".") {
		t := v.AsTable()
		if t == nil {
			return lua.Nil
		}
		v = t.GetStr(seg)
	}
	return v
}

// oracleKind is 0 for values that are not field values, else 1 number,
// 2 string, 3 boolean.
func oracleKind(v lua.Value) int {
	switch v.Type() {
	case lua.TypeNumber:
		if f, ok := v.AsFloat(); ok && math.IsNaN(f) {
			return 0
		}
		return 1
	case lua.TypeString:
		return 2
	case lua.TypeBoolean:
		return 3
	}
	return 0
}

func exact(v lua.Value) *big.Float {
	if i, ok := v.AsInt(); ok {
		return new(big.Float).SetInt64(i)
	}
	f, _ := v.AsFloat()
	return new(big.Float).SetFloat64(f)
}

// oracleCompare orders two field values: numbers < strings < booleans.
func oracleCompare(a, b lua.Value) int {
	ka, kb := oracleKind(a), oracleKind(b)
	if ka != kb {
		return ka - kb
	}
	switch ka {
	case 1:
		return exact(a).Cmp(exact(b))
	case 2:
		as, _ := a.AsString()
		bs, _ := b.AsString()
		return strings.Compare(as, bs)
	}
	ab, _ := a.AsBool()
	bb, _ := b.AsBool()
	switch {
	case ab == bb:
		return 0
	case ab:
		return 1
	}
	return -1
}

// oracleKeyCompare orders record keys: field values first.
func oracleKeyCompare(a, b lua.Value) int {
	ka, kb := oracleKind(a), oracleKind(b)
	switch {
	case ka == 0 || kb == 0:
		panic("the random keys are field values")
	}
	return oracleCompare(a, b)
}

func oracleMatch(rec *lua.Table, c Cond) bool {
	v := oracleLookup(rec, c.Field)
	if oracleKind(v) == 0 {
		return false
	}
	q := c.Value
	sameKind := oracleKind(v) == oracleKind(q)
	str, _ := v.AsString()
	qs, _ := q.AsString()
	switch c.Op {
	case OpEq:
		return sameKind && oracleCompare(v, q) == 0
	case OpNe:
		return !sameKind || oracleCompare(v, q) != 0
	case OpLt:
		return sameKind && oracleCompare(v, q) < 0
	case OpLe:
		return sameKind && oracleCompare(v, q) <= 0
	case OpGt:
		return sameKind && oracleCompare(v, q) > 0
	case OpGe:
		return sameKind && oracleCompare(v, q) >= 0
	case OpBetween:
		lo, hi := q.AsTable().GetInt(1), q.AsTable().GetInt(2)
		return oracleKind(v) == oracleKind(lo) && oracleCompare(v, lo) >= 0 && oracleCompare(v, hi) <= 0
	case OpStartsWith:
		return oracleKind(v) == 2 && strings.HasPrefix(str, qs)
	case OpEndsWith:
		return oracleKind(v) == 2 && strings.HasSuffix(str, qs)
	case OpContains:
		return oracleKind(v) == 2 && strings.Contains(str, qs)
	case OpIn:
		t := q.AsTable()
		for i := int64(1); i <= t.Len(); i++ {
			if oracleKind(v) == oracleKind(t.GetInt(i)) && oracleCompare(v, t.GetInt(i)) == 0 {
				return true
			}
		}
		return false
	}
	panic("unknown operator " + c.Op)
}

// oracle evaluates s over coll by brute force. indexField is the field of
// the B-tree that answered the query, when one did: without a sort, rows
// come in its order.
func oracle(coll *lua.Table, s Spec, indexField string) (rows []Row, count int) {
	var all []Cond
	if s.Field != "" {
		all = append(all, Cond{s.Field, s.Op, s.Value})
	}
	all = append(all, s.And...)
	for k, v := range tableEntries(coll) {
		rec := v.AsTable()
		if rec == nil {
			continue
		}
		ok := true
		for _, c := range all {
			ok = ok && oracleMatch(rec, c)
		}
		if len(s.Or) > 0 {
			any := false
			for _, c := range s.Or {
				any = any || oracleMatch(rec, c)
			}
			ok = ok && any
		}
		if ok {
			rows = append(rows, Row{k, rec})
		}
	}
	if s.Count {
		return nil, len(rows)
	}
	sortField, desc := s.Sort.Field, s.Sort.Order == "desc"
	if sortField == "" && s.Sort.Order != "" {
		sortField = s.Field
	}
	if sortField == "" && indexField != "" {
		sortField = indexField
	}
	slices.SortFunc(rows, func(a, b Row) int {
		if sortField == "" {
			return oracleKeyCompare(a.Key, b.Key)
		}
		va, vb := oracleLookup(a.Record, sortField), oracleLookup(b.Record, sortField)
		na, nb := oracleKind(va) == 0, oracleKind(vb) == 0
		if na || nb {
			if na && nb {
				return oracleKeyCompare(a.Key, b.Key)
			}
			if na {
				return 1
			}
			return -1
		}
		c := cmp.Or(oracleCompare(va, vb), oracleKeyCompare(a.Key, b.Key))
		if desc {
			c = -c
		}
		return c
	})
	limit := s.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	rows = rows[min(s.Offset, len(rows)):]
	return rows[:min(limit, len(rows))], 0
}

// tableEntries yields every entry of t.
func tableEntries(t *lua.Table) func(func(lua.Value, lua.Value) bool) {
	return func(yield func(lua.Value, lua.Value) bool) {
		k := lua.Nil
		for {
			key, v, ok, err := t.Next(k)
			if err != nil {
				panic(err)
			}
			if !ok || !yield(key, v) {
				return
			}
			k = key
		}
	}
}

// planIndexField returns the field of the B-tree a plan walks to produce
// its rows in index order, or "".
func planIndexField(plan string) string {
	first, _, _ := strings.Cut(plan, ";")
	if !strings.HasPrefix(first, "btree ") {
		return ""
	}
	_, rest, _ := strings.Cut(first, " on ")
	field, _, _ := strings.Cut(rest, " ")
	return field
}

func sameRows(got, want []Row) bool {
	return slices.EqualFunc(got, want, func(a, b Row) bool {
		return lua.RawEqual(a.Key, b.Key) && a.Record == b.Record
	})
}

func formatRows(rows []Row) string {
	var parts []string
	for _, row := range rows {
		parts = append(parts, formatValue(row.Key))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func describeSpec(s Spec) string {
	var b strings.Builder
	conds := func(cs []Cond) string {
		var out []string
		for _, c := range cs {
			cc, err := compileCond(c)
			if err != nil {
				return err.Error()
			}
			out = append(out, cc.String())
		}
		return strings.Join(out, ", ")
	}
	if s.Field != "" {
		b.WriteString(conds([]Cond{{s.Field, s.Op, s.Value}}))
	}
	fmt.Fprintf(&b, " and(%s) or(%s) sort=%+v limit=%d offset=%d count=%t", conds(s.And), conds(s.Or), s.Sort, s.Limit, s.Offset, s.Count)
	return b.String()
}

// indexSets are the index configurations the property test runs under.
var indexSets = [][]IndexDef{
	nil,
	{{Field: "a", Kind: KindBTree}, {Field: "s", Kind: KindBTree}, {Field: "n.x", Kind: KindBTree}},
	{{Field: "a", Kind: KindHash}, {Field: "s", Kind: KindHash}, {Field: "n.x", Kind: KindHash}},
	{{Field: "a", Kind: KindBTree}, {Field: "a", Kind: KindHash}, {Field: "s", Kind: KindHash}, {Field: "n.x", Kind: KindBTree}},
	{{Field: "a", Kind: KindSuffix}, {Field: "s", Kind: KindSuffix}, {Field: "s", Kind: KindBTree}, {Field: "n.x", Kind: KindSuffix}, {Field: "n.x", Kind: KindHash}},
}

// checkQueries runs random queries over coll under cat and compares them
// with the oracle.
func checkQueries(t *testing.T, r *rand.Rand, cat *Catalog, coll *lua.Table, queries int) {
	t.Helper()
	for range queries {
		s := randomSpec(r)
		res, err := cat.Query(coll, s)
		if err != nil {
			t.Fatalf("%s: %v", describeSpec(s), err)
		}
		want, wantCount := oracle(coll, s, planIndexField(res.Plan))
		if s.Count {
			if res.Count != wantCount || len(res.Rows) != 0 {
				t.Fatalf("%s (plan %s): count %d (%d rows), want %d", describeSpec(s), res.Plan, res.Count, len(res.Rows), wantCount)
			}
			continue
		}
		if !sameRows(res.Rows, want) || res.Count != len(want) {
			t.Fatalf("%s (plan %s):\n got %s\nwant %s", describeSpec(s), res.Plan, formatRows(res.Rows), formatRows(want))
		}
	}
}

func TestQueryProperty(t *testing.T) {
	for i, defs := range indexSets {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, uint64(i)))
			for range 20 {
				coll := randomCollection(r, 40+r.IntN(200))
				cat := NewCatalog()
				for _, d := range defs {
					if _, err := cat.CreateIndex(coll, "c", d.Field, d.Kind); err != nil {
						t.Fatal(err)
					}
				}
				checkQueries(t, r, cat, coll, 200)
			}
		})
	}
}

// TestFullScanOracle checks the scans the benchmarks time, over a
// collection large enough for many batches of scanFor and for most
// matches to meet a full heap (rejected by its bound), against the
// oracle: every operator, nested paths, by key and by a sort value.
func TestFullScanOracle(t *testing.T) {
	byName := users(3000)
	byIndex := lua.NewTable(3000, 0) // the same records as a sequence
	for _, rec := range records(byName) {
		byIndex.SetInt(byIndex.Len()+1, rec.Value())
	}
	s, i := lua.String, func(i int64) lua.Value { return lua.Int(i) }
	specs := []Spec{
		{Field: "score", Op: OpGt, Value: i(500), Limit: 10},
		{Field: "score", Op: OpLe, Value: i(2500), Limit: 7, Offset: 3},
		{Field: "address.city", Op: OpEq, Value: s("Lima"), Limit: 10},
		{Field: "address.city", Op: OpNe, Value: s("Lima"), Limit: 10, Sort: Sort{Field: "score", Order: "desc"}},
		{Field: "address.city", Op: OpBetween, Value: List(s("M"), s("Q")), Limit: 12},
		{Field: "email", Op: OpEndsWith, Value: s("7@y.org"), Limit: 10},
		{Field: "email", Op: OpContains, Value: s("77"), Limit: 10},
		{Field: "email", Op: OpStartsWith, Value: s("user1"), Limit: 10, Sort: Sort{Field: "score"}},
		{Field: "name", Op: OpLt, Value: s("name2"), Limit: 5},
		{Field: "status", Op: OpEq, Value: s("active"), Sort: Sort{Field: "score", Order: "desc"}, Limit: 10},
		{Field: "status", Op: OpEq, Value: s("inactive"), Sort: Sort{Field: "score", Order: "asc"}, Limit: 10},
		{Field: "status", Op: OpIn, Value: List(s("active"), i(3)), Sort: Sort{Field: "address.city"}, Limit: 10},
		{Field: "score", Op: OpGt, Value: i(2000), Count: true},
		{Field: "score", Op: OpLt, Value: i(200), Limit: 1000000},
	}
	cat := NewCatalog()
	for _, coll := range []*lua.Table{byName, byIndex} {
		for _, spec := range specs {
			res, err := cat.Query(coll, spec)
			if err != nil {
				t.Fatalf("%s: %v", describeSpec(spec), err)
			}
			want, wantCount := oracle(coll, spec, "")
			if spec.Count {
				if res.Count != wantCount {
					t.Errorf("%s: count %d, want %d", describeSpec(spec), res.Count, wantCount)
				}
				continue
			}
			if !sameRows(res.Rows, want) {
				t.Errorf("%s:\n got %s\nwant %s", describeSpec(spec), formatRows(res.Rows), formatRows(want))
			}
			if res.Examined != 3000 {
				t.Errorf("%s: examined %d records, want 3000", describeSpec(spec), res.Examined)
			}
		}
	}
}
