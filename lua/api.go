package lua

import (
	"unsafe"

	"github.com/luawasm/luawasm/internal/printf"
)

// A GoFunc implements a Lua function in Go. args holds the call's arguments
// and is only valid until the function returns or calls back into Lua; it
// may alias the VM stack, so it must not be retained.
//
// A GoFunc returns its results (usually with t.Ret, which reuses a
// per-thread buffer) or an error: Errorf, ArgError and TypeError give the
// reference library's messages; an *Error carries any Lua value.
type GoFunc func(t *Thread, args []Value) ([]Value, error)

// A GoFunction is a Lua function value implemented in Go.
type GoFunction struct {
	header
	special goSpecial // run by the exec loop itself (pcall, resume, ...)
	Name    string    // for messages and the registry of permanent values ("string.upper")
	Fn      GoFunc
	co      *Thread // the coroutine of a coroutine.wrap function
}

// NewGoFunction returns a Go function value named name.
func NewGoFunction(name string, fn GoFunc) *GoFunction {
	return &GoFunction{header: header{kindGoFunction}, Name: name, Fn: fn}
}

// Value returns f as a Value.
func (f *GoFunction) Value() Value { return Value{p: unsafe.Pointer(f)} }

// AsGoFunction returns v's Go function, or nil.
func (v Value) AsGoFunction() *GoFunction {
	if v.p != nil && *(*kind)(v.p) == kindGoFunction {
		return (*GoFunction)(v.p)
	}
	return nil
}

// IsFunction reports whether v is a Lua or Go function.
func (v Value) IsFunction() bool {
	k := v.kind()
	return k == kindLuaFunction || k == kindGoFunction
}

// A Userdata is a host object with an optional metatable.
type Userdata struct {
	header
	Data      any
	meta      *Table
	UserValue Value
}

// NewUserdata returns a userdata wrapping data.
func NewUserdata(data any) *Userdata {
	return &Userdata{header: header{kindUserdata}, Data: data}
}

// Value returns u as a Value.
func (u *Userdata) Value() Value { return Value{p: unsafe.Pointer(u)} }

// AsUserdata returns v's userdata, or nil.
func (v Value) AsUserdata() *Userdata {
	if v.p != nil && *(*kind)(v.p) == kindUserdata {
		return (*Userdata)(v.p)
	}
	return nil
}

// Metatable returns u's metatable or nil.
func (u *Userdata) Metatable() *Table { return u.meta }

// SetMetatable sets u's metatable.
func (u *Userdata) SetMetatable(mt *Table) { u.meta = mt }

// ---- errors raised by Go functions ----

// An Error is a Lua error: any Lua value raised by error() or by the
// runtime, with the traceback of where it was raised when known.
type Error struct {
	Value     Value
	Traceback string // "stack traceback:\n\t..." when the error was not caught inside Lua

	// processed is set once the error went through its raise point: the
	// message handler of an enclosing xpcall ran (or the traceback was
	// captured), so frames it crosses on its way out leave it alone.
	processed bool
	// limit is the sandbox limit a fatal error reports (see limits.go).
	limit error
}

func (e *Error) Error() string {
	if s, ok := e.Value.ToStringCoerce(); ok {
		return s
	}
	if e.Value.IsNil() {
		return "nil"
	}
	return printf.Sprintf("(error object is a %s value)", e.Value.TypeName())
}

// runtimeError is a message raised by a Go function; the VM prefixes it with
// the position of the calling Lua code (luaL_error's luaL_where(L, 1)).
type runtimeError struct{ msg string }

func (e *runtimeError) Error() string { return e.msg }

// Errorf returns an error whose message the VM prefixes with "chunk:line: "
// of the Lua code that called the Go function.
func Errorf(format string, args ...any) error {
	return &runtimeError{printf.Sprintf(format, args...)}
}

// argError is a bad-argument error; the VM formats it with the called
// function's name as "bad argument #n to 'name' (msg)".
type argError struct {
	n   int
	msg string
}

