package query

import (
	"fmt"
	"strings"

	"github.com/luawasm/luawasm/lua"
)

// A path is a parsed field name: "address.city" reads record.address.city.
// Each segment is a string key, made into a Lua string once so that every
// lookup reuses its cached hash instead of splitting and hashing per record.
type path []lua.Value

func parsePath(field string) (path, error) {
	if field == "" {
		return nil, fmt.Errorf("field name is empty")
	}
	segs := strings.Split(field, ".")
	p := make(path, len(segs))
	for i, s := range segs {
		if s == "" {
			return nil, fmt.Errorf("invalid field path '%s' (empty segment)", field)
		}
		p[i] = lua.String(s)
	}
	return p, nil
}

// lookup returns the value at p in rec (raw reads, no metamethods), or nil
// when a segment is missing or an intermediate value is not a table.
func (p path) lookup(rec *lua.Table) lua.Value {
	v := rec.Get(p[0])
	for _, seg := range p[1:] {
		t := v.AsTable()
		if t == nil {
			return lua.Nil
		}
		v = t.Get(seg)
	}
	return v
}
