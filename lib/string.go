package lib

// The string library (manual §6.4) follows Lua 5.4.7's lstrlib.c: the
// same argument checks in the same order, the same messages, and C-locale
// character semantics (bytes, not runes). Pattern matching lives in
// pattern.go, string.format in format.go, string.pack and friends in
// pack.go.
//
// Results that are substrings of an argument share its bytes (Go strings
// are immutable), so sub, match captures and unpack 'c' cost no copy.

import (
	"math"
	"unsafe"

	"github.com/luawasm/luawasm/lua"
)

// maxStringSize is lstrlib's MAXSIZE: results of rep and formats of pack
// are limited to what fits in a C int.
const maxStringSize = math.MaxInt32

// maxResults approximates how many values a C function can push before
// luaL_checkstack fails (LUAI_MAXSTACK minus the frames below it).
const maxResults = 1000000 - 22

// OpenString builds the string library, and sets the metatable of strings:
// __index is the library table (so s:upper() works) and the arithmetic
// metamethods convert numeric strings.
func OpenString(s *lua.State) *lua.Table {
	lib := lua.NewTable(0, 20)
	for _, f := range []struct {
		name string
		fn   lua.GoFunc
	}{
		{"byte", strByte},
		{"char", strChar},
		{"dump", strDump},
		{"find", strFind},
		{"format", strFormat},
		{"gmatch", strGmatch},
		{"gsub", strGsub},
		{"len", strLen},
		{"lower", strLower},
		{"match", strMatch},
		{"pack", strPack},
		{"packsize", strPacksize},
		{"rep", strRep},
		{"reverse", strReverse},
		{"sub", strSub},
		{"unpack", strUnpack},
		{"upper", strUpper},
	} {
		lib.SetStr(f.name, lua.NewGoFunction("string."+f.name, f.fn).Value())
	}

	meta := lua.NewTable(0, 10)
	for _, e := range stringArithEvents {
		meta.SetStr(e.event, lua.NewGoFunction("string.metatable."+e.event, stringArith(e.event, e.op)).Value())
	}
	meta.SetStr("__index", lib.Value())
	s.SetTypeMetatable(lua.TypeString, meta)
	return lib
}

// posRelative turns a possibly negative initial position into a 1-based
// one, clipped below to 1 (lstrlib's posrelatI).
func posRelative(pos int64, n int) int64 {
	switch {
	case pos > 0:
		return pos
	case pos == 0 || pos < -int64(n):
		return 1
	}
	return int64(n) + pos + 1
}

// endPosition reads optional argument i as a final position with default
// def, clipped to [0, n] (lstrlib's getendpos).
func endPosition(args []lua.Value, i int, def int64, n int) (int64, error) {
	pos, err := lua.OptInt(args, i, def)
	if err != nil {
		return 0, err
	}
	switch {
	case pos > int64(n):
		return int64(n), nil
	case pos >= 0:
		return pos, nil
	case pos < -int64(n):
		return 0, nil
	}
	return int64(n) + pos + 1, nil
}

func strLen(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	s, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(lua.Int(int64(len(s))))
}

func strSub(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	s, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	i, err := lua.CheckInt(args, 2)
	if err != nil {
		return nil, err
	}
	start := posRelative(i, len(s))
	end, err := endPosition(args, 3, -1, len(s))
	if err != nil {
		return nil, err
	}
	if start > end {
		return t.Ret(lua.String(""))
	}
	if start == 1 && end == int64(len(s)) && args[0].IsString() {
		return t.Ret(args[0])
	}
	return t.Ret(lua.String(s[start-1 : end]))
}

func strReverse(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	s, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	if err := t.Charge(int64(len(s))); err != nil {
		return nil, err
	}
	v, b := lua.MakeString(len(s))
	for i := range len(s) {
		b[len(s)-1-i] = s[i]
	}
	return t.Ret(v)
}

func strLower(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	return mapBytes(t, args, 'A', 'Z')
}

func strUpper(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	return mapBytes(t, args, 'a', 'z')
}

// mapBytes flips the ASCII case of the bytes in [lo, hi], as C's tolower
// or toupper do in the C locale; other bytes are kept.
func mapBytes(t *lua.Thread, args []lua.Value, lo, hi byte) ([]lua.Value, error) {
	s, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	i := 0
	for i < len(s) && (s[i] < lo || s[i] > hi) {
		i++
	}
	if i == len(s) && args[0].IsString() {
		return t.Ret(args[0]) // nothing to change
	}
	if err := t.Charge(int64(len(s))); err != nil {
		return nil, err
	}
	v, b := lua.MakeString(len(s))
	copy(b, s)
	for ; i < len(b); i++ {
		if c := b[i]; c >= lo && c <= hi {
			b[i] = c ^ 0x20
		}
	}
	return t.Ret(v)
}

func strRep(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	s, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	n, err := lua.CheckInt(args, 2)
	if err != nil {
		return nil, err
	}
	sep, err := lua.OptString(args, 3, "")
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return t.Ret(lua.String(""))
	}
	unit := int64(len(s)) + int64(len(sep))
	if unit > maxStringSize/n {
		return nil, lua.Errorf("resulting string too large")
	}
	total := n*int64(len(s)) + (n-1)*int64(len(sep))
	if total == 0 {
		return t.Ret(lua.String(""))
	}
	if err := t.Charge(total); err != nil {
		return nil, err
	}
	v, b := lua.MakeString(int(total))
	pos := copy(b, s)
	for ; n > 1; n-- {
		pos += copy(b[pos:], sep)
		pos += copy(b[pos:], s)
	}
	return t.Ret(v)
}

