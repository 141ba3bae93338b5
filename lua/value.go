package lua

import (
	"math"
	"unsafe"
)

// A Value is a Lua value in 16 bytes, passed by value and never boxed.
//
// p identifies the type: nil is p == nil; every other value's p points at a
// struct whose first field is a kind byte. Scalars (booleans, integers,
// floats) point at static sentinels and keep their payload in n, so
// arithmetic allocates nothing; strings, tables, functions, userdata and
// threads point at their heap object and leave n zero.
type Value struct {
	p unsafe.Pointer
	n uint64
}

// kind is the first byte of every object a Value points at.
type kind uint8

const (
	kindNil kind = iota // only for p == nil
	kindBool
	kindInt
	kindFloat
	kindString
	kindTable
	kindLuaFunction
	kindGoFunction
	kindUserdata
	kindThread
)

// header starts every object a Value can point at.
type header struct{ kind kind }

// A sentinel is the object scalar Values point at. It is padded to the
// alignment of the heap objects, so that code reading the kind through a
// pointer of another object type (a *stringObject, say) stays valid.
type sentinel struct {
	header
	_ uint64
}

var (
	boolSentinel  = sentinel{header: header{kindBool}}
	intSentinel   = sentinel{header: header{kindInt}}
	floatSentinel = sentinel{header: header{kindFloat}}
)

var (
	pBool  = unsafe.Pointer(&boolSentinel)
	pInt   = unsafe.Pointer(&intSentinel)
	pFloat = unsafe.Pointer(&floatSentinel)
)

// Type is a Lua type as reported by type().
type Type uint8

const (
	TypeNil Type = iota
	TypeBoolean
	TypeNumber
	TypeString
	TypeTable
	TypeFunction
	TypeUserdata
	TypeThread
)

var typeNames = [...]string{"nil", "boolean", "number", "string", "table", "function", "userdata", "thread"}

func (t Type) String() string { return typeNames[t] }

var kindTypes = [...]Type{
	kindNil:         TypeNil,
	kindBool:        TypeBoolean,
	kindInt:         TypeNumber,
	kindFloat:       TypeNumber,
	kindString:      TypeString,
	kindTable:       TypeTable,
	kindLuaFunction: TypeFunction,
	kindGoFunction:  TypeFunction,
	kindUserdata:    TypeUserdata,
	kindThread:      TypeThread,
}

// Nil is the nil value (also Value's zero value).
var Nil = Value{}

// True and False are the boolean values.
var (
	True  = Value{pBool, 1}
	False = Value{pBool, 0}
)

// Int returns an integer value.
func Int(i int64) Value { return Value{pInt, uint64(i)} }

// Float returns a float value.
func Float(f float64) Value { return Value{pFloat, math.Float64bits(f)} }

// Bool returns true or false.
func Bool(b bool) Value {
	if b {
		return True
	}
	return False
}

func (v Value) kind() kind {
	if v.p == nil {
		return kindNil
	}
	return *(*kind)(v.p)
}

// Type returns v's Lua type.
func (v Value) Type() Type { return kindTypes[v.kind()] }

// TypeName returns the name of v's type ("nil", "number", ...).
func (v Value) TypeName() string { return v.Type().String() }

// IsNil reports whether v is nil.
func (v Value) IsNil() bool { return v.p == nil }

// Truthy reports whether v counts as true in a condition (neither nil nor false).
func (v Value) Truthy() bool { return v.p != nil && !(v.p == pBool && v.n == 0) }

// IsInt reports whether v is an integer.
func (v Value) IsInt() bool { return v.p == pInt }

// IsFloat reports whether v is a float.
func (v Value) IsFloat() bool { return v.p == pFloat }

// IsNumber reports whether v is an integer or a float (no string coercion).
func (v Value) IsNumber() bool { return v.p == pInt || v.p == pFloat }

// AsInt returns v's integer payload; ok is false unless v is an integer.
func (v Value) AsInt() (i int64, ok bool) { return int64(v.n), v.p == pInt }

// AsFloat returns v's float payload; ok is false unless v is a float.
func (v Value) AsFloat() (f float64, ok bool) { return math.Float64frombits(v.n), v.p == pFloat }

// AsBool returns v's boolean payload; ok is false unless v is a boolean.
func (v Value) AsBool() (b bool, ok bool) { return v.n != 0, v.p == pBool }

// intPayload and floatPayload read the payload of a value known to be of that kind.
func (v Value) intPayload() int64     { return int64(v.n) }
func (v Value) floatPayload() float64 { return math.Float64frombits(v.n) }

// ToNumber returns v as a float64 if it is a number or a string convertible
// to one (Lua's arithmetic coercion).
func (v Value) ToNumber() (float64, bool) {
	switch v.p {
	case pInt:
		return float64(int64(v.n)), true
	case pFloat:
		return math.Float64frombits(v.n), true
	}
	if s, ok := v.AsString(); ok {
		if n, ok := StringToNumber(s); ok {
			return n.ToNumber()
		}
	}
	return 0, false
}

// ToNumberValue converts v to an integer or float Value, coercing strings;
// ok is false when v is not a number and not a numeric string.
func (v Value) ToNumberValue() (Value, bool) {
	if v.p == pInt || v.p == pFloat {
		return v, true
	}
	if s, ok := v.AsString(); ok {
		return StringToNumber(s)
	}
	return Nil, false
}

// ToInteger converts v to an integer following lua_tointegerx: integers as
// they are, floats with an exact integer value, and strings that convert to
// such numbers.
func (v Value) ToInteger() (int64, bool) {
	switch v.p {
	case pInt:
		return int64(v.n), true
	case pFloat:
		return FloatToInteger(math.Float64frombits(v.n))
	}
	if s, ok := v.AsString(); ok {
		if n, ok := StringToNumber(s); ok {
			return n.ToInteger()
		}
	}
	return 0, false
}

// FloatToInteger returns f as an integer if it has an exact integer value in range.
func FloatToInteger(f float64) (int64, bool) {
	if f >= -9223372036854775808.0 && f < 9223372036854775808.0 {
		i := int64(f)
		if float64(i) == f {
			return i, true
		}
	}
	return 0, false
}

// RawEqual reports whether a and b are primitively equal (no __eq):
// integers and floats compare by mathematical value, strings by content,
// everything else by identity.
func RawEqual(a, b Value) bool {
	if a.p == b.p {
		if a.p == pInt || a.p == pBool {
			return a.n == b.n
		}
		if a.p == pFloat {
			return math.Float64frombits(a.n) == math.Float64frombits(b.n)
		}
		return true
	}
	switch {
	case a.p == pInt && b.p == pFloat:
		return intFloatEq(int64(a.n), math.Float64frombits(b.n))
	case a.p == pFloat && b.p == pInt:
		return intFloatEq(int64(b.n), math.Float64frombits(a.n))
	}
	if a.p == nil || b.p == nil {
		return false
	}
	if *(*kind)(a.p) == kindString && *(*kind)(b.p) == kindString {
		return (*stringObject)(a.p).s == (*stringObject)(b.p).s
	}
	return false
}

// intFloatEq reports whether integer i and float f are mathematically equal.
func intFloatEq(i int64, f float64) bool {
	fi, ok := FloatToInteger(f)
	return ok && fi == i
}
