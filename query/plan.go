package query

import (
	"math"
	"strings"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// accessKind is how a plan finds its candidate records.
type accessKind uint8

const (
	accScan  accessKind = iota // every record of the collection
	accRange                   // B-tree spans answering one condition
	accOrder                   // a whole B-tree, walked for a sort
	accHash                    // hash buckets answering one condition
	accUnion                   // one index access per Or condition, merged
)

// An access yields candidate records. Range and hash accesses yield exactly
// the records that satisfy their condition c, which is not checked again.
type access struct {
	kind  accessKind
	ix    *Index
	c     *cond
	spans []span // accRange, accOrder
	desc  bool   // accRange, accOrder: walk the spans backwards
	parts []*access
}

// A plan is an access and what the rows still need after it.
type plan struct {
	access
	ordered bool // the access yields rows in the requested order: no sort step
	anyDone bool // the access satisfied the Or group (accUnion)
}

// A span is the entries strictly between two bounds. Bounds are entries
// whose key is a sentinel (Nil below every key, keyHigh above), so no entry
// equals a bound: {v, Nil} is just before the first entry holding v.
type span struct{ lo, hi entry }

// classStart is the bound before every entry of class cls.
func classStart(cls class) entry {
	switch cls {
	case classNumber:
		return entry{lua.Float(math.Inf(-1)), lua.Nil}
	case classString:
		return entry{lua.String(""), lua.Nil}
	case classBool:
		return entry{lua.False, lua.Nil}
	}
	return entry{lua.True, keyHigh}
}

// classEnd is the bound after every entry of class cls.
func classEnd(cls class) entry { return classStart(cls + 1) }

// spansFor returns the spans of a B-tree holding the entries that satisfy c
// (one of the operators a B-tree answers), in index order.
func spansFor(c *cond) []span {
	below := func(v lua.Value) entry { return entry{v, lua.Nil} }
	above := func(v lua.Value) entry { return entry{v, keyHigh} }
	switch c.op {
	case OpEq:
		return []span{{below(c.val), above(c.val)}}
	case OpIn:
		spans := make([]span, len(c.vals))
		for i, v := range c.vals {
			spans[i] = span{below(v), above(v)}
		}
		return spans
	case OpLt:
		return []span{{classStart(c.cls), below(c.val)}}
	case OpLe:
		return []span{{classStart(c.cls), above(c.val)}}
	case OpGt:
		return []span{{above(c.val), classEnd(c.cls)}}
	case OpGe:
		return []span{{below(c.val), classEnd(c.cls)}}
	case OpBetween:
		if compareValues(c.lo, c.hi) > 0 {
			return nil
		}
		return []span{{below(c.lo), above(c.hi)}}
	case OpStartsWith:
		return prefixSpans(c.str)
	}
	panic("query: no B-tree spans for operator " + string(c.op))
}

// prefixSpans returns the span of the strings starting with p.
func prefixSpans(p string) []span {
	hi := classEnd(classString)
	if end, ok := prefixEnd(p); ok {
		hi = entry{lua.String(end), lua.Nil}
	}
	return []span{{entry{lua.String(p), lua.Nil}, hi}}
}

// prefixEnd returns the least string greater than every string starting
// with p; ok is false when there is none (p is empty or all 0xff bytes).
func prefixEnd(p string) (end string, ok bool) {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0xff {
			return p[:i] + string([]byte{p[i] + 1}), true
		}
	}
	return "", false
}

// wholeIndex is the span of every entry.
var wholeIndex = []span{{classStart(classNumber), classEnd(classBool)}}

