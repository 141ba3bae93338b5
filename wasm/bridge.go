//go:build js && wasm

package main

import (
	"errors"
	"math"
	"syscall/js"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/wasm/wire"
)

// A bridge serves one host object: it owns the Lua state and the tables
// that let values refer across the boundary (handles for Lua values held
// by JS, Go functions standing for JS functions).
type bridge struct {
	host       js.Value
	failed     js.Value // returned instead of a result when the call failed; the host then reads lastError
	uint8Array js.Value

	state *lua.State
	out   *hostWriter // print and io.write
	warn  *hostWriter // warn()

	enc wire.Encoder
	dec wire.Decoder

	held       map[uint32]lua.Value // handles given to JS: Lua functions, userdata, threads
	nextHandle uint32
	jsFuncs    map[uint32]*lua.GoFunction // JS function id -> the Lua function calling it
	jsIDs      map[*lua.GoFunction]uint32

	funcs []js.Func
}

func newBridge(host js.Value) (*bridge, error) {
	b := &bridge{
		host:       host,
		failed:     host.Get("FAILED"),
		uint8Array: js.Global().Get("Uint8Array"),
		held:       make(map[uint32]lua.Value),
		jsFuncs:    make(map[uint32]*lua.GoFunction),
		jsIDs:      make(map[*lua.GoFunction]uint32),
	}
	b.enc.Hold = b.hold
	b.enc.JSFunc = b.jsFuncID
	b.dec.Held = b.heldValue
	b.dec.JSFunc = b.jsFunc

	b.out = &hostWriter{host: host, fd: 1}
	b.warn = &hostWriter{host: host, fd: 2}
	b.state = lua.NewState()
	b.state.Stdout = b.out
	b.state.Stderr = b.warn
	lib.OpenAll(b.state)
	return b, nil
}

// export installs the bridge's entry points on the host object. Each takes
// and returns JS values; a failure returns b.failed after handing the
// error to the host.
func (b *bridge) export(done chan struct{}) {
	b.method("eval", func(args []js.Value) js.Value {
		code := args[0].String()
		res, err := b.state.DoString(code, code)
		return b.results(res, err)
	})
	b.method("call", func(args []js.Value) js.Value {
		fn, ok := b.held[uint32(args[0].Int())]
		if !ok {
			return b.fail(errors.New("attempt to call a released Lua function"))
		}
		callArgs, err := b.decode(args[1])
		if err != nil {
			return b.fail(err)
		}
		res, err := b.state.Call(fn, callArgs...)
		return b.results(res, err)
	})
	b.method("getGlobal", func(args []js.Value) js.Value {
		return b.result(b.state.GetGlobal(args[0].String()))
	})
	b.method("setGlobal", func(args []js.Value) js.Value {
		vals, err := b.decode(args[1])
		if err != nil {
			return b.fail(err)
		}
		b.state.SetGlobal(args[0].String(), first(vals))
		return js.Undefined()
	})
	b.method("release", func(args []js.Value) js.Value {
		delete(b.held, uint32(args[0].Int()))
		return js.Undefined()
	})
	b.method("close", func(args []js.Value) js.Value {
		b.out.flush()
		b.state.Close()
		for _, f := range b.funcs {
			f.Release()
		}
		close(done)
		return js.Undefined()
	})
}

// method installs fn under name, flushing Lua's output before returning so
// that it reaches the host in order with the call's result.
func (b *bridge) method(name string, fn func(args []js.Value) js.Value) {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		r := fn(args)
		b.out.flush()
		b.warn.flush()
		return r
	})
	b.funcs = append(b.funcs, f)
	b.host.Set(name, f)
}

// results converts the first result of a call, or its error.
func (b *bridge) results(res []lua.Value, err error) js.Value {
	if err != nil {
		return b.fail(err)
	}
	if len(res) == 0 {
		return js.Undefined()
	}
	return b.result(res[0])
}

// result converts v: scalars become JS primitives directly, anything else
// crosses as a wire message (a Uint8Array) that the host decodes.
func (b *bridge) result(v lua.Value) js.Value {
	switch v.Type() {
	case lua.TypeNil:
		return js.Null()
	case lua.TypeBoolean:
		return js.ValueOf(v.Truthy())
	case lua.TypeNumber:
		f, _ := v.ToNumber()
		return js.ValueOf(f)
	case lua.TypeString:
		s, _ := v.AsString()
		return js.ValueOf(s)
	}
	msg, err := b.enc.Encode(v)
	if err != nil {
		return b.fail(err)
	}
	return b.bytes(msg)
}

func (b *bridge) bytes(p []byte) js.Value {
	a := b.uint8Array.New(len(p))
	js.CopyBytesToJS(a, p)
	return a
}

// fail hands err to the host (message, traceback and, for an error value
// that is not a string, the value itself) and returns b.failed.
func (b *bridge) fail(err error) js.Value {
	var traceback string
	value := js.Undefined()
	var le *lua.Error
	if errors.As(err, &le) {
		traceback = le.Traceback
		if !le.Value.IsString() && !le.Value.IsNumber() {
			if msg, encErr := b.enc.Encode(le.Value); encErr == nil {
				value = b.bytes(msg)
			}
		}
	}
	var exit *lib.ExitError
	exitCode := js.Undefined()
	if errors.As(err, &exit) {
		exitCode = js.ValueOf(exit.Code)
	}
	b.host.Call("setError", err.Error(), traceback, value, exitCode)
	return b.failed
}

// decode converts a value crossing from JS: a primitive, or a wire message
// (a Uint8Array) holding one or more values.
func (b *bridge) decode(v js.Value) ([]lua.Value, error) {
	switch v.Type() {
	case js.TypeUndefined, js.TypeNull:
		return []lua.Value{lua.Nil}, nil
	case js.TypeBoolean:
		return []lua.Value{lua.Bool(v.Bool())}, nil
	case js.TypeNumber:
		return []lua.Value{number(v.Float())}, nil
	case js.TypeString:
		return []lua.Value{lua.String(v.String())}, nil
	}
	msg := make([]byte, v.Length())
	js.CopyBytesToGo(msg, v)
	return b.dec.Decode(msg)
}

// number converts a JS number: integral values in the safe range become
// Lua integers (as JS code means them), others floats.
func number(f float64) lua.Value {
	if f == math.Trunc(f) && math.Abs(f) <= 1<<53 && !(f == 0 && math.Signbit(f)) {
		return lua.Int(int64(f))
	}
	return lua.Float(f)
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

// callJS calls the host's function id with args and returns its result. A
// JS exception becomes a Lua error: a LuaError thrown by nested Lua code
// keeps its message as it is, any other exception is raised with the
// position of the calling Lua code, as a library function's error would be.
func (b *bridge) callJS(t *lua.Thread, id uint32, args []lua.Value) ([]lua.Value, error) {
	msg, err := b.enc.Encode(args...)
	if err != nil {
		return nil, lua.Errorf("%s", err.Error())
	}
	b.out.flush()
	r := b.host.Call("callJS", id, b.bytes(msg))
	if r.Equal(b.failed) {
		e := b.host.Get("jsError")
		if e.Index(0).Bool() {
			return nil, &lua.Error{Value: lua.String(e.Index(1).String())}
		}
		return nil, lua.Errorf("%s", e.Index(1).String())
	}
	vals, err := b.decode(r)
	if err != nil {
		return nil, lua.Errorf("%s", err.Error())
	}
	return t.Ret(first(vals))
}

func first(vals []lua.Value) lua.Value {
	if len(vals) == 0 {
		return lua.Nil
	}
	return vals[0]
}
