package lua

import "unsafe"

// Write journaling, the hook under persistent Memory (package persist).
//
// An object of a persistent graph (a table, closure, upvalue cell,
// coroutine or userdata) carries a *Persistent: its stable id and the
// journal its writes go to. Every write path of such an object tests one
// pointer (nil for every other object, so ordinary programs pay one
// predictable branch) and, the first time a given entry changes in the
// current transaction, logs it with its old value. The log is both the undo
// log (Rollback replays it backwards) and the list of dirty entries that a
// commit encodes.
//
// The write paths that log: Table.Set/SetInt/SetStr and the exec loop's
// table fast paths (setArr, setNode, insertNode), metatable changes
// (SetMetatable, setmetatable, debug.setmetatable), upvalue writes (SETUPVAL,
// UpVal.Set, debug.setupvalue), debug.upvaluejoin, and the resumption or
// closing of a coroutine, which snapshots the whole thread (its stack is
// written by register moves that no per-write hook could see).
//
// A persistent weak table that loses an entry in a collection logs the
// loss too (ChangeLost), so that the store forgets the entry at the next
// commit instead of bringing it back at the next load. A loss is a fact,
// not a write of the transaction: Rollback keeps it for the next commit,
// since the collected object cannot be restored.

// A Persistent marks an object as part of a persistent object graph.
type Persistent struct {
	ID uint64 // the object's stable id in its store
	// Aux is for the persistence layer's own use (a table's storage
	// layout, for instance); this package never reads it.
	Aux     uint32
	journal *Journal
}

// NewPersistent returns the mark of an object with the given id whose
// writes are logged in j.
func NewPersistent(id uint64, j *Journal) *Persistent { return &Persistent{ID: id, journal: j} }

// Mark is NewPersistent(id, j), allocated from a block: objects become
// persistent by the thousand in a commit or a load, and one allocation
// per 256 of them spares the collector (which costs most in WebAssembly).
func (j *Journal) Mark(id uint64) *Persistent {
	if len(j.marks) == 0 {
		j.marks = make([]Persistent, 256)
	}
	p := &j.marks[0]
	j.marks = j.marks[1:]
	p.ID, p.journal = id, j
	return p
}

// Journal returns the journal the object's writes go to.
func (p *Persistent) Journal() *Journal { return p.journal }

// A Journal logs the first write to each entry of its objects in the
// current transaction, with the entry's old value.
type Journal struct {
	changes []Change
	seen    map[changeKey]struct{}
	// paused is set while the journal itself writes (rolling back) and
	// once the journal is detached from a store that no longer exists.
	paused   bool
	detached bool
	last     changeKey    // the entry logged or found last: a loop writing one entry skips the map
	marks    []Persistent // the rest of the block Mark allocates from
}

// ChangeKind says what a Change records.
type ChangeKind uint8

const (
	ChangeEntry   ChangeKind = iota // Table[Key] changed; Old is its previous value
	ChangeMeta                      // Table's metatable changed; OldMeta is the previous one
	ChangeCell                      // Cell's value changed; Old is its previous value
	ChangeUpvalue                   // Closure's upvalue Index now uses another cell; OldCell is the previous one
	ChangeThread                    // Thread was resumed or closed; Image is its state before
	// ChangeLost: weak Table lost an entry to the garbage collector. Key
	// is its key, or nil when the key itself was collected: KeyID is then
	// the key object's persistent id (0 if it had none in this journal).
	ChangeLost
)

// A Change is one logged write: the first one to an entry in the current
// transaction.
type Change struct {
	Kind    ChangeKind
	Table   *Table
	Key     Value
	Old     Value
	OldMeta *Table
	Cell    *UpVal
	Closure *LuaFunction
	Index   int
	OldCell *UpVal
	Thread  *Thread
	Image   *ThreadImage
	KeyID   uint64
}

// changeKey identifies an entry for deduplication: strings by content, so
// that two string objects with the same text are one key.
type changeKey struct {
	obj  unsafe.Pointer
	kind ChangeKind
	p    unsafe.Pointer
	n    uint64
	s    string
}

// NewJournal returns an empty journal.
func NewJournal() *Journal { return &Journal{seen: make(map[changeKey]struct{})} }

// Changes returns the changes logged since the last Reset, oldest first.
// The slice is valid until the next write to a journaled object.
func (j *Journal) Changes() []Change { return j.changes }

// Len returns the number of changes logged since the last Reset.
func (j *Journal) Len() int { return len(j.changes) }

// Reset forgets the logged changes: the transaction committed.
func (j *Journal) Reset() {
	clear(j.changes)
	j.changes = j.changes[:0]
	clear(j.seen)
	j.last = changeKey{}
}

// SetPaused stops (true) or restarts (false) the logging of writes, for
// a loader filling objects that are already marked persistent.
func (j *Journal) SetPaused(paused bool) { j.paused = paused || j.detached }

// Detach stops the journal for good: its objects' writes are no longer
// logged (their store was closed or replaced).
func (j *Journal) Detach() {
	j.detached = true
	j.paused = true
	j.Reset()
}

