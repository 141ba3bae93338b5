package persist

import (
	"slices"

	"github.com/luawasm/luawasm/lua"
)

// An objects is the loader's index of the objects by id. Ids count up
// from 1 (n in id = n<<3 | kind), so most of them index a slice directly:
// a load of a million records spent a third of its time in a map's
// lookups. Ids the slice does not cover (beyond denseLimit, beyond what
// the records read so far justify, or a damaged record's id clashing
// with another's n) go to a map, so a bad id costs no large allocation.
type objects struct {
	dense  []objSlot // indexed by n
	sparse map[uint64]*objSlot
}

// An objSlot is one object of a load: its id (0: the slot is free), the
// object (v, or cell for an upvalue cell), whether its own record was
// read, and for a table whether its entries are spread, or whether it
// refers to no object (auxLeaf).
type objSlot struct {
	id     uint64
	v      lua.Value
	cell   *lua.UpVal
	filled bool
	spread bool
	leaf   bool
}

// denseLimit bounds the slice part of an objects index (4M objects).
const denseLimit = 1 << 22

// get returns the slot of id, or nil. The pointer is valid until the
// next add.
func (o *objects) get(id uint64) *objSlot {
	if n := id >> 3; n < uint64(len(o.dense)) {
		if s := &o.dense[n]; s.id == id {
			return s
		}
	}
	return o.sparse[id]
}

// add returns the slot of id, creating an empty one (id set, no object)
// if needed; the slice part grows to cover ids below room only (the
// loader's room follows the records read, so that a damaged id far
// beyond them costs a map entry, not a large slice). The pointer is valid
// until the next add.
func (o *objects) add(id uint64, room uint64) *objSlot {
	n := id >> 3
	if limit := min(room, denseLimit); n < uint64(len(o.dense)) || n < limit {
		if n >= uint64(len(o.dense)) {
			o.reserve(min(max(n+1, 2*uint64(len(o.dense))), limit))
		}
		s := &o.dense[n]
		if s.id == id {
			return s
		}
		if s.id == 0 {
			s.id = id
			return s
		}
	}
	if s, ok := o.sparse[id]; ok {
		return s
	}
	if o.sparse == nil {
		o.sparse = make(map[uint64]*objSlot)
	}
	s := &objSlot{id: id}
	o.sparse[id] = s
	return s
}

// reserve makes the slice part cover the ids whose n is below size.
func (o *objects) reserve(size uint64) {
	if size = min(size, denseLimit); size > uint64(len(o.dense)) {
		o.dense = slices.Grow(o.dense, int(size)-len(o.dense))[:size]
	}
}

// each calls fn for every slot in use.
func (o *objects) each(fn func(s *objSlot)) {
	for i := range o.dense {
		if s := &o.dense[i]; s.id != 0 {
			fn(s)
		}
	}
	for _, s := range o.sparse {
		fn(s)
	}
}
