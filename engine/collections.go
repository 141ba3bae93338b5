package engine

import (
	"math"
	"weak"

	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/query"
)

// collections follows the collections that have a schema or an index
// through the journal's dirty stream.
//
// A write to a collection table changes the record at its key; a write to
// a table nested in a record (found through owners) changes that record;
// a write to Memory at a collection's name replaces the collection. sync
// turns the journal's new entries into these record changes and brings
// the indexes up to date; validate checks the changed records against the
// schemas at commit.
type collections struct {
	e       *Engine
	byName  map[string]*collection
	byTable map[*lua.Table]*collection
	// owners maps the tables of records to their record. weakOwners
	// does for the tables a weak table holds (a record of a weak-valued
	// collection and all its tables, a table in a weak-valued field),
	// without keeping them from the garbage collector. Weak handles cost
	// an allocation each, so the tables of ordinary records do without.
	owners     map[*lua.Table]owner
	weakOwners map[weak.Pointer[lua.Table]]owner
	cursor     int                  // journal changes already synced
	touched    map[recordRef]record // records changed in this transaction
	full       map[*collection]bool // collections replaced (or given a schema) in this transaction
	// checked holds the values a batch checked against the schema as it
	// set them: validate does not check a record again while it still
	// holds that value, unchanged inside.
	checked map[recordRef]lua.Value
	// defsChanged is set when the transaction changed schemas or index
	// definitions, which a rollback must then reload.
	defsChanged bool
}

// A collection is a named entry of Memory with a schema or indexes.
type collection struct {
	name    string
	table   *lua.Table // nil while Memory[name] is not a table
	schema  *Schema
	indexes []query.IndexDef
	// unowned is set while the tables of table's records are not yet in
	// owners: walking them all costs as much as building an index, so it
	// waits for the first write that needs owners (see ownPending).
	unowned bool
}

// An owner says which record a nested table belongs to: the record at key
// of c. When the collection holds its records weakly, or holds weakly a
// key that is an object, the owner holds them weakly too (weakRecord,
// weakKey), so as not to keep alive what the collector would take.
type owner struct {
	c          *collection
	key        lua.Value // nil when weakKey holds it
	weakKey    query.WeakKey
	record     *lua.Table
	weakRecord weak.Pointer[lua.Table]
}

// newOwner returns the owner of record rec at key of c.
func newOwner(c *collection, key lua.Value, rec *lua.Table) owner {
	o := owner{c: c, key: key}
	weakKeys, weakValues := query.WeakMode(c.table)
	if wk, ok := query.MakeWeakKey(key); ok && weakKeys {
		o.key, o.weakKey = lua.Nil, wk
	}
	if weakValues || o.key.IsNil() {
		o.weakRecord = weak.Make(rec)
	} else {
		o.record = rec
	}
	return o
}

// rec returns o's record, or nil if the garbage collector took it.
func (o owner) rec() *lua.Table {
	if o.record != nil {
		return o.record
	}
	return o.weakRecord.Value()
}

// recordKey returns o's key in its collection, or nil if the garbage
// collector took it.
func (o owner) recordKey() lua.Value {
	if o.key.IsNil() {
		return o.weakKey.Value()
	}
	return o.key
}

// weakValues reports whether t holds its values weakly.
func weakValues(t *lua.Table) bool {
	_, values := query.WeakMode(t)
	return values
}

// A recordRef identifies a record: its collection and its key, with
// strings by content (two string values with equal text are one key).
type recordRef struct {
	c   *collection
	key any
}

type record struct {
	c   *collection
	key lua.Value
}

func newCollections(e *Engine) *collections {
	return &collections{
		e:          e,
		byName:     make(map[string]*collection),
		byTable:    make(map[*lua.Table]*collection),
		owners:     make(map[*lua.Table]owner),
		weakOwners: make(map[weak.Pointer[lua.Table]]owner),
		touched:    make(map[recordRef]record),
		full:       make(map[*collection]bool),
		checked:    make(map[recordRef]lua.Value),
	}
}

