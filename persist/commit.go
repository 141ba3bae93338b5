package persist

import (
	"encoding/binary"
	"slices"
	"time"
	"weak"

	"github.com/luawasm/luawasm/compile"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/store"
)

// Bits of lua.Persistent.Aux.
const (
	auxSpread uint32 = 1 << 0 // a table whose entries are separate records
	auxMark   uint32 = 1 << 1 // reached by the current marking walk
	// From a load until its garbage walk: a table that refers to no
	// object (no metatable, no table, function, coroutine or userdata
	// among its keys and values), which the walk marks without reading.
	auxLeaf uint32 = 1 << 2
)

// CommitStats describe a commit.
type CommitStats struct {
	Puts       int           // records written
	Deletes    int           // records deleted
	Bytes      int           // bytes of the records written (framed, after compression)
	NewObjects int           // objects that became persistent
	Duration   time.Duration // encoding plus the backend's commit
}

// Commit stores every change since the last commit as one atomic batch:
// the entries, cells and headers that changed, and the objects they made
// reachable, which become persistent. Its cost grows with the change, not
// with the size of the graph.
//
// A value that cannot be stored fails the commit with an
// *UnpersistableError naming its path; so does an error of the backend.
// On failure nothing is written and the graph is as before the call (the
// changes are still in the journal: the caller usually rolls back).
func (db *DB) Commit() (CommitStats, error) {
	if db.closed {
		return CommitStats{}, ErrClosed
	}
	start := time.Now()
	c := newCommitter(db)
	defer c.release()
	err := c.run()
	if err == nil && c.batch.Len() > 0 {
		err = db.backend.Commit(c.sortedBatch())
	}
	if err != nil {
		c.revert()
		return CommitStats{}, err
	}
	db.journal.Reset()
	db.touched = db.touched[:0]
	c.stats.Duration = time.Since(start)
	return c.stats, nil
}

// A committer encodes one commit.
type committer struct {
	db *DB
	// The batch being built: its operations' keys and values are slices
	// of the arena. (When the arena grows, the earlier slices keep
	// pointing into the old array, which nothing writes any more.)
	batch *store.Batch
	arena []byte
	ranks []rank // sortOps's buffer
	stats CommitStats

	key, payload, header []byte // scratch buffers

	// The objects that became persistent, in the order they were found,
	// each with the object it was reached from (for error paths); those
	// from next on are still to be written.
	newObjs []newObj
	next    int
	tables  []*lua.Table
	inTabs  map[*lua.Table]bool
	threads []*lua.Thread
	inThr   map[*lua.Thread]bool

	// What to undo if the commit fails.
	nextBefore  uint64
	spreadNow   []*lua.Table
	protosAdded []protoHash
	cellsBefore map[*lua.UpVal]*lua.Thread // openCells entries changed, with their old owner (nil: absent)
}

func newCommitter(db *DB) *committer {
	c := &committer{
		db:          db,
		inTabs:      make(map[*lua.Table]bool),
		inThr:       make(map[*lua.Thread]bool),
		nextBefore:  db.next,
		cellsBefore: make(map[*lua.UpVal]*lua.Thread),
	}
	if s := db.scratch; s != nil {
		c.ranks, c.arena, c.newObjs, c.batch = s.ranks, s.arena[:0], s.newObjs[:0], s.batch
	}
	if c.batch == nil {
		c.batch = new(store.Batch)
	}
	c.batch.Reset()
	return c
}

// arenaPerEntry is the arena room reserved per entry of a table spread
// whole: its entry record and the small record it may hold, ~115 bytes
// together for a record of six short fields. BenchmarkBatchSets (10,000
// such records) allocated 8.8 MB a batch with the room reserved, 12.8 MB
// without, 20.9 MB without this nor the lists' (ops, newObjs); 6.1 MB
// since the batch holds the operations itself (no list of persist's own),
// the new objects keep no path step, ranks and memstore's entries are
// half as big.
const arenaPerEntry = 128

// maxLikelyEntries bounds the entries for which room is reserved before
// it is known to be needed (4 MB of arena).
const maxLikelyEntries = 1 << 15

