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
	// An index makes it from its entries or buckets on its first write
	// (see recordValues), as it takes as long as the rest of the build: an
	// index rebuilt when Memory loads and then only read never needs it.
	values *keyMap[lua.Value]
	count  int // records in the index

	tree    entrySet       // KindBTree, KindSuffix
	buckets keyMap[bucket] // KindHash: field value -> record keys

	// leftOut is set when the collection holds its keys weakly: it
	// remembers, without keeping them alive, the keys of the records the
	// index leaves out for having collectable keys (holding those keys
	// would keep the records from being collected). While any of them
	// lives, the index cannot answer queries alone (see usable).
	leftOut map[WeakKey]struct{}
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
	return &Index{def: def, path: p}
}

// recordValues returns ix.values, making it from the B-tree's entries or
// the hash buckets the first time.
func (ix *Index) recordValues() *keyMap[lua.Value] {
	if ix.values == nil {
		ix.values = new(keyMap[lua.Value])
		for _, leaf := range ix.tree.leaves {
			for _, e := range leaf {
				ix.values.set(e.key, e.v)
			}
		}
		fromBucket := func(b bucket) {
			for _, k := range b.keys {
				ix.values.set(k, b.v)
			}
		}
		for _, b := range ix.buckets.strs {
			fromBucket(b)
		}
		for _, b := range ix.buckets.others {
			fromBucket(b)
		}
	}
	return ix.values
}

// build indexes every record of coll. It sorts all the entries at once,
// several times faster than inserting them one by one: a B-tree cuts them
// into leaves, a hash index into buckets.
func (ix *Index) build(coll *lua.Table) {
	ix.path.learnKeys(firstRecord(coll))
	if weakKeys, _ := WeakMode(coll); weakKeys {
		ix.leftOut = make(map[WeakKey]struct{})
	}
	n := 0 // entries of coll: room for every entry, allocated once
	for pos, _, _ := coll.Iter(0); pos != 0; pos, _, _ = coll.Iter(pos) {
		n++
	}
	entries := make([]entry, 0, n)
	for k, rec := range records(coll) {
		if v := ix.stored(ix.path.lookup(rec)); !v.IsNil() && (ix.leftOut == nil || !ix.leaveOut(k, v)) {
			entries = append(entries, entry{v, k})
		}
	}
	ix.count = len(entries)
	if ix.def.Kind == KindHash {
		ix.buildBuckets(entries)
		return
	}
	ix.tree.build(entries)
}

// buildBuckets makes the buckets of a hash index from its entries, grouped
// so that the records of a value are adjacent: the keys of all buckets
// then share one array, and a value costs one map insertion (inserting
// record by record cost three, and an allocation per value).
func (ix *Index) buildBuckets(entries []entry) {
	groupEntries(entries)
	keys := make([]lua.Value, len(entries))
	strs, others := 0, 0 // the values, sized for once
	for i, e := range entries {
		keys[i] = e.key
		if i == 0 || !equalValues(entries[i-1].v, e.v) {
			if e.v.IsString() {
				strs++
			} else {
				others++
			}
		}
	}
	ix.buckets.reserve(strs, others)
	for a := 0; a < len(entries); {
		b := a + 1
		for b < len(entries) && equalValues(entries[a].v, entries[b].v) {
			b++
		}
		// The capacity ends at the bucket: an add copies it out.
		ix.buckets.set(entries[a].v, bucket{v: entries[a].v, keys: keys[a:b:b]})
		a = b
	}
}

// update re-reads the record at key (nil when deleted) and moves its entry.
func (ix *Index) update(key lua.Value, rec *lua.Table) {
	v := lua.Nil
	if rec != nil {
		v = ix.stored(ix.path.lookup(rec))
	}
	if ix.leftOut != nil && ix.leaveOut(key, v) {
		return
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

// leaveOut reports whether the record at key, which ix would store as v
// (nil: nothing), stays out of ix because the collection holds its keys
// weakly (leftOut is set) and key is collectable; it keeps leftOut up to
// date.
func (ix *Index) leaveOut(key, v lua.Value) bool {
	wk, ok := MakeWeakKey(key)
	if !ok {
		return false
	}
	if v.IsNil() {
		delete(ix.leftOut, wk)
	} else {
		ix.leftOut[wk] = struct{}{}
	}
	return true
}

// usable reports whether ix holds every record it should, that is, has
// left out no record whose key is still alive.
func (ix *Index) usable() bool {
	for wk := range ix.leftOut {
		if wk.Value().IsNil() {
			delete(ix.leftOut, wk)
		}
	}
	return len(ix.leftOut) == 0
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
		if len(b.keys) == 0 {
			b.v = v
		}
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

// A bucket holds the value of the records sharing it in a hash index and
// their keys, in no particular order. A large bucket also maps each key to
// its position once a record leaves it, so that removing a record stays
// O(1) when thousands share a value (a status field).
type bucket struct {
	v    lua.Value
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
}

// remove drops key from b and reports whether b still holds any key.
func (b *bucket) remove(key lua.Value) bool {
	if b.pos == nil && len(b.keys) >= bucketMapMin {
		b.pos = new(keyMap[int32])
		for i, k := range b.keys {
			b.pos.set(k, int32(i))
		}
	}
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