// keyIdentity returns a comparable identity of a table key.
func keyIdentity(k lua.Value) any {
	if s, ok := k.AsString(); ok {
		return s
	}
	if f, ok := k.AsFloat(); ok {
		if i, exact := lua.FloatToInteger(f); exact {
			return i
		}
		if math.IsNaN(f) {
			return nil
		}
		return f
	}
	if i, ok := k.AsInt(); ok {
		return i
	}
	return k
}

// track returns the collection named name, following it from now on.
func (cs *collections) track(name string) *collection {
	if c, ok := cs.byName[name]; ok {
		return c
	}
	c := &collection{name: name}
	cs.byName[name] = c
	cs.rebind(c)
	return c
}

// rebind points c at the table Memory[name] holds now, moving its
// indexes, and marks all its records for validation.
func (cs *collections) rebind(c *collection) {
	t := cs.e.memory.GetStr(c.name).AsTable()
	if t == c.table {
		return
	}
	old := c.table
	if old != nil && cs.byTable[old] == c {
		delete(cs.byTable, old)
		cs.forgetAll(old)
	}
	c.table = t
	if t == nil {
		if old != nil {
			cs.e.catalog.CollectionReplaced(old, nil)
		}
		return
	}
	cs.byTable[t] = c
	switch {
	case old != nil:
		cs.e.catalog.CollectionReplaced(old, t)
	default:
		for _, d := range c.indexes {
			cs.e.catalog.CreateIndex(t, c.name, d.Field, d.Kind)
		}
	}
	c.unowned = true
	cs.full[c] = true
}

// isSystem reports whether t is the engine's own table or one of its
// entries (index and schema definitions, the audit log), which a
// transaction of createIndex, setSchema or an audited run writes to, and
// which no collection holds.
func (cs *collections) isSystem(t *lua.Table) bool {
	sys := cs.e.sys
	if t == sys {
		return true
	}
	for pos, _, v := sys.Iter(0); pos != 0; pos, _, v = sys.Iter(pos) {
		if v.AsTable() == t {
			return true
		}
	}
	return false
}

// ownPending records the owners of the records of every collection whose
// records are not in owners yet, and reports whether there was any.
func (cs *collections) ownPending() bool {
	walked := false
	for _, c := range cs.byName {
		if !c.unowned {
			continue
		}
		walked = true
		c.unowned = false
		if c.table == nil {
			continue
		}
		for pos, key, v := c.table.Iter(0); pos != 0; pos, key, v = c.table.Iter(pos) {
			if rec := v.AsTable(); rec != nil {
				cs.own(rec, newOwner(c, key, rec), false)
			}
		}
	}
	return walked
}

// own records that t and the tables nested in it belong to o's record;
// weakly is set when a weak table holds t.
func (cs *collections) own(t *lua.Table, o owner, weakly bool) {
	weakly = weakly || o.record == nil
	if weakly {
		w := weak.Make(t)
		if cur, ok := cs.weakOwners[w]; ok && cur == o {
			return
		}
		cs.weakOwners[w] = o
	} else {
		if cur, ok := cs.owners[t]; ok && cur == o {
			return
		}
		cs.owners[t] = o
	}
	weakly = weakly || weakValues(t)
	for pos, _, v := t.Iter(0); pos != 0; pos, _, v = t.Iter(pos) {
		if sub := v.AsTable(); sub != nil {
			cs.own(sub, o, weakly)
		}
	}
}

// lookup returns the owner recorded for t.
func (cs *collections) lookup(t *lua.Table) (owner, bool) {
	if o, ok := cs.owners[t]; ok {
		return o, true
	}
	if len(cs.weakOwners) == 0 {
		return owner{}, false
	}
	o, ok := cs.weakOwners[weak.Make(t)]
	return o, ok
}

