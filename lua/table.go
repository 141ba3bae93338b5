package lua

import (
	"hash/maphash"
	"math"
	"math/bits"
	"unsafe"
)

// A Table is a Lua table: an array part for the keys 1..len(arr) and a hash
// part with open addressing and linear probing.
//
// The array part may hold nils, as the reference's does: its size is chosen
// when the hash part is rebuilt so that more than half of its slots are in
// use (ltable.c's computesizes), which makes the length operator give the
// reference's borders for the usual constructors and fill patterns. A key
// appended right after the array part extends it directly.
//
// A key whose value is set to nil keeps its slot (a dead entry) so that next()
// can continue a traversal that clears fields; dead slots are reused by new
// keys and dropped when the hash part is rebuilt. Float keys with an
// integral value are stored as integers, so t[1] and t[1.0] are the same entry.
type Table struct {
	header
	// flags caches the absence of metamethods in this table when it is used
	// as a metatable: bit e set means the event e (below tmFastEvents) is
	// known to be absent. Writes of string keys clear it.
	flags uint8
	// keys has bit h&31 set for the hash h of every key in nodes (live
	// or dead), so that most misses of a string key are answered without
	// probing (method lookups miss in the object before its class).
	keys  uint32
	arr   []Value
	nodes []node // len is 0 or a power of two
	used  int    // occupied slots in nodes, live or dead
	meta  *Table
	pers  *Persistent // non-nil when the table is persistent: writes are journaled
}

type node struct {
	key Value // Nil marks a free slot
	val Value // Nil with a non-nil key marks a dead entry
}

// NewTable returns a table with room for narr array items and nhash other entries.
func NewTable(narr, nhash int) *Table {
	if small := newSmallTable(narr, nhash); small != nil {
		return small
	}
	t := &Table{header: header{kindTable}}
	if narr > 0 {
		t.arr = make([]Value, 0, narr)
	}
	if nhash > 0 {
		t.nodes = make([]node, hashSizeFor(nhash))
	}
	return t
}

// Value returns t as a Value.
func (t *Table) Value() Value { return Value{p: unsafe.Pointer(t)} }

// AsTable returns v's table, or nil if v is not a table.
func (v Value) AsTable() *Table {
	if v.p != nil && *(*kind)(v.p) == kindTable {
		return (*Table)(v.p)
	}
	return nil
}

// Metatable returns t's metatable or nil.
func (t *Table) Metatable() *Table { return t.meta }

// SetMetatable sets t's metatable (nil removes it).
func (t *Table) SetMetatable(mt *Table) {
	if t.pers != nil {
		t.pers.journal.logMeta(t)
	}
	t.meta = mt
}

// hashSizeFor returns the node-array size for n entries at a load factor of at most 3/4.
func hashSizeFor(n int) int {
	size := 4
	for size*3 < n*4 {
		size <<= 1
	}
	return size
}

var hashSeed = maphash.MakeSeed()

// stringHash returns s's hash, computing and caching it on first use.
func stringHash(s *stringObject) uint32 {
	if s.hash == 0 {
		s.hash = uint32(maphash.String(hashSeed, s.s)) | 1
	}
	return s.hash
}

// mixInt hashes integer keys (the exec loop inlines the same expression
// in its fast paths).
func mixInt(x uint64) uint64 {
	return (x * 0x9E3779B97F4A7C15) >> 29
}

// hashKey hashes a normalized key (never nil, never an integral float).
func hashKey(k Value) uint64 {
	switch k.p {
	case pInt:
		return mixInt(k.n)
	case pFloat:
		return mixInt(k.n ^ k.n>>32)
	case pBool:
		return k.n
	}
	if s := (*stringObject)(k.p); s.kind == kindString {
		return uint64(stringHash(s))
	}
	return mixInt(uint64(uintptr(k.p)))
}

// keysEqual compares two normalized keys.
func keysEqual(a, b Value) bool {
	if a.p == b.p {
		return a.n == b.n
	}
	if a.p == nil || b.p == nil || a.p == pInt || a.p == pFloat || a.p == pBool {
		return false
	}
	sa, sb := (*stringObject)(a.p), (*stringObject)(b.p)
	return sa.kind == kindString && sb.kind == kindString && stringHash(sa) == stringHash(sb) && sa.s == sb.s
}

// normKey converts a float key with an integral value to an integer.
func normKey(k Value) Value {
	if k.p == pFloat {
		if i, ok := FloatToInteger(k.floatPayload()); ok {
			return Int(i)
		}
	}
	return k
}

