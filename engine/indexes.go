package engine

import (
	"maps"
	"slices"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/query"
)

// CreateIndex indexes field (a path such as "address.city") of the
// records of Memory.<collection>, with an index of kind "btree" (the
// default, for ranges, prefixes and sorting) or "hash" (equality). The
// collection is created empty if it does not exist. The definition
// persists: the index is rebuilt when the engine opens, and follows the
// collection when its table is replaced.
func (e *Engine) CreateIndex(collection, field string, kind query.Kind) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pending = append(e.pending, AuditEntry{Operation: "createIndex", Collection: collection, Key: field})
	return e.transaction("createIndex", func() error { return e.createIndex(collection, field, kind) })
}

// createIndex is CreateIndex inside a running transaction.
func (e *Engine) createIndex(collection, field string, kind query.Kind) error {
	if collection == "" {
		return printf.Errorf("createIndex: empty collection name")
	}
	if kind == "" {
		kind = query.KindBTree
	}
	c := e.colls.track(collection)
	if c.table == nil {
		if v := e.memory.GetStr(collection); !v.IsNil() {
			return printf.Errorf("cannot index Memory.%s: it is a %s, not a collection table", collection, v.TypeName())
		}
		e.memory.SetStr(collection, lua.NewTable(0, 0).Value())
		e.colls.rebind(c)
	}
	ix, err := e.catalog.CreateIndex(c.table, collection, field, kind)
	if err != nil {
		return err
	}
	for _, d := range c.indexes {
		if d == ix.Def() {
			return nil
		}
	}
	c.indexes = append(c.indexes, ix.Def())
	e.colls.defsChanged = true
	defs := subTable(e.sys, "indexes")
	d := lua.NewTable(0, 3)
	d.SetStr("collection", lua.String(collection))
	d.SetStr("field", lua.String(field))
	d.SetStr("kind", lua.String(string(ix.Def().Kind)))
	defs.SetInt(defs.Len()+1, d.Value())
	return nil
}

// DropIndex removes the index of Memory.<collection> on field (of the
// given kind, or all kinds when kind is "").
func (e *Engine) DropIndex(collection, field string, kind query.Kind) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.transaction("dropIndex", func() error { return e.dropIndex(collection, field, kind) })
}

func (e *Engine) dropIndex(collection, field string, kind query.Kind) error {
	c := e.colls.byName[collection]
	if c == nil || c.table == nil {
		return printf.Errorf("no index on Memory.%s", collection)
	}
	if err := e.catalog.DropIndex(c.table, field, kind); err != nil {
		return err
	}
	e.colls.defsChanged = true
	kept := c.indexes[:0]
	for _, d := range c.indexes {
		if !(d.Field == field && (kind == "" || d.Kind == kind)) {
			kept = append(kept, d)
		}
	}
	c.indexes = kept
	e.storeIndexDefs()
	return nil
}

// storeIndexDefs rewrites the persistent list of index definitions.
func (e *Engine) storeIndexDefs() {
	defs := lua.NewTable(0, 0)
	for _, d := range e.catalogDefs() {
		t := lua.NewTable(0, 3)
		t.SetStr("collection", lua.String(d.Collection))
		t.SetStr("field", lua.String(d.Field))
		t.SetStr("kind", lua.String(string(d.Kind)))
		defs.SetInt(defs.Len()+1, t.Value())
	}
	e.sys.SetStr("indexes", defs.Value())
}

// catalogDefs returns the index definitions of the tracked collections.
func (e *Engine) catalogDefs() []query.IndexDef {
	var defs []query.IndexDef
	for _, name := range slices.Sorted(maps.Keys(e.colls.byName)) {
		defs = append(defs, e.colls.byName[name].indexes...)
	}
	return defs
}

// Indexes returns the definitions of every index.
func (e *Engine) Indexes() []query.IndexDef {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.catalogDefs()
}

// Query runs spec over the records of Memory.<collection>, using its
// indexes where they help. It sees the changes of a transaction in
// progress (the Lua store.query) and changes nothing.
func (e *Engine) Query(collection string, spec query.Spec) (*query.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, ErrClosed
	}
	return e.query(collection, spec)
}

func (e *Engine) query(collection string, spec query.Spec) (*query.Result, error) {
	e.colls.sync()
	t := e.memory.GetStr(collection).AsTable()
	if t == nil {
		return nil, printf.Errorf("cannot query Memory.%s: it is not a table", collection)
	}
	return e.catalog.Query(t, spec)
}

