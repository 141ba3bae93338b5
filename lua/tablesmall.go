package lua

// Small tables are allocated with their first array or hash part in one
// object: the constructors of small records ({x = x, y = y}) and tuples
// ({left, right}) are the commonest tables made in loops, and in
// WebAssembly, where the collector runs on the one thread, every
// allocation saved counts. The parts stay allocated with the table if it
// later grows; Table is the first field, so a *Table is the start of the
// allocation (finalizers and weak pointers see the table itself).

type tableHash4 struct {
	Table
	nodes [4]node // hashSizeFor(n) for n in 1..3
}

// tableHash8 serves constructors with three or four fields, for which
// NEWTABLE asks for 4 hash slots (its size operand is a power of two):
// making {x = i, y = i, z = i} and adding a field measured 1.5-2.5x
// faster natively and ~15% less CPU in node than two allocations.
type tableHash8 struct {
	Table
	nodes [8]node // hashSizeFor(n) for n in 4..6
}

type tableArr2 struct {
	Table
	arr [2]Value
}

type tableArr4 struct {
	Table
	arr [4]Value
}

// newSmallTable returns an empty table with room for narr array items and
// nhash other entries in one allocation, or nil when the sizes are not
// small ones.
func newSmallTable(narr, nhash int) *Table {
	switch {
	case narr == 0 && nhash > 0 && nhash <= 3:
		st := &tableHash4{Table: Table{header: header{kindTable}}}
		st.Table.nodes = st.nodes[:]
		return &st.Table
	case narr == 0 && nhash > 3 && nhash <= 6:
		st := &tableHash8{Table: Table{header: header{kindTable}}}
		st.Table.nodes = st.nodes[:]
		return &st.Table
	case nhash == 0 && narr > 0 && narr <= 2:
		st := &tableArr2{Table: Table{header: header{kindTable}}}
		st.Table.arr = st.arr[:0]
		return &st.Table
	case nhash == 0 && narr > 2 && narr <= 4:
		st := &tableArr4{Table: Table{header: header{kindTable}}}
		st.Table.arr = st.arr[:0]
		return &st.Table
	}
	return nil
}
