// Package printf formats messages the way fmt does, for the verbs and
// argument types the engine's messages use, without fmt.
//
// fmt can print any value (structs, maps, pointers), which keeps all of
// reflect's printing machinery in every binary that calls it: about 300
// KB of the WebAssembly module, which is downloaded and compiled on every
// page load. This package prints the basic kinds only.
//
// Verbs: %s and %v (strings, byte slices, errors, Stringers, booleans,
// integers, floats as %v prints them, nil for %v), %d (integers), %q (strings,
// byte slices, as strconv.Quote), %x (integers, strings and byte slices;
// %#x adds 0x), %c (runes), %w (Errorf's wrapped error, printed as %v) and
// %%; no widths or precisions. Anything else prints as fmt prints a bad
// verb, without the argument's type: %!d(BADTYPE).
package printf

import (
	"reflect"
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
	// Through Appendf, not Sprintf: go vet -printf.funcs=<this package>.Sprintf
	// checks the callers of Sprintf and its wrappers, and would take Errorf
	// for one and reject its %w.
	e := &wrapError{msg: string(Appendf(nil, format, args...))}
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
	// As in fmt, a String or Error method wins over the value's kind
	// except for %d and %c.
	if verb != 'd' && verb != 'c' {
		switch a := arg.(type) {
		case error:
			return appendText(dst, verb, sharp, a.Error())
		case interface{ String() string }:
			return appendText(dst, verb, sharp, a.String())
		}
	}
	switch a := basic(arg).(type) {
	case string:
		return appendText(dst, verb, sharp, a)
	case []byte:
		if verb == 'v' { // as a list of numbers, like other slices
			dst = append(dst, '[')
			for i, b := range a {
				if i > 0 {
					dst = append(dst, ' ')
				}
				dst = strconv.AppendUint(dst, uint64(b), 10)
			}
			return append(dst, ']')
		}
		return appendText(dst, verb, sharp, string(a))
	case bool:
		if verb != 'v' && verb != 's' {
			return badVerb(dst, verb)
		}
		return strconv.AppendBool(dst, a)
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
	case int64:
		switch verb {
		case 'd', 'v':
			return strconv.AppendInt(dst, a, 10)
		case 'x':
			if sharp {
				dst = append(dst, "0x"...)
			}
			return strconv.AppendInt(dst, a, 16)
		case 'c':
			return utf8.AppendRune(dst, rune(a))
		}
	case uint64:
		switch verb {
		case 'd', 'v':
			return strconv.AppendUint(dst, a, 10)
		case 'x':
			if sharp {
				dst = append(dst, "0x"...)
			}
			return strconv.AppendUint(dst, a, 16)
		case 'c':
			return utf8.AppendRune(dst, rune(a))
		}
	case nil:
		if verb == 'v' {
			return append(dst, "<nil>"...)
		}
		dst = append(dst, '%', '!')
		dst = utf8.AppendRune(dst, verb)
		return append(dst, "(<nil>)"...)
	}
	return badVerb(dst, verb)
}

func appendText(dst []byte, verb rune, sharp bool, s string) []byte {
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

// basic returns arg as a string, []byte, bool, float32, float64, int64,
// uint64 or nil when its kind is one of those (named types included),
// and arg itself otherwise. Only the named types need reflection, and
// only its Kind and basic accessors, which link little of it.
func basic(arg any) any {
	switch a := arg.(type) {
	case nil, string, []byte, bool, float32, float64, int64, uint64:
		return a
	case int:
		return int64(a)
	case int8:
		return int64(a)
	case int16:
		return int64(a)
	case int32:
		return int64(a)
	case uint:
		return uint64(a)
	case uint8:
		return uint64(a)
	case uint16:
		return uint64(a)
	case uint32:
		return uint64(a)
	case uintptr:
		return uint64(a)
	}
	v := reflect.ValueOf(arg)
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return arg
}

// badVerb is fmt's text for a verb that does not suit its argument, less
// the argument's type, which only reflection knows.
func badVerb(dst []byte, verb rune) []byte {
	dst = append(dst, '%', '!')
	dst = utf8.AppendRune(dst, verb)
	return append(dst, "(BADTYPE)"...)
}