// The planner weighs each way to answer a query by the number of entries
// and records it expects to touch:
//
//   - a full scan touches every record;
//   - an index access touches the entries matching its condition: a hash
//     index knows that number exactly, a B-tree (or suffix) range is
//     counted up to a cap;
//   - an access that yields rows in the requested order (a B-tree on the
//     sorted field, or any B-tree for the default order) stops after
//     offset+limit matches, so it touches about (offset+limit)/s entries,
//     where s is the estimated selectivity of the conditions left to
//     check: a condition with an index counts for its matches over the
//     collection's size, one without for 1/2;
//   - a walk of the sorted field's B-tree costs the same, with every
//     condition left to check;
//   - when every Or condition has an index, the union of their matches.
//
// It takes the cheapest, preferring ordered accesses on ties. With a single
// indexed way to answer, it takes that without estimating anything.
func (cat *Catalog) plan(coll *lua.Table, r *request) *plan {
	ixs := cat.usableIndexes(coll)
	n := 1
	for _, ix := range ixs {
		n = max(n, ix.Len())
	}
	want := math.Inf(1) // rows the query needs before it can stop
	if !r.count {
		want = float64(r.offset) + float64(r.limit)
	}

	// Every index access answering one of the AND conditions.
	var cands []*plan
	for _, c := range r.all {
		for _, ix := range ixs {
			if p := indexAccess(ix, c, r); p != nil {
				cands = append(cands, p)
			}
		}
	}
	var walk *plan
	if r.sortField != "" && !r.count && !sortAnswered(cands, r) {
		for _, ix := range ixs {
			if ix.def.Kind == KindBTree && ix.def.Field == r.sortField {
				walk = &plan{access: access{kind: accOrder, ix: ix, spans: wholeIndex, desc: r.desc}, ordered: true}
			}
		}
	}
	var union *plan
	if len(r.any) > 0 {
		union = unionAccess(ixs, r)
	}
	options := cands
	if walk != nil {
		options = append(options, walk)
	}
	if union != nil {
		options = append(options, union)
	}
	switch len(options) {
	case 0:
		return &plan{access: access{kind: accScan}}
	case 1:
		return options[0]
	}

	// Estimate each condition's matches with the cheapest of its accesses.
	// Hash counts are exact and free, so they come first: no B-tree range
	// needs counting beyond the cheapest of them.
	probeCap := 1024
	if !r.count {
		probeCap = max(probeCap, 4*int(min(want, float64(n))))
	}
	est := make(map[*plan]float64)
	for _, p := range cands {
		if p.kind == accHash {
			est[p] = p.estimate(probeCap, n)
			probeCap = min(probeCap, int(est[p])+1)
		}
	}
	sel := make(map[*cond]float64)
	for _, p := range cands {
		if p.kind != accHash {
			est[p] = p.estimate(probeCap, n)
		}
		if s, ok := sel[p.c]; !ok || est[p]/float64(n) < s {
			sel[p.c] = est[p] / float64(n)
		}
	}
	selOf := func(c *cond) float64 {
		if s, ok := sel[c]; ok {
			return max(s, 1/float64(n))
		}
		return 0.5
	}
	residual := func(skip *cond) float64 {
		s := 1.0
		for _, c := range r.all {
			if c != skip {
				s *= selOf(c)
			}
		}
		if len(r.any) > 0 {
			s *= 0.5
		}
		return s
	}

	best, bestCost := &plan{access: access{kind: accScan}}, float64(n)
	consider := func(p *plan, cost float64) {
		if cost < bestCost || cost == bestCost && p.ordered && !best.ordered {
			best, bestCost = p, cost
		}
	}
	for _, p := range cands {
		cost := est[p]
		if p.ordered {
			cost = min(cost, want/residual(p.c))
		}
		consider(p, cost)
	}
	if walk != nil {
		consider(walk, min(float64(n), want/residual(nil)))
	}
	if union != nil {
		total := 0.0
		for _, part := range union.parts {
			total += (&plan{access: *part}).estimate(probeCap, n)
		}
		consider(union, total)
	}
	return best
}

// indexAccess returns the access of ix answering c, or nil.
func indexAccess(ix *Index, c *cond, r *request) *plan {
	if ix.def.Field != c.field || !ix.answers(c.op) {
		return nil
	}
	switch ix.def.Kind {
	case KindHash:
		return &plan{access: access{kind: accHash, ix: ix, c: c}}
	case KindSuffix: // reversed strings are in no order a query asks for
		return &plan{access: access{kind: accRange, ix: ix, c: c, spans: prefixSpans(reverse(c.str))}}
	}
	ordered := r.sortField == "" || r.sortField == c.field
	return &plan{access: access{kind: accRange, ix: ix, c: c, spans: spansFor(c), desc: ordered && r.desc}, ordered: ordered}
}

// sortAnswered reports whether a B-tree access on the sorted field exists.
func sortAnswered(cands []*plan, r *request) bool {
	for _, p := range cands {
		if p.ordered && p.c.field == r.sortField {
			return true
		}
	}
	return false
}

