//go:build js && wasm

package main

import (
	"bytes"
	"errors"
	"syscall/js"
	"unsafe"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/wasm/mirror"
	"github.com/luawasm/luawasm/wasm/wire"
)

// current is the bridge of this program (one per WebAssembly instance).
var current *bridge

// A bridge serves one host: it owns the engine (the Lua state and its
// persistent Memory, whose records the mirror backend hands to the host),
// the buffers through which bytes cross, and the tables that let values
// refer across the boundary (handles for Lua values held by JS, Go
// functions standing for JS functions).
//
// The host starts it in two steps: lw_load gives it the stored records,
// then lw_open opens the engine on them.
type bridge struct {
	host js.Value
	done chan struct{}

	backend *mirror.Backend
	engine  *engine.Engine // nil until lw_open
	state   *lua.State
	stdout  *hostWriter // print and io.write
	stderr  *hostWriter // warn()

	in  []byte // written by the host before a call
	out []byte // the last message for the host: a result, an error or a callJS argument list

	enc wire.Encoder
	dec wire.Decoder

	nested int // calls out to JS in progress: calls into Go then run inside the current transaction

	held       map[uint32]lua.Value // handles given to JS: Lua functions, userdata, threads
	nextHandle uint32
	jsFuncs    map[uint32]*lua.GoFunction // JS function id -> the Lua function calling it
	jsIDs      map[*lua.GoFunction]uint32
}

func newBridge(host js.Value) *bridge {
	b := &bridge{
		host:    host,
		done:    make(chan struct{}),
		in:      make([]byte, 0, 4<<10),
		held:    make(map[uint32]lua.Value),
		jsFuncs: make(map[uint32]*lua.GoFunction),
		jsIDs:   make(map[*lua.GoFunction]uint32),
	}
	b.enc.Hold = b.hold
	b.enc.JSFunc = b.jsFuncID
	b.dec.Held = b.heldValue
	b.dec.JSFunc = b.jsFunc

	b.stdout = &hostWriter{host: host, fd: 1}
	b.stderr = &hostWriter{host: host, fd: 2}
	b.backend = mirror.New(func(msg []byte) {
		b.host.Call("commit", address(msg), len(msg))
	})
	return b
}

// errNotOpen is the answer to calls that need the engine before lw_open.
var errNotOpen = errors.New("the Lua engine is not open yet")

// open opens the engine on the records loaded so far. Its reply lists
// the problems found while loading them (damaged records).
func (b *bridge) open(msg []byte) ([]lua.Value, error) {
	if b.engine != nil {
		return nil, errors.New("the Lua engine is already open")
	}
	vals, err := b.dec.Decode(msg)
	if err != nil {
		return nil, err
	}
	cfg := first(vals).AsTable()
	if cfg == nil {
		return nil, errors.New("lw_open: expected a table of options")
	}
	e, err := engine.Open(engine.Options{
		Backend:              b.backend,
		MaxInstructions:      intField(cfg, "maxInstructions"),
		MemoryLimit:          intField(cfg, "memoryLimit"),
		CompressionThreshold: int(intField(cfg, "compressionThreshold")),
		Sandbox:              cfg.GetStr("sandbox") == lua.True,
		Stdout:               b.stdout,
		Prepare:              func(s *lua.State) { s.Stderr = b.stderr },
	})
	if err != nil {
		return nil, err
	}
	b.engine = e
	b.state = e.State()
	e.OnCommit(func(c engine.CommitInfo) {
		b.host.Call("committed", c.Operation, c.Puts, c.Deletes, c.Bytes, c.NewObjects, c.Duration.Seconds()*1000)
	})
	warnings := lua.NewTable(len(e.Warnings()), 0)
	for i, w := range e.Warnings() {
		warnings.SetInt(int64(i+1), lua.String(w.Error()))
	}
	return []lua.Value{warnings.Value()}, nil
}

// applyRemote applies records another tab committed (or, with reset,
// replaces all records) and reloads the engine's objects from them.
func (b *bridge) applyRemote(msg []byte, reset bool) error {
	if b.engine == nil {
		return errNotOpen
	}
	apply := b.backend.ApplyRemote
	if reset {
		apply = b.backend.Reset
	}
	if err := apply(msg); err != nil {
		return err
	}
	return b.engine.Reload()
}

// address returns where p's bytes start in the WebAssembly memory.
func address(p []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(p)))) }

// input returns a copy of the host's n input bytes (a nested call may
// overwrite the buffer).
func (b *bridge) input(n int32) []byte { return bytes.Clone(b.in[:n]) }

// reply finishes a call into Go: Lua's pending output goes to the host
// first, then the first of vals (none: an empty message) or err is encoded
// into b.out. It returns the message's length n, or -n-1 when the message
// is an error.
func (b *bridge) reply(vals []lua.Value, err error) int32 {
	b.stdout.flush()
	b.stderr.flush()
	if err == nil {
		msg, encErr := b.enc.Encode(vals[:min(len(vals), 1)]...)
		if encErr == nil {
			b.out = msg
			return int32(len(msg))
		}
		err = encErr
	}
	b.out = b.encodeError(err)
	return -int32(len(b.out)) - 1
}