// maxScratch bounds the arena a DB keeps between commits: reusing the
// buffers spares similar commits their growth (and the garbage, which
// costs most in WebAssembly), without holding on to a huge one.
const maxScratch = 4 << 20

// release hands the committer's buffers back to the DB for the next
// commit.
func (c *committer) release() {
	if cap(c.arena) > maxScratch {
		c.db.scratch = nil
		return
	}
	clear(c.newObjs)
	c.batch.Reset()
	c.db.scratch = &scratch{c.ranks, c.arena, c.newObjs, c.batch}
}

// scratch holds a committer's buffers between commits.
type scratch struct {
	ranks   []rank
	arena   []byte
	newObjs []newObj
	batch   *store.Batch
}

// run fills the batch.
func (c *committer) run() error {
	db := c.db
	changes := db.journal.Changes()
	for i := range changes {
		if err := c.change(&changes[i]); err != nil {
			return err
		}
	}
	for _, u := range db.touched {
		if err := c.writeUserdata(u, db.userdata[u]); err != nil {
			return err
		}
	}
	for {
		switch {
		case c.next < len(c.newObjs):
			c.next++
			if err := c.writeNew(c.newObjs[c.next-1].obj); err != nil {
				return err
			}
		case len(c.tables) > 0:
			t := c.tables[0]
			c.tables = c.tables[1:]
			delete(c.inTabs, t)
			if err := c.writeTable(t, false); err != nil {
				return err
			}
		case len(c.threads) > 0:
			co := c.threads[0]
			c.threads = c.threads[1:]
			delete(c.inThr, co)
			if err := c.writeThread(co); err != nil {
				return err
			}
		default:
			if db.next != c.nextBefore {
				c.writeMeta()
			}
			return nil
		}
	}
}

