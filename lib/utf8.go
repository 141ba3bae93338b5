package lib

import (
	"math"

	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/syntax"
)

// Limits of the encoding: strict functions accept code points up to
// maxUnicode (and no surrogates); lax ones accept the original UTF-8's
// sequences of up to six bytes, up to maxUTF.
const (
	maxUnicode = 0x10FFFF
	maxUTF     = 0x7FFFFFFF
)

const msgInvalidUTF8 = "invalid UTF-8 code"

// OpenUTF8 returns the utf8 library.
func OpenUTF8(s *lua.State) *lua.Table {
	m := newLib("utf8", map[string]lua.GoFunc{
		"char":      utf8Char,
		"codepoint": utf8Codepoint,
		"len":       utf8Len,
		"offset":    utf8Offset,
	})
	strict := lua.NewGoFunction("utf8.codes iterator", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return utf8Next(t, args, true)
	}).Value()
	lax := lua.NewGoFunction("utf8.codes lax iterator", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return utf8Next(t, args, false)
	}).Value()
	m.SetStr("codes", lua.NewGoFunction("utf8.codes", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		laxArg := lua.Arg(args, 2).Truthy()
		s, err := lua.CheckString(args, 1)
		if err != nil {
			return nil, err
		}
		if isCont(s, 0) {
			return nil, lua.ArgError(1, msgInvalidUTF8)
		}
		iter := strict
		if laxArg {
			iter = lax
		}
		subject := args[0]
		if !subject.IsString() { // a number, converted as luaL_checkstring does
			subject = lua.String(s)
		}
		return t.Ret(iter, subject, lua.Int(0))
	}).Value())
	m.SetStr("charpattern", lua.String("[\x00-\x7F\xC2-\xFD][\x80-\xBF]*"))
	return m
}

// byteAt returns s[i], or 0 past the end: the reference relies on the
// terminating '\0' of its strings when decoding.
func byteAt(s string, i int64) byte {
	if i < int64(len(s)) {
		return s[i]
	}
	return 0
}

// isCont reports whether s[i] is a continuation byte.
func isCont(s string, i int64) bool { return byteAt(s, i)&0xC0 == 0x80 }

// relPos converts a relative string position (negative counts from the
// end) to an absolute one; too-negative positions become 0.
func relPos(pos int64, n int) int64 {
	switch {
	case pos >= 0:
		return pos
	case -uint64(pos) > uint64(n):
		return 0
	}
	return int64(n) + pos + 1
}

// decodeUTF8 decodes the sequence starting at s[i], returning the code
// point and the index after the sequence; ok is false for an invalid
// sequence (and, when strict, for surrogates and values above maxUnicode).
func decodeUTF8(s string, i int64, strict bool) (code uint32, next int64, ok bool) {
	limits := [...]uint32{^uint32(0), 0x80, 0x800, 0x10000, 0x200000, 0x4000000}
	c := uint(byteAt(s, i))
	if c < 0x80 {
		code = uint32(c)
	} else {
		count := 0
		var res uint32
		for ; c&0x40 != 0; c <<= 1 { // while it needs continuation bytes
			count++
			cc := byteAt(s, i+int64(count))
			if cc&0xC0 != 0x80 {
				return 0, 0, false
			}
			res = res<<6 | uint32(cc&0x3F)
		}
		if count > 5 {
			return 0, 0, false
		}
		res |= uint32(c&0x7F) << (count * 5)
		if res > maxUTF || res < limits[count] {
			return 0, 0, false
		}
		code = res
		i += int64(count)
	}
	if strict && (code > maxUnicode || 0xD800 <= code && code <= 0xDFFF) {
		return 0, 0, false
	}
	return code, i + 1, true
}

func utf8Char(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	var b []byte
	for i := range args {
		code, err := lua.CheckInt(args, i+1)
		if err != nil {
			return nil, err
		}
		if uint64(code) > maxUTF {
			return nil, lua.ArgError(i+1, "value out of range")
		}
		b = syntax.AppendUTF8(b, uint32(code))
	}
	return t.Ret(lua.String(string(b)))
}

