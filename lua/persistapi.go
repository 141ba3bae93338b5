package lua

import (
	"github.com/luawasm/luawasm/compile"
	"github.com/luawasm/luawasm/internal/printf"
)

// Constructors and accessors for the persistence layer, which rebuilds
// closures, upvalue cells and coroutine.wrap functions from stored
// records. (Journaling is in journal.go, coroutine images in
// threadimage.go.)

// A Prototype is a compiled function prototype prepared for one State: its
// constants converted to values once. Closures made from one Prototype
// share it.
type Prototype struct{ fp *funcProto }

// NewPrototype prepares p (typically from compile.Undump) for closures of s.
func (s *State) NewPrototype(p *compile.Proto) *Prototype {
	return &Prototype{s.newFuncProto(p)}
}

// Proto returns the compiled prototype.
func (p *Prototype) Proto() *compile.Proto { return p.fp.src }

// NewLuaFunction returns a closure of p over the given upvalue cells, one
// per upvalue of the prototype.
func NewLuaFunction(p *Prototype, upvals []*UpVal) (*LuaFunction, error) {
	if n := len(p.fp.src.Upvalues); n != len(upvals) {
		return nil, printf.Errorf("the function has %d upvalues, got %d cells", n, len(upvals))
	}
	for i, u := range upvals {
		if u == nil {
			return nil, printf.Errorf("upvalue %d has no cell", i+1)
		}
	}
	return &LuaFunction{header: header{kindLuaFunction}, proto: p.fp, upvals: upvals}, nil
}

// NewUpVal returns a closed upvalue cell holding v.
func NewUpVal(v Value) *UpVal { return newClosedUpVal(v) }

// IsOpen reports whether u still refers to a variable on a thread's stack
// (it then belongs to the thread's image).
func (u *UpVal) IsOpen() bool { return u.idx >= 0 }

// WrapThread returns the coroutine of a function made by coroutine.wrap,
// or nil for any other Go function.
func (f *GoFunction) WrapThread() *Thread {
	if f.special == spWrap {
		return f.co
	}
	return nil
}

// NewWrapFunction returns a function that resumes co as one made by
// coroutine.wrap does.
func (s *State) NewWrapFunction(co *Thread) *GoFunction {
	g := NewGoFunction("wrap", func(t *Thread, args []Value) ([]Value, error) {
		return t.state.wrapGo(t, co, append([]Value(nil), args...))
	})
	g.special = spWrap
	g.co = co
	return g
}
