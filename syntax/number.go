package syntax

import (
	"math"
	"strconv"
	"strings"
)

// Numerals follow the reference's lobject.c: a numeral is first tried as
// an integer (l_str2int) and, failing that, as a float (l_str2d, which
// hands the text to the C library's strtod). The same conversion serves the
// scanner and string->number coercion, so there is one numeral syntax in the
// whole interpreter.

// ParseNumber converts s the way tonumber and string arithmetic do: an
// optional sign, then a decimal or hexadecimal integer or float, with
// surrounding whitespace allowed. Decimal integers too large for an int64
// become floats; hexadecimal integers wrap around. isInt selects i or f;
// ok is false if s is not a numeral.
func ParseNumber(s string) (isInt bool, i int64, f float64, ok bool) {
	// The reference converts C strings and then checks that the whole
	// Lua string was consumed, so an embedded NUL always fails.
	if strings.IndexByte(s, 0) >= 0 {
		return false, 0, 0, false
	}
	return convertNumeral(trimSpace(s))
}

// convertNumeral converts a numeral without surrounding whitespace
// (luaO_str2num).
func convertNumeral(s string) (isInt bool, i int64, f float64, ok bool) {
	if i, ok := strToInt(s); ok {
		return true, i, 0, true
	}
	if f, ok := strToFloat(s); ok {
		return false, 0, f, true
	}
	return false, 0, 0, false
}

// strToInt is l_str2int: decimal integers must fit in an int64 (the most
// negative one included), hexadecimal ones keep their low 64 bits.
func strToInt(s string) (int64, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var a uint64
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		for j := 2; j < len(s); j++ {
			d, ok := hexValue(s[j])
			if !ok {
				return 0, false
			}
			a = a<<4 | uint64(d)
		}
	} else {
		const maxBy10, maxLastDigit = math.MaxInt64 / 10, math.MaxInt64 % 10
		for j := 0; j < len(s); j++ {
			c := s[j]
			if !isDigit(c) {
				return 0, false
			}
			d := uint64(c - '0')
			lastDigit := uint64(maxLastDigit)
			if neg {
				lastDigit++
			}
			if a >= maxBy10 && (a > maxBy10 || d > lastDigit) {
				return 0, false // overflow: not an integer (it may be a float)
			}
			a = a*10 + d
		}
	}
	if neg {
		a = -a
	}
	return int64(a), true
}

// strToFloat is l_str2d: the strtod syntax minus "inf" and "nan", which the
// reference rejects by looking for an 'n' before anything else.
func strToFloat(s string) (float64, bool) {
	if j := strings.IndexAny(s, ".xXnN"); j >= 0 && (s[j] == 'n' || s[j] == 'N') {
		return 0, false
	}
	body := s
	if body != "" && (body[0] == '-' || body[0] == '+') {
		body = body[1:]
	}
	if len(body) > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		return hexFloat(s, body[2:])
	}
	if !isDecimalFloat(body) {
		return 0, false
	}
	// The syntax is already checked, so the only possible error is a
	// range error, where ParseFloat returns ±Inf or 0 as strtod does.
	f, _ := strconv.ParseFloat(s, 64)
	return f, true
}

// isDecimalFloat reports whether s is digits [. digits] [e [sign] digits]
// with at least one mantissa digit.
func isDecimalFloat(s string) bool {
	j := skipDigits(s, 0)
	mantissa := j
	if j < len(s) && s[j] == '.' {
		k := skipDigits(s, j+1)
		mantissa += k - j - 1
		j = k
	}
	if mantissa == 0 {
		return false
	}
	return validExponent(s, j, 'e')
}

// hexFloat converts a hexadecimal float: s is the whole numeral, digits what
// follows "0x": hexdigits [. hexdigits] [p [sign] decimal digits].
func hexFloat(s, digits string) (float64, bool) {
	j := skipHexDigits(digits, 0)
	mantissa := j
	if j < len(digits) && digits[j] == '.' {
		k := skipHexDigits(digits, j+1)
		mantissa += k - j - 1
		j = k
	}
	if mantissa == 0 || !validExponent(digits, j, 'p') {
		return 0, false
	}
	if j == len(digits) {
		s += "p0" // ParseFloat wants the binary exponent that C makes optional
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f, true
}

// validExponent reports whether s[j:] is empty or an exponent introduced by
// the letter e (either case) followed by an optionally signed digit string.
func validExponent(s string, j int, e byte) bool {
	if j == len(s) {
		return true
	}
	if s[j]|0x20 != e {
		return false
	}
	j++
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	k := skipDigits(s, j)
	return k > j && k == len(s)
}

func skipDigits(s string, j int) int {
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return j
}

func skipHexDigits(s string, j int) int {
	for j < len(s) && isHexDigit(s[j]) {
		j++
	}
	return j
}

// trimSpace removes the C locale's isspace characters from both ends.
func trimSpace(s string) string {
	for s != "" && isSpace(s[0]) {
		s = s[1:]
	}
	for s != "" && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func hexValue(c byte) (int, bool) {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0'), true
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}