func utf8Len(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	s, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	i, err := lua.OptInt(args, 2, 1)
	if err != nil {
		return nil, err
	}
	j, err := lua.OptInt(args, 3, -1)
	if err != nil {
		return nil, err
	}
	posi, posj := relPos(i, len(s)), relPos(j, len(s))
	lax := lua.Arg(args, 4).Truthy()
	if posi < 1 || posi-1 > int64(len(s)) {
		return nil, lua.ArgError(2, "initial position out of bounds")
	}
	posi--
	if posj--; posj >= int64(len(s)) {
		return nil, lua.ArgError(3, "final position out of bounds")
	}
	n := int64(0)
	for posi <= posj {
		_, next, ok := decodeUTF8(s, posi, !lax)
		if !ok {
			return t.Ret(lua.Nil, lua.Int(posi+1))
		}
		posi = next
		n++
	}
	return t.Ret(lua.Int(n))
}

func utf8Codepoint(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	s, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	i, err := lua.OptInt(args, 2, 1)
	if err != nil {
		return nil, err
	}
	posi := relPos(i, len(s))
	j, err := lua.OptInt(args, 3, posi)
	if err != nil {
		return nil, err
	}
	pose := relPos(j, len(s))
	lax := lua.Arg(args, 4).Truthy()
	if posi < 1 {
		return nil, lua.ArgError(2, "out of bounds")
	}
	if pose > int64(len(s)) {
		return nil, lua.ArgError(3, "out of bounds")
	}
	if posi > pose {
		return nil, nil
	}
	if pose-posi >= math.MaxInt32 {
		return nil, lua.Errorf("string slice too long")
	}
	var out []lua.Value
	for k := posi - 1; k < pose; {
		code, next, ok := decodeUTF8(s, k, !lax)
		if !ok {
			return nil, lua.Errorf(msgInvalidUTF8)
		}
		out = append(out, lua.Int(int64(code)))
		k = next
	}
	return out, nil
}

// utf8Next is the iterator of utf8.codes: from the byte position in
// args[1] it skips the rest of the current character and decodes the next.
func utf8Next(t *lua.Thread, args []lua.Value, strict bool) ([]lua.Value, error) {
	s, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	i, _ := lua.Arg(args, 2).ToInteger()
	n := uint64(i)
	for n < uint64(len(s)) && isCont(s, int64(n)) {
		n++
	}
	if n >= uint64(len(s)) { // also when the control value was negative
		return nil, nil
	}
	code, next, ok := decodeUTF8(s, int64(n), strict)
	if !ok || isCont(s, next) {
		return nil, lua.Errorf(msgInvalidUTF8)
	}
	return t.Ret(lua.Int(int64(n)+1), lua.Int(int64(code)))
}

func utf8Offset(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	s, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	n, err := lua.CheckInt(args, 2)
	if err != nil {
		return nil, err
	}
	def := int64(1)
	if n < 0 {
		def = int64(len(s)) + 1
	}
	i, err := lua.OptInt(args, 3, def)
	if err != nil {
		return nil, err
	}
	posi := relPos(i, len(s))
	if posi < 1 || posi-1 > int64(len(s)) {
		return nil, lua.ArgError(3, "position out of bounds")
	}
	posi--
	if n == 0 {
		for posi > 0 && isCont(s, posi) { // find the start of this character
			posi--
		}
		return t.Ret(lua.Int(posi + 1))
	}
	if isCont(s, posi) {
		return nil, lua.Errorf("initial position is a continuation byte")
	}
	if n < 0 {
		for n < 0 && posi > 0 { // move back
			posi--
			for posi > 0 && isCont(s, posi) {
				posi--
			}
			n++
		}
	} else {
		n-- // the first character is where we are
		for n > 0 && posi < int64(len(s)) {
			posi++
			for isCont(s, posi) {
				posi++
			}
			n--
		}
	}
	if n != 0 {
		return t.Ret(lua.Nil)
	}
	return t.Ret(lua.Int(posi + 1))
}
