package query

import (
	"cmp"
	"iter"
	"slices"
	"sort"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// A Catalog holds the indexes of a set of collections (the collections
// under one persistent root) and answers queries over them.
//
// The indexes follow the collections only through the maintenance calls:
// whoever writes to an indexed collection (the persistence layer, on every
// write path) calls RecordChanged for each record it set, replaced, changed
// inside or deleted, and CollectionReplaced when a collection's table
// itself is replaced. A Catalog is used from the goroutine that runs its
// Lua state, like the tables it reads.
type Catalog struct {
	colls map[*lua.Table][]*Index
}

// NewCatalog returns an empty Catalog.
func NewCatalog() *Catalog {
	return &Catalog{colls: make(map[*lua.Table][]*Index)}
}

// CreateIndex indexes field of collection, which is known as name, with an
// index of the given kind ("" means btree), building it from the current
// contents. Creating an index that exists returns it.
func (c *Catalog) CreateIndex(collection *lua.Table, name, field string, kind Kind) (*Index, error) {
	if collection == nil {
		return nil, printf.Errorf("cannot index collection '%s': it is not a table", name)
	}
	if kind == "" {
		kind = KindBTree
	}
	if kind != KindBTree && kind != KindHash && kind != KindSuffix {
		return nil, printf.Errorf("unknown index kind '%s' (expected btree, hash or suffix)", kind)
	}
	p, err := parsePath(field)
	if err != nil {
		return nil, err
	}
	return c.add(collection, IndexDef{Collection: name, Field: field, Kind: kind}, p), nil
}

// add builds the index def of collection unless collection has it already.
func (c *Catalog) add(collection *lua.Table, def IndexDef, p path) *Index {
	for _, ix := range c.colls[collection] {
		if ix.def.Field == def.Field && ix.def.Kind == def.Kind {
			return ix
		}
	}
	ix := newIndex(def, p)
	ix.build(collection)
	c.colls[collection] = append(c.colls[collection], ix)
	return ix
}

// DropIndex removes collection's index on field of the given kind, or all
// its indexes on field when kind is "".
func (c *Catalog) DropIndex(collection *lua.Table, field string, kind Kind) error {
	ixs := c.colls[collection]
	kept := slices.DeleteFunc(slices.Clone(ixs), func(ix *Index) bool {
		return ix.def.Field == field && (kind == "" || ix.def.Kind == kind)
	})
	if len(kept) == len(ixs) {
		if kind == "" {
			return printf.Errorf("no index on field '%s'", field)
		}
		return printf.Errorf("no %s index on field '%s'", kind, field)
	}
	if len(kept) == 0 {
		delete(c.colls, collection)
	} else {
		c.colls[collection] = kept
	}
	return nil
}

// Indexes returns the definitions of every index, ordered by collection,
// field and kind.
func (c *Catalog) Indexes() []IndexDef {
	var defs []IndexDef
	for _, ixs := range c.colls {
		for _, ix := range ixs {
			defs = append(defs, ix.def)
		}
	}
	// sort.Slice rather than slices.SortFunc: one more instantiation of
	// the generic sort would cost more wasm than this package's B-tree.
	sort.Slice(defs, func(i, j int) bool {
		a, b := defs[i], defs[j]
		return cmp.Or(cmp.Compare(a.Collection, b.Collection), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Kind, b.Kind)) < 0
	})
	return defs
}

// indexes returns collection's indexes.
func (c *Catalog) indexes(collection *lua.Table) []*Index { return c.colls[collection] }

// usableIndexes returns the indexes of collection that can answer queries:
// all but those that left out records with weakly held keys still alive.
func (c *Catalog) usableIndexes(collection *lua.Table) []*Index {
	ixs := c.colls[collection]
	for i, ix := range ixs {
		if !ix.usable() {
			usable := slices.Clone(ixs[:i])
			for _, ix := range ixs[i+1:] {
				if ix.usable() {
					usable = append(usable, ix)
				}
			}
			return usable
		}
	}
	return ixs
}

// RecordChanged brings collection's indexes up to date with the record at
// key, whatever happened to it: set, replaced, changed in a (nested) field,
// or deleted. It is cheap for a collection without indexes.
func (c *Catalog) RecordChanged(collection *lua.Table, key lua.Value) {
	ixs := c.colls[collection]
	if len(ixs) == 0 || !validKey(key) {
		return
	}
	key = normalize(key)
	rec := collection.Get(key).AsTable()
	for _, ix := range ixs {
		ix.update(collection, key, rec)
	}
}

// Rebuild builds collection's indexes again from its contents, for a change
// that RecordChanged cannot describe: a record whose key the garbage
// collector took (which key is unknown), or a new metatable, which may
// make the collection hold its keys weakly or strongly.
func (c *Catalog) Rebuild(collection *lua.Table) {
	ixs := c.colls[collection]
	delete(c.colls, collection)
	for _, ix := range ixs {
		c.add(collection, ix.def, ix.path)
	}
}

// CollectionReplaced moves the indexes of old to new, rebuilding them from
// new's contents (the assignment Memory.appUsers = {...}). When new is nil
// (the collection was deleted) the indexes are dropped. Indexes new already
// has are kept, and an index of old on the same field and kind is dropped.
func (c *Catalog) CollectionReplaced(old, new *lua.Table) {
	ixs := c.colls[old]
	if old == new || len(ixs) == 0 {
		return
	}
	delete(c.colls, old)
	if new == nil {
		return
	}
	for _, ix := range ixs {
		c.add(new, ix.def, ix.path)
	}
}

// records yields the entries of coll whose value is a table: the records.
// Other entries are not records, and no query or index sees them.
func records(coll *lua.Table) iter.Seq2[lua.Value, *lua.Table] {
	return func(yield func(lua.Value, *lua.Table) bool) {
		for pos, key, v := coll.Iter(0); pos != 0; pos, key, v = coll.Iter(pos) {
			if rec := v.AsTable(); rec != nil && !yield(key, rec) {
				return
			}
		}
	}
}

// validKey reports whether k can be a table key (neither nil nor NaN).
func validKey(k lua.Value) bool {
	f, isFloat := k.AsFloat()
	return !k.IsNil() && !(isFloat && f != f)
}
