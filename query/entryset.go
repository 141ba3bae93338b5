package query

import "sort"

// An entrySet is the ordered set of entries of a B-tree or suffix index: a
// B+-tree of two levels, a list of leaves in order, each a sorted run of at
// most leafMax entries.
//
// Two levels suffice for the collections Memory holds (a million entries
// make 5,000 to 8,000 leaves: a binary search of the list, then of one
// leaf), and
// keep the structure cheap where it matters in WebAssembly, whose calls,
// allocations and write barriers cost several times what they do natively:
// build sorts one slice of every entry and cuts it into leaves sharing its
// array (one allocation, no per-node garbage), a lookup is two binary
// searches, and a walk steps along arrays without a callback per node.
type entrySet struct {
	leaves [][]entry // non-empty, ordered: every entry of leaves[i] < every entry of leaves[i+1]
}

const (
	// leafMax bounds a leaf: inserting into a full leaf splits it. An
	// insertion moves half a leaf on average (4 KB at 256 entries of 32
	// bytes), cheap next to the binary searches' cache misses.
	leafMax = 256
	// leafBuilt is the length of the leaves build cuts, leaving room for
	// inserts before the first split.
	leafBuilt = leafMax * 3 / 4
	// leafMergeBelow is the length under which a leaf that lost an entry
	// merges with a neighbour, so that deletions cannot leave a tree of
	// nearly empty leaves.
	leafMergeBelow = leafMax / 4
)

func compareEntries(a, b entry) int {
	// Distinct integers, the commonest case, need no call.
	if ai, ok := a.v.AsInt(); ok {
		if bi, ok := b.v.AsInt(); ok && ai != bi {
			if ai < bi {
				return -1
			}
			return 1
		}
	}
	if c := compareValues(a.v, b.v); c != 0 {
		return c
	}
	return compareKeys(a.key, b.key)
}

// build replaces the contents of s with entries, which it keeps (and sorts
// in place); entries must be distinct.
func (s *entrySet) build(entries []entry) {
	sortEntries(entries)
	s.leaves = make([][]entry, 0, (len(entries)+leafBuilt-1)/leafBuilt)
	for len(entries) > 0 {
		n := min(leafBuilt, len(entries))
		// The capacity ends at the leaf, so that an insert copies the leaf
		// out rather than overwrite its neighbour. (The built array lives
		// until its last leaf is copied out: at most 32 bytes an entry.)
		s.leaves = append(s.leaves, entries[:n:n])
		entries = entries[n:]
	}
}

// seek returns the position of the first entry >= e: leaf i, offset j.
// j == len(leaves[i]) when every entry of leaf i is less than e (then the
// next entry, if any, starts leaf i+1).
func (s *entrySet) seek(e entry) (i, j int) {
	// The last leaf whose first entry is <= e holds e's place (leaf 0
	// when e precedes everything).
	i = sort.Search(len(s.leaves), func(i int) bool { return compareEntries(s.leaves[i][0], e) > 0 }) - 1
	if i < 0 {
		return 0, 0
	}
	leaf := s.leaves[i]
	j = sort.Search(len(leaf), func(j int) bool { return compareEntries(leaf[j], e) >= 0 })
	return i, j
}

// insert adds e, replacing an equal entry.
func (s *entrySet) insert(e entry) {
	if len(s.leaves) == 0 {
		leaf := make([]entry, 1, leafMax)
		leaf[0] = e
		s.leaves = append(s.leaves, leaf)
		return
	}
	i, j := s.seek(e)
	leaf := s.leaves[i]
	if j < len(leaf) && compareEntries(leaf[j], e) == 0 {
		leaf[j] = e
		return
	}
	if len(leaf) < cap(leaf) {
		leaf = leaf[:len(leaf)+1]
		copy(leaf[j+1:], leaf[j:])
		leaf[j] = e
		s.leaves[i] = leaf
		return
	}
	if len(leaf) < leafMax {
		grown := make([]entry, len(leaf)+1, leafMax)
		copy(grown, leaf[:j])
		grown[j] = e
		copy(grown[j+1:], leaf[j:])
		s.leaves[i] = grown
		return
	}
	// Split a full leaf in two halves, each with room to grow.
	half := len(leaf) / 2
	lo := make([]entry, half, leafMax)
	hi := make([]entry, len(leaf)-half, leafMax)
	copy(lo, leaf[:half])
	copy(hi, leaf[half:])
	s.leaves = append(s.leaves, nil)
	copy(s.leaves[i+2:], s.leaves[i+1:])
	s.leaves[i], s.leaves[i+1] = lo, hi
	if j <= half {
		s.insertAt(i, j, e)
	} else {
		s.insertAt(i+1, j-half, e)
	}
}

// insertAt inserts e at offset j of leaf i, which has room.
func (s *entrySet) insertAt(i, j int, e entry) {
	leaf := s.leaves[i][:len(s.leaves[i])+1]
	copy(leaf[j+1:], leaf[j:])
	leaf[j] = e
	s.leaves[i] = leaf
}

// delete removes the entry equal to e, if any.
func (s *entrySet) delete(e entry) {
	if len(s.leaves) == 0 {
		return
	}
	i, j := s.seek(e)
	leaf := s.leaves[i]
	if j == len(leaf) || compareEntries(leaf[j], e) != 0 {
		return
	}
	copy(leaf[j:], leaf[j+1:])
	leaf[len(leaf)-1] = entry{}
	leaf = leaf[:len(leaf)-1]
	s.leaves[i] = leaf
	if len(leaf) >= leafMergeBelow {
		return
	}
	// Merge the leaf into a neighbour with room, or drop it when empty.
	switch {
	case i > 0 && len(s.leaves[i-1])+len(leaf) <= leafBuilt:
		s.leaves[i-1] = append(s.leaves[i-1], leaf...)
	case i+1 < len(s.leaves) && len(s.leaves[i+1])+len(leaf) <= leafBuilt:
		s.leaves[i+1] = append(leaf, s.leaves[i+1]...)
	case len(leaf) == 0:
	default:
		return
	}
	s.leaves = append(s.leaves[:i], s.leaves[i+1:]...)
	s.leaves[len(s.leaves):cap(s.leaves)][0] = nil
}

// ascend calls fn for each entry e with lo < e < hi in order until fn
// returns false, and reports whether it went to the end.
func (s *entrySet) ascend(lo, hi entry, fn func(entry) bool) bool {
	if len(s.leaves) == 0 {
		return true
	}
	i, j := s.seek(lo)
	for ; i < len(s.leaves); i, j = i+1, 0 {
		for _, e := range s.leaves[i][j:] {
			if compareEntries(e, hi) >= 0 {
				return true
			}
			if !fn(e) {
				return false
			}
		}
	}
	return true
}

// descend calls fn for each entry e with lo < e < hi in reverse order
// until fn returns false, and reports whether it went to the end.
func (s *entrySet) descend(hi, lo entry, fn func(entry) bool) bool {
	if len(s.leaves) == 0 {
		return true
	}
	i, j := s.seek(hi)
	for ; i >= 0; i-- {
		leaf := s.leaves[i]
		if j < 0 {
			j = len(leaf)
		}
		for k := j - 1; k >= 0; k-- {
			if compareEntries(leaf[k], lo) <= 0 {
				return true
			}
			if !fn(leaf[k]) {
				return false
			}
		}
		j = -1
	}
	return true
}
