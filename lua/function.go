package lua

import (
	"unsafe"

	"github.com/luawasm/luawasm/compile"
)

// A LuaFunction is a closure: a prototype plus the upvalue cells it captured.
type LuaFunction struct {
	header
	proto  *funcProto
	upvals []*UpVal
	pers   *Persistent // non-nil when the closure is persistent
}

// Value returns f as a Value.
func (f *LuaFunction) Value() Value { return Value{p: unsafe.Pointer(f)} }

// AsLuaFunction returns v's Lua closure, or nil.
func (v Value) AsLuaFunction() *LuaFunction {
	if v.p != nil && *(*kind)(v.p) == kindLuaFunction {
		return (*LuaFunction)(v.p)
	}
	return nil
}

// Proto returns the compiled prototype the closure runs.
func (f *LuaFunction) Proto() *compile.Proto { return f.proto.src }

// NumUpvalues returns how many upvalues the closure has.
func (f *LuaFunction) NumUpvalues() int { return len(f.upvals) }

// Upvalue returns the closure's i-th (0-based) upvalue cell.
func (f *LuaFunction) Upvalue(i int) *UpVal { return f.upvals[i] }

// funcProto is the VM's view of a compile.Proto: the constants converted
// to Values once, so that loading a constant is a copy.
type funcProto struct {
	src       *compile.Proto
	code      []compile.Instruction
	k         []Value
	protos    []*funcProto
	numParams int
	isVararg  bool
	maxStack  int
	chunkID   string                // source as shown in messages ("x.lua", [string "..."])
	trap      []compile.Instruction // code with every opcode opTrap, for hooks (hook.go)
}

// newFuncProto converts p and its nested prototypes.
func newFuncProto(p *compile.Proto) *funcProto {
	fp := &funcProto{
		src:       p,
		code:      p.Code,
		k:         make([]Value, len(p.Constants)),
		protos:    make([]*funcProto, len(p.Protos)),
		numParams: p.NumParams,
		isVararg:  p.IsVararg,
		maxStack:  p.MaxStackSize,
		chunkID:   chunkID(p.Source),
	}
	for i, c := range p.Constants {
		fp.k[i] = constantValue(c)
		if fp.k[i].IsString() {
			stringHash((*stringObject)(fp.k[i].p)) // findConst needs it
		}
	}
	for i, q := range p.Protos {
		fp.protos[i] = newFuncProto(q)
	}
	return fp
}

// constantValue converts a compile-time constant.
func constantValue(c compile.Constant) Value {
	switch c := c.(type) {
	case bool:
		return Bool(c)
	case int64:
		return Int(c)
	case float64:
		return Float(c)
	case string:
		return String(c)
	}
	return Nil
}

// An UpVal is a variable captured by closures. While the variable's
// function is active the cell is open and v points at its stack slot; when
// the function returns (or the variable's block ends) the value moves into
// the cell and v points at closed. Closures created over the same variable
// share one cell.
type UpVal struct {
	v      *Value
	closed Value
	idx    int         // stack index while open, -1 once closed
	pers   *Persistent // non-nil when the cell is persistent: writes are journaled
}

// Get returns the variable's current value.
func (u *UpVal) Get() Value { return *u.v }

// Set assigns the variable. It is the only write path to upvalues besides
// SETUPVAL in the exec loop (see setUpvalue).
func (u *UpVal) Set(v Value) {
	if u.pers != nil {
		u.pers.journal.logCell(u)
	}
	*u.v = v
}

// newClosedUpVal returns a closed cell holding v.
func newClosedUpVal(v Value) *UpVal {
	u := &UpVal{closed: v, idx: -1}
	u.v = &u.closed
	return u
}

// findUpval returns the open cell for stack slot idx, creating it if needed.
// t.openUpvals is sorted by slot.
func (t *Thread) findUpval(idx int) *UpVal {
	n := len(t.openUpvals)
	i := n
	for i > 0 && t.openUpvals[i-1].idx >= idx {
		if t.openUpvals[i-1].idx == idx {
			return t.openUpvals[i-1]
		}
		i--
	}
	u := &UpVal{v: &t.stack[idx], idx: idx}
	if i == n {
		// The usual case: a variable of the running function, above
		// every open one.
		t.openUpvals = append(t.openUpvals, u)
		return u
	}
	t.openUpvals = append(t.openUpvals, nil)
	copy(t.openUpvals[i+1:], t.openUpvals[i:n])
	t.openUpvals[i] = u
	return u
}

// closeUpvals closes every open cell at slot level or above.
func (t *Thread) closeUpvals(level int) {
	n := len(t.openUpvals)
	for n > 0 {
		u := t.openUpvals[n-1]
		if u.idx < level {
			break
		}
		u.closed = *u.v
		u.v = &u.closed
		u.idx = -1
		n--
		t.openUpvals[n] = nil
	}
	t.openUpvals = t.openUpvals[:n]
}

// newClosure creates a closure of p inside the running function cl whose
// registers start at base.
func (t *Thread) newClosure(p *funcProto, cl *LuaFunction, base int) *LuaFunction {
	descs := p.src.Upvalues
	f := allocClosure(p, len(descs))
	for i := range descs {
		d := &descs[i]
		if d.InStack {
			f.upvals[i] = t.findUpval(base + d.Index)
		} else {
			f.upvals[i] = cl.upvals[d.Index]
		}
	}
	return f
}

// allocClosure allocates a closure and its upvalue array, in one block for
// the usual small counts.
func allocClosure(p *funcProto, n int) *LuaFunction {
	var f *LuaFunction
	switch n {
	case 0:
		f = &LuaFunction{}
	case 1:
		b := &struct {
			f LuaFunction
			u [1]*UpVal
		}{}
		f = &b.f
		f.upvals = b.u[:]
	case 2:
		b := &struct {
			f LuaFunction
			u [2]*UpVal
		}{}
		f = &b.f
		f.upvals = b.u[:]
	case 3:
		b := &struct {
			f LuaFunction
			u [3]*UpVal
		}{}
		f = &b.f
		f.upvals = b.u[:]
	default:
		f = &LuaFunction{upvals: make([]*UpVal, n)}
	}
	f.header = header{kindLuaFunction}
	f.proto = p
	return f
}