// forget drops the owners of a record that left its collection.
func (cs *collections) forget(v lua.Value, c *collection) {
	rec := v.AsTable()
	if rec == nil {
		return
	}
	if o, ok := cs.lookup(rec); !ok || o.c != c || o.rec() != rec {
		return
	}
	var walk func(t *lua.Table)
	walk = func(t *lua.Table) {
		if o, ok := cs.lookup(t); !ok || o.rec() != rec {
			return
		}
		delete(cs.owners, t)
		if len(cs.weakOwners) > 0 {
			delete(cs.weakOwners, weak.Make(t))
		}
		for pos, _, v := t.Iter(0); pos != 0; pos, _, v = t.Iter(pos) {
			if sub := v.AsTable(); sub != nil {
				walk(sub)
			}
		}
	}
	walk(rec)
}

// forgetAll drops the owners of every record of a collection table.
func (cs *collections) forgetAll(t *lua.Table) {
	for pos, _, v := t.Iter(0); pos != 0; pos, _, v = t.Iter(pos) {
		if rec := v.AsTable(); rec != nil {
			if o, ok := cs.lookup(rec); ok {
				cs.forget(v, o.c)
			}
		}
	}
}

// memoryReplaced rebinds every collection after Memory itself changed.
func (cs *collections) memoryReplaced() {
	for _, c := range cs.byName {
		cs.rebind(c)
	}
}

// changed notes that record key of c changed.
func (cs *collections) changed(c *collection, key lua.Value) {
	id := keyIdentity(key)
	if id == nil {
		return
	}
	cs.touched[recordRef{c, id}] = record{c, key}
}

// changedInside notes that a table or value inside record key of c
// changed: a check made when the record was set no longer holds.
func (cs *collections) changedInside(c *collection, key lua.Value) {
	if len(cs.checked) > 0 {
		delete(cs.checked, recordRef{c, keyIdentity(key)})
	}
	cs.changed(c, key)
}

// setChecked notes that v, about to be set as record key of c, satisfies
// c's schema.
func (cs *collections) setChecked(c *collection, key, v lua.Value) {
	if id := keyIdentity(key); id != nil {
		cs.checked[recordRef{c, id}] = v
	}
}

// needsCheck reports whether record v at key of c must be checked at
// commit: it was not checked when a batch set it, or it changed since.
func (cs *collections) needsCheck(ref recordRef, v lua.Value) bool {
	done, ok := cs.checked[ref]
	return !ok || !lua.RawEqual(done, v)
}

// sync maps the journal's new entries to record changes and brings the
// indexes up to date with every record changed in the transaction.
func (cs *collections) sync() {
	changes := cs.e.db.Journal().Changes()
	lost := false
	for i := cs.cursor; i < len(changes); i++ {
		ch := &changes[i]
		if ch.Kind == lua.ChangeLost {
			cs.lost(ch)
			lost = true
			continue
		}
		if ch.Kind == lua.ChangeMeta {
			// A collection that becomes weak (or strong) holds its
			// records' owners the other way from now on, and its
			// indexes hold or leave out records with object keys.
			if c := cs.byTable[ch.Table]; c != nil {
				cs.forgetAll(ch.Table)
				c.unowned = true
				if len(c.indexes) > 0 {
					cs.e.catalog.Rebuild(ch.Table)
				}
			}
			continue
		}
		if ch.Kind != lua.ChangeEntry {
			continue
		}
		t := ch.Table
		if t == cs.e.memory {
			cs.memoryChanged(ch.Key)
			continue
		}
		if c := cs.byTable[t]; c != nil {
			cs.forget(ch.Old, c)
			if rec := t.Get(ch.Key).AsTable(); rec != nil {
				cs.own(rec, newOwner(c, ch.Key, rec), false)
			}
			cs.changed(c, ch.Key)
			continue
		}
		if o, ok := cs.owner(t); ok {
			if sub := t.Get(ch.Key).AsTable(); sub != nil {
				_, strong := cs.owners[t]
				cs.own(sub, o, !strong || weakValues(t))
			}
			cs.changedInside(o.c, o.recordKey())
		}
	}
	cs.cursor = len(changes)
	if lost {
		cs.dropCollected()
	}
	// A write after an entry's first in the transaction is not logged
	// again, so every record changed so far is re-read.
	for _, r := range cs.touched {
		if len(r.c.indexes) > 0 && r.c.table != nil {
			cs.e.catalog.RecordChanged(r.c.table, r.key)
		}
	}
}

