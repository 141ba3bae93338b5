package lua

import (
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/luawasm/luawasm/syntax"
)

// stringObject is the heap object behind a string Value. Strings are
// immutable; hash caches the table-lookup hash (0 = not yet computed).
type stringObject struct {
	header
	hash uint32
	s    string
}

// String returns a string value.
func String(s string) Value {
	return Value{p: unsafe.Pointer(&stringObject{header: header{kindString}, s: s})}
}

// Strings built byte by byte (concatenations, library results) get their
// bytes in the same allocation as their object when short: in
// WebAssembly, where Go's allocator and collector cost most, a
// concatenation then allocates once instead of twice (the bytes, then the
// object). The object's string points into its own tail; the sizes fill
// Go's 32, 48, 64, 96 and 128-byte size classes.
type (
	stringObject8 struct {
		stringObject
		b [8]byte
	}
	stringObject24 struct {
		stringObject
		b [24]byte
	}
	stringObject40 struct {
		stringObject
		b [40]byte
	}
	stringObject72 struct {
		stringObject
		b [72]byte
	}
	stringObject104 struct {
		stringObject
		b [104]byte
	}
)

// newString returns a string object of n bytes and those bytes, which the
// caller fills before the object is used.
func newString(n int) (*stringObject, []byte) {
	var o *stringObject
	var b []byte
	switch {
	case n <= 8:
		so := &stringObject8{}
		o, b = &so.stringObject, so.b[:n]
	case n <= 24:
		so := &stringObject24{}
		o, b = &so.stringObject, so.b[:n]
	case n <= 40:
		so := &stringObject40{}
		o, b = &so.stringObject, so.b[:n]
	case n <= 72:
		so := &stringObject72{}
		o, b = &so.stringObject, so.b[:n]
	case n <= 104:
		so := &stringObject104{}
		o, b = &so.stringObject, so.b[:n]
	default:
		o, b = &stringObject{}, make([]byte, n)
	}
	o.kind = kindString
	o.s = unsafe.String(unsafe.SliceData(b), n)
	return o, b
}

// StringBytes returns a string value holding a copy of b, in one
// allocation when short (see newString).
func StringBytes(b []byte) Value {
	o, dst := newString(len(b))
	copy(dst, b)
	return Value{p: unsafe.Pointer(o)}
}

// MakeString returns a string value of n bytes and those bytes, for a
// library function that builds a result of known length without copying
// it again (and, when short, in one allocation with the value's object).
// The caller must fill the bytes before the value is used and never write
// them afterwards: Lua strings are immutable.
func MakeString(n int) (Value, []byte) {
	o, b := newString(n)
	return Value{p: unsafe.Pointer(o)}, b
}

// concatFast concatenates values that are all strings or numbers, or
// reports false. Integers are formatted in place.
func concatFast(vs []Value) (Value, bool) {
	n := 0
	for _, v := range vs {
		switch v.p {
		case pInt:
			n += intLen(int64(v.n))
			continue
		case pFloat:
			return concatFormatted(vs)
		case nil:
			return Nil, false
		}
		if *(*kind)(v.p) != kindString {
			return Nil, false
		}
		n += len(v.str())
	}
	o, b := newString(n)
	b = b[:0]
	for _, v := range vs {
		if v.p == pInt {
			b = strconv.AppendInt(b, int64(v.n), 10)
		} else {
			b = append(b, v.str()...)
		}
	}
	return Value{p: unsafe.Pointer(o)}, true
}

// concatFormatted is concatFast with floats among the values.
func concatFormatted(vs []Value) (Value, bool) {
	n := 0
	for _, v := range vs {
		switch {
		case v.IsString():
			n += len(v.str())
		case v.IsNumber():
			n += 8
		default:
			return Nil, false
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, v := range vs {
		if v.IsString() {
			b.WriteString(v.str())
		} else {
			b.WriteString(numberToString(v))
		}
	}
	return String(b.String()), true
}

// intLen returns the length of i in decimal.
func intLen(i int64) int {
	n := 1
	u := uint64(i)
	if i < 0 {
		n++
		u = -u
	}
	for ; u >= 10; u /= 10 {
		n++
	}
	return n
}

// AsString returns v's contents if v is a string (no number coercion).
func (v Value) AsString() (string, bool) {
	if v.p != nil && *(*kind)(v.p) == kindString {
		return (*stringObject)(v.p).s, true
	}
	return "", false
}

// IsString reports whether v is a string.
func (v Value) IsString() bool { return v.p != nil && *(*kind)(v.p) == kindString }

// str returns the contents of a value known to be a string.
func (v Value) str() string { return (*stringObject)(v.p).s }

// ToStringCoerce returns v as a string if it is a string or a number
// (lua_tolstring's coercion, without __tostring).
func (v Value) ToStringCoerce() (string, bool) {
	switch v.p {
	case pInt:
		return strconv.FormatInt(int64(v.n), 10), true
	case pFloat:
		return FormatFloat(math.Float64frombits(v.n)), true
	}
	return v.AsString()
}

// FormatFloat formats f as Lua's tostring does ("%.14g", with ".0" added to
// integral values so they read back as floats).
func FormatFloat(f float64) string {
	var buf [32]byte
	return string(appendFloat(buf[:0], f))
}

// appendFloat appends f formatted as FormatFloat does.
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case f != f:
		if math.Signbit(f) {
			return append(b, "-nan"...)
		}
		return append(b, "nan"...)
	}
	// Go's %g with a precision chooses between the %e and %f forms and
	// drops trailing zeros as C's "%.14g" does.
	start := len(b)
	b = strconv.AppendFloat(b, f, 'g', 14, 64)
	for _, c := range b[start:] {
		if c == '.' || c == 'e' {
			return b
		}
	}
	return append(b, ".0"...)
}

// boolStrings are tostring's results for false and true.
var boolStrings = [2]Value{String("false"), String("true")}

// scalarString returns tostring's result for a number or a boolean that
// has no metatable, made in one allocation (none for booleans).
func scalarString(v Value) Value {
	switch v.p {
	case pBool:
		return boolStrings[v.n&1]
	case pInt:
		o, b := newString(intLen(int64(v.n)))
		strconv.AppendInt(b[:0], int64(v.n), 10)
		return Value{p: unsafe.Pointer(o)}
	}
	var buf [32]byte
	return StringBytes(appendFloat(buf[:0], v.floatPayload()))
}

// StringToNumber converts a string to a number following the Lua lexer's
// numeral syntax (decimal and hexadecimal integers and floats, surrounding
// whitespace allowed). Decimal integers that overflow become floats;
// hexadecimal integers wrap around.
func StringToNumber(s string) (Value, bool) {
	isInt, i, f, ok := syntax.ParseNumber(s)
	switch {
	case !ok:
		return Nil, false
	case isInt:
		return Int(i), true
	}
	return Float(f), true
}
