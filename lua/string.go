package lua

import (
	"math"
	"strconv"
	"strings"
	"unsafe"
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
	s = strings.TrimFunc(s, isLuaSpace)
	if s == "" {
		return Nil, false
	}
	neg := false
	body := s
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = body[1:]
	}
	if len(body) >= 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		return hexToNumber(body[2:], neg)
	}
	if body == "" || !(body[0] >= '0' && body[0] <= '9' || body[0] == '.') {
		return Nil, false
	}
	isInt := true
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c < '0' || c > '9' {
			isInt = false
			if !(c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
				return Nil, false
			}
		}
	}
	if isInt {
		if u, err := strconv.ParseUint(body, 10, 64); err == nil {
			if !neg && u <= math.MaxInt64 {
				return Int(int64(u)), true
			}
			if neg && u <= 1<<63 {
				return Int(int64(-u)), true
			}
		}
		// Too large for an integer: falls through to a float.
	}
	f, err := strconv.ParseFloat(body, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return Nil, false
		}
	}
	if neg {
		f = -f
	}
	return Float(f), true
}

// hexToNumber converts the part of a hexadecimal numeral after "0x".
func hexToNumber(s string, neg bool) (Value, bool) {
	var mant uint64
	exp := 0 // binary exponent adjustment
	anyDigit := false
	seenDot := false
	isFloat := false
	sig := 0 // significant hex digits consumed into mant
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if seenDot {
				return Nil, false
			}
			seenDot, isFloat = true, true
			continue
		}
		d, ok := hexDigit(c)
		if !ok {
			break
		}
		anyDigit = true
		if sig == 0 && d == 0 {
			if seenDot {
				exp -= 4
			}
			continue
		}
		if sig < 16 {
			mant = mant<<4 | uint64(d)
			sig++
			if seenDot {
				exp -= 4
			}
		} else if !seenDot {
			// Integers wrap around; floats keep magnitude in the exponent.
			exp += 4
			mant = mant<<4 | uint64(d) // wraps for the integer case
		}
	}
	if !anyDigit {
		return Nil, false
	}
	if i < len(s) {
		if s[i] != 'p' && s[i] != 'P' {
			return Nil, false
		}
		isFloat = true
		i++
		esign := 1
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			if s[i] == '-' {
				esign = -1
			}
			i++
		}
		if i >= len(s) {
			return Nil, false
		}
		e := 0
		for ; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return Nil, false
			}
			if e < 100000 {
				e = e*10 + int(s[i]-'0')
			}
		}
		exp += esign * e
	}
	if !isFloat {
		// Reparse as a wrapping integer over all digits.
		var u uint64
		for j := 0; j < len(s); j++ {
			d, _ := hexDigit(s[j])
			u = u<<4 | uint64(d)
		}
		if neg {
			u = -u
		}
		return Int(int64(u)), true
	}
	f := math.Ldexp(float64(mant), exp)
	if neg {
		f = -f
	}
	return Float(f), true
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// isLuaSpace reports whether r is a C isspace character.
func isLuaSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v'
}