// find returns the slot index of key k in the hash part, or -1.
func (t *Table) find(k Value) int {
	if len(t.nodes) == 0 {
		return -1
	}
	mask := len(t.nodes) - 1
	for i := int(hashKey(k)) & mask; ; i = (i + 1) & mask {
		n := &t.nodes[i]
		if n.key.p == nil {
			return -1
		}
		if keysEqual(n.key, k) {
			return i
		}
	}
}

// Get returns t[k] without metamethods.
func (t *Table) Get(k Value) Value {
	switch k.p {
	case pInt:
		return t.GetInt(int64(k.n))
	case nil:
		return Nil
	case pFloat:
		k = normKey(k)
		if k.p == pInt {
			return t.GetInt(int64(k.n))
		}
	}
	if k.kind() == kindString {
		return t.getStr((*stringObject)(k.p))
	}
	if i := t.find(k); i >= 0 {
		return t.nodes[i].val
	}
	return Nil
}

// getCanon is Get for the exec loop's general paths: a string key found
// stored as another object with the same contents is replaced by the one
// looked up with (see lookupStr).
func (t *Table) getCanon(k Value) Value {
	if k.p != nil && k.kind() == kindString {
		return t.lookupStr((*stringObject)(k.p), true)
	}
	return t.Get(k)
}

// GetCanon is Get for a reader that looks up one key object in many
// tables (a query reading a field of every record): a string key stored
// as another object with the same contents is replaced by k, so that the
// next lookup with k matches by identity without touching the stored
// key's object and bytes. Nothing observable changes.
func (t *Table) GetCanon(k Value) Value { return t.getCanon(k) }

// GetInt returns t[i] without metamethods.
func (t *Table) GetInt(i int64) Value {
	if uint64(i-1) < uint64(len(t.arr)) {
		return t.arr[i-1]
	}
	return t.getIntHash(i)
}

func (t *Table) getIntHash(i int64) Value {
	if len(t.nodes) == 0 {
		return Nil
	}
	mask := len(t.nodes) - 1
	for j := int(mixInt(uint64(i))) & mask; ; j = (j + 1) & mask {
		n := &t.nodes[j]
		if n.key.p == pInt && n.key.n == uint64(i) {
			return n.val
		}
		if n.key.p == nil {
			return Nil
		}
	}
}

// getStr returns t[s] for a string key.
func (t *Table) getStr(s *stringObject) Value { return t.lookupStr(s, false) }

// lookupStr returns t[s]; with canon set, a stored key equal to s but not
// identical is replaced by s, so that later lookups with s (a constant of
// a loaded chunk) match by identity in findConst.
func (t *Table) lookupStr(s *stringObject, canon bool) Value {
	if len(t.nodes) == 0 {
		return Nil
	}
	h := stringHash(s)
	mask := len(t.nodes) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		n := &t.nodes[i]
		if n.key.p == unsafe.Pointer(s) {
			return n.val
		}
		if n.key.p == nil {
			return Nil
		}
		if ks := (*stringObject)(n.key.p); ks.kind == kindString && ks.hash == h && ks.s == s.s {
			if canon {
				n.key.p = unsafe.Pointer(s)
			}
			return n.val
		}
	}
}

// findConst looks up a string key by identity, the usual case for keys
// that are constants of loaded chunks (shared per state). It returns the
// key's node, or nil with sure set when the key is certainly absent; nil
// and !sure when an equal string with another identity may be stored (the
// general path then finds it and makes the stored key identical).
func (t *Table) findConst(key *stringObject) (*node, bool) {
	mask := len(t.nodes) - 1
	if mask < 0 {
		return nil, true
	}
	nd := &t.nodes[int(key.hash)&mask]
	if nd.key.p == unsafe.Pointer(key) {
		return nd, true
	}
	if nd.key.p == nil {
		return nil, key.hash != 0
	}
	return t.findConstProbe(key)
}

// findConstProbe continues findConst past the key's first slot.
func (t *Table) findConstProbe(key *stringObject) (*node, bool) {
	nodes := t.nodes
	mask := len(nodes) - 1
	h := key.hash
	if h == 0 {
		return nil, false
	}
	if t.keys&(1<<(h&31)) == 0 {
		return nil, true
	}
	for i := int(h) & mask; ; i = (i + 1) & mask {
		nd := &nodes[i]
		if nd.key.p == unsafe.Pointer(key) {
			return nd, true
		}
		if nd.key.p == nil {
			return nil, true
		}
		if ks := (*stringObject)(nd.key.p); ks.kind == kindString && ks.hash == h {
			return nil, false
		}
	}
}

