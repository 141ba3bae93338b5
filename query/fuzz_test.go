package query

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// The fuzz targets drive the property test's generators and oracle
// (property_test.go) from the fuzzer's bytes, so that coverage guidance
// steers the collections, the indexes, the writes between queries and the
// queries; and they feed SpecFromTable arbitrary Lua tables.

// byteSource is a rand.Source that plays back the fuzz input, then
// continues with a generator seeded by it: every byte the fuzzer mutates
// changes a decision, and a short input still makes a full test case.
type byteSource struct {
	data []byte
	rest *rand.PCG
}

func newByteSource(data []byte) *byteSource {
	h := fnv.New64a()
	h.Write(data)
	return &byteSource{data: data, rest: rand.NewPCG(h.Sum64(), uint64(len(data)))}
}

func (s *byteSource) Uint64() uint64 {
	if len(s.data) == 0 {
		return s.rest.Uint64()
	}
	var buf [8]byte
	n := copy(buf[:], s.data)
	s.data = s.data[n:]
	// Spread the bytes over the whole word: IntN uses the high bits.
	return binary.LittleEndian.Uint64(buf[:]) * 0x9e3779b97f4a7c15
}

// randomIndexDefs returns up to four indexes of any kind on the random
// records' fields, duplicates of one field and kind excluded.
func randomIndexDefs(r *rand.Rand) []IndexDef {
	kinds := []Kind{KindBTree, KindHash, KindSuffix}
	var defs []IndexDef
	seen := map[IndexDef]bool{}
	for range r.IntN(5) {
		d := IndexDef{Field: fields[r.IntN(len(fields))], Kind: kinds[r.IntN(len(kinds))]}
		if !seen[d] {
			seen[d] = true
			defs = append(defs, d)
		}
	}
	return defs
}

// mutateCollection makes a few writes of the kinds every write path
// reports (a record set, replaced, deleted, or changed in a nested field)
// and tells the catalog, as the persistence layer does.
func mutateCollection(r *rand.Rand, cat *Catalog, coll *lua.Table, size int) {
	for range r.IntN(12) {
		key := randomKey(r, 2*size+1)
		switch r.IntN(4) {
		case 0:
			coll.Set(key, lua.Nil)
		case 1:
			coll.Set(key, randomRecord(r))
		default:
			rec := coll.Get(key).AsTable()
			if rec == nil {
				coll.Set(key, randomRecord(r))
				break
			}
			if n := rec.GetStr("n").AsTable(); n != nil && r.IntN(2) == 0 {
				n.SetStr("x", randomFieldValue(r, "n.x"))
			} else {
				f := []string{"a", "s"}[r.IntN(2)]
				rec.SetStr(f, randomFieldValue(r, f))
			}
		}
		cat.RecordChanged(coll, key)
	}
}

// FuzzQuery builds a random collection and indexes, then alternates
// writes and queries, checking each query against the brute-force oracle.
func FuzzQuery(f *testing.F) {
	for _, seed := range []string{"", "\x00", "\xff\xff\xff\xff", "btree", "hash index", "suffix\x01\x02\x03", "\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0\xc0"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := rand.New(newByteSource(data))
		size := r.IntN(80)
		coll := randomCollection(r, size)
		cat := NewCatalog()
		for _, d := range randomIndexDefs(r) {
			if _, err := cat.CreateIndex(coll, "c", d.Field, d.Kind); err != nil {
				t.Fatal(err)
			}
		}
		for range 1 + r.IntN(4) {
			mutateCollection(r, cat, coll, size)
			checkQueries(t, r, cat, coll, 1+r.IntN(8))
		}
	})
}

// FuzzSpecFromTable evaluates the input as a Lua expression (with a small
// budget) and, when it yields a table, reads it as a query spec and runs
// it over a collection with indexes of every kind. Whatever the table
// holds, the outcome is an error with a message or rows that the oracle
// agrees with; never a panic.
func FuzzSpecFromTable(f *testing.F) {
	for _, seed := range []string{
		`{field = "a", op = ">=", value = 1, limit = 3, sort = "desc"}`,
		`{field = "s", operator = "between", value = {"a", "b"}, offset = 2}`,
		`{field = "n.x", op = "in", value = {1, "a", true}, count = true}`,
		`{where = {{field = "a", op = "<", value = 1}, {field = "s", op = "==", value = "ab"}}, any = {{field = "s", op = "contains", value = "b"}}}`,
		`{where = {field = "a", op = "~=", value = 0}, sort = {field = "s", order = "desc"}}`,
		`{sort = {"n.x", "asc"}, limit = 1e300}`,
		`{field = "a", op = "startsWith", value = 5}`,
		`{field = "a..b", op = "=", value = 1}`,
		`{field = "a", op = "between", value = setmetatable({}, {__len = function() return 2 end})}`,
		`{field = "a", op = "=", value = 0/0, limit = -1}`,
		`{[1] = "a", field = {}}`,
		`{field = "s", op = "endsWith", value = "\xff", sort = {field = 3}}`,
		`{any = {}, where = {1, 2}, count = 1}`,
	} {
		f.Add(seed)
	}
	coll := randomCollection(rand.New(rand.NewPCG(1, 2)), 60)
	cat := NewCatalog()
	for _, d := range indexSets[4] {
		if _, err := cat.CreateIndex(coll, "c", d.Field, d.Kind); err != nil {
			f.Fatal(err)
		}
	}
	if _, err := cat.CreateIndex(coll, "c", "a", KindBTree); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s := lua.NewState()
		lua.OpenBase(s)
		s.SetInstructionLimit(10_000)
		s.SetMemoryLimit(1 << 20)
		res, err := s.DoString("return "+src, "=spec")
		if err != nil || len(res) == 0 || res[0].AsTable() == nil {
			return
		}
		spec, err := SpecFromTable(res[0].AsTable())
		if err != nil {
			if err.Error() == "" {
				t.Fatal("SpecFromTable failed without a message")
			}
			return
		}
		result, err := cat.Query(coll, spec)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("Query failed without a message")
			}
			return
		}
		// The query was accepted: the oracle must agree with it.
		spec.Op = canonicalOp(spec.Op)
		for _, cs := range [][]Cond{spec.And, spec.Or} {
			for i := range cs {
				cs[i].Op = canonicalOp(cs[i].Op)
			}
		}
		want, wantCount := oracle(coll, spec, planIndexField(result.Plan))
		if spec.Count {
			if result.Count != wantCount {
				t.Fatalf("%s (plan %s): count %d, want %d", src, result.Plan, result.Count, wantCount)
			}
			return
		}
		if !sameRows(result.Rows, want) {
			t.Fatalf("%s (plan %s):\n got %s\nwant %s", src, result.Plan, formatRows(result.Rows), formatRows(want))
		}
	})
}

func canonicalOp(op Op) Op {
	if alias, ok := opAliases[op]; ok {
		return alias
	}
	return op
}
