package query

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

func TestTmpDist(t *testing.T) {
	kinds := map[string]int{}
	nonempty := 0
	total := 0
	for i, defs := range indexSets {
		r := rand.New(rand.NewPCG(7, uint64(i)))
		for range 20 {
			coll := randomCollection(r, 40+r.IntN(200))
			cat := NewCatalog()
			for _, d := range defs {
				cat.CreateIndex(coll, "c", d.Field, d.Kind)
			}
			for range 200 {
				s := randomSpec(r)
				res, err := cat.Query(coll, s)
				if err != nil {
					t.Fatal(err)
				}
				total++
				if len(res.Rows) > 0 || res.Count > 0 {
					nonempty++
				}
				p := res.Plan
				for _, w := range []string{"(", "[", "\""} {
					p, _, _ = strings.Cut(p, w)
				}
				f := strings.Fields(p)
				kinds[strings.Join(f[:min(2, len(f))], " ")]++
			}
		}
	}
	var ks []string
	for k, v := range kinds {
		ks = append(ks, fmt.Sprintf("%6d %s", v, k))
	}
	sort.Strings(ks)
	t.Log(strings.Join(ks, "\n"), nonempty, total)
}
