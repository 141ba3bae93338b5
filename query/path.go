package query

import (
	"strings"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// A path is a parsed field name: "address.city" reads record.address.city.
// Each segment is a string key, made into a Lua string once so that every
// lookup reuses its cached hash instead of splitting and hashing per record.
type path []lua.Value

func parsePath(field string) (path, error) {
	if field == "" {
		return nil, printf.Errorf("field name is empty")
	}
	segs := strings.Split(field, ".")
	p := make(path, len(segs))
	for i, s := range segs {
		if s == "" {
			return nil, printf.Errorf("invalid field path '%s' (empty segment)", field)
		}
		p[i] = lua.String(s)
	}
	return p, nil
}

// lookup returns the value at p in rec (raw reads, no metamethods), or nil
// when a segment is missing or an intermediate value is not a table.
//
// A record that holds a segment's key as another string object with the
// same contents (records loaded from a store, or made by different chunks)
// is given p's object in its place (Table.GetCanon): comparing the
// objects' bytes cost two cache misses per record in a scan, and p's
// objects are learned from the first records (learnKeysFrom), so that every
// query and index build after the first finds the keys by identity.
func (p path) lookup(rec *lua.Table) lua.Value {
	v := rec.GetCanon(p[0])
	for _, seg := range p[1:] {
		t := v.AsTable()
		if t == nil {
			return lua.Nil
		}
		v = t.GetCanon(seg)
	}
	return v
}

// learnKeys makes each segment of p the very string object rec stores as
// that key (the same contents), when rec has it, and reports whether rec
// had them all. Records made by one Lua chunk share their field-name
// strings (the chunk's constants), and a table finds a key by identity
// before comparing hashes and bytes: after learning from one record, a
// lookup in the others costs no string comparison, which is a third of a
// scan otherwise.
func (p path) learnKeys(rec *lua.Table) bool {
	for i, seg := range p {
		if rec == nil {
			return false
		}
		want, _ := seg.AsString()
		found := false
		for pos, k, _ := rec.Iter(0); pos != 0; pos, k, _ = rec.Iter(pos) {
			if s, ok := k.AsString(); ok && s == want {
				p[i], found = k, true
				break
			}
		}
		if !found {
			return false
		}
		rec = rec.Get(p[i]).AsTable()
	}
	return true
}

// learnKeysFrom learns p's keys (learnKeys) from the first records of
// coll that have them, looking at a few: a path learned from none keeps
// its own strings, which every lookup then compares and gives the
// records in place of theirs (GetCanon), in every query, since each
// query makes its path anew.
func learnKeysFrom(coll *lua.Table, paths ...path) {
	const tries = 8
	left := 0
	for _, rec := range records(coll) {
		pending := paths[:0]
		for _, p := range paths {
			if !p.learnKeys(rec) {
				pending = append(pending, p)
			}
		}
		paths = pending
		if left++; len(paths) == 0 || left == tries {
			return
		}
	}
}