// memoryChanged follows a change of Memory[key]: a collection by that
// name is now another table, or none.
func (cs *collections) memoryChanged(key lua.Value) {
	if name, ok := key.AsString(); ok {
		if c := cs.byName[name]; c != nil {
			cs.rebind(c)
		}
	}
}

// lost notes the record change of an entry a weak table lost to the
// garbage collector: a record of a weak collection, or a table or value
// inside a record.
func (cs *collections) lost(ch *lua.Change) {
	t := ch.Table
	if t == cs.e.memory {
		cs.memoryChanged(ch.Key)
		return
	}
	if c := cs.byTable[t]; c != nil {
		if !ch.Key.IsNil() {
			cs.changed(c, ch.Key)
			return
		}
		// The key itself was collected: which record went is unknown, so
		// the indexes are built again from what is left.
		if len(c.indexes) > 0 {
			cs.e.catalog.Rebuild(t)
		}
		return
	}
	if o, ok := cs.owner(t); ok {
		cs.changedInside(o.c, o.recordKey())
	}
}

// owner returns the record t belongs to, if t is in a record still held by
// its collection.
func (cs *collections) owner(t *lua.Table) (owner, bool) {
	o, ok := cs.lookup(t)
	if !ok && !cs.isSystem(t) && cs.ownPending() {
		o, ok = cs.lookup(t)
	}
	if !ok || o.c.table == nil || o.rec() == nil || o.recordKey().IsNil() || o.c.table.Get(o.recordKey()).AsTable() != o.rec() {
		return owner{}, false
	}
	return o, true
}

// dropCollected forgets the owners of tables the garbage collector took.
func (cs *collections) dropCollected() {
	for t := range cs.weakOwners {
		if t.Value() == nil {
			delete(cs.weakOwners, t)
		}
	}
}

// validate checks the records changed in the transaction, and every
// record of the collections replaced, against their schemas.
func (cs *collections) validate() error {
	for c := range cs.full {
		if c.schema == nil || c.table == nil {
			continue
		}
		for pos, key, v := c.table.Iter(0); pos != 0; pos, key, v = c.table.Iter(pos) {
			if len(cs.checked) > 0 && !cs.needsCheck(recordRef{c, keyIdentity(key)}, v) {
				continue
			}
			if err := c.schema.check(c.name, key, v); err != nil {
				return err
			}
		}
	}
	for ref, r := range cs.touched {
		if r.c.schema == nil || r.c.table == nil || cs.full[r.c] {
			continue
		}
		if v := r.c.table.Get(r.key); !v.IsNil() && cs.needsCheck(ref, v) {
			if err := r.c.schema.check(r.c.name, r.key, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// committed forgets the transaction's bookkeeping.
func (cs *collections) committed() {
	cs.cursor = 0
	clear(cs.touched)
	clear(cs.full)
	clear(cs.checked)
	cs.defsChanged = false
}

// rolledBack brings the bookkeeping back in line with the rolled-back
// graph: definitions, collection tables, and the indexes of the records
// the transaction had changed.
func (cs *collections) rolledBack() {
	if cs.defsChanged {
		cs.e.reloadDefinitions()
	} else {
		for _, c := range cs.byName {
			cs.rebind(c)
		}
		for _, r := range cs.touched {
			if r.c.table == nil {
				continue
			}
			if rec := r.c.table.Get(r.key).AsTable(); rec != nil {
				cs.own(rec, newOwner(r.c, r.key, rec), false)
			}
			if len(r.c.indexes) > 0 {
				cs.e.catalog.RecordChanged(r.c.table, r.key)
			}
		}
	}
	cs.committed()
}
