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
	s := formatG(f, 14)
	if strings.IndexAny(s, ".eninf") < 0 {
		s += ".0"
	}
	return s
}

// formatG formats f like C's printf("%.<prec>g").
func formatG(f float64, prec int) string {
	if prec == 0 {
		prec = 1
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	exp := 0
	// Determine the decimal exponent after rounding to prec digits.
	es := strconv.FormatFloat(f, 'e', prec-1, 64)
	if i := strings.LastIndexByte(es, 'e'); i >= 0 {
		exp, _ = strconv.Atoi(es[i+1:])
	}
	if exp < -4 || exp >= prec {
		// %e style with trailing zeros removed, exponent at least 2 digits.
		mant, e, _ := strings.Cut(es, "e")
		if strings.IndexByte(mant, '.') >= 0 {
			mant = strings.TrimRight(mant, "0")
			mant = strings.TrimSuffix(mant, ".")
		}
		sign := e[0]
		digits := e[1:]
		if len(digits) < 2 {
			digits = "0" + digits
		}
		return mant + "e" + string(sign) + digits
	}
	s := strconv.FormatFloat(f, 'f', prec-1-exp, 64)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
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
