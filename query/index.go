package query

import (
	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// A Kind is an index kind.
type Kind string

const (
	// KindBTree orders the records by the field's value (then by key): it
	// answers = < <= > >= between startsWith in, and sorted output.
	KindBTree Kind = "btree"
	// KindHash maps each value of the field to its records: it answers = and in.
	KindHash Kind = "hash"
	// KindSuffix is a B-tree of the field's strings reversed: it answers
	// endsWith as a prefix range.
	KindSuffix Kind = "suffix"
)

// An IndexDef is what defines an index, and all that persistence stores of
// it: indexes are rebuilt from the collection when it is loaded.
type IndexDef struct {
	Collection string // the collection's name, for messages and persistence
	Field      string // a field path: "score", "address.city"
	Kind       Kind
}

func (d IndexDef) String() string {
	return printf.Sprintf("%s index on %s.%s", d.Kind, d.Collection, d.Field)
}

// An Index holds, for the records of one collection whose field holds a
// field value (a number other than NaN, a string or a boolean), that value
// and the record's key.
//
// Each index keeps a reverse map from record key to the value it indexed,
// so that when a record changes (or goes) its old entry can be found
// without the old record, which the write has already overwritten.
type Index struct {
	def  IndexDef
	path path
	// values maps record key -> indexed value (for KindSuffix, reversed).
	// A B-tree index makes it from its entries on its first write (see
	// recordValues), as it takes as long as the rest of the build: an
	// index rebuilt when Memory loads and then only read never needs it.
	// A hash index keeps it from the start: made from the buckets, it
	// would need a new string object for each string value.
	values *keyMap[lua.Value]
	count  int // records in the index

	tree    entrySet       // KindBTree, KindSuffix
	buckets keyMap[bucket] // KindHash: field value -> record keys
}

// Def returns the index's definition.
func (ix *Index) Def() IndexDef { return ix.def }

// Len returns the number of records in the index.
func (ix *Index) Len() int { return ix.count }

// answers reports whether ix can produce the records matching op.
func (ix *Index) answers(op Op) bool {
	switch ix.def.Kind {
	case KindHash:
		return op == OpEq || op == OpIn
	case KindBTree:
		switch op {
		case OpEq, OpIn, OpLt, OpLe, OpGt, OpGe, OpBetween, OpStartsWith:
			return true
		}
	case KindSuffix:
		return op == OpEndsWith
	}
	return false
}

func newIndex(def IndexDef, p path) *Index {
	ix := &Index{def: def, path: p}
	if def.Kind == KindHash {
		ix.values = new(keyMap[lua.Value])
	}
	return ix
}

// recordValues returns ix.values, making it from the B-tree's entries the
// first time.
func (ix *Index) recordValues() *keyMap[lua.Value] {
	if ix.values == nil {
		ix.values = new(keyMap[lua.Value])
		for _, leaf := range ix.tree.leaves {
			for _, e := range leaf {
				ix.values.set(e.key, e.v)
			}
		}
	}
	return ix.values
}

// build indexes every record of coll. A B-tree sorts all its entries at
// once, which is several times faster than inserting them one by one.
func (ix *Index) build(coll *lua.Table) {
	ix.path.learnKeys(firstRecord(coll))
	if ix.def.Kind == KindHash {
		for k, rec := range records(coll) {
			ix.insert(k, ix.stored(ix.path.lookup(rec)))
		}
		return
	}
	n := 0 // entries of coll: room for every entry, allocated once
	for pos, _, _ := coll.Iter(0); pos != 0; pos, _, _ = coll.Iter(pos) {
		n++
	}
	entries := make([]entry, 0, n)
	for k, rec := range records(coll) {
		if v := ix.stored(ix.path.lookup(rec)); !v.IsNil() {
			entries = append(entries, entry{v, k})
		}
	}
	ix.count = len(entries)
	ix.tree.build(entries)
}

// update re-reads the record at key (nil when deleted) and moves its entry.
func (ix *Index) update(key lua.Value, rec *lua.Table) {
	v := lua.Nil
	if rec != nil {
		v = ix.stored(ix.path.lookup(rec))
	}
	old, had := ix.recordValues().get(key)
	if had && !v.IsNil() && equalValues(old, v) {
		return
	}
	if had {
		ix.remove(key, old)
	}
	ix.insert(key, v)
}

// stored returns what ix stores for a record whose field holds v, or nil
// if ix leaves the record out: every field value, or for a suffix index
// every string, reversed.
func (ix *Index) stored(v lua.Value) lua.Value {
	if ix.def.Kind == KindSuffix {
		if s, ok := v.AsString(); ok {
			return lua.String(reverse(s))
		}
		return lua.Nil
	}
	if classOf(v) == classNone {
		return lua.Nil
	}
	return v
}

func reverse(s string) string {
	b := make([]byte, len(s))
	for i := range len(s) {
		b[len(s)-1-i] = s[i]
	}
	return string(b)
}

// insert adds the record at key, which ix stores as v (nil: nothing).
func (ix *Index) insert(key, v lua.Value) {
	if v.IsNil() {
		return
	}
	ix.recordValues().set(key, v)
	ix.count++
	switch ix.def.Kind {
	case KindBTree, KindSuffix:
		ix.tree.insert(entry{v, key})
	case KindHash:
		b, _ := ix.buckets.get(v)
		b.add(key)
		ix.buckets.set(v, b)
	}
}

// remove drops the entry of the record at key, which indexed v.
func (ix *Index) remove(key, v lua.Value) {
	ix.values.delete(key)
	ix.count--
	switch ix.def.Kind {
	case KindBTree, KindSuffix:
		ix.tree.delete(entry{v, key})
	case KindHash:
		b, _ := ix.buckets.get(v)
		if b.remove(key) {
			ix.buckets.set(v, b)
		} else {
			ix.buckets.delete(v)
		}
	}
}

// An entry is one record in a B-tree: its field value and key. Entries are
// ordered by value, then key, so that equal values keep a stable order.
type entry struct{ v, key lua.Value }

// A bucket holds the keys of the records sharing one value in a hash
// index, in no particular order. A large bucket also maps each key to its
// position, so that removing a record stays O(1) when thousands share a
// value (a status field).
type bucket struct {
	keys []lua.Value
	pos  *keyMap[int32]
}

// bucketMapMin is the size from which a bucket keeps a position map: below
// it, a linear search is as fast and costs no memory.
const bucketMapMin = 32

func (b *bucket) add(key lua.Value) {
	if b.pos != nil {
		b.pos.set(key, int32(len(b.keys)))
	}
	b.keys = append(b.keys, key)
	if b.pos == nil && len(b.keys) >= bucketMapMin {
		b.pos = new(keyMap[int32])
		for i, k := range b.keys {
			b.pos.set(k, int32(i))
		}
	}
}

// remove drops key from b and reports whether b still holds any key.
func (b *bucket) remove(key lua.Value) bool {
	i := -1
	if b.pos != nil {
		if p, ok := b.pos.get(key); ok {
			i = int(p)
			b.pos.delete(key)
		}
	} else {
		for j, k := range b.keys {
			if lua.RawEqual(k, key) {
				i = j
				break
			}
		}
	}
	if i < 0 {
		return len(b.keys) > 0
	}
	last := len(b.keys) - 1
	if i != last {
		b.keys[i] = b.keys[last]
		if b.pos != nil {
			b.pos.set(b.keys[i], int32(i))
		}
	}
	b.keys[last] = lua.Nil
	b.keys = b.keys[:last]
	return last > 0
}

// walk calls fn for each entry in spans, backwards when desc, until fn
// returns false; it reports whether the walk went to the end.
func (ix *Index) walk(spans []span, desc bool, fn func(entry) bool) bool {
	if desc {
		for i := len(spans) - 1; i >= 0; i-- {
			if !ix.tree.descend(spans[i].hi, spans[i].lo, fn) {
				return false
			}
		}
	} else {
		for _, sp := range spans {
			if !ix.tree.ascend(sp.lo, sp.hi, fn) {
				return false
			}
		}
	}
	return true
}

// countSpans counts the entries in spans, stopping at limit.
func (ix *Index) countSpans(spans []span, limit int) int {
	n := 0
	ix.walk(spans, false, func(entry) bool {
		n++
		return n < limit
	})
	return n
}

// hashValues returns the values a hash lookup for c fetches.
func hashValues(c *cond) []lua.Value {
	if c.op == OpIn {
		return c.vals
	}
	return []lua.Value{c.val}
}

// hashCount returns the number of records a hash lookup for c yields.
func (ix *Index) hashCount(c *cond) int {
	n := 0
	for _, v := range hashValues(c) {
		b, _ := ix.buckets.get(v)
		n += len(b.keys)
	}
	return n
}
