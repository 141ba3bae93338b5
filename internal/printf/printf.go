// Package printf formats messages the way fmt does, for the verbs and
// argument types the engine's messages use, without fmt.
//
// fmt formats any value through reflection, which keeps reflect and its
// type data in every binary that calls it: about 300 KB of the
// WebAssembly module, which is downloaded and compiled on every page load.
// This package knows a closed set of types instead.
//
// Verbs: %s and %v (strings, byte slices, errors, Stringers, booleans,
// integers, floats as %v prints them, nil), %d (integers), %q (strings,
// byte slices, as strconv.Quote), %x (integers, strings and byte slices;
// %#x adds 0x), %c (runes), %w (Errorf's wrapped error, printed as %v) and
// %%. Anything else prints as fmt prints a bad verb: %!v(...).
package printf

import (
	"strconv"
	"unicode/utf8"
)

// Sprintf formats args according to format.
func Sprintf(format string, args ...any) string {
	return string(Appendf(nil, format, args...))
}

// Errorf returns an error whose message is Sprintf(format, args...). When
// format has a %w verb, the error unwraps to that argument (the last one,
// if there are several).
func Errorf(format string, args ...any) error {
	e := &wrapError{msg: Sprintf(format, args...)}
	argNum := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			continue
		}
		i++
		for i < len(format) && format[i] == '#' {
			i++
		}
		switch {
		case i == len(format) || format[i] == '%':
		case format[i] == 'w':
			if argNum < len(args) {
				e.err, _ = args[argNum].(error)
			}
			argNum++
		default:
			argNum++
		}
	}
	return e
}

type wrapError struct {
	msg string
	err error
}

func (e *wrapError) Error() string { return e.msg }

// Unwrap returns the %w argument, or nil.
func (e *wrapError) Unwrap() error { return e.err }

// Appendf appends the formatted text to dst.
func Appendf(dst []byte, format string, args ...any) []byte {
	argNum := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			dst = append(dst, c)
			continue
		}
		i++
		sharp := false
		for i < len(format) && format[i] == '#' {
			sharp = true
			i++
		}
		if i == len(format) {
			return append(dst, "%!(NOVERB)"...)
		}
		verb, size := utf8.DecodeRuneInString(format[i:])
		i += size - 1
		if verb == '%' {
			dst = append(dst, '%')
			continue
		}
		if argNum == len(args) {
			dst = append(dst, '%', '!')
			dst = utf8.AppendRune(dst, verb)
			dst = append(dst, "(MISSING)"...)
			continue
		}
		dst = appendArg(dst, verb, sharp, args[argNum])
		argNum++
	}
	if argNum < len(args) {
		dst = append(dst, "%!(EXTRA"...)
		for i, a := range args[argNum:] {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, ' ')
			dst = appendArg(dst, 'v', false, a)
		}
		dst = append(dst, ')')
	}
	return dst
}

func appendArg(dst []byte, verb rune, sharp bool, arg any) []byte {
	if verb == 'w' {
		verb = 'v'
	}
	if n, signed, ok := integer(arg); ok {
		switch verb {
		case 'd', 'v':
			if signed {
				return strconv.AppendInt(dst, int64(n), 10)
			}
			return strconv.AppendUint(dst, n, 10)
		case 'x':
			if sharp {
				dst = append(dst, "0x"...)
			}
			if signed && int64(n) < 0 {
				return strconv.AppendInt(dst, int64(n), 16)
			}
			return strconv.AppendUint(dst, n, 16)
		case 'c':
			return utf8.AppendRune(dst, rune(n))
		}
		return badVerb(dst, verb)
	}
	var s string
	switch a := arg.(type) {
	case string:
		s = a
	case []byte:
		s = string(a)
	case error:
		s = a.Error()
	case interface{ String() string }:
		s = a.String()
	case bool:
		s = strconv.FormatBool(a)
	case float64:
		if verb != 'v' {
			return badVerb(dst, verb)
		}
		return strconv.AppendFloat(dst, a, 'g', -1, 64)
	case float32:
		if verb != 'v' {
			return badVerb(dst, verb)
		}
		return strconv.AppendFloat(dst, float64(a), 'g', -1, 32)
	case nil:
		if verb != 'v' && verb != 's' {
			return badVerb(dst, verb)
		}
		return append(dst, "<nil>"...)
	default:
		return badVerb(dst, verb)
	}
	switch verb {
	case 's', 'v':
		return append(dst, s...)
	case 'q':
		return strconv.AppendQuote(dst, s)
	case 'x':
		if sharp {
			dst = append(dst, "0x"...)
		}
		const digits = "0123456789abcdef"
		for i := 0; i < len(s); i++ {
			dst = append(dst, digits[s[i]>>4], digits[s[i]&15])
		}
		return dst
	}
	return badVerb(dst, verb)
}

// integer returns arg's value if it is of an integer type, with whether
// that type is signed.
func integer(arg any) (n uint64, signed, ok bool) {
	switch a := arg.(type) {
	case int:
		return uint64(a), true, true
	case int8:
		return uint64(a), true, true
	case int16:
		return uint64(a), true, true
	case int32:
		return uint64(a), true, true
	case int64:
		return uint64(a), true, true
	case uint:
		return uint64(a), false, true
	case uint8:
		return uint64(a), false, true
	case uint16:
		return uint64(a), false, true
	case uint32:
		return uint64(a), false, true
	case uint64:
		return a, false, true
	case uintptr:
		return uint64(a), false, true
	}
	return 0, false, false
}

// badVerb is fmt's text for a verb that does not suit its argument, less
// the argument's type, which only reflection knows.
func badVerb(dst []byte, verb rune) []byte {
	dst = append(dst, '%', '!')
	dst = utf8.AppendRune(dst, verb)
	return append(dst, "(BADTYPE)"...)
}
