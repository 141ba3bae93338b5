package persist

import (
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/store"
)

// Garbage: objects that were persistent and became unreachable keep their
// records until the next Open, which marks everything reachable from the
// root and deletes the records of the rest (and of unused prototypes) in
// one maintenance batch. Commits never pay for it.

// collect deletes the records of the loaded objects that the root does
// not reach, and registers the metatables of the others with the
// collector (a garbage table's finalizer ran in the session that dropped
// it, or at its close).
func (l *loader) collect() error {
	db := l.db
	m := marker{db: db, marked: make(map[any]bool), usedProtos: make(map[protoHash]bool)}
	m.value(db.root.Value())
	m.run()
	var garbage []uint64
	l.objs.each(func(s *objSlot) {
		var p *lua.Persistent
		switch {
		case s.cell != nil:
			p = s.cell.Persistent()
		case s.v.Type() == lua.TypeNil:
			return // a record that failed to load
		default:
			p = persistentOf(s.v)
		}
		switch {
		case p != nil && p.Aux&auxMark == 0, p == nil && !m.marked[s.v]:
			garbage = append(garbage, s.id)
		default:
			l.trackMetatable(s.v)
		}
		if p != nil {
			p.Aux &^= auxMark | auxLeaf // clear the mark for the next walk
		}
	})
	var unusedProtos []protoHash
	for h := range l.protoRaw {
		if !m.usedProtos[h] {
			unusedProtos = append(unusedProtos, h)
		}
	}
	if len(garbage) == 0 && len(unusedProtos) == 0 {
		return nil
	}
	var b store.Batch
	var key []byte
	for _, id := range garbage {
		b.Delete(appendHeaderKey(key[:0], id))
		s := l.objs.get(id)
		if idKind(id) == kindTable {
			if p := persistentOf(s.v); p != nil && p.Aux&auxSpread != 0 {
				prefix := appendEntryPrefix(nil, id)
				err := db.backend.Scan(prefix, func(k, _ []byte) error {
					b.Delete(k)
					return nil
				})
				if err != nil {
					return err
				}
			}
		}
		switch v := s.v; {
		case v.AsGoFunction() != nil:
			delete(db.wraps, v.AsGoFunction())
		case v.AsUserdata() != nil:
			delete(db.userdata, v.AsUserdata())
		}
		if s.cell != nil {
			delete(db.openCells, s.cell)
		}
	}
	for _, h := range unusedProtos {
		b.Delete(appendProtoKey(key[:0], h))
		delete(db.protoStored, h)
	}
	db.collected = b.Len()
	// In key order, as commits are: a B+tree backend touches each page
	// once, and the host's log keeps sorted entries, which a load merges
	// without sorting them.
	order, _ := sortOps(b.Ops(), nil)
	b.Reorder(func(k int) int { return int(order[k].i) })
	return db.backend.Commit(&b)
}

// A marker marks the objects reachable from the values it is given:
// persistent objects through the auxMark bit of their mark, wrap functions
// and userdata in a set. Permanent values and objects that are not part of
// the graph are not followed.
type marker struct {
	db         *DB
	marked     map[any]bool
	stack      []lua.Value
	cells      []*lua.UpVal
	usedProtos map[protoHash]bool
}

// value marks v and queues it, unless it is marked already.
func (m *marker) value(v lua.Value) {
	var p *lua.Persistent
	switch v.Type() {
	case lua.TypeTable:
		p = v.AsTable().Persistent()
	case lua.TypeFunction:
		if f := v.AsLuaFunction(); f != nil {
			p = f.Persistent()
		} else if _, ok := m.db.wraps[v.AsGoFunction()]; !ok {
			return
		}
	case lua.TypeThread:
		p = v.AsThread().Persistent()
	case lua.TypeUserdata:
		if _, ok := m.db.userdata[v.AsUserdata()]; !ok {
			return
		}
	default:
		return
	}
	if p != nil {
		if p.Journal() != m.db.journal || p.Aux&auxMark != 0 {
			return
		}
		p.Aux |= auxMark
		if p.Aux&auxLeaf != 0 {
			return // nothing to follow
		}
	} else {
		if v.AsGoFunction() == nil && v.AsUserdata() == nil || m.marked[v] {
			return // an object outside the graph (a permanent), or marked
		}
		m.marked[v] = true
	}
	m.stack = append(m.stack, v)
}

func (m *marker) cell(u *lua.UpVal) {
	p := u.Persistent()
	if p == nil || p.Journal() != m.db.journal || p.Aux&auxMark != 0 {
		return
	}
	p.Aux |= auxMark
	m.cells = append(m.cells, u)
}

// run follows the queued objects until none is left. Tables, nearly
// every object of a big graph, are walked directly; the rest through
// children.
func (m *marker) run() {
	follow := func(child any, _ step) bool {
		switch c := child.(type) {
		case *lua.UpVal:
			m.cell(c)
		case lua.Value:
			m.value(c)
		}
		return true
	}
	for len(m.stack) > 0 || len(m.cells) > 0 {
		if n := len(m.cells); n > 0 {
			u := m.cells[n-1]
			m.cells = m.cells[:n-1]
			m.value(u.Get())
			continue
		}
		v := m.stack[len(m.stack)-1]
		m.stack = m.stack[:len(m.stack)-1]
		if t := v.AsTable(); t != nil {
			if mt := t.Metatable(); mt != nil {
				m.value(mt.Value())
			}
			for pos, k, val := t.Iter(0); pos != 0; pos, k, val = t.Iter(pos) {
				m.value(k)
				m.value(val)
			}
			continue
		}
		if f := v.AsLuaFunction(); f != nil {
			h, _ := m.db.protoHashes.get(f.Proto())
			m.usedProtos[h] = true
		}
		children(v, follow)
	}
}

// persistentOf returns the Persistent mark of obj, or nil for objects that
// carry none.
func persistentOf(obj any) *lua.Persistent {
	switch o := obj.(type) {
	case *lua.UpVal:
		return o.Persistent()
	case lua.Value:
		switch {
		case o.AsTable() != nil:
			return o.AsTable().Persistent()
		case o.AsLuaFunction() != nil:
			return o.AsLuaFunction().Persistent()
		case o.AsThread() != nil:
			return o.AsThread().Persistent()
		}
	}
	return nil
}
