package lua

import (
	"io"
	"os"
	"unsafe"
)

// A State is one Lua universe: globals, registry, per-type metatables and
// limits, shared by all of its threads (coroutines).
type State struct {
	globals   *Table
	registry  *Table
	typeMetas [8]*Table // metatables of non-table, non-userdata types, by Type
	main      *Thread

	// Stdout receives print and io.write output.
	Stdout io.Writer
}

// A Thread is a Lua thread: the main thread of a State or a coroutine.
type Thread struct {
	header
	state  *State
	retbuf []Value
}

// NewState returns a new state with no libraries opened.
func NewState() *State {
	s := &State{globals: NewTable(0, 64), registry: NewTable(0, 8), Stdout: os.Stdout}
	s.main = &Thread{header: header{kindThread}, state: s}
	return s
}

// Globals returns the global table (_G).
func (s *State) Globals() *Table { return s.globals }

// Registry returns the registry table.
func (s *State) Registry() *Table { return s.registry }

// MainThread returns the state's main thread.
func (s *State) MainThread() *Thread { return s.main }

// State returns the state t belongs to.
func (t *Thread) State() *State { return t.state }

// Value returns t as a Value.
func (t *Thread) Value() Value { return Value{p: unsafe.Pointer(t)} }

// AsThread returns v's thread, or nil.
func (v Value) AsThread() *Thread {
	if v.p != nil && *(*kind)(v.p) == kindThread {
		return (*Thread)(v.p)
	}
	return nil
}

// Ret returns vs as a Go function's results, copied into a buffer owned by
// the thread (valid until the next call on t).
func (t *Thread) Ret(vs ...Value) ([]Value, error) {
	t.retbuf = append(t.retbuf[:0], vs...)
	return t.retbuf, nil
}

// SetTypeMetatable sets the metatable shared by all values of type ty
// (ty must not be TypeTable or TypeUserdata, which have one per value).
func (s *State) SetTypeMetatable(ty Type, mt *Table) { s.typeMetas[ty] = mt }

// Metatable returns v's metatable, or nil.
func (s *State) Metatable(v Value) *Table {
	switch v.kind() {
	case kindTable:
		return (*Table)(v.p).meta
	case kindUserdata:
		return (*Userdata)(v.p).meta
	}
	return s.typeMetas[v.Type()]
}
