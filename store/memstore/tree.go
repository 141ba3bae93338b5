package memstore

import "unsafe"

// A tree is the Store's ordered map from keys to values: a B+-tree of two
// levels, a list of leaves in key order, each a sorted run of at most
// leafMax entries (the design of query's entrySet, there over index
// entries). A million keys make 8,000 to 16,000 leaves: a lookup is a
// binary search of the list, then of one leaf, and a scan steps along
// arrays. It replaced github.com/google/btree, whose generality cost the
// WebAssembly build 50 KB (14 KB gzipped) for the four operations used
// here, and was slower: 1,000 puts (half of them new keys, as in
// BenchmarkCommit) into 100K / 500K / 1M keys took 13-19 / 15-17 / 30 ms
// in node against 34-42 / 58-64 / 55 ms, and 6-7 against 10-11 ms
// natively at 100K (equal within the noise at 500K).
type tree struct {
	leaves [][]entry // non-empty, ordered: every key of leaves[i] < every key of leaves[i+1]
}

// An entry is a key and its value, one allocation that p points to: the
// key's klen bytes, then the value's vlen (the store's limits fit 32
// bits). 16 bytes, a quarter of two slices and half of one slice and a
// length: an insertion moves half as much (with write barriers while the
// collector runs), and the tree of a 20,000-record store is 320 KB
// smaller.
type entry struct {
	p          *byte
	klen, vlen uint32
}

// newEntry returns the entry of kv, whose first klen bytes are the key (at
// least one byte: the store has no empty keys) and the rest the value.
func newEntry(kv []byte, klen int) entry {
	return entry{unsafe.SliceData(kv), uint32(klen), uint32(len(kv) - klen)}
}

func (e *entry) key() []byte { return unsafe.Slice(e.p, e.klen) }

func (e *entry) value() []byte {
	if e.vlen == 0 {
		return unsafe.Slice(e.p, 0) // empty, not nil (and not past the allocation)
	}
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(e.p), e.klen)), e.vlen)
}

const (
	// leafMax bounds a leaf: inserting into a full leaf splits it. An
	// insertion moves half a leaf on average (1 KB at 128 entries of 16
	// bytes), a split a pointer per leaf.
	leafMax = 128
	// leafMergeBelow is the length under which a leaf that lost an entry
	// merges with a neighbour, so that deletions cannot leave a list of
	// nearly empty leaves; leafMerged bounds the merged leaf, leaving room
	// for inserts before the next split.
	leafMergeBelow = leafMax / 4
	leafMerged     = leafMax * 3 / 4
)

// seek returns the position of the first entry whose key is >= key: leaf
// i, offset j. j == len(leaves[i]) when every key of leaf i is less (then
// the next entry, if any, starts leaf i+1). hint is a leaf that may hold
// key's place, or -1: a commit's keys come sorted, so the leaf of the
// previous put usually does, which two comparisons confirm instead of a
// search of the list.
func (t *tree) seek(key []byte, hint int) (i, j int) {
	if hint >= 0 && hint < len(t.leaves) &&
		(hint == 0 || compareKeys(t.leaves[hint][0].key(), key) <= 0) &&
		(hint+1 == len(t.leaves) || compareKeys(key, t.leaves[hint+1][0].key()) < 0) {
		i = hint
	} else {
		// The last leaf whose first key is <= key holds key's place (leaf 0
		// when key precedes everything).
		lo, hi := 0, len(t.leaves)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if compareKeys(t.leaves[m][0].key(), key) <= 0 {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if i = lo - 1; i < 0 {
			return 0, 0
		}
	}
	leaf := t.leaves[i]
	// Sorted puts of new keys go after the leaf's last key.
	if compareKeys(leaf[len(leaf)-1].key(), key) < 0 {
		return i, len(leaf)
	}
	lo, hi := 0, len(leaf)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if compareKeys(leaf[m].key(), key) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return i, lo
}

// get returns the value stored under key.
func (t *tree) get(key []byte) ([]byte, bool) {
	if len(t.leaves) == 0 {
		return nil, false
	}
	i, j := t.seek(key, -1)
	if leaf := t.leaves[i]; j < len(leaf) && compareKeys(leaf[j].key(), key) == 0 {
		return leaf[j].value(), true
	}
	return nil, false
}

// put stores e, replacing the entry with the same key, and returns the
// leaf that holds it (the hint of the next put; see seek).
func (t *tree) put(e entry, hint int) int {
	if len(t.leaves) == 0 {
		t.leaves = append(t.leaves, []entry{e})
		return 0
	}
	i, j := t.seek(e.key(), hint)
	leaf := t.leaves[i]
	if j < len(leaf) && compareKeys(leaf[j].key(), e.key()) == 0 {
		leaf[j] = e
		return i
	}
	if len(leaf) == leafMax && j == leafMax {
		// A key after every key of a full leaf, as in a sorted run of new
		// keys, starts a leaf of its own: halving would leave a trail of
		// half-full leaves and copy half of each.
		upper := append(make([]entry, 0, leafMax), e)
		t.leaves = append(t.leaves, nil)
		copy(t.leaves[i+2:], t.leaves[i+1:])
		t.leaves[i+1] = upper
		return i + 1
	}
	if len(leaf) == leafMax {
		// Split the full leaf in two halves, each with room to grow; the
		// upper half gets its own array.
		half := len(leaf) / 2
		upper := append(make([]entry, 0, leafMax), leaf[half:]...)
		clear(leaf[half:])
		leaf = leaf[:half]
		t.leaves[i] = leaf
		t.leaves = append(t.leaves, nil)
		copy(t.leaves[i+2:], t.leaves[i+1:])
		t.leaves[i+1] = upper
		if j > half {
			i, j, leaf = i+1, j-half, upper
		}
	}
	leaf = append(leaf, entry{})
	copy(leaf[j+1:], leaf[j:])
	leaf[j] = e
	t.leaves[i] = leaf
	return i
}

// delete removes the entry with key, if any.
func (t *tree) delete(key []byte) {
	if len(t.leaves) == 0 {
		return
	}
	i, j := t.seek(key, -1)
	leaf := t.leaves[i]
	if j == len(leaf) || compareKeys(leaf[j].key(), key) != 0 {
		return
	}
	copy(leaf[j:], leaf[j+1:])
	leaf[len(leaf)-1] = entry{}
	leaf = leaf[:len(leaf)-1]
	t.leaves[i] = leaf
	if len(leaf) >= leafMergeBelow {
		return
	}
	// Merge the leaf into a neighbour with room, or drop it when empty.
	switch {
	case i > 0 && len(t.leaves[i-1])+len(leaf) <= leafMerged:
		t.leaves[i-1] = append(t.leaves[i-1], leaf...)
	case i+1 < len(t.leaves) && len(t.leaves[i+1])+len(leaf) <= leafMerged:
		t.leaves[i+1] = append(leaf, t.leaves[i+1]...)
	case len(leaf) == 0:
	default:
		return
	}
	t.leaves = append(t.leaves[:i], t.leaves[i+1:]...)
	t.leaves[len(t.leaves):cap(t.leaves)][0] = nil
}

// ascend calls fn for each entry whose key is >= from, in key order,
// until fn returns false.
func (t *tree) ascend(from []byte, fn func(e *entry) bool) {
	if len(t.leaves) == 0 {
		return
	}
	i, j := t.seek(from, -1)
	for ; i < len(t.leaves); i, j = i+1, 0 {
		leaf := t.leaves[i]
		for k := j; k < len(leaf); k++ {
			if !fn(&leaf[k]) {
				return
			}
		}
	}
}
