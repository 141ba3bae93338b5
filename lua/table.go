package lua

import (
	"hash/maphash"
	"math"
	"unsafe"
)

// A Table is a Lua table: an array part for the keys 1..len(arr) and a hash
// part with open addressing and linear probing.
//
// A key whose value is set to nil keeps its slot (a dead entry) so that next()
// can continue a traversal that clears fields; dead entries are dropped when
// the hash part is rebuilt. Float keys with an integral value are stored as
// integers, so t[1] and t[1.0] are the same entry.
type Table struct {
	header
	// flags caches the absence of metamethods in this table when it is used
	// as a metatable: bit e set means the event e is known to be absent.
	// Any write to the table clears it.
	flags uint8
	arr   []Value
	nodes []node // len is 0 or a power of two
	used  int    // occupied slots in nodes, live or dead
	meta  *Table
}

type node struct {
	key Value // Nil marks a free slot
	val Value // Nil with a non-nil key marks a dead entry
}

// NewTable returns a table with room for narr array items and nhash other entries.
func NewTable(narr, nhash int) *Table {
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
func (t *Table) SetMetatable(mt *Table) { t.meta = mt }

// hashSizeFor returns the node-array size for n entries at a load factor below 3/4.
func hashSizeFor(n int) int {
	size := 4
	for size*3 < n*4+4 {
		size <<= 1
	}
	return size
}

var hashSeed = maphash.MakeSeed()

func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// hashKey hashes a normalized key (never nil, never an integral float).
func hashKey(k Value) uint64 {
	switch k.p {
	case pInt, pFloat, pBool:
		return mix64(k.n ^ uint64(uintptr(k.p)))
	}
	if s := (*stringObject)(k.p); s.kind == kindString {
		if s.hash == 0 {
			h := uint32(maphash.String(hashSeed, s.s)) | 1
			s.hash = h
		}
		return uint64(s.hash)
	}
	return mix64(uint64(uintptr(k.p)))
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
	return sa.kind == kindString && sb.kind == kindString && sa.s == sb.s
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
	if i := t.find(k); i >= 0 {
		return t.nodes[i].val
	}
	return Nil
}

// GetInt returns t[i] without metamethods.
func (t *Table) GetInt(i int64) Value {
	if uint64(i-1) < uint64(len(t.arr)) {
		return t.arr[i-1]
	}
	if len(t.nodes) == 0 {
		return Nil
	}
	if j := t.find(Int(i)); j >= 0 {
		return t.nodes[j].val
	}
	return Nil
}

// GetStr returns t[s] without metamethods.
func (t *Table) GetStr(s string) Value {
	if len(t.nodes) == 0 {
		return Nil
	}
	mask := len(t.nodes) - 1
	h := uint32(maphash.String(hashSeed, s)) | 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		n := &t.nodes[i]
		if n.key.p == nil {
			return Nil
		}
		if ks, ok := n.key.AsString(); ok && ks == s {
			return n.val
		}
	}
}

// KeyError is returned by Set for a nil or NaN key.
type KeyError struct{ Msg string }

func (e *KeyError) Error() string { return e.Msg }

var (
	errNilKey = &KeyError{"index is nil"}
	errNaNKey = &KeyError{"index is NaN"}
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
	t.setHash(k, v)
	return nil
}

// SetStr assigns t[s] = v without metamethods.
func (t *Table) SetStr(s string, v Value) { t.setHash(String(s), v) }

// SetInt assigns t[i] = v without metamethods.
func (t *Table) SetInt(i int64, v Value) {
	t.flags = 0
	n := int64(len(t.arr))
	if uint64(i-1) < uint64(n) {
		t.arr[i-1] = v
		return
	}
	if i == n+1 && v.p != nil {
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
		k := Int(int64(len(t.arr)) + 1)
		j := t.find(k)
		if j < 0 || t.nodes[j].val.p == nil {
			return
		}
		t.arr = append(t.arr, t.nodes[j].val)
		t.nodes[j].val = Nil // leave a dead entry; dropped at the next rebuild
	}
}

func (t *Table) setHash(k, v Value) {
	t.flags = 0
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
		}
	}
	if v.p == nil {
		return // assigning nil to an absent key changes nothing
	}
	if (t.used+1)*4 > len(t.nodes)*3 {
		t.rehash()
	}
	mask := len(t.nodes) - 1
	i := int(hashKey(k)) & mask
	for t.nodes[i].key.p != nil {
		i = (i + 1) & mask
	}
	t.nodes[i] = node{k, v}
	t.used++
}

// rehash rebuilds the hash part without dead entries, sized for its live entries.
func (t *Table) rehash() {
	live := 0
	for i := range t.nodes {
		if t.nodes[i].val.p != nil {
			live++
		}
	}
	old := t.nodes
	t.nodes = make([]node, hashSizeFor(live+1))
	t.used = 0
	mask := len(t.nodes) - 1
	for _, n := range old {
		if n.val.p == nil {
			continue
		}
		i := int(hashKey(n.key)) & mask
		for t.nodes[i].key.p != nil {
			i = (i + 1) & mask
		}
		t.nodes[i] = n
		t.used++
	}
}

// Len returns a border of t (the raw length operator #).
func (t *Table) Len() int64 {
	n := len(t.arr)
	if n > 0 && t.arr[n-1].p == nil {
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
	if len(t.nodes) == 0 {
		return int64(n)
	}
	// Unbounded search in the hash part, as the reference does.
	i, j := int64(n), int64(n)+1
	for t.GetInt(j).p != nil {
		i = j
		if j > math.MaxInt64/2 {
			// Overflow: fall back to a linear search.
			k := int64(1)
			for t.GetInt(k).p != nil {
				k++
			}
			return k - 1
		}
		j *= 2
	}
	for j-i > 1 {
		m := (i + j) / 2
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
	switch {
	case k.p == nil:
	default:
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