func strByte(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	s, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	pi, err := lua.OptInt(args, 2, 1)
	if err != nil {
		return nil, err
	}
	first := posRelative(pi, len(s))
	last, err := endPosition(args, 3, pi, len(s))
	if err != nil {
		return nil, err
	}
	if first > last {
		return t.Ret()
	}
	if last-first >= math.MaxInt32 {
		return nil, lua.Errorf("string slice too long")
	}
	n := int(last-first) + 1
	if n > maxResults {
		return nil, lua.Errorf("stack overflow (string slice too long)")
	}
	if n == 1 {
		return t.Ret(lua.Int(int64(s[first-1])))
	}
	if err := t.Charge(int64(n) * 16); err != nil {
		return nil, err
	}
	vals := make([]lua.Value, n)
	for i := range vals {
		vals[i] = lua.Int(int64(s[int(first)-1+i]))
	}
	return t.Ret(vals...)
}

func strChar(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	v, b := lua.MakeString(len(args))
	for i := range args {
		c, err := lua.CheckInt(args, i+1)
		if err != nil {
			return nil, err
		}
		if uint64(c) > 255 {
			return nil, lua.ArgError(i+1, "value out of range")
		}
		b[i] = byte(c)
	}
	return t.Ret(v)
}

func strDump(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	strip := lua.Arg(args, 2).Truthy()
	fn, err := lua.CheckFunction(args, 1)
	if err != nil {
		return nil, err
	}
	chunk, err := lua.DumpFunction(fn, strip)
	if err != nil {
		return nil, err
	}
	return t.Ret(lua.String(chunk))
}

// A builder accumulates a string result, charging the memory budget before
// each growth of its buffer. The first failed charge is kept in err and
// stops further writes, so callers check err once when they finish.
type builder struct {
	buf []byte
	t   *lua.Thread
	err error
}

// room makes space for n more bytes and reports whether writing may go on.
func (b *builder) room(n int) bool {
	if b.err != nil {
		return false
	}
	if len(b.buf)+n > cap(b.buf) {
		newCap := max(2*cap(b.buf), len(b.buf)+n, 32)
		if err := b.t.Charge(int64(newCap)); err != nil {
			b.err = err
			return false
		}
		grown := make([]byte, len(b.buf), newCap)
		copy(grown, b.buf)
		b.buf = grown
	}
	return true
}

func (b *builder) add(s string) {
	if b.room(len(s)) {
		b.buf = append(b.buf, s...)
	}
}

func (b *builder) addBytes(p []byte) {
	if b.room(len(p)) {
		b.buf = append(b.buf, p...)
	}
}

func (b *builder) addByte(c byte) {
	if b.room(1) {
		b.buf = append(b.buf, c)
	}
}

// addRepeated writes n copies of c.
func (b *builder) addRepeated(c byte, n int) {
	if n > 0 && b.room(n) {
		for range n {
			b.buf = append(b.buf, c)
		}
	}
}

// String returns the result without copying it (the buffer is always one
// that room allocated); the builder must not be written to afterwards.
func (b *builder) String() string { return ownedString(b.buf) }

// ownedString returns the bytes of b as a string without copying them; b
// must be a buffer that nothing writes to afterwards.
func ownedString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// ---- arithmetic metamethods of strings ----

// stringArithEvents maps the arithmetic events of the string metatable to
// the operators of lua.Arith.
var stringArithEvents = []struct{ event, op string }{
	{"__add", "+"}, {"__sub", "-"}, {"__mul", "*"}, {"__mod", "%"},
	{"__pow", "^"}, {"__div", "/"}, {"__idiv", "//"}, {"__unm", "unm"},
}

// stringArith returns the metamethod for event: when both operands are
// numbers or numeric strings it computes as the VM does on the converted
// numbers; otherwise it defers to the second operand's metamethod, or fails
// with lstrlib's message. (__unm receives its operand twice.)
func stringArith(event, op string) lua.GoFunc {
	return func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		a, b := lua.Arg(args, 1), lua.Arg(args, 2)
		x, okx := numericOperand(a)
		y, oky := numericOperand(b)
		if !okx || !oky {
			return tryOtherMetamethod(t, event, a, b)
		}
		r, ok := lua.Arith(op, x, y)
		if !ok { // only integer division by zero fails
			// The reference reports these without a position: the running
			// function is the C metamethod.
			if op == "%" {
				return nil, &lua.Error{Value: lua.String("attempt to perform 'n%0'")}
			}
			return nil, &lua.Error{Value: lua.String("attempt to divide by zero")}
		}
		return t.Ret(r)
	}
}

// numericOperand converts a number or a string holding a whole numeral
// (lstrlib's tonum); other values do not convert.
func numericOperand(v lua.Value) (lua.Value, bool) {
	if v.IsNumber() {
		return v, true
	}
	if s, ok := v.AsString(); ok {
		return lua.StringToNumber(s)
	}
	return lua.Nil, false
}

// tryOtherMetamethod is lstrlib's trymt: a string operand that is not
// numeric leaves the operation to the other operand's metamethod, if the
// other operand is not a string and has one.
func tryOtherMetamethod(t *lua.Thread, event string, a, b lua.Value) ([]lua.Value, error) {
	if !b.IsString() {
		if mt := t.State().Metatable(b); mt != nil {
			if mm := mt.GetStr(event); !mm.IsNil() {
				res, err := t.Call(mm, a, b)
				if err != nil {
					return nil, err
				}
				if len(res) == 0 {
					return t.Ret(lua.Nil)
				}
				return t.Ret(res[0])
			}
		}
	}
	return nil, lua.Errorf("attempt to %s a '%s' with a '%s'", event[2:], a.TypeName(), b.TypeName())
}
