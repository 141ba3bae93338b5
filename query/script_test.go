package query

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// TestScripts runs the cases of testdata/*.lua: each chunk returns a
// collection, the indexes to build and a list of {spec, keys or count,
// plan}, with specs in the form the Lua binding receives.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := lua.NewState().DoString(string(src), "@"+file)
			if err != nil {
				t.Fatal(err)
			}
			script := res[0].AsTable()
			coll := script.GetStr("collection").AsTable()
			cat := NewCatalog()
			indexes := script.GetStr("indexes").AsTable()
			for i := int64(1); i <= indexes.Len(); i++ {
				def := indexes.GetInt(i).AsTable()
				field, _ := def.GetStr("field").AsString()
				kind, _ := def.GetStr("kind").AsString()
				if _, err := cat.CreateIndex(coll, "collection", field, Kind(kind)); err != nil {
					t.Fatal(err)
				}
			}
			cases := script.GetStr("cases").AsTable()
			for i := int64(1); i <= cases.Len(); i++ {
				c := cases.GetInt(i).AsTable()
				spec, err := SpecFromTable(c.GetStr("spec").AsTable())
				if err != nil {
					t.Errorf("case %d: %v", i, err)
					continue
				}
				got, err := cat.Query(coll, spec)
				if err != nil {
					t.Errorf("case %d: %v", i, err)
					continue
				}
				if plan, ok := c.GetStr("plan").AsString(); ok && got.Plan != plan {
					t.Errorf("case %d: plan %q, want %q", i, got.Plan, plan)
				}
				if count, ok := c.GetStr("count").AsInt(); ok {
					if int64(got.Count) != count {
						t.Errorf("case %d: count %d, want %d", i, got.Count, count)
					}
					continue
				}
				want := c.GetStr("keys").AsTable()
				ok := int64(len(got.Rows)) == want.Len()
				for j, row := range got.Rows {
					ok = ok && lua.RawEqual(row.Key, want.GetInt(int64(j)+1))
				}
				if !ok {
					t.Errorf("case %d: keys %s", i, formatRows(got.Rows))
				}
			}
		})
	}
}