func (e *argError) Error() string { return printf.Sprintf("bad argument #%d (%s)", e.n, e.msg) }

// ArgError returns the error "bad argument #n to 'f' (msg)" for the n-th
// (1-based) argument.
func ArgError(n int, msg string) error { return &argError{n, msg} }

// typeError is an argError whose message names the type of the bad value,
// which the VM resolves (it honours __name).
type typeError struct {
	n        int
	expected string
	got      Value
}

func (e *typeError) Error() string {
	return printf.Sprintf("bad argument #%d (%s expected, got %s)", e.n, e.expected, e.got.TypeName())
}

// TypeError returns "bad argument #n to 'f' (expected expected, got typename)".
// A missing argument is reported as "got no value" when n > len(args).
func TypeError(n int, expected string, args []Value) error {
	if n > len(args) {
		return &argError{n, expected + " expected, got no value"}
	}
	return &typeError{n, expected, args[n-1]}
}

// ---- argument checks (lauxlib's luaL_check* and luaL_opt*) ----

// Arg returns the n-th (1-based) argument or Nil when absent.
func Arg(args []Value, n int) Value {
	if n <= len(args) {
		return args[n-1]
	}
	return Nil
}

// CheckAny fails with "value expected" when argument n is absent.
func CheckAny(args []Value, n int) (Value, error) {
	if n > len(args) {
		return Nil, ArgError(n, "value expected")
	}
	return args[n-1], nil
}

// CheckInt returns argument n as an integer (floats with an exact integer
// value and numeric strings convert).
func CheckInt(args []Value, n int) (int64, error) {
	v := Arg(args, n)
	if i, ok := v.ToInteger(); ok {
		return i, nil
	}
	if _, ok := v.ToNumber(); ok {
		return 0, ArgError(n, "number has no integer representation")
	}
	return 0, TypeError(n, "number", args)
}

// OptInt returns argument n as an integer, or def when it is nil or absent.
func OptInt(args []Value, n int, def int64) (int64, error) {
	if Arg(args, n).IsNil() {
		return def, nil
	}
	return CheckInt(args, n)
}

// CheckNumber returns argument n as a number Value (integer or float; numeric
// strings convert).
func CheckNumber(args []Value, n int) (Value, error) {
	if v, ok := Arg(args, n).ToNumberValue(); ok {
		return v, nil
	}
	return Nil, TypeError(n, "number", args)
}

// CheckFloat returns argument n converted to a float64.
func CheckFloat(args []Value, n int) (float64, error) {
	if f, ok := Arg(args, n).ToNumber(); ok {
		return f, nil
	}
	return 0, TypeError(n, "number", args)
}

// OptFloat returns argument n as a float64, or def when it is nil or absent.
func OptFloat(args []Value, n int, def float64) (float64, error) {
	if Arg(args, n).IsNil() {
		return def, nil
	}
	return CheckFloat(args, n)
}

// CheckString returns argument n as a string (numbers convert).
func CheckString(args []Value, n int) (string, error) {
	if s, ok := Arg(args, n).ToStringCoerce(); ok {
		return s, nil
	}
	return "", TypeError(n, "string", args)
}

// OptString returns argument n as a string, or def when it is nil or absent.
func OptString(args []Value, n int, def string) (string, error) {
	if Arg(args, n).IsNil() {
		return def, nil
	}
	return CheckString(args, n)
}

// CheckTable returns argument n as a table.
func CheckTable(args []Value, n int) (*Table, error) {
	if t := Arg(args, n).AsTable(); t != nil {
		return t, nil
	}
	return nil, TypeError(n, "table", args)
}

// CheckFunction fails unless argument n is a function.
func CheckFunction(args []Value, n int) (Value, error) {
	v := Arg(args, n)
	if v.IsFunction() {
		return v, nil
	}
	return Nil, TypeError(n, "function", args)
}

// OptBool returns argument n's truth value, or def when it is absent or nil.
func OptBool(args []Value, n int, def bool) bool {
	v := Arg(args, n)
	if v.IsNil() {
		return def
	}
	return v.Truthy()
}
