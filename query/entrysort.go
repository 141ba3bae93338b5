package query

import (
	"math"
	"sort"

	"github.com/luawasm/luawasm/lua"
)

// sortEntries sorts distinct entries into index order (compareEntries), the
// bulk of building a B-tree index.
//
// A comparison sort of the entries themselves cost WebAssembly dearly: a
// comparison is half a dozen calls (wasm pays for every call that is not
// inlined), and each swap moves four pointers, each through a write
// barrier while the collector marks, which a build's own allocations
// usually start. So the sort works on pointer-free items instead, each an
// order-preserving 64-bit digest of an entry and the entry's position: a
// radix sort orders them by digest, without comparisons, and only runs of
// equal digests are ordered further, by the digest of the next part (the
// next 8 bytes of strings, or the record keys once the values are equal) or
// by compareEntries. The entries then move once, to their places.
//
// A digest is order-preserving: a < b implies digest(a) <= digest(b), so
// items ordered by digest need reordering only within equal digests.
func sortEntries(entries []entry) { sortBy(entries, true) }

// groupEntries orders entries by value only, leaving the entries of one
// value in any order: all a hash index's buckets need.
func groupEntries(entries []entry) { sortBy(entries, false) }

func sortBy(entries []entry, byKey bool) {
	if len(entries) < 2 {
		return
	}
	s := entrySorter{entries: entries, byKey: byKey, items: make([]sortItem, len(entries)), scratch: make([]sortItem, len(entries))}
	for i := range s.items {
		s.items[i].i = int32(i)
	}
	s.sortRun(0, len(entries), partValue, 0)
	s.permute()
}

// A sortItem stands for entries[i] while it is sorted by its digest.
type sortItem struct {
	digest uint64
	i      int32
}

type entrySorter struct {
	entries        []entry
	byKey          bool // order the entries of one value by key
	items, scratch []sortItem
	bySort         runSorter // reused: sort.Sort would allocate one per run
}

// sortPart says which part of the entries a digest is made of.
type sortPart uint8

const (
	partValue sortPart = iota // the field value
	partKey                   // the record key, for entries of equal values
)

// digestMode is how the values of a run are digested.
type digestMode uint8

const (
	digestNone   digestMode = iota // some value is not a field value: compareEntries only
	digestInt                      // integers: exact
	digestFloat                    // numbers, some floats: by float64 image
	digestString                   // strings: 8 bytes from the depth's offset
	digestBool                     // booleans: exact
	digestMixed                    // several classes: class, then a lossy digest within it
)

const (
	// radixMin is the run length from which a radix pass beats a
	// comparison sort, whose comparisons mostly stop at the digests.
	radixMin = 64
	// maxStringDepth bounds the 8-byte steps into strings (and the
	// recursion): longer common prefixes are left to compareEntries.
	maxStringDepth = 8
)

// part returns the part of item it being sorted.
func (s *entrySorter) part(it sortItem, p sortPart) lua.Value {
	if p == partKey {
		return s.entries[it.i].key
	}
	return s.entries[it.i].v
}

// sortRun sorts items[lo:hi] by part p, from byte 8*depth for strings.
func (s *entrySorter) sortRun(lo, hi int, p sortPart, depth int) {
	run := s.items[lo:hi]
	mode := s.digest(run, p, depth)
	if mode == digestNone || len(run) < radixMin {
		s.compareSort(run, mode != digestNone)
		return
	}
	radixSort(run, s.scratch[lo:hi])
	for a := 0; a < len(run); {
		b := a + 1
		for b < len(run) && run[b].digest == run[a].digest {
			b++
		}
		if b-a > 1 {
			s.sortTies(lo+a, lo+b, p, depth, mode)
		}
		a = b
	}
}

// sortTies orders items[lo:hi], whose digests are equal, by what the
// digest did not cover.
func (s *entrySorter) sortTies(lo, hi int, p sortPart, depth int, mode digestMode) {
	switch {
	case mode == digestString && depth+1 < maxStringDepth && s.longer(lo, hi, p, 8*(depth+1)):
		s.sortRun(lo, hi, p, depth+1)
	case p == partValue && s.equalValues(lo, hi):
		if s.byKey {
			s.sortRun(lo, hi, partKey, 0)
		}
	default:
		s.compareSort(s.items[lo:hi], false)
	}
}

// compareSort sorts run with compareEntries, after the digests when
// byDigest is set.
func (s *entrySorter) compareSort(run []sortItem, byDigest bool) {
	s.bySort = runSorter{entries: s.entries, run: run, byDigest: byDigest}
	sort.Sort(&s.bySort)
}

// longer reports whether a string of part p in items[lo:hi] is longer than n bytes.
func (s *entrySorter) longer(lo, hi int, p sortPart, n int) bool {
	for _, it := range s.items[lo:hi] {
		if str, _ := s.part(it, p).AsString(); len(str) > n {
			return true
		}
	}
	return false
}