// hasRoom reports whether one more key fits in the hash part without a rehash.
func (t *Table) hasRoom() bool { return (t.used+1)*4 <= len(t.nodes)*3 }

// insertNode stores a new key in the empty slot nd (the key's home slot,
// with room checked), a write path of the exec loop's fast paths.
func (t *Table) insertNode(nd *node, key, v Value) {
	if t.pers != nil {
		t.pers.journal.logEntry(t, key, Nil)
	}
	t.flags = 0
	t.keys |= 1 << (hashKey(key) & 31)
	nd.key = key
	nd.val = v
	t.used++
}

// insertKey stores a new string key known to be absent in a hash part
// with room for it, when its home slot is taken (a fast path of SETFIELD).
func (t *Table) insertKey(key, v Value) {
	if t.pers != nil {
		t.pers.journal.logEntry(t, key, Nil)
	}
	t.flags = 0
	t.insertNew(key, v)
}

// setNode and setArr, with insertNode and insertKey, are the write paths
// of the exec loop's fast paths; with Set, SetStr and SetInt they are the
// only writes to table entries, and each journals a persistent table's
// old value (journal.go).
func (t *Table) setNode(nd *node, v Value) {
	if t.pers != nil {
		t.pers.journal.logEntry(t, nd.key, nd.val)
	}
	t.flags = 0
	nd.val = v
}

func (t *Table) setArr(i int, v Value) {
	if t.pers != nil {
		t.pers.journal.logEntry(t, Int(int64(i)+1), t.arr[i])
	}
	t.arr[i] = v
}

// GetStr returns t[s] without metamethods.
func (t *Table) GetStr(s string) Value {
	if len(t.nodes) == 0 {
		return Nil
	}
	so := stringObject{header: header{kindString}, s: s}
	return t.getStr(&so)
}

// KeyError is returned by Set for a nil or NaN key.
type KeyError struct{ Msg string }

func (e *KeyError) Error() string { return e.Msg }

var (
	errNilKey = &KeyError{"table index is nil"}
	errNaNKey = &KeyError{"table index is NaN"}
)

// Set assigns t[k] = v without metamethods. It fails only for a nil or NaN key.
func (t *Table) Set(k, v Value) error {
	switch k.p {
	case pInt:
		t.SetInt(int64(k.n), v)
		return nil
	case nil:
		return errNilKey
	case pFloat:
		f := k.floatPayload()
		if f != f {
			return errNaNKey
		}
		if i, ok := FloatToInteger(f); ok {
			t.SetInt(i, v)
			return nil
		}
	}
	if t.pers != nil {
		t.pers.journal.logEntry(t, k, t.Get(k))
	}
	t.setHash(k, v)
	return nil
}

// SetStr assigns t[s] = v without metamethods.
func (t *Table) SetStr(s string, v Value) {
	k := String(s)
	if t.pers != nil {
		t.pers.journal.logEntry(t, k, t.Get(k))
	}
	t.setHash(k, v)
}

// SetInt assigns t[i] = v without metamethods.
func (t *Table) SetInt(i int64, v Value) {
	if t.pers != nil {
		t.pers.journal.logEntry(t, Int(i), t.GetInt(i))
	}
	n := int64(len(t.arr))
	if uint64(i-1) < uint64(n) {
		t.arr[i-1] = v
		return
	}
	if i == n+1 && v.p != nil && (len(t.nodes) == 0 || t.getIntHash(i).p == nil) {
		t.arr = append(t.arr, v)
		if len(t.nodes) > 0 {
			t.migrateToArray()
		}
		return
	}
	t.setHash(Int(i), v)
}

// migrateToArray moves the keys following the array part from the hash part
// into the array part.
func (t *Table) migrateToArray() {
	for {
		j := t.find(Int(int64(len(t.arr)) + 1))
		if j < 0 || t.nodes[j].val.p == nil {
			return
		}
		t.arr = append(t.arr, t.nodes[j].val)
		t.nodes[j].val = Nil // leave a dead entry; reused or dropped later
	}
}

