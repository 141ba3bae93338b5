package query

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/btree"
	"github.com/luawasm/luawasm/lua"
)

type revEntry struct {
	rev string
	key lua.Value
}

func reverse(s string) string {
	b := []byte(s)
	slices.Reverse(b)
	return string(b)
}

type trigramIndex struct {
	post map[string][]lua.Value
}

func buildTrigram(coll *lua.Table, p path) *trigramIndex {
	ix := &trigramIndex{post: map[string][]lua.Value{}}
	for k, rec := range records(coll) {
		s, ok := p.lookup(rec).AsString()
		if !ok {
			continue
		}
		seen := map[string]bool{}
		for i := 0; i+3 <= len(s); i++ {
			g := s[i : i+3]
			if !seen[g] {
				seen[g] = true
				ix.post[g] = append(ix.post[g], k)
			}
		}
	}
	return ix
}

func (ix *trigramIndex) query(coll *lua.Table, p path, needle string) (n, examined int) {
	// the rarest trigram's postings, verified
	var best []lua.Value
	for i := 0; i+3 <= len(needle); i++ {
		l := ix.post[needle[i:i+3]]
		if best == nil || len(l) < len(best) {
			best = l
		}
	}
	for _, k := range best {
		examined++
		s, _ := p.lookup(coll.Get(k).AsTable()).AsString()
		if strings.Contains(s, needle) {
			n++
		}
	}
	return
}

func TestTmpNgram(t *testing.T) {
	coll := users(100000)
	p, _ := parsePath("email")
	cat := NewCatalog()
	timeit := func(name string, f func()) {
		best := time.Hour
		for range 15 {
			t0 := time.Now()
			f()
			best = min(best, time.Since(t0))
		}
		t.Logf("%-40s %v", name, best)
	}
	for _, suffix := range []string{".org", "777@y.org", "77777@y.org"} {
		timeit("scan endsWith "+suffix, func() {
			cat.Query(coll, Spec{Field: "email", Op: OpEndsWith, Value: lua.String(suffix), Limit: 10})
		})
	}
	for _, needle := range []string{"777", "r7777", "99999"} {
		timeit("scan contains "+needle, func() {
			cat.Query(coll, Spec{Field: "email", Op: OpContains, Value: lua.String(needle), Limit: 10})
		})
	}
	// reversed btree
	var tree *btree.BTreeG[revEntry]
	less := func(a, b revEntry) bool {
		if a.rev != b.rev {
			return a.rev < b.rev
		}
		return compareKeys(a.key, b.key) < 0
	}
	h0 := heapInUse()
	timeit("build reversed btree", func() {
		tree = btree.NewG(32, less)
		for k, rec := range records(coll) {
			if s, ok := p.lookup(rec).AsString(); ok {
				tree.ReplaceOrInsert(revEntry{reverse(s), k})
			}
		}
	})
	h1 := heapInUse()
	t.Logf("reversed btree: %.1f B/record", float64(h1-h0)/100000)
	for _, suffix := range []string{".org", "777@y.org", "77777@y.org"} {
		timeit("reversed endsWith "+suffix+" (all matches, key-sorted top 10)", func() {
			pre := reverse(suffix)
			var keys []lua.Value
			tree.AscendGreaterOrEqual(revEntry{pre, lua.Nil}, func(e revEntry) bool {
				if !strings.HasPrefix(e.rev, pre) {
					return false
				}
				keys = append(keys, e.key)
				return true
			})
			slices.SortFunc(keys, compareKeys)
			for _, k := range keys[:min(10, len(keys))] {
				coll.Get(k)
			}
		})
	}
	runtime.KeepAlive(tree)
	tree = nil
	var tri *trigramIndex
	h0 = heapInUse()
	timeit("build trigram", func() { tri = buildTrigram(coll, p) })
	h1 = heapInUse()
	t.Logf("trigram: %.1f B/record, %d trigrams", float64(h1-h0)/100000, len(tri.post))
	for _, needle := range []string{"777", "r7777", "99999"} {
		var n, ex int
		timeit("trigram contains "+needle, func() { n, ex = tri.query(coll, p, needle) })
		t.Logf("   %d matches, %d examined", n, ex)
	}
	fmt.Sprint()
}
