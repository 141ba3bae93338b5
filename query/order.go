package query

import (
	"cmp"
	"math"
	"strings"
	"unsafe"

	"github.com/luawasm/luawasm/lua"
)

// class partitions field values for the total order: every number sorts
// before every string, every string before every boolean. Values of
// classNone (nil, NaN, tables, functions, userdata, threads) are not field
// values: indexes leave them out and no operator matches them.
type class uint8

const (
	classNone class = iota
	classNumber
	classString
	classBool
)

// classOf returns v's class.
func classOf(v lua.Value) class {
	switch {
	case v.IsInt():
		return classNumber
	case v.IsFloat():
		if f, _ := v.AsFloat(); f != f {
			return classNone
		}
		return classNumber
	case v.IsString():
		return classString
	}
	if _, ok := v.AsBool(); ok {
		return classBool
	}
	return classNone
}

// compareValues orders two field values (neither of classNone): by class,
// then numbers by mathematical value (1 == 1.0, as in Lua), strings
// bytewise (as Lua's < compares them), false before true.
func compareValues(a, b lua.Value) int {
	// Most comparisons are between two integers or two strings: the
	// B-trees make millions of them.
	if ai, ok := a.AsInt(); ok {
		if bi, ok := b.AsInt(); ok {
			return cmp.Compare(ai, bi)
		}
	} else if as, ok := a.AsString(); ok {
		if bs, ok := b.AsString(); ok {
			return strings.Compare(as, bs)
		}
	}
	ca, cb := classOf(a), classOf(b)
	if ca != cb {
		return cmp.Compare(ca, cb)
	}
	switch ca {
	case classNumber:
		return compareNumbers(a, b)
	case classString:
		as, _ := a.AsString()
		bs, _ := b.AsString()
		return strings.Compare(as, bs)
	}
	ab, _ := a.AsBool()
	bb, _ := b.AsBool()
	return cmp.Compare(boolRank(ab), boolRank(bb))
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// compareNumbers compares two numbers (no NaN) exactly, including integers
// beyond 2^53 against floats, where converting either side would round.
func compareNumbers(a, b lua.Value) int {
	ai, aInt := a.AsInt()
	bi, bInt := b.AsInt()
	switch {
	case aInt && bInt:
		return cmp.Compare(ai, bi)
	case aInt:
		bf, _ := b.AsFloat()
		return compareIntFloat(ai, bf)
	case bInt:
		af, _ := a.AsFloat()
		return -compareIntFloat(bi, af)
	}
	af, _ := a.AsFloat()
	bf, _ := b.AsFloat()
	return cmp.Compare(af, bf)
}

// compareIntFloat compares integer i with float f (not NaN).
func compareIntFloat(i int64, f float64) int {
	switch {
	case f >= 0x1p63:
		return -1
	case f < -0x1p63:
		return 1
	}
	fl := math.Floor(f)
	if c := cmp.Compare(i, int64(fl)); c != 0 {
		return c
	}
	if f > fl {
		return -1
	}
	return 0
}

// equalValues reports whether two field values are equal: same class and
// compareValues 0, so 1 == 1.0 but 1 ~= "1", as Lua's == has it.
func equalValues(a, b lua.Value) bool {
	return classOf(a) == classOf(b) && compareValues(a, b) == 0
}

// compareKeys is the total order over record keys that breaks ties between
// equal field values and orders results by default: field values first in
// their own order, then the other keys by type and, within a type, by
// identity (an arbitrary order that is stable while the keys live).
//
// Nil and keyHigh are not record keys: they are sentinels below and above
// every key, which turn a field value into a range boundary (see bounds).
func compareKeys(a, b lua.Value) int {
	if a == b {
		return 0
	}
	// Most collections are keyed by strings or integers.
	if as, ok := a.AsString(); ok {
		if bs, ok := b.AsString(); ok {
			return strings.Compare(as, bs)
		}
	} else if ai, ok := a.AsInt(); ok {
		if bi, ok := b.AsInt(); ok {
			return cmp.Compare(ai, bi)
		}
	}
	switch {
	case a.IsNil() || b == keyHigh:
		return -1
	case b.IsNil() || a == keyHigh:
		return 1
	}
	ca, cb := classOf(a), classOf(b)
	switch {
	case ca != classNone && cb != classNone:
		return compareValues(a, b)
	case ca != classNone:
		return -1
	case cb != classNone:
		return 1
	}
	if c := cmp.Compare(a.Type(), b.Type()); c != 0 {
		return c
	}
	return cmp.Compare(identity(a), identity(b))
}

// keyHigh sorts after every record key.
var keyHigh = lua.NewTable(0, 0).Value()

// identity returns the address of the object behind a reference value
// (table, function, userdata, thread): heap objects do not move in Go.
func identity(v lua.Value) uintptr {
	if t := v.AsTable(); t != nil {
		return uintptr(unsafe.Pointer(t))
	}
	if f := v.AsLuaFunction(); f != nil {
		return uintptr(unsafe.Pointer(f))
	}
	if f := v.AsGoFunction(); f != nil {
		return uintptr(unsafe.Pointer(f))
	}
	if u := v.AsUserdata(); u != nil {
		return uintptr(unsafe.Pointer(u))
	}
	if th := v.AsThread(); th != nil {
		return uintptr(unsafe.Pointer(th))
	}
	return 0
}

// normalize returns v with an integral float turned into the integer of the
// same value, as a table does with its keys; -0.0 becomes 0.
func normalize(v lua.Value) lua.Value {
	if f, ok := v.AsFloat(); ok {
		if i, ok := lua.FloatToInteger(f); ok {
			return lua.Int(i)
		}
	}
	return v
}