// setHash assigns a normalized, valid key in the hash part.
func (t *Table) setHash(k, v Value) {
	if k.p != pInt && k.p != pFloat && k.p != pBool && k.kind() == kindString {
		t.flags = 0
	}
	dead := -1
	if len(t.nodes) > 0 {
		mask := len(t.nodes) - 1
		for i := int(hashKey(k)) & mask; ; i = (i + 1) & mask {
			n := &t.nodes[i]
			if n.key.p == nil {
				break
			}
			if keysEqual(n.key, k) {
				n.val = v
				return
			}
			if dead < 0 && n.val.p == nil {
				dead = i
			}
		}
	}
	if v.p == nil {
		return // assigning nil to an absent key changes nothing
	}
	if dead >= 0 {
		t.keys |= 1 << (hashKey(k) & 31)
		t.nodes[dead] = node{k, v}
		return
	}
	if (t.used+1)*4 > len(t.nodes)*3 {
		t.rehash(k)
		if k.p == pInt && uint64(k.n-1) < uint64(len(t.arr)) {
			t.arr[k.n-1] = v
			return
		}
	}
	t.insertNew(k, v)
}

// insertNew puts a key known to be absent into a hash part with room for it.
func (t *Table) insertNew(k, v Value) {
	mask := len(t.nodes) - 1
	h := hashKey(k)
	t.keys |= 1 << (h & 31)
	i := int(h) & mask
	for t.nodes[i].key.p != nil {
		i = (i + 1) & mask
	}
	t.nodes[i] = node{k, v}
	t.used++
}

// rehash resizes both parts for the live entries plus the key about to be
// added, choosing the array size as ltable.c's computesizes does: the
// largest power of two n such that more than n/2 of the slots 1..n are used.
func (t *Table) rehash(extra Value) {
	var nums [65]int // nums[i]: integer keys k with 2^(i-1) < k <= 2^i
	totalInt := 0
	countInt := func(k int64) {
		if k >= 1 {
			nums[bits.Len64(uint64(k-1))]++
			totalInt++
		}
	}
	for i, v := range t.arr {
		if v.p != nil {
			countInt(int64(i) + 1)
		}
	}
	live := 0
	for i := range t.nodes {
		n := &t.nodes[i]
		if n.val.p != nil {
			live++
			if n.key.p == pInt {
				countInt(int64(n.key.n))
			}
		}
	}
	if extra.p == pInt {
		countInt(int64(extra.n))
	}
	arrayKeys := 0
	asize := 0
	a := 0
	for i, twoToI := 0, 1; i < len(nums) && totalInt > twoToI/2; i, twoToI = i+1, twoToI*2 {
		a += nums[i]
		if a > twoToI/2 {
			asize, arrayKeys = twoToI, a
		}
	}
	arrLive := 0
	for _, v := range t.arr {
		if v.p != nil {
			arrLive++
		}
	}
	hashKeys := arrLive + live + 1 - arrayKeys
	if asize < len(t.arr) {
		// Keep a dense array part as it is: shrinking buys nothing here.
		if arrLive*2 > len(t.arr) {
			asize = len(t.arr)
			hashKeys = live + 1
			for i := range t.nodes {
				if n := &t.nodes[i]; n.val.p != nil && n.key.p == pInt && uint64(n.key.n-1) < uint64(asize) {
					hashKeys--
				}
			}
			if extra.p == pInt && uint64(extra.n-1) < uint64(asize) {
				hashKeys--
			}
		}
	}
	oldArr, oldNodes := t.arr, t.nodes
	if asize > len(oldArr) {
		if asize <= cap(oldArr) {
			t.arr = oldArr[:asize]
		} else {
			t.arr = make([]Value, asize, asize)
			copy(t.arr, oldArr)
		}
		oldArr = nil
	} else if asize < len(oldArr) {
		t.arr = append([]Value(nil), oldArr[:asize]...)
		oldArr = oldArr[asize:]
	} else {
		oldArr = nil
	}
	if hashKeys < 1 {
		hashKeys = 1
	}
	t.nodes = make([]node, hashSizeFor(hashKeys))
	t.used = 0
	t.keys = 0
	for i, v := range oldArr {
		if v.p != nil {
			t.insertNew(Int(int64(asize+i+1)), v)
		}
	}
	for i := range oldNodes {
		n := &oldNodes[i]
		if n.val.p == nil {
			continue
		}
		if n.key.p == pInt && uint64(n.key.n-1) < uint64(len(t.arr)) {
			t.arr[n.key.n-1] = n.val
			continue
		}
		t.insertNew(n.key, n.val)
	}
}