// change handles one journaled write.
func (c *committer) change(ch *lua.Change) error {
	j := c.db.journal
	switch ch.Kind {
	case lua.ChangeEntry:
		p := ch.Table.Persistent()
		if p == nil || p.Journal() != j {
			return nil
		}
		if p.Aux&auxSpread == 0 {
			c.markTable(ch.Table)
			return nil
		}
		return c.writeEntry(ch.Table, p.ID, ch.Key, ch.Table.Get(ch.Key))
	case lua.ChangeMeta:
		if p := ch.Table.Persistent(); p != nil && p.Journal() == j {
			c.markTable(ch.Table)
		}
	case lua.ChangeCell:
		u := ch.Cell
		if p := u.Persistent(); p != nil && p.Journal() == j {
			if co, ok := c.db.openCells[u]; ok && u.IsOpen() {
				c.markThread(co) // the value is a slot of the coroutine's stack
				return nil
			}
			return c.writeCell(u, p.ID)
		}
	case lua.ChangeUpvalue:
		if p := ch.Closure.Persistent(); p != nil && p.Journal() == j {
			return c.writeClosure(ch.Closure, p.ID)
		}
	case lua.ChangeLost:
		return c.lost(ch)
	case lua.ChangeThread:
		co := ch.Thread
		if p := co.Persistent(); p != nil && p.Journal() == j {
			c.markThread(co)
			// Cells open on the old stack may have been closed since.
			for _, oc := range ch.Image.Open {
				if cp := oc.Cell.Persistent(); cp != nil && cp.Journal() == j && !oc.Cell.IsOpen() {
					c.setOpenCell(oc.Cell, nil)
					if err := c.writeCell(oc.Cell, cp.ID); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// lost handles an entry that a persistent weak table lost to the
// collector: its record goes, so that the next load does not bring the
// entry back.
func (c *committer) lost(ch *lua.Change) error {
	t := ch.Table
	p := t.Persistent()
	switch {
	case p == nil || p.Journal() != c.db.journal:
	case p.Aux&auxSpread == 0:
		c.markTable(t)
	case ch.Key.IsNil():
		// The key was collected: its id names the record, if it had one.
		if ch.KeyID != 0 {
			c.key = appendRef(appendEntryPrefix(c.key[:0], p.ID), ch.KeyID)
			c.del(c.key)
		}
	case t.Get(ch.Key).IsNil():
		return c.writeEntry(t, p.ID, ch.Key, lua.Nil)
	}
	// Otherwise the entry was set again since, and that write's change
	// stores it.
	return nil
}

func (c *committer) markTable(t *lua.Table) {
	if !c.inTabs[t] {
		c.inTabs[t] = true
		c.tables = append(c.tables, t)
	}
}

func (c *committer) markThread(co *lua.Thread) {
	if !c.inThr[co] {
		c.inThr[co] = true
		c.threads = append(c.threads, co)
	}
}

// setOpenCell records that u is open on co (nil: not open on a
// persistent coroutine), remembering the old state for revert.
func (c *committer) setOpenCell(u *lua.UpVal, co *lua.Thread) {
	old, had := c.db.openCells[u]
	if _, saved := c.cellsBefore[u]; !saved {
		if had {
			c.cellsBefore[u] = old
		} else {
			c.cellsBefore[u] = nil
		}
	}
	if co == nil {
		delete(c.db.openCells, u)
	} else {
		c.db.openCells[u] = co
	}
}

// revert undoes what run did to the graph: marks given to new objects,
// layouts, the id counter and the bookkeeping maps.
func (c *committer) revert() {
	db := c.db
	for _, n := range c.newObjs {
		if n.obj.cell != nil {
			n.obj.cell.SetPersistent(nil)
			continue
		}
		switch o := n.obj.v; {
		case o.AsTable() != nil:
			o.AsTable().SetPersistent(nil)
		case o.AsLuaFunction() != nil:
			o.AsLuaFunction().SetPersistent(nil)
		case o.AsThread() != nil:
			o.AsThread().SetPersistent(nil)
		case o.AsGoFunction() != nil:
			delete(db.wraps, o.AsGoFunction())
		case o.AsUserdata() != nil:
			delete(db.userdata, o.AsUserdata())
		}
	}
	for _, t := range c.spreadNow {
		if p := t.Persistent(); p != nil {
			p.Aux &^= auxSpread
		}
	}
	for _, h := range c.protosAdded {
		delete(db.protoStored, h)
	}
	for u, co := range c.cellsBefore {
		if co == nil {
			delete(db.openCells, u)
		} else {
			db.openCells[u] = co
		}
	}
	db.next = c.nextBefore
}

// keep copies p into the arena.
func (c *committer) keep(p []byte) []byte {
	start := len(c.arena)
	c.arena = append(c.arena, p...)
	return c.arena[start:len(c.arena):len(c.arena)]
}

// put frames payload into a record stored under key.
func (c *committer) put(key, payload []byte) {
	start := len(c.arena)
	c.arena = c.db.encoder.AppendRecord(c.arena, payload)
	value := c.arena[start:len(c.arena):len(c.arena)]
	c.batch.Add(store.Op{Key: c.keep(key), Value: value})
	c.stats.Puts++
	if c.stats.Puts%yieldEvery == 0 {
		lua.YieldToCollector()
	}
	c.stats.Bytes += len(value)
}

func (c *committer) del(key []byte) {
	c.batch.Add(store.Op{Key: c.keep(key), Delete: true})
	c.stats.Deletes++
}

// sortedBatch puts the batch in key order (the later of two operations on
// one key still comes later): a B+tree backend touches each page once,
// and new objects, whose ids grow, append.
func (c *committer) sortedBatch() *store.Batch {
	var order []rank
	order, c.ranks = sortOps(c.batch.Ops(), c.ranks)
	c.batch.Reorder(func(k int) int { return int(order[k].i) })
	return c.batch
}

func (c *committer) writeMeta() {
	p := binary.AppendUvarint(nil, FormatVersion)
	p = binary.AppendUvarint(p, c.db.next)
	p = binary.AppendUvarint(p, c.db.root.Persistent().ID)
	c.put(metaKey, p)
}

// appendValue appends the encoding of v, giving ids to the objects that
// become persistent; from says how v was reached, for error messages.
func (c *committer) appendValue(dst []byte, v lua.Value, from link) ([]byte, error) {
	if out, ok := appendScalar(dst, v); ok {
		return out, nil
	}
	if t := v.AsTable(); t != nil {
		// The common case first: a table already persistent.
		if p := t.Persistent(); p != nil && p.Journal() == c.db.journal {
			return appendRef(dst, p.ID), nil
		}
	}
	if name, ok := c.db.registry.Name(v); ok {
		return appendPermanent(dst, name), nil
	}
	id, err := c.objectID(v, from, true)
	if err != nil {
		return dst, err
	}
	return appendRef(dst, id), nil
}

// objectID returns the id of object v, giving it one (and queueing it to
// be written whole) when it is new and create is set; 0 when it is new
// and create is not set.
func (c *committer) objectID(v lua.Value, from link, create bool) (uint64, error) {
	db := c.db
	j := db.journal
	var kind objKind
	switch v.Type() {
	case lua.TypeTable:
		if p := v.AsTable().Persistent(); p != nil && p.Journal() == j {
			return p.ID, nil
		}
		kind = kindTable
	case lua.TypeFunction:
		if f := v.AsLuaFunction(); f != nil {
			if p := f.Persistent(); p != nil && p.Journal() == j {
				return p.ID, nil
			}
			kind = kindClosure
			break
		}
		g := v.AsGoFunction()
		if g.WrapThread() == nil {
			return 0, c.unpersistable(from, "cannot persist a host function")
		}
		if id, ok := db.wraps[g]; ok {
			return id, nil
		}
		kind = kindWrap
	case lua.TypeThread:
		co := v.AsThread()
		if p := co.Persistent(); p != nil && p.Journal() == j {
			return p.ID, nil
		}
		if co == db.state.MainThread() {
			return 0, c.unpersistable(from, "cannot persist the main thread")
		}
		if _, err := co.Image(); err != nil {
			return 0, c.unpersistable(from, "cannot persist a running coroutine")
		}
		kind = kindThread
	case lua.TypeUserdata:
		u := v.AsUserdata()
		if id, ok := db.userdata[u]; ok {
			return id, nil
		}
		if _, ok := u.Data.(Persistable); !ok {
			return 0, c.unpersistable(from, "cannot persist a userdata without a persist hook")
		}
		kind = kindUserdata
	default:
		return 0, c.unpersistable(from, "cannot persist a "+v.TypeName())
	}
	if !create {
		return 0, nil
	}
	db.next++
	id := makeID(db.next, kind)
	switch kind {
	case kindTable:
		v.AsTable().SetPersistent(j.Mark(id))
	case kindClosure:
		v.AsLuaFunction().SetPersistent(j.Mark(id))
	case kindThread:
		v.AsThread().SetPersistent(j.Mark(id))
	case kindWrap:
		db.wraps[v.AsGoFunction()] = id
	case kindUserdata:
		db.userdata[v.AsUserdata()] = id
	}
	c.newObjs = append(c.newObjs, newObj{objRef{v: v}, from.parent})
	c.stats.NewObjects++
	return id, nil
}

// cellID returns the id of cell u, making it persistent when it is new.
func (c *committer) cellID(u *lua.UpVal, from link) uint64 {
	if p := u.Persistent(); p != nil && p.Journal() == c.db.journal {
		return p.ID
	}
	c.db.next++
	id := makeID(c.db.next, kindCell)
	u.SetPersistent(c.db.journal.Mark(id))
	c.newObjs = append(c.newObjs, newObj{objRef{cell: u}, from.parent})
	c.stats.NewObjects++
	return id
}

// writeNew writes a new object whole.
func (c *committer) writeNew(obj objRef) error {
	if u := obj.cell; u != nil {
		return c.writeCell(u, u.Persistent().ID)
	}
	v := obj.v
	switch v.Type() {
	case lua.TypeTable:
		return c.writeTable(v.AsTable(), true)
	case lua.TypeThread:
		return c.writeThread(v.AsThread())
	case lua.TypeUserdata:
		u := v.AsUserdata()
		return c.writeUserdata(u, c.db.userdata[u])
	}
	if f := v.AsLuaFunction(); f != nil {
		return c.writeClosure(f, f.Persistent().ID)
	}
	g := v.AsGoFunction()
	co := g.WrapThread()
	id, err := c.objectID(co.Value(), link{objRef{v: v}, step{kind: stepWrapped}}, true)
	if err != nil {
		return err
	}
	c.put(appendHeaderKey(c.key[:0], c.db.wraps[g]), binary.AppendUvarint(c.payload[:0], id))
	return nil
}

// writeTable writes t's header; a packed table's header holds its
// entries. A table that outgrew the packed layout is spread (all its
// entries written), and so is a new one that is too large.
func (c *committer) writeTable(t *lua.Table, isNew bool) error {
	p := t.Persistent()
	tv := t.Value()
	payload := c.header[:0]
	defer func() { c.header = payload[:0] }()
	var err error
	if mt := t.Metatable(); mt != nil {
		payload, err = c.appendValue(payload, mt.Value(), link{objRef{v: tv}, step{kind: stepMeta}})
	} else {
		payload = append(payload, tagNil)
	}
	if err != nil {
		return err
	}
	spreadAll := false
	if p.Aux&auxSpread == 0 {
		// Encode the entries packed, unless there are too many.
		mark := len(payload)
		payload = append(payload, 0)
		countAt := len(payload)
		payload = append(payload, 0) // the count, a one-byte uvarint while n <= maxPackedEntries
		n := 0
		for pos, key, val := t.Iter(0); pos != 0; pos, key, val = t.Iter(pos) {
			if n++; n > maxPackedEntries {
				payload = payload[:mark]
				p.Aux |= auxSpread
				if !isNew {
					c.spreadNow = append(c.spreadNow, t)
				}
				spreadAll = true
				break
			}
			// Scalars first: the link, a 72-byte argument that only
			// objects need, costs in WebAssembly, where arguments go
			// through memory.
			if out, ok := appendScalar(payload, key); ok {
				payload = out
			} else if payload, err = c.appendValue(payload, key, link{objRef{v: tv}, step{kind: stepKey, key: key}}); err != nil {
				return err
			}
			if out, ok := appendScalar(payload, val); ok {
				payload = out
			} else if payload, err = c.appendValue(payload, val, link{objRef{v: tv}, step{kind: stepValue, key: key}}); err != nil {
				return err
			}
		}
		if !spreadAll {
			payload[countAt] = byte(n)
		}
	} else if isNew {
		spreadAll = true
	}
	if p.Aux&auxSpread != 0 {
		payload = append(payload, 1)
	}
	c.put(appendHeaderKey(c.key[:0], p.ID), payload)
	if spreadAll {
		// A record per entry, and likely one per new object an entry
		// holds (a new collection's records): room for them at once
		// spares the buffers their growth by doubling. What may not be
		// needed (an entry may hold a number) is reserved up to a bound.
		n := 0
		for pos, _, _ := t.Iter(0); pos != 0; pos, _, _ = t.Iter(pos) {
			n++
		}
		likely := min(n, maxLikelyEntries)
		c.batch.Grow(n + likely)
		c.newObjs = slices.Grow(c.newObjs, likely)
		c.arena = slices.Grow(c.arena, arenaPerEntry*likely)
		for pos, key, val := t.Iter(0); pos != 0; pos, key, val = t.Iter(pos) {
			if err := c.writeEntry(t, p.ID, key, val); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeEntry writes (or, for nil, deletes) the record of t[k] of a spread
// table.
func (c *committer) writeEntry(t *lua.Table, id uint64, k, v lua.Value) error {
	tv := t.Value()
	key := appendEntryPrefix(c.key[:0], id)
	var err error
	if v.IsNil() {
		// An object key that never was persistent has no record to delete.
		if out, ok := appendScalar(key, k); ok {
			key = out
		} else if name, ok := c.db.registry.Name(k); ok {
			key = appendPermanent(key, name)
		} else {
			kid, err := c.objectID(k, link{objRef{v: tv}, step{kind: stepKey, key: k}}, false)
			if err != nil || kid == 0 {
				return nil
			}
			key = appendRef(key, kid)
		}
		c.key = key
		c.del(key)
		return nil
	}
	// Scalars first, as in writeTable.
	if out, ok := appendScalar(key, k); ok {
		key = out
	} else if key, err = c.appendValue(key, k, link{objRef{v: tv}, step{kind: stepKey, key: k}}); err != nil {
		return err
	}
	c.key = key
	if out, ok := appendScalar(c.payload[:0], v); ok {
		c.payload = out
	} else if c.payload, err = c.appendValue(c.payload[:0], v, link{objRef{v: tv}, step{kind: stepValue, key: k}}); err != nil {
		return err
	}
	c.put(key, c.payload)
	return nil
}

// writeCell writes cell u: its value, or that it is open on a persistent
// coroutine's stack. A cell open on a coroutine that is not persistent is
// stored closed, with the variable's current value.
func (c *committer) writeCell(u *lua.UpVal, id uint64) error {
	payload := c.payload[:0]
	if _, ok := c.db.openCells[u]; ok && u.IsOpen() {
		payload = append(payload, 1)
	} else {
		var err error
		payload, err = c.appendValue(append(payload, 0), u.Get(), link{objRef{cell: u}, step{kind: stepCell}})
		if err != nil {
			return err
		}
	}
	c.payload = payload
	c.put(appendHeaderKey(c.key[:0], id), payload)
	return nil
}

// writeClosure writes f's header, and its prototype if it is not stored.
func (c *committer) writeClosure(f *lua.LuaFunction, id uint64) error {
	h := c.protoHash(f.Proto())
	payload := append([]byte(nil), h[:]...)
	payload = binary.AppendUvarint(payload, uint64(f.NumUpvalues()))
	fv := f.Value()
	for i := range f.NumUpvalues() {
		name := ""
		if ups := f.Proto().Upvalues; i < len(ups) {
			name = ups[i].Name
		}
		payload = binary.AppendUvarint(payload, c.cellID(f.Upvalue(i), link{objRef{v: fv}, step{kind: stepUpvalue, name: name}}))
	}
	c.put(appendHeaderKey(c.key[:0], id), payload)
	return nil
}

// protoHash returns the hash of p, storing p the first time.
func (c *committer) protoHash(p *compile.Proto) protoHash {
	db := c.db
	h, ok := db.protoHashes.get(p)
	var dump []byte
	if !ok {
		dump = compile.Dump(p, false)
		h = hashProto(dump)
		db.protoHashes.put(p, h)
	}
	if !db.protoStored[h] {
		if dump == nil {
			dump = compile.Dump(p, false)
		}
		c.put(appendProtoKey(c.key[:0], h), dump)
		db.protoStored[h] = true
		c.protosAdded = append(c.protosAdded, h)
	}
	return h
}

// writeThread writes coroutine co's image, and marks the cells open on
// its stack as such.
func (c *committer) writeThread(co *lua.Thread) error {
	img, err := co.Image()
	if err != nil {
		return c.unpersistable(link{objRef{v: co.Value()}, step{kind: stepSelf}}, "cannot persist a running coroutine")
	}
	cv := co.Value()
	at := func(s stepKind, i int) link { return link{objRef{v: cv}, step{kind: s, index: i}} }
	p := []byte{0}
	if img.Dead {
		p[0] |= 1
	}
	if img.Death != nil {
		p[0] |= 2
	}
	if p, err = c.appendValue(p, img.Body, at(stepBody, 0)); err != nil {
		return err
	}
	p = binary.AppendUvarint(p, uint64(img.Top))
	p = binary.AppendUvarint(p, uint64(len(img.Stack)))
	for i, v := range img.Stack {
		if p, err = c.appendValue(p, v, at(stepSlot, i)); err != nil {
			return err
		}
	}
	p = binary.AppendUvarint(p, uint64(len(img.Frames)))
	for i, f := range img.Frames {
		if p, err = c.appendValue(p, f.Func, at(stepFrame, i)); err != nil {
			return err
		}
		p = binary.AppendUvarint(p, uint64(f.Flags))
		for _, n := range [...]int{f.FuncIdx, f.Base, f.Top, f.PC} {
			p = binary.AppendUvarint(p, uint64(n))
		}
		p = binary.AppendVarint(p, int64(f.NResults))
		for _, n := range [...]int{f.NExtra, f.Aux, f.PcallDst} {
			p = binary.AppendUvarint(p, uint64(n))
		}
		if p, err = c.appendValue(p, f.Handler, at(stepFrame, i)); err != nil {
			return err
		}
		p = binary.AppendUvarint(p, uint64(f.SavedNC))
	}
	p = binary.AppendUvarint(p, uint64(len(img.Open)))
	for _, oc := range img.Open {
		p = binary.AppendUvarint(p, uint64(oc.Slot))
		p = binary.AppendUvarint(p, c.cellID(oc.Cell, at(stepSlot, oc.Slot)))
	}
	p = binary.AppendUvarint(p, uint64(len(img.TBC)))
	for _, s := range img.TBC {
		p = binary.AppendUvarint(p, uint64(s))
	}
	if p, err = c.appendValue(p, img.ErrFunc, at(stepHandler, 0)); err != nil {
		return err
	}
	p = binary.AppendUvarint(p, uint64(img.NPCall))
	if img.Death != nil {
		if p, err = c.appendValue(p, img.Death.Value, at(stepDeath, 0)); err != nil {
			return err
		}
	}
	c.put(appendHeaderKey(c.key[:0], co.Persistent().ID), p)
	// The open cells' values are now slots of this image.
	for _, oc := range img.Open {
		if c.db.openCells[oc.Cell] != co {
			c.setOpenCell(oc.Cell, co)
		}
		c.put(appendHeaderKey(c.key[:0], oc.Cell.Persistent().ID), []byte{1})
	}
	return nil
}

// writeUserdata writes userdata u through its persist hook.
func (c *committer) writeUserdata(u *lua.Userdata, id uint64) error {
	uv := u.Value()
	h, ok := u.Data.(Persistable)
	if !ok {
		return c.unpersistable(link{objRef{v: uv}, step{kind: stepSelf}}, "cannot persist a userdata without a persist hook")
	}
	data, err := h.MarshalPersist()
	if err != nil {
		return c.unpersistable(link{objRef{v: uv}, step{kind: stepSelf}}, "cannot persist a userdata: "+err.Error())
	}
	p := appendString(nil, h.PersistType())
	p = appendString(p, string(data))
	meta := lua.Nil
	if mt := u.Metatable(); mt != nil {
		meta = mt.Value()
	}
	if p, err = c.appendValue(p, meta, link{objRef{v: uv}, step{kind: stepMeta}}); err != nil {
		return err
	}
	if p, err = c.appendValue(p, u.UserValue, link{objRef{v: uv}, step{kind: stepUserValue}}); err != nil {
		return err
	}
	c.put(appendHeaderKey(c.key[:0], id), p)
	return nil
}

// A protoCache remembers the hashes of prototypes, so that closures made
// of one prototype in later commits do not dump it again. It holds the
// prototypes weakly (each Eval compiles new ones) and drops the entries
// of collected ones whenever it has doubled in size.
type protoCache struct {
	m       map[weak.Pointer[compile.Proto]]protoHash
	cleanAt int
}

func (pc *protoCache) get(p *compile.Proto) (protoHash, bool) {
	h, ok := pc.m[weak.Make(p)]
	return h, ok
}

func (pc *protoCache) put(p *compile.Proto, h protoHash) {
	if pc.m == nil {
		pc.m = make(map[weak.Pointer[compile.Proto]]protoHash)
	}
	if len(pc.m) >= pc.cleanAt {
		for k := range pc.m {
			if k.Value() == nil {
				delete(pc.m, k)
			}
		}
		pc.cleanAt = max(2*len(pc.m), 64)
	}
	pc.m[weak.Make(p)] = h
}