// encodeError writes err as [message, traceback, value, exit code]: value
// is the error value when it is not a string or number (error({...})), or
// {index, reason} for a failed batch, and the exit code is set for os.exit.
func (b *bridge) encodeError(err error) []byte {
	var traceback string
	value := lua.Nil
	if le, ok := errors.AsType[*lua.Error](err); ok {
		traceback = le.Traceback
		if !le.Value.IsString() && !le.Value.IsNumber() {
			value = le.Value
		}
	}
	if batch, ok := errors.AsType[*engine.BatchError](err); ok {
		t := lua.NewTable(0, 2)
		t.SetStr("index", lua.Int(int64(batch.Index)))
		t.SetStr("reason", lua.String(batch.Err.Error()))
		value = t.Value()
	}
	exitCode := lua.Nil
	if exit, ok := errors.AsType[*lib.ExitError](err); ok {
		exitCode = lua.Int(int64(exit.Code))
	}
	msg, encErr := b.enc.Encode(lua.String(err.Error()), lua.String(traceback), value, exitCode)
	if encErr != nil { // the error value itself cannot be converted
		msg, _ = b.enc.Encode(lua.String(err.Error()), lua.String(traceback))
	}
	return msg
}

func (b *bridge) eval(code string) ([]lua.Value, error) {
	if b.engine == nil {
		return nil, errNotOpen
	}
	if b.nested > 0 { // JS called from Lua runs more Lua: part of the same transaction
		return b.state.DoString(code, code)
	}
	return b.engine.Eval(code)
}

func (b *bridge) call(handle uint32, args []byte) ([]lua.Value, error) {
	fn, ok := b.held[handle]
	if !ok {
		return nil, errors.New("attempt to call a released Lua function")
	}
	vals, err := b.dec.Decode(args)
	if err != nil {
		return nil, err
	}
	if b.nested > 0 {
		return b.state.Call(fn, vals...)
	}
	return b.engine.Call(fn, vals...)
}

func (b *bridge) getGlobal(name string) ([]lua.Value, error) {
	if b.engine == nil {
		return nil, errNotOpen
	}
	return []lua.Value{b.state.GetGlobal(name)}, nil
}

func (b *bridge) setGlobal(name string, msg []byte) error {
	if b.engine == nil {
		return errNotOpen
	}
	vals, err := b.dec.Decode(msg)
	if err != nil {
		return err
	}
	b.state.SetGlobal(name, first(vals))
	return nil
}

func (b *bridge) close() {
	b.stdout.flush()
	b.stderr.flush()
	if b.engine != nil {
		b.engine.Close()
	} else {
		b.backend.Close()
	}
	clear(b.held)
	close(b.done)
}

func first(vals []lua.Value) lua.Value {
	if len(vals) == 0 {
		return lua.Nil
	}
	return vals[0]
}

func (b *bridge) hold(v lua.Value) uint32 {
	b.nextHandle++
	b.held[b.nextHandle] = v
	return b.nextHandle
}

func (b *bridge) heldValue(h uint32) (lua.Value, bool) {
	v, ok := b.held[h]
	return v, ok
}

func (b *bridge) jsFuncID(v lua.Value) (uint32, bool) {
	g := v.AsGoFunction()
	if g == nil {
		return 0, false
	}
	id, ok := b.jsIDs[g]
	return id, ok
}

// jsFunc returns the Lua function standing for the host's JS function id,
// the same one each time so that identity survives round trips.
func (b *bridge) jsFunc(id uint32) lua.Value {
	if g, ok := b.jsFuncs[id]; ok {
		return g.Value()
	}
	g := lua.NewGoFunction("?", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return b.callJS(t, id, args)
	})
	b.jsFuncs[id] = g
	b.jsIDs[g] = id
	return g.Value()
}

// callJS calls the host's function id with args and returns its result,
// which the host writes into the input buffer. A JS exception comes back
// as [isLuaError, message]: a LuaError thrown by nested Lua code keeps its
// message as it is, any other exception is raised with the position of the
// calling Lua code, as a library function's error would be.
func (b *bridge) callJS(t *lua.Thread, id uint32, args []lua.Value) ([]lua.Value, error) {
	msg, err := b.enc.Encode(args...)
	if err != nil {
		return nil, lua.Errorf("%s", err.Error())
	}
	b.stdout.flush()
	b.stderr.flush()
	b.nested++
	n := b.host.Call("callJS", id, address(msg), len(msg)).Int()
	b.nested--
	failed := n < 0
	if failed {
		n = -n - 1
	}
	vals, err := b.dec.Decode(b.in[:n])
	if err != nil {
		return nil, lua.Errorf("%s", err.Error())
	}
	if failed {
		if len(vals) != 2 {
			return nil, lua.Errorf("a JS function failed")
		}
		text, _ := vals[1].AsString()
		if vals[0].Truthy() {
			return nil, &lua.Error{Value: vals[1]}
		}
		return nil, lua.Errorf("%s", text)
	}
	return t.Ret(first(vals))
}