// equalValues reports whether the entries of items[lo:hi] have one value.
func (s *entrySorter) equalValues(lo, hi int) bool {
	first := s.part(s.items[lo], partValue)
	for _, it := range s.items[lo+1 : hi] {
		if !equalValues(first, s.part(it, partValue)) {
			return false
		}
	}
	return true
}

// digest sets the digest of each item of run from part p and returns the
// mode it used. (The loops per mode, with the value tests inlined, keep
// calls out of the loops, a third of a build's time in wasm otherwise.)
func (s *entrySorter) digest(run []sortItem, p sortPart, depth int) digestMode {
	mode := s.mode(run, p)
	switch mode {
	case digestInt:
		for k := range run {
			i, _ := s.part(run[k], p).AsInt()
			run[k].digest = uint64(i) ^ 1<<63
		}
	case digestString:
		for k := range run {
			str, _ := s.part(run[k], p).AsString()
			run[k].digest = stringDigest(str, 8*depth)
		}
	case digestFloat, digestBool, digestMixed:
		for k := range run {
			run[k].digest = digestValue(s.part(run[k], p), mode)
		}
	}
	return mode
}

// mode returns the digest mode for part p of the items of run.
func (s *entrySorter) mode(run []sortItem, p sortPart) digestMode {
	var ints, floats, strs, bools bool
	for _, it := range run {
		v := s.part(it, p)
		switch {
		case v.IsInt():
			ints = true
		case v.IsString():
			strs = true
		default:
			switch classOf(v) {
			case classNumber:
				floats = true
			case classBool:
				bools = true
			default:
				return digestNone
			}
		}
	}
	switch {
	case (ints || floats) && (strs || bools) || strs && bools:
		return digestMixed
	case floats:
		return digestFloat
	case ints:
		return digestInt
	case strs:
		return digestString
	}
	return digestBool
}

// digestValue returns the digest of v (a field value) in mode, one of
// digestFloat, digestBool and digestMixed.
func digestValue(v lua.Value, mode digestMode) uint64 {
	switch mode {
	case digestFloat:
		return floatDigest(v)
	case digestBool:
		b, _ := v.AsBool()
		return uint64(boolRank(b))
	}
	var d uint64
	cls := classOf(v)
	switch cls {
	case classNumber:
		d = floatDigest(v)
	case classString:
		str, _ := v.AsString()
		d = stringDigest(str, 0)
	case classBool:
		b, _ := v.AsBool()
		d = uint64(boolRank(b)) << 2
	}
	return uint64(cls)<<62 | d>>2
}

// floatDigest orders numbers by their float64 image: rounding an integer
// to a float64 keeps the order (ties go to compareEntries), and the bits
// of a float, sign flipped (and the rest too when negative), order as an
// unsigned integer.
func floatDigest(v lua.Value) uint64 {
	f, ok := v.AsFloat()
	if !ok {
		i, _ := v.AsInt()
		f = float64(i)
	}
	if f == 0 {
		f = 0 // -0 equals 0
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// stringDigest returns the 8 bytes of s from off, big-endian, padded with
// zeros.
func stringDigest(s string, off int) uint64 {
	if off+8 <= len(s) {
		b := s[off : off+8]
		return uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
			uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
	}
	var d uint64
	for k := range 8 {
		d <<= 8
		if off+k < len(s) {
			d |= uint64(s[off+k])
		}
	}
	return d
}

// radixSort sorts items by digest, a byte at a time from the least
// significant, skipping bytes every item shares; scratch has items' length.
func radixSort(items, scratch []sortItem) {
	var counts [8][256]int32
	for _, it := range items {
		d := it.digest
		for b := range 8 {
			counts[b][byte(d>>(8*b))]++
		}
	}
	src, dst := items, scratch
	for b := range 8 {
		c := &counts[b]
		if int(c[byte(src[0].digest>>(8*b))]) == len(src) {
			continue
		}
		var next int32
		for d := range c {
			c[d], next = next, next+c[d]
		}
		for _, it := range src {
			d := byte(it.digest >> (8 * b))
			dst[c[d]] = it
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &items[0] {
		copy(items, src)
	}
}

// runSorter sorts a run of items for sort.Sort.
type runSorter struct {
	entries  []entry
	run      []sortItem
	byDigest bool
}

func (r *runSorter) Len() int { return len(r.run) }
func (r *runSorter) Less(i, j int) bool {
	a, b := r.run[i], r.run[j]
	if r.byDigest && a.digest != b.digest {
		return a.digest < b.digest
	}
	return compareEntries(r.entries[a.i], r.entries[b.i]) < 0
}
func (r *runSorter) Swap(i, j int) { r.run[i], r.run[j] = r.run[j], r.run[i] }

// permute moves each entry to its sorted place, following the cycles of
// the permutation so that each entry is written once and no second array
// of entries is needed.
func (s *entrySorter) permute() {
	for start := range s.items {
		if int(s.items[start].i) == start {
			continue
		}
		saved := s.entries[start]
		j := start
		for {
			from := int(s.items[j].i)
			s.items[j].i = int32(j)
			if from == start {
				s.entries[j] = saved
				break
			}
			s.entries[j] = s.entries[from]
			j = from
		}
	}
}
