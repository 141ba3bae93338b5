package query

import (
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// TestLearnKeysSkipsRecordsWithout checks that a path learns its key
// objects from a record that has the field when the first records lack
// it: the records' own key strings, not the query's copies.
func TestLearnKeysSkipsRecordsWithout(t *testing.T) {
	coll := lua.NewTable(2, 0)
	coll.SetInt(1, lua.NewTable(0, 1).Value()) // no address
	noCity := lua.NewTable(0, 1)
	noCity.Set(lua.String("address"), lua.NewTable(0, 0).Value())
	coll.SetInt(2, noCity.Value()) // address without city
	address, city := lua.String("address"), lua.String("city")
	addr := lua.NewTable(0, 1)
	addr.Set(city, lua.String("Lima"))
	rec := lua.NewTable(0, 1)
	rec.Set(address, addr.Value())
	coll.SetInt(3, rec.Value())

	p, err := parsePath("address.city")
	if err != nil {
		t.Fatal(err)
	}
	learnKeysFrom(coll, p)
	if p[0] != address || p[1] != city {
		t.Errorf("learned %v, want the third record's key objects %v", p, path{address, city})
	}
	if got, _ := p.lookup(rec).AsString(); got != "Lima" {
		t.Errorf("lookup = %v, want Lima", got)
	}
}