// loadDefinitions sets up the schemas and indexes stored in root.engine.
func (e *Engine) loadDefinitions() error {
	e.colls = newCollections(e)
	e.catalog = query.NewCatalog()
	if schemas := e.sys.GetStr("schemas").AsTable(); schemas != nil {
		for pos, key, v := schemas.Iter(0); pos != 0; pos, key, v = schemas.Iter(pos) {
			name, _ := key.AsString()
			t := v.AsTable()
			if t == nil || name == "" {
				continue
			}
			s, err := SchemaFromTable(t)
			if err == nil {
				err = s.compile("")
			}
			if err != nil {
				e.warnings = append(e.warnings, printf.Errorf("engine: stored schema of '%s': %v", name, err))
				continue
			}
			e.colls.track(name).schema = &s
		}
	}
	if defs := e.sys.GetStr("indexes").AsTable(); defs != nil {
		for i := int64(1); i <= defs.Len(); i++ {
			d := defs.GetInt(i).AsTable()
			if d == nil {
				continue
			}
			coll, _ := d.GetStr("collection").AsString()
			field, _ := d.GetStr("field").AsString()
			kind, _ := d.GetStr("kind").AsString()
			c := e.colls.track(coll)
			def := query.IndexDef{Collection: coll, Field: field, Kind: query.Kind(kind)}
			if c.table != nil {
				if _, err := e.catalog.CreateIndex(c.table, coll, field, def.Kind); err != nil {
					e.warnings = append(e.warnings, printf.Errorf("engine: stored index on %s.%s: %v", coll, field, err))
					continue
				}
			}
			c.indexes = append(c.indexes, def)
		}
	}
	e.colls.committed()
	return nil
}

// reloadDefinitions rebuilds schemas and indexes after a rollback undid a
// change to them.
func (e *Engine) reloadDefinitions() {
	e.loadDefinitions()
}

// openStoreLib defines the Lua library store:
//
//	store.query(collection, spec) -> rows, plan   (or count, plan with count = true)
//	store.createIndex(collection, field [, kind])
//	store.dropIndex(collection, field [, kind])
//	store.indexes() -> {{collection=, field=, kind=}, ...}
//
// collection is a collection table (Memory.appUsers) or its name; spec is
// a query table (see query.SpecFromTable). Index changes made from Lua
// are part of the running transaction.
func (e *Engine) openStoreLib() {
	m := lua.NewTable(0, 4)
	def := func(name string, fn lua.GoFunc) {
		m.SetStr(name, lua.NewGoFunction("store."+name, fn).Value())
	}
	def("query", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		name, err := e.collectionArg(args, 1)
		if err != nil {
			return nil, err
		}
		st, err := lua.CheckTable(args, 2)
		if err != nil {
			return nil, err
		}
		spec, err := query.SpecFromTable(st)
		if err != nil {
			return nil, lua.Errorf("%s", err.Error())
		}
		res, err := e.query(name, spec)
		if err != nil {
			return nil, lua.Errorf("%s", err.Error())
		}
		if spec.Count {
			return t.Ret(lua.Int(int64(res.Count)), lua.String(res.Plan))
		}
		return t.Ret(res.Table().Value(), lua.String(res.Plan))
	})
	indexArgs := func(args []lua.Value) (string, string, query.Kind, error) {
		name, err := e.collectionArg(args, 1)
		if err != nil {
			return "", "", "", err
		}
		field, err := lua.CheckString(args, 2)
		if err != nil {
			return "", "", "", err
		}
		kind, err := lua.OptString(args, 3, "")
		return name, field, query.Kind(kind), err
	}
	def("createIndex", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		name, field, kind, err := indexArgs(args)
		if err != nil {
			return nil, err
		}
		if err := e.createIndex(name, field, kind); err != nil {
			return nil, lua.Errorf("%s", err.Error())
		}
		return nil, nil
	})
	def("dropIndex", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		name, field, kind, err := indexArgs(args)
		if err != nil {
			return nil, err
		}
		if err := e.dropIndex(name, field, kind); err != nil {
			return nil, lua.Errorf("%s", err.Error())
		}
		return nil, nil
	})
	def("indexes", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		list := lua.NewTable(0, 0)
		for i, d := range e.catalogDefs() {
			dt := lua.NewTable(0, 3)
			dt.SetStr("collection", lua.String(d.Collection))
			dt.SetStr("field", lua.String(d.Field))
			dt.SetStr("kind", lua.String(string(d.Kind)))
			list.SetInt(int64(i)+1, dt.Value())
		}
		return t.Ret(list.Value())
	})
	e.state.SetGlobal("store", m.Value())
	if loaded := e.state.Registry().GetStr("_LOADED").AsTable(); loaded != nil {
		loaded.SetStr("store", m.Value())
	}
}

// collectionArg returns the collection name of argument n: a name, or a
// table that is an entry of Memory.
func (e *Engine) collectionArg(args []lua.Value, n int) (string, error) {
	v := lua.Arg(args, n)
	if s, ok := v.AsString(); ok {
		return s, nil
	}
	t := v.AsTable()
	if t == nil {
		return "", lua.TypeError(n, "table", args)
	}
	for pos, key, val := e.memory.Iter(0); pos != 0; pos, key, val = e.memory.Iter(pos) {
		if name, isStr := key.AsString(); isStr && val.AsTable() == t {
			return name, nil
		}
	}
	return "", lua.ArgError(n, "not a collection of Memory")
}
