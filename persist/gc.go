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
// not reach.
func (l *loader) collect() error {
	db := l.db
	marked := make(map[any]bool) // objects without a Persistent mark (wraps, userdata)
	var stack []any
	push := func(obj any) {
		if p := persistentOf(obj); p != nil {
			if p.Aux&auxMark != 0 {
				return
			}
			p.Aux |= auxMark
		} else {
			if marked[obj] {
				return
			}
			marked[obj] = true
		}
		stack = append(stack, obj)
	}
	push(db.root.Value())
	usedProtos := make(map[protoHash]bool)
	for len(stack) > 0 {
		obj := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if v, ok := obj.(lua.Value); ok {
			if f := v.AsLuaFunction(); f != nil {
				h, _ := db.protoHashes.get(f.Proto())
				usedProtos[h] = true
			}
		}
		children(obj, func(child any, _ step) bool {
			if v, ok := child.(lua.Value); ok {
				if _, perm := db.registry.Name(v); perm {
					return true
				}
			}
			push(child)
			return true
		})
	}
	var garbage []uint64
	for id, v := range l.objs {
		if p := persistentOf(v); p != nil {
			if p.Aux&auxMark == 0 {
				garbage = append(garbage, id)
			}
		} else if !marked[v] {
			garbage = append(garbage, id)
		}
	}
	for id, u := range l.cells {
		if u.Persistent().Aux&auxMark == 0 {
			garbage = append(garbage, id)
		}
	}
	var unusedProtos []protoHash
	for h := range l.protoRaw {
		if !usedProtos[h] {
			unusedProtos = append(unusedProtos, h)
		}
	}
	// Clear the marks for the next walk.
	for _, v := range l.objs {
		if p := persistentOf(v); p != nil {
			p.Aux &^= auxMark
		}
	}
	for _, u := range l.cells {
		u.Persistent().Aux &^= auxMark
	}
	if len(garbage) == 0 && len(unusedProtos) == 0 {
		return nil
	}
	var b store.Batch
	var key []byte
	for _, id := range garbage {
		b.Delete(appendHeaderKey(key[:0], id))
		if idKind(id) == kindTable {
			if p := persistentOf(l.objs[id]); p != nil && p.Aux&auxSpread != 0 {
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
		switch v := l.objs[id]; {
		case v.AsGoFunction() != nil:
			delete(db.wraps, v.AsGoFunction())
		case v.AsUserdata() != nil:
			delete(db.userdata, v.AsUserdata())
		}
		if u, ok := l.cells[id]; ok {
			delete(db.openCells, u)
		}
	}
	for _, h := range unusedProtos {
		b.Delete(appendProtoKey(key[:0], h))
		delete(db.protoStored, h)
	}
	db.collected = b.Len()
	return db.backend.Commit(&b)
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
