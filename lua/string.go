package lua

import (
	"math"
	"strconv"
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
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f != f:
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	// Go's %g with a precision chooses between the %e and %f forms and
	// drops trailing zeros as C's "%.14g" does.
	s := strconv.FormatFloat(f, 'g', 14, 64)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '.' || c == 'e' {
			return s
		}
	}
	return s + ".0"
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