// ensureArray grows the array part to at least n slots (SETLIST with a
// known count, table.move and friends).
func (t *Table) ensureArray(n int) {
	if n <= len(t.arr) {
		return
	}
	if n <= cap(t.arr) {
		old := len(t.arr)
		t.arr = t.arr[:n]
		clear(t.arr[old:])
	} else {
		na := make([]Value, n)
		copy(na, t.arr)
		t.arr = na
	}
	if len(t.nodes) > 0 {
		// Move integer keys now covered by the array part.
		for i := range t.nodes {
			nd := &t.nodes[i]
			if nd.val.p != nil && nd.key.p == pInt && uint64(nd.key.n-1) < uint64(n) {
				if t.arr[nd.key.n-1].p == nil {
					t.arr[nd.key.n-1] = nd.val
				}
				nd.val = Nil
			}
		}
	}
}

// setList stores vals at the keys first+1, first+2, ... in the array
// part (table constructors).
func (t *Table) setList(first int, vals []Value) {
	t.ensureArray(first + len(vals))
	copy(t.arr[first:], vals)
}

// Len returns a border of t (the raw length operator #), found as the
// reference's luaH_getn does.
func (t *Table) Len() int64 {
	n := len(t.arr)
	if n > 0 && t.arr[n-1].p == nil {
		if n >= 2 && t.arr[n-2].p != nil {
			return int64(n - 1)
		}
		// Binary search for a border inside the array part.
		lo, hi := 0, n // arr[lo-1] non-nil (or lo == 0), arr[hi-1] nil
		for hi-lo > 1 {
			m := (lo + hi) / 2
			if t.arr[m-1].p == nil {
				hi = m
			} else {
				lo = m
			}
		}
		return int64(lo)
	}
	if len(t.nodes) == 0 || t.getIntHash(int64(n)+1).p == nil {
		return int64(n)
	}
	return t.hashSearch(int64(n))
}

// hashSearch finds a border beyond the array part: t[j+1] is present.
func (t *Table) hashSearch(j int64) int64 {
	var i int64
	if j == 0 {
		j++
	}
	for {
		i = j
		if j <= math.MaxInt64/2 {
			j *= 2
		} else {
			j = math.MaxInt64
			if t.GetInt(j).p == nil {
				break
			}
			return j
		}
		if t.GetInt(j).p == nil {
			break
		}
	}
	for j-i > 1 {
		m := i + (j-i)/2
		if t.GetInt(m).p == nil {
			j = m
		} else {
			i = m
		}
	}
	return i
}

// Next returns the entry following key k in traversal order (k = Nil starts
// the traversal); ok is false at the end. It fails if k is not in the table.
func (t *Table) Next(k Value) (key, val Value, ok bool, err error) {
	idx := 0 // position to start scanning: 0..len(arr)-1 array, then nodes
	if k.p != nil {
		k = normKey(k)
		if k.p == pInt && uint64(k.intPayload()-1) < uint64(len(t.arr)) {
			idx = int(k.intPayload())
		} else {
			j := t.find(k)
			if j < 0 {
				return Nil, Nil, false, &KeyError{"invalid key to 'next'"}
			}
			idx = len(t.arr) + j + 1
		}
	}
	for ; idx < len(t.arr); idx++ {
		if t.arr[idx].p != nil {
			return Int(int64(idx) + 1), t.arr[idx], true, nil
		}
	}
	for j := idx - len(t.arr); j < len(t.nodes); j++ {
		if n := &t.nodes[j]; n.val.p != nil {
			return n.key, n.val, true, nil
		}
	}
	return Nil, Nil, false, nil
}

// Iter returns the entry at or after position pos in traversal order
// (pos 0 starts the traversal) and the position that continues it, or
// next == 0 and nils at the end:
//
//	for pos, k, v := t.Iter(0); pos != 0; pos, k, v = t.Iter(pos) { ... }
//
// It visits the entries Next does, in the same order, but resumes from a
// position instead of finding the previous key again, a hash lookup (and a
// likely cache miss) per entry of a big table. As with Next, fields may be
// assigned (nil included) during the walk but no key may be added.
func (t *Table) Iter(pos int) (next int, key, val Value) {
	for ; pos < len(t.arr); pos++ {
		if v := t.arr[pos]; v.p != nil {
			return pos + 1, Int(int64(pos) + 1), v
		}
	}
	nodes := t.nodes
	for j := pos - len(t.arr); j < len(nodes); j++ {
		if n := &nodes[j]; n.val.p != nil {
			return len(t.arr) + j + 1, n.key, n.val
		}
	}
	return 0, Nil, Nil
}
