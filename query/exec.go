package query

import (
	"cmp"
	"math"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// Query runs spec over collection, using the collection's indexes where
// they help. Reads are raw (no metamethods) and nothing observable is
// written.
func (cat *Catalog) Query(collection *lua.Table, spec Spec) (*Result, error) {
	if collection == nil {
		return nil, printf.Errorf("cannot query: the collection is not a table")
	}
	r, err := compileSpec(spec)
	if err != nil {
		return nil, err
	}
	r.learnKeys(collection)
	p := cat.plan(collection, r)
	x := &run{coll: collection, r: r, p: p, res: &Result{Plan: p.explain(r, cat.indexes(collection))}}
	switch {
	case r.count:
		x.count()
	case p.ordered:
		x.stream()
	default:
		x.sortRows()
	}
	if !r.count {
		x.res.Count = len(x.res.Rows)
	}
	return x.res, nil
}

// A run is one execution of a plan.
type run struct {
	coll *lua.Table
	r    *request
	p    *plan
	res  *Result
	skip int // rows still to skip for the offset

	// keysOnly is set when the candidates of an index access need no
	// reading before they are ranked by key: each then passes a nil record.
	keysOnly bool
	// byKey, when set, ranks the matches of a scan by key: scanFor skips
	// those it would reject without calling the scan's callback.
	byKey *topK
}

// exact reports whether the access answers every condition.
func (x *run) exact() bool {
	return len(x.r.all) == 1 && x.r.all[0] == x.p.c && len(x.r.any) == 0 ||
		len(x.r.all) == 0 && x.p.anyDone
}

// matches applies the conditions the access did not answer.
func (x *run) matches(rec *lua.Table) bool { return x.r.matches(rec, x.p.c, x.p.anyDone) }

// each calls fn for each candidate record of a until fn returns false, and
// reports whether it went to the end. Index entries whose key holds no
// record (which maintenance rules out) are skipped.
func (x *run) each(a *access, fn func(key lua.Value, rec *lua.Table) bool) bool {
	switch a.kind {
	case accScan:
		for key, rec := range records(x.coll) {
			x.res.Examined++
			if !fn(key, rec) {
				return false
			}
		}
		return true
	case accRange, accOrder:
		return a.ix.walk(a.spans, a.desc, func(e entry) bool {
			x.res.Examined++
			if x.keysOnly {
				return fn(e.key, nil)
			}
			rec := x.coll.Get(e.key).AsTable()
			return rec == nil || fn(e.key, rec)
		})
	case accHash:
		for _, v := range hashValues(a.c) {
			b, _ := a.ix.buckets.get(v)
			for i := range b.len() {
				key := b.key(i)
				x.res.Examined++
				if x.keysOnly {
					if !fn(key, nil) {
						return false
					}
					continue
				}
				rec := x.coll.Get(key).AsTable()
				if rec != nil && !fn(key, rec) {
					return false
				}
			}
		}
		return true
	}
	var seen keyMap[struct{}]
	for _, part := range a.parts {
		more := x.each(part, func(key lua.Value, rec *lua.Table) bool {
			if _, dup := seen.get(key); dup {
				return true
			}
			seen.set(key, struct{}{})
			return fn(key, rec)
		})
		if !more {
			return false
		}
	}
	return true
}

// eachMatch is each passing only the records that satisfy the conditions
// the access did not answer. A scan for one condition, the commonest query
// without an index, runs a loop of its own (scanFor) that walks the
// field's path in place: the calls it saves per record (the iterator's,
// each's callback, matches, match, lookup) took a third of such a scan in
// wasm, and half of one on a nested field.
func (x *run) eachMatch(a *access, fn func(key lua.Value, rec *lua.Table) bool) bool {
	if c := x.soleCond(); c != nil && a.kind == accScan {
		return x.scanFor(c, fn)
	}
	return x.each(a, func(key lua.Value, rec *lua.Table) bool {
		return !x.matches(rec) || fn(key, rec)
	})
}

// scanFor calls fn for each record that satisfies c, until fn returns
// false, and reports whether it went to the end.
//
// It reads the records in batches, one step of the path at a time for
// the whole batch: each step's reads (the records' headers, then their
// slots for the field...) are cache misses independent of one another,
// which the processor then overlaps instead of waiting for each in turn.
// A scan of 10,000 records touches several megabytes in random order, and
// on a loaded machine waiting for memory was most of its time: batches of
// 16 made such scans 1.1 to 1.3 times as fast in wasm and 1.2 to 1.8
// natively (medians of interleaved runs, CPU time).
func (x *run) scanFor(c *cond, fn func(key lua.Value, rec *lua.Table) bool) bool {
	first, rest := c.path[0], c.path[1:]
	examined := 0 // a local: the field costs a store per record
	const batch = 16
	var keys, vals [batch]lua.Value
	var recs [batch]*lua.Table
	pos, key, v := x.coll.Iter(0)
	for pos != 0 {
		n := 0
		for ; n < batch && pos != 0; pos, key, v = x.coll.Iter(pos) {
			if rec := v.AsTable(); rec != nil {
				keys[n], recs[n] = key, rec
				n++
			}
		}
		examined += n
		for i := range n {
			vals[i] = recs[i].GetCanon(first)
		}
		for _, seg := range rest {
			for i := range n {
				if t := vals[i].AsTable(); t != nil {
					vals[i] = t.GetCanon(seg)
				} else {
					vals[i] = lua.Nil
				}
			}
		}
		for i := range n {
			if !c.matchValue(vals[i]) || x.byKey != nil && x.byKey.rejects(keys[i]) {
				continue
			}
			if !fn(keys[i], recs[i]) {
				x.res.Examined += examined - n + i + 1
				return false
			}
		}
	}
	x.res.Examined += examined
	return true
}

// soleCond returns the request's condition when it is the only one and
// not answered by the access; matches then means that condition.
func (x *run) soleCond() *cond {
	if len(x.r.all) != 1 || len(x.r.any) != 0 {
		return nil
	}
	if c := x.r.all[0]; c != x.p.c {
		return c
	}
	return nil
}

// count counts the matches. When the access answers every condition, it
// counts index entries without reading the records.
func (x *run) count() {
	p := x.p
	switch {
	case x.exact() && p.kind == accHash:
		x.res.Count = p.ix.hashCount(p.c)
		x.res.Examined = len(hashValues(p.c))
	case x.exact():
		x.keysOnly = true
		x.each(&p.access, func(lua.Value, *lua.Table) bool {
			x.res.Count++
			return true
		})
	default:
		x.eachMatch(&p.access, func(lua.Value, *lua.Table) bool {
			x.res.Count++
			return true
		})
	}
}

// stream takes the rows in the order the access yields them, stopping as
// soon as it has offset+limit. A walk of the sorted field's index misses
// the records without that field, which come last: a scan finds them if
// the walk ended short of the limit.
func (x *run) stream() {
	x.skip = x.r.offset
	complete := x.eachMatch(&x.p.access, x.emit)
	if complete && x.p.kind == accOrder {
		x.res.Plan += "; then records without " + x.r.sortField
		tail := x.newTopK(x.skip+x.r.limit-len(x.res.Rows), nil)
		x.each(&access{kind: accScan}, func(key lua.Value, rec *lua.Table) bool {
			if classOf(x.r.sortPath.lookup(rec)) == classNone && x.matches(rec) {
				tail.add(ranked{key: key, rec: rec})
			}
			return true
		})
		for _, row := range tail.sorted() {
			if !x.emit(row.key, row.rec) {
				break
			}
		}
	}
}

// emit adds a row after the offset, and reports whether more are wanted.
func (x *run) emit(key lua.Value, rec *lua.Table) bool {
	if x.skip > 0 {
		x.skip--
		return true
	}
	x.res.Rows = append(x.res.Rows, Row{key, rec})
	return len(x.res.Rows) < x.r.limit
}

// sortRows keeps the first offset+limit matches in the requested order
// (the sort field's, or the keys') while reading every candidate. Ranking
// an index's exact answer by key needs no record but those of the rows.
func (x *run) sortRows() {
	want := x.r.offset + x.r.limit
	if want < 0 { // overflow
		want = math.MaxInt
	}
	top := x.newTopK(want, x.r.sortPath)
	if x.keysOnly = x.r.sortPath == nil && x.exact(); x.keysOnly {
		x.each(&x.p.access, func(key lua.Value, _ *lua.Table) bool {
			top.add(ranked{key: key})
			return true
		})
	} else if x.r.sortPath == nil {
		x.byKey = top
		x.eachMatch(&x.p.access, func(key lua.Value, rec *lua.Table) bool {
			top.add(ranked{key: key, rec: rec})
			return true
		})
	} else {
		x.eachMatch(&x.p.access, func(key lua.Value, rec *lua.Table) bool {
			if sv := x.r.sortPath.lookup(rec); !top.rejectsValue(sv) {
				top.add(ranked{key: key, rec: rec, sv: sv})
			}
			return true
		})
	}
	x.skip = x.r.offset
	for _, row := range top.sorted() {
		if row.rec == nil {
			if row.rec = x.coll.Get(row.key).AsTable(); row.rec == nil {
				continue
			}
		}
		x.emit(row.key, row.rec)
	}
}

// A ranked row carries the value it is sorted by.
type ranked struct {
	key lua.Value
	rec *lua.Table
	sv  lua.Value
}

// topK keeps the k least rows seen. It collects rows as they come until it
// has k, and only then makes them a max-heap that each further row enters
// by displacing the greatest: a query whose matches all fit (a scan with
// no limit) moves no row until the end, and its rows, which a scan of an
// array-like collection yields in key order already, need no sorting.
type topK struct {
	k      int
	bySort bool // rank by sv, then key; else by key alone
	desc   bool // with bySort: sv descending
	heap   []ranked
	// heaped is set once heap is a max-heap (it reached k rows).
	heaped bool
	// Once t is full, the greatest row kept (heap[0]) bounds the rows
	// that can enter: most matches of a scan compare their key or sort
	// value with it and go no further. When t ranks by key, bound or
	// intBound is that row's key if it is a string or an integer; when t
	// ranks by sort value, intBound is its sort value if an integer.
	bound       string
	hasBound    bool
	intBound    int64
	hasIntBound bool
}

// rejects reports whether a row with key would not enter t, which ranks
// by key. (Keys are distinct: none equals the bound's but its own.)
func (t *topK) rejects(key lua.Value) bool {
	if s, ok := key.AsString(); ok {
		return t.hasBound && s >= t.bound
	}
	i, ok := key.AsInt()
	return ok && t.hasIntBound && i >= t.intBound
}

// rejectsValue reports whether a row whose sort value is sv would not
// enter t, which ranks by sort value. An equal value is left to add,
// which breaks the tie by key.
func (t *topK) rejectsValue(sv lua.Value) bool {
	i, ok := sv.AsInt()
	if !ok || !t.hasIntBound {
		return false
	}
	if t.desc {
		return i < t.intBound
	}
	return i > t.intBound
}

// setBound keeps the bound current after heap[0] changed.
func (t *topK) setBound() {
	if t.bySort {
		t.intBound, t.hasIntBound = t.heap[0].sv.AsInt()
	} else {
		t.bound, t.hasBound = t.heap[0].key.AsString()
		t.intBound, t.hasIntBound = t.heap[0].key.AsInt()
	}
}

// newTopK returns a topK ordering rows by sortPath's value (see Sort), or
// by key when sortPath is nil.
func (x *run) newTopK(k int, sortPath path) *topK {
	return &topK{k: k, bySort: sortPath != nil, desc: x.r.desc}
}

// cmp orders two rows. It is a method rather than a func field, and
// compares integer sort values in place, as most of a ranked scan's
// comparisons are: each call cost a handful of calls before.
func (t *topK) cmp(a, b *ranked) int {
	if !t.bySort {
		return compareKeys(a.key, b.key)
	}
	ai, aInt := a.sv.AsInt()
	bi, bInt := b.sv.AsInt()
	var c int
	if aInt && bInt {
		c = cmp.Compare(ai, bi)
	} else {
		aNone, bNone := classOf(a.sv) == classNone, classOf(b.sv) == classNone
		switch {
		case aNone && bNone:
			return compareKeys(a.key, b.key)
		case aNone:
			return 1
		case bNone:
			return -1
		}
		c = compareValues(a.sv, b.sv)
	}
	if c == 0 {
		c = compareKeys(a.key, b.key)
	}
	if t.desc {
		c = -c
	}
	return c
}

func (t *topK) add(row ranked) {
	switch {
	case len(t.heap) < t.k:
		t.heap = append(t.heap, row)
	case t.k == 0:
	default:
		if !t.heaped {
			t.heapify()
			t.setBound()
		}
		if t.cmp(&row, &t.heap[0]) < 0 {
			t.heap[0] = row
			t.siftDown(0, len(t.heap))
			t.setBound()
		}
	}
}

// heapify makes t.heap a max-heap.
func (t *topK) heapify() {
	for i := len(t.heap)/2 - 1; i >= 0; i-- {
		t.siftDown(i, len(t.heap))
	}
	t.heaped = true
}

// siftDown restores the heap order of h[:n] below i.
func (t *topK) siftDown(i, n int) {
	h := t.heap
	for {
		largest := i
		for _, child := range [2]int{2*i + 1, 2*i + 2} {
			if child < n && t.cmp(&h[child], &h[largest]) > 0 {
				largest = child
			}
		}
		if largest == i {
			return
		}
		h[i], h[largest] = h[largest], h[i]
		i = largest
	}
}

// sorted returns the kept rows in order, sorting them in place (a
// heapsort, which needs no generic sort instantiation in the binary)
// unless they came in order.
func (t *topK) sorted() []ranked {
	h := t.heap
	if !t.heaped {
		inOrder := true
		for i := 1; i < len(h) && inOrder; i++ {
			inOrder = t.cmp(&h[i-1], &h[i]) <= 0
		}
		if inOrder {
			return h
		}
		t.heapify()
	}
	for n := len(h) - 1; n > 0; n-- {
		h[0], h[n] = h[n], h[0]
		t.siftDown(0, n)
	}
	return h
}
