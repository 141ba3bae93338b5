package lua

// smallTable is a table and its first hash part in one allocation: the
// constructors of small records ({x = x, y = y}) are the commonest tables
// made in loops, and in WebAssembly, where the collector runs on the one
// thread, every allocation saved counts. The nodes stay allocated with the
// table if its hash part later grows; Table is the first field, so a
// *Table is the start of the allocation (finalizers and weak pointers
// see the table itself).
type smallTable struct {
	Table
	nodes [4]node // hashSizeFor(n) for n in 1..3
}

// newSmallTable returns an empty table with a hash part for three entries.
func newSmallTable() *Table {
	st := &smallTable{Table: Table{header: header{kindTable}}}
	st.Table.nodes = st.nodes[:]
	return &st.Table
}
