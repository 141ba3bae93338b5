package persist

import (
	"encoding/binary"

	"github.com/luawasm/luawasm/store"
)

// A rank is an op's place in the key sort: an 8-byte window of its key at
// the current depth (big-endian, zero-padded), how many of the key's bytes
// are left from the window's start (capped at 9, more than the window),
// and the op's index. 16 bytes: with a 16-byte window the ranks of a
// 20,000-op commit took 960 KB, 640 KB so, for a level more of ties.
type rank struct {
	w    uint64
	rest uint32
	i    uint32
}

// sortOps returns the order of ops by key, ops with equal keys in their
// order in ops (the later of two writes of one key wins), and the buffer
// it used: buf when big enough, a new one otherwise (kept for the next
// commit). It radix-sorts 8-byte windows of the keys, then the runs that
// tie on a window by the next window: in WebAssembly the comparison sort
// it replaced (pdqsort of the 56-byte ops through a closure) took 18-25 ms
// of CPU for the 20,000 ops of a 10,000-record batch.
func sortOps(ops []store.Op, buf []rank) (order, grown []rank) {
	if cap(buf) < 2*len(ops) {
		buf = make([]rank, 2*len(ops))
	}
	buf = buf[:2*len(ops)] // the ranks, then the radix sort's scratch
	ranks, tmp := buf[:len(ops):len(ops)], buf[len(ops):]
	for n := range ops {
		r := &ranks[n]
		r.w, r.rest = window(ops[n].Key, 0)
		r.i = uint32(n)
	}
	sortRanks(ranks, tmp, ops, 0)
	return ranks, buf
}

// insertionMax is the length up to which a run is insertion-sorted: a
// radix sort first counts 9 digits of every rank.
const insertionMax = 24

// sortRanks sorts r, whose windows are at depth, stably; tmp is scratch
// of r's length.
func sortRanks(r, tmp []rank, ops []store.Op, depth int) {
	if len(r) <= insertionMax {
		for i := 1; i < len(r); i++ {
			for j := i; j > 0 && r[j].less(&r[j-1]); j-- {
				r[j], r[j-1] = r[j-1], r[j]
			}
		}
	} else {
		radixSort(r, tmp)
	}
	// Keys that tie on the window and go on past it are ordered by the
	// next window.
	for i := 0; i < len(r); {
		j := i + 1
		for j < len(r) && r[j].w == r[i].w && r[j].rest == r[i].rest {
			j++
		}
		if j-i > 1 && r[i].rest == 9 {
			run := r[i:j]
			for n := range run {
				run[n].w, run[n].rest = window(ops[run[n].i].Key, depth+8)
			}
			sortRanks(run, tmp[i:j], ops, depth+8)
		}
		i = j
	}
}

// less orders ranks by window, then by what is left (a key that ends in
// the window precedes the longer keys it is a prefix of).
func (a *rank) less(b *rank) bool {
	if a.w != b.w {
		return a.w < b.w
	}
	return a.rest < b.rest
}

// window returns the 8 bytes of key from depth, big-endian and
// zero-padded, and how many bytes are left from depth (capped at 9).
func window(key []byte, depth int) (w uint64, rest uint32) {
	var b [8]byte
	copy(b[:], key[depth:])
	return binary.BigEndian.Uint64(b[:]), uint32(min(len(key)-depth, 9))
}

// radixSort sorts r stably by (w, rest), least significant digit first,
// using tmp (of r's length). Digit 0 is rest, 1-8 the bytes of w, lowest
// first; a digit that all ranks share is skipped (keys share long
// prefixes).
func radixSort(r, tmp []rank) {
	var counts [9][256]uint32
	for n := range r {
		x := &r[n]
		counts[0][x.rest]++
		for b := range 8 {
			counts[1+b][byte(x.w>>(8*b))]++
		}
	}
	src, dst := r, tmp
	for d := range counts {
		c := &counts[d]
		shift := 8 * ((d - 1) % 8)
		var first byte
		if d == 0 {
			first = byte(src[0].rest)
		} else {
			first = byte(src[0].w >> shift)
		}
		if c[first] == uint32(len(src)) {
			continue
		}
		var sum uint32
		for k := range c {
			c[k], sum = sum, sum+c[k]
		}
		if d == 0 {
			for _, x := range src {
				k := byte(x.rest)
				dst[c[k]] = x
				c[k]++
			}
		} else {
			for _, x := range src {
				k := byte(x.w >> shift)
				dst[c[k]] = x
				c[k]++
			}
		}
		src, dst = dst, src
	}
	if &src[0] != &r[0] {
		copy(r, src)
	}
}