// Rollback undoes every logged change, newest first, and resets the
// journal: the objects are as they were when the transaction began, but
// for the entries weak tables lost, which stay logged (ChangeLost).
func (j *Journal) Rollback() {
	j.paused = true
	var lost []Change
	for i := len(j.changes) - 1; i >= 0; i-- {
		c := &j.changes[i]
		switch c.Kind {
		case ChangeEntry:
			c.Table.Set(c.Key, c.Old) // the key was valid when it was written
		case ChangeMeta:
			c.Table.meta = c.OldMeta
			c.Table.flags = 0
		case ChangeCell:
			*c.Cell.v = c.Old
		case ChangeUpvalue:
			c.Closure.upvals[c.Index] = c.OldCell
		case ChangeThread:
			c.Thread.restoreImage(c.Image)
		case ChangeLost:
			lost = append(lost, *c)
		}
	}
	j.paused = j.detached
	j.Reset()
	for i := len(lost) - 1; i >= 0; i-- {
		j.changes = append(j.changes, lost[i])
	}
}

// first reports whether entry k of obj is written for the first time in
// the transaction, and records it as written.
func (j *Journal) first(obj unsafe.Pointer, kind ChangeKind, k Value) bool {
	if j.paused {
		return false
	}
	ck := changeKey{obj: obj, kind: kind, p: k.p, n: k.n}
	if k.p != nil && k.kind() == kindString {
		ck.p, ck.s = nil, k.str()
	}
	if ck == j.last {
		return false
	}
	j.last = ck
	if _, ok := j.seen[ck]; ok {
		return false
	}
	j.seen[ck] = struct{}{}
	return true
}

// logEntry records that t[k], now old, is about to change.
func (j *Journal) logEntry(t *Table, k, old Value) {
	if j.first(unsafe.Pointer(t), ChangeEntry, k) {
		j.changes = append(j.changes, Change{Kind: ChangeEntry, Table: t, Key: k, Old: old})
	}
}

// logMeta records that t's metatable is about to change.
func (j *Journal) logMeta(t *Table) {
	if j.first(unsafe.Pointer(t), ChangeMeta, Nil) {
		j.changes = append(j.changes, Change{Kind: ChangeMeta, Table: t, OldMeta: t.meta})
	}
}

// logCell records that u's value is about to change.
func (j *Journal) logCell(u *UpVal) {
	if j.first(unsafe.Pointer(u), ChangeCell, Nil) {
		j.changes = append(j.changes, Change{Kind: ChangeCell, Cell: u, Old: *u.v})
	}
}

// logUpvalue records that f's i-th upvalue is about to use another cell.
func (j *Journal) logUpvalue(f *LuaFunction, i int) {
	if j.first(unsafe.Pointer(f), ChangeUpvalue, Int(int64(i))) {
		j.changes = append(j.changes, Change{Kind: ChangeUpvalue, Closure: f, Index: i, OldCell: f.upvals[i]})
	}
}

// logThread records co's state before it is resumed or closed.
func (j *Journal) logThread(co *Thread) {
	if j.first(unsafe.Pointer(co), ChangeThread, Nil) {
		j.changes = append(j.changes, Change{Kind: ChangeThread, Thread: co, Image: co.image()})
	}
}

// logLost records that weak table t lost its entry at k (nil when the key
// was collected, keyID then being its persistent id, or 0).
func (j *Journal) logLost(t *Table, k Value, keyID uint64) {
	if !j.paused {
		j.changes = append(j.changes, Change{Kind: ChangeLost, Table: t, Key: k, KeyID: keyID})
	}
}

// persistentOf returns the persistence mark of object v, or nil.
func persistentOf(v Value) *Persistent {
	switch v.kind() {
	case kindTable:
		return (*Table)(v.p).pers
	case kindLuaFunction:
		return (*LuaFunction)(v.p).pers
	case kindThread:
		return (*Thread)(v.p).pers
	}
	return nil
}

// Persistent returns t's persistence mark, or nil.
func (t *Table) Persistent() *Persistent { return t.pers }

// SetPersistent marks t as persistent (or, with nil, as not).
func (t *Table) SetPersistent(p *Persistent) { t.pers = p }

// Persistent returns f's persistence mark, or nil.
func (f *LuaFunction) Persistent() *Persistent { return f.pers }

// SetPersistent marks f as persistent (or, with nil, as not).
func (f *LuaFunction) SetPersistent(p *Persistent) { f.pers = p }

// Persistent returns u's persistence mark, or nil.
func (u *UpVal) Persistent() *Persistent { return u.pers }

// SetPersistent marks u as persistent (or, with nil, as not).
func (u *UpVal) SetPersistent(p *Persistent) { u.pers = p }

// Persistent returns co's persistence mark, or nil.
func (co *Thread) Persistent() *Persistent { return co.pers }

// SetPersistent marks co as persistent (or, with nil, as not).
func (co *Thread) SetPersistent(p *Persistent) { co.pers = p }
