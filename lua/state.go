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
	running   *Thread          // thread executing now
	strings   map[string]Value // string constants shared by loaded chunks

	// Stdout receives print and io.write output.
	Stdout io.Writer
	// Stderr receives warnings.
	Stderr io.Writer

	warnOn        bool // warn("@on") / warn("@off")
	warnCont      bool // the previous warning piece did not end the message
	gc            gcState
	stepBudget    int64  // back-jumps and calls left before the next budget check; see Tick
	checkInterval int64  // the current interval between budget checks
	lim           limits // sandbox limits (limits.go)

	upvalIDs     map[uintptr]*Userdata // debug.upvalueid's identities, by cell address
	upvalIDsLive int                   // size of upvalIDs after its last pruning

	// The trap copy whose slot patchedAt holds its real instruction while
	// the exec loop runs it after a hook (hook.go).
	patched   *funcProto
	patchedAt int
}

// A Thread is a Lua thread: the main thread of a State or a coroutine. It
// owns a value stack, on which every active function has a window of
// registers, and a chain of call frames.
type Thread struct {
	header
	state *State

	stack      []Value
	top        int        // first free slot for variable-count operations
	ci         *callInfo  // running frame
	hook       *hookState // debug.sethook's hook, or nil (next to ci: checked at every Lua call)
	baseCI     callInfo   // bottom of the frame chain (no function)
	openUpvals []*UpVal   // open upvalue cells sorted by stack slot
	tbc        []int      // stack slots of pending to-be-closed variables, ascending

	status   threadStatus
	resumer  *Thread // thread that resumed this coroutine while it runs
	nny      int     // active non-yieldable calls (Go code that called back into Lua)
	nCcalls  int     // nesting of Go-level calls, as the reference's C stack depth
	errfunc  Value   // message handler of the innermost xpcall, or Nil
	npcall   int     // active pcall/xpcall frames on this thread
	body     Value   // a coroutine's main function (until it starts)
	retbuf   []Value
	stackErr bool        // a stack overflow is being handled: the stack may use its reserve
	lastErr  error       // error of a slow path that returned stError
	deathErr *Error      // error that killed the coroutine, for coroutine.close
	pers     *Persistent // non-nil when the coroutine is persistent: resuming it is journaled
}

type threadStatus uint8

const (
	threadSuspended threadStatus = iota // coroutine created or yielded
	threadRunning
	threadNormal // resumed another coroutine
	threadDead   // finished or failed
)

// callInfo is one active function call.
type callInfo struct {
	prev, next *callInfo

	fn       Value          // the called function when it is a Go function (see function)
	lf       *LuaFunction   // the called function when it is a Lua function
	code, k  unsafe.Pointer // lf's instructions and constants, for the exec loop
	funcIdx  int            // stack slot of the function; results go here
	base     int            // first register (Lua functions)
	top      int            // Lua: base+maxStack; Go: end of its arguments
	pc       int            // Lua: next instruction
	nresults int            // expected results, or -1 for all
	nextra   int            // extra arguments of a vararg function
	aux      int            // RETURN interrupted by __close: result count; CONCAT: end of the operands
	flags    ciFlags
	// Protected frames: where the results go (the pcall's slot), the
	// message handler of the enclosing level and its Go-level call depth,
	// restored when the protected call ends.
	pcallDst int
	handler  Value
	savedNC  int
}

type ciFlags uint16

const (
	ciGo        ciFlags = 1 << iota // a Go function
	ciFresh                         // the exec loop returns when this frame returns
	ciProtected                     // pcall/xpcall run by the loop: catches errors (see pcallInLoop)
	ciPcallBody                     // function called by such a pcall: its return finishes the pcall
	ciFinish                        // metamethod called by an instruction: finish it on return
	ciTail                          // reached by a tail call
	ciCoBase                        // main function of a coroutine
	ciResume                        // coroutine.resume or a wrap function waiting for a coroutine
	ciWrap                          // (with ciResume) a wrap function: no status result, errors propagate
	ciGoResume                      // (with ciResume) resumed from Go: return from the exec loop on yield
	ciYield                         // coroutine.yield waiting to be resumed
	ciHooked                        // running a hook called from this frame
	ciFinalizer                     // running a __gc called from this frame
)

const (
	maxStack       = 1000000 // LUAI_MAXSTACK: slots per thread
	stackReserve   = 5000    // extra slots while handling a stack overflow
	maxCcalls      = 200     // LUAI_MAXCCALLS: nesting of Go-level calls
	basicStackSize = 2 * 20
)

// function returns the function running in frame ci.
func (ci *callInfo) function() Value {
	if ci.flags&ciGo == 0 && ci.lf != nil {
		return ci.lf.Value()
	}
	return ci.fn
}

// NewState returns a new state with no libraries opened.
func NewState() *State {
	s := &State{
		globals:       NewTable(0, 64),
		registry:      NewTable(0, 8),
		Stdout:        os.Stdout,
		Stderr:        os.Stderr,
		stepBudget:    1 << 12,
		checkInterval: 1 << 12,
	}
	s.main = s.newThread()
	s.main.status = threadRunning
	s.running = s.main
	s.registry.SetInt(1, s.main.Value()) // LUA_RIDX_MAINTHREAD
	s.registry.SetInt(2, s.globals.Value())
	s.gc.init()
	return s
}

// newThread returns a thread with an empty stack.
func (s *State) newThread() *Thread {
	t := &Thread{header: header{kindThread}, state: s}
	t.stack = make([]Value, basicStackSize)
	t.ci = &t.baseCI
	t.baseCI.flags = ciGo
	t.baseCI.top = 1
	t.top = 1 // slot 0 is the base frame's function slot
	return t
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
	if len(vs) == 1 && cap(t.retbuf) > 0 {
		// The usual single result, stored as one value: append would
		// copy it through a runtime call (typedslicecopy), which cost
		// ~7% of a loop of math.sqrt calls in WebAssembly.
		t.retbuf = t.retbuf[:1]
		t.retbuf[0] = vs[0]
		return t.retbuf, nil
	}
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

// checkStack makes room for slots up to (excluding) need, failing with
// "stack overflow" beyond the limit.
func (t *Thread) checkStack(need int) error {
	if need <= len(t.stack) {
		return nil
	}
	limit := maxStack
	if t.stackErr {
		limit += stackReserve
	}
	if need > limit {
		if t.stackErr {
			return &Error{Value: String("error in error handling"), processed: true}
		}
		t.stackErr = true
		return t.runtimeError("stack overflow")
	}
	t.growStack(need)
	return nil
}

// growStack reallocates the stack to hold at least need slots and re-points
// open upvalues at the new array.
func (t *Thread) growStack(need int) {
	n := 2 * len(t.stack)
	if n < need {
		n = need
	}
	limit := maxStack
	if t.stackErr {
		limit += stackReserve
	}
	if n > limit {
		n = limit
	}
	if n < need {
		n = need
	}
	ns := make([]Value, n)
	copy(ns, t.stack)
	t.stack = ns
	for _, u := range t.openUpvals {
		u.v = &ns[u.idx]
	}
}

// pushCI returns a new frame after t.ci (reusing a cached one) and makes it current.
func (t *Thread) pushCI() *callInfo {
	ci := t.ci.next
	if ci == nil {
		ci = &callInfo{prev: t.ci}
		t.ci.next = ci
	} else {
		ci.flags = 0
	}
	t.ci = ci
	return ci
}
