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

// recordValues returns ix.values, making it the first time from the
// B-tree's entries, or from the hash buckets of coll's records, sized for
// them at once (a map grown entry by entry ends up a fifth larger).
func (ix *Index) recordValues(coll *lua.Table) *keyMap[lua.Value] {
	if ix.values == nil {
		strs := ix.stringKeys()
		ix.values = new(keyMap[lua.Value])
		ix.values.reserve(strs, ix.count-strs)
		ix.eachEntry(coll, ix.values.set)
	}
	return ix.values
}

// stringKeys returns the number of records in ix whose key is a string.
func (ix *Index) stringKeys() int {
	n := 0
	for _, leaf := range ix.tree.leaves {
		for _, e := range leaf {
			if e.key.IsString() {
				n++
			}
		}
	}
	inBucket := func(b bucket) {
		for i := range b.len() {
			if b.key(i).IsString() {
				n++
			}
		}
	}
	for _, b := range ix.buckets.strs {
		inBucket(b)
	}
	for _, b := range ix.buckets.others {
		inBucket(b)
	}
	return n
}

// eachEntry calls fn with the key and value of each record in ix, whose
// collection is coll.
func (ix *Index) eachEntry(coll *lua.Table, fn func(key, v lua.Value)) {
	for _, leaf := range ix.tree.leaves {
		for _, e := range leaf {
			fn(e.key, e.v)
		}
	}
	for s, b := range ix.buckets.strs {
		v := ix.stringValue(coll, s, b)
		for i := range b.len() {
			fn(b.key(i), v)
		}
	}
	for v, b := range ix.buckets.others {
		for i := range b.len() {
			fn(b.key(i), v)
		}
	}
}

// stringValue returns a string value equal to s, the value of bucket b:
// a record's own, as a bucket keeps no value object (the map's key is a Go
// string), or a new one when every record of b has changed since ix last
// saw it (a write not yet reported).
func (ix *Index) stringValue(coll *lua.Table, s string, b bucket) lua.Value {
	for i := range b.len() {
		if rec := coll.Get(b.key(i)).AsTable(); rec != nil {
			v := ix.path.lookup(rec)
			if vs, ok := v.AsString(); ok && vs == s {
				return v
			}
		}
	}
	return lua.String(s)
}

// build indexes every record of coll. It sorts all the entries at once,
// several times faster than inserting them one by one: a B-tree cuts them
// into leaves, a hash index into buckets.
func (ix *Index) build(coll *lua.Table) {
	learnKeysFrom(coll, ix.path)
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
// so that the records of a value are adjacent: the key lists of all
// shared values then share one array, and a value costs one map insertion
// (inserting record by record cost three, and an allocation per value).
func (ix *Index) buildBuckets(entries []entry) {
	groupEntries(entries)
	strs, others, shared := 0, 0, 0 // the values and the keys of shared ones, sized for once
	for a := 0; a < len(entries); {
		b := groupEnd(entries, a)
		if entries[a].v.IsString() {
			strs++
		} else {
			others++
		}
		if b-a > 1 {
			shared += b - a
		}
		a = b
	}
	ix.buckets.reserve(strs, others)
	keys := make([]lua.Value, 0, shared)
	for a := 0; a < len(entries); {
		b := groupEnd(entries, a)
		bk := bucket{one: entries[a].key}
		if b-a > 1 {
			start := len(keys)
			for _, e := range entries[a:b] {
				keys = append(keys, e.key)
			}
			// The capacity ends at the list: an add copies it out.
			bk = bucket{many: &bucketKeys{keys: keys[start:len(keys):len(keys)]}}
		}
		ix.buckets.set(entries[a].v, bk)
		a = b
	}
}

// groupEnd returns the end of the run of entries from a whose values are
// equal to entries[a]'s.
func groupEnd(entries []entry, a int) int {
	b := a + 1
	for b < len(entries) && equalValues(entries[a].v, entries[b].v) {
		b++
	}
	return b
}

// update re-reads the record at key of coll (nil when deleted) and moves
// its entry.
func (ix *Index) update(coll *lua.Table, key lua.Value, rec *lua.Table) {
	v := lua.Nil
	if rec != nil {
		v = ix.stored(ix.path.lookup(rec))
	}
	if ix.leftOut != nil && ix.leaveOut(key, v) {
		return
	}
	old, had := ix.recordValues(coll).get(key)
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

// insert adds the record at key, which ix stores as v (nil: nothing), once
// ix has its recordValues.
func (ix *Index) insert(key, v lua.Value) {
	if v.IsNil() {
		return
	}
	ix.values.set(key, v)
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

// A bucket holds the keys of the records sharing a value in a hash index,
// in no particular order; the value is the map's key. Most values of a
// field worth a hash index belong to one record (a name, an email), so a
// bucket holds its first key itself and only a shared value's bucket has
// a list: the map's slots are 40 bytes (64 with the value and a slice),
// and no key array goes with them. A large list also maps each key to its
// position once a record leaves it, so that removing a record stays O(1)
// when thousands share a value (a status field).
type bucket struct {
	one  lua.Value   // the only key, while the value has one record
	many *bucketKeys // the keys, once the value has more than one
}

type bucketKeys struct {
	keys []lua.Value
	pos  *keyMap[int32]
}

// bucketMapMin is the size from which a bucket keeps a position map: below
// it, a linear search is as fast and costs no memory.
const bucketMapMin = 32

func (b *bucket) len() int {
	switch {
	case b.many != nil:
		return len(b.many.keys)
	case b.one.IsNil():
		return 0
	}
	return 1
}

// key returns the i-th key of b, for i < b.len().
func (b *bucket) key(i int) lua.Value {
	if b.many != nil {
		return b.many.keys[i]
	}
	return b.one
}

func (b *bucket) add(key lua.Value) {
	switch {
	case b.many != nil:
		if b.many.pos != nil {
			b.many.pos.set(key, int32(len(b.many.keys)))
		}
		b.many.keys = append(b.many.keys, key)
	case b.one.IsNil():
		b.one = key
	default:
		b.many = &bucketKeys{keys: []lua.Value{b.one, key}}
		b.one = lua.Nil
	}
}

// remove drops key from b and reports whether b still holds any key.
func (b *bucket) remove(key lua.Value) bool {
	if b.many == nil {
		if lua.RawEqual(b.one, key) {
			b.one = lua.Nil
		}
		return !b.one.IsNil()
	}
	m := b.many
	if m.pos == nil && len(m.keys) >= bucketMapMin {
		m.pos = new(keyMap[int32])
		for i, k := range m.keys {
			m.pos.set(k, int32(i))
		}
	}
	i := -1
	if m.pos != nil {
		if p, ok := m.pos.get(key); ok {
			i = int(p)
			m.pos.delete(key)
		}
	} else {
		for j, k := range m.keys {
			if lua.RawEqual(k, key) {
				i = j
				break
			}
		}
	}
	if i < 0 {
		return true
	}
	last := len(m.keys) - 1
	if i != last {
		m.keys[i] = m.keys[last]
		if m.pos != nil {
			m.pos.set(m.keys[i], int32(i))
		}
	}
	m.keys[last] = lua.Nil
	m.keys = m.keys[:last]
	if last == 1 { // back to one key: the list goes
		b.one, b.many = m.keys[0], nil
	}
	return true
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
		n += b.len()
	}
	return n
}