// unionAccess returns the union of one index access per Or condition,
// preferring hash indexes, or nil if some Or condition has no index.
func unionAccess(ixs []*Index, r *request) *plan {
	u := &plan{access: access{kind: accUnion}, anyDone: true}
	for _, c := range r.any {
		var part *access
		for _, ix := range ixs {
			if p := indexAccess(ix, c, &request{}); p != nil && (part == nil || p.kind == accHash) {
				part = &p.access
			}
		}
		if part == nil {
			return nil
		}
		u.parts = append(u.parts, part)
	}
	return u
}

// estimate returns the number of entries p's access yields: exact for a
// hash index, counted up to probeCap for a B-tree range (beyond which it
// guesses a third of the collection, as the classic planners do).
func (p *plan) estimate(probeCap, n int) float64 {
	switch p.kind {
	case accHash:
		return float64(p.ix.hashCount(p.c))
	case accRange:
		m := p.ix.countSpans(p.spans, probeCap)
		if m >= probeCap {
			return max(float64(m), float64(n)/3)
		}
		return float64(m)
	}
	return float64(n)
}

// explain describes p for Result.Plan; ixs are the collection's indexes.
func (p *plan) explain(r *request, ixs []*Index) string {
	var b strings.Builder
	b.WriteString(p.access.explain(r, ixs))
	var filters []string
	for _, c := range r.all {
		if c != p.c {
			filters = append(filters, c.String())
		}
	}
	if len(r.any) > 0 && !p.anyDone {
		parts := make([]string, len(r.any))
		for i, c := range r.any {
			parts[i] = c.String()
		}
		filters = append(filters, "any("+strings.Join(parts, ", ")+")")
	}
	if len(filters) > 0 && p.kind != accScan {
		b.WriteString("; filter ")
		b.WriteString(strings.Join(filters, ", "))
	}
	switch {
	case r.count:
		b.WriteString("; count")
	case !p.ordered && r.sortField != "":
		b.WriteString("; sort by " + r.sortField)
		if r.desc {
			b.WriteString(" desc")
		}
	}
	return b.String()
}

func (a *access) explain(r *request, ixs []*Index) string {
	switch a.kind {
	case accScan:
		var reasons []string
		seen := make(map[string]bool)
		for _, c := range append(append([]*cond(nil), r.all...), r.any...) {
			reason := "no index on " + c.field
			for _, ix := range ixs {
				if ix.def.Field == c.field {
					reason = string(c.op)
					if ix.answers(c.op) {
						reason = ""
						if !ix.usable() {
							reason = "index on " + c.field + " leaves out weakly held keys"
						}
						break
					}
				}
			}
			if reason != "" && !seen[reason] {
				seen[reason] = true
				reasons = append(reasons, reason)
			}
		}
		switch {
		case len(reasons) == 0 && len(r.all)+len(r.any) > 0:
			return "full scan (cheaper than the indexes)"
		case len(reasons) == 0:
			return "full scan"
		}
		return "full scan (" + strings.Join(reasons, ", ") + ")"
	case accHash:
		return "hash lookup on " + a.c.field + valueCount(a.c)
	case accUnion:
		parts := make([]string, len(a.parts))
		for i, part := range a.parts {
			parts[i] = part.explain(r, ixs)
		}
		return "union (" + strings.Join(parts, " | ") + ")"
	}
	var s string
	switch {
	case a.ix.def.Kind == KindSuffix:
		s = printf.Sprintf("suffix lookup on %s %q", a.c.field, a.c.str)
	case a.kind == accOrder:
		s = "btree order on " + a.ix.def.Field
	case a.c.op == OpEq || a.c.op == OpIn:
		s = "btree lookup on " + a.c.field + valueCount(a.c)
	case a.c.op == OpStartsWith:
		s = printf.Sprintf("btree prefix on %s %q", a.c.field, a.c.str)
	default:
		s = "btree range on " + a.c.field + " " + rangeText(a.c)
	}
	if a.desc {
		s += " desc"
	}
	return s
}

func valueCount(c *cond) string {
	if c.op == OpIn {
		return printf.Sprintf(" (%d values)", len(c.vals))
	}
	return ""
}

// rangeText writes a comparison's range in interval notation.
func rangeText(c *cond) string {
	v := formatValue(c.val)
	switch c.op {
	case OpLt:
		return "(-inf, " + v + ")"
	case OpLe:
		return "(-inf, " + v + "]"
	case OpGt:
		return "(" + v + ", +inf)"
	case OpGe:
		return "[" + v + ", +inf)"
	}
	return "[" + formatValue(c.lo) + ", " + formatValue(c.hi) + "]"
}
