package lib

// string.pack, string.unpack and string.packsize (manual §6.4.2) follow
// lstrlib.c: a format is read one option at a time, each with its size and
// the padding that aligns it (only when '!' set a maximum alignment above
// 1). Sizes are those of C on a 64-bit machine: int 4, long, size_t,
// lua_Integer and lua_Number 8; the native byte order is little-endian on
// every target this runs on (amd64, arm64, wasm).

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/luawasm/luawasm/lua"
)

const (
	maxIntSize    = 16 // largest size of 'i' and 'I'
	luaIntSize    = 8  // sizeof(lua_Integer)
	nativeAlign   = 8  // default maximum alignment for '!'
	defaultIntLen = 4  // sizeof(int)
)

// An optionKind classifies a format option (lstrlib's KOption).
type optionKind uint8

const (
	kInt       optionKind = iota // signed integer
	kUint                        // unsigned integer
	kFloat                       // C float
	kNumber                      // lua_Number
	kDouble                      // C double
	kChar                        // fixed-size string
	kString                      // string preceded by its length
	kZstr                        // zero-terminated string
	kPadding                     // one padding byte
	kPaddalign                   // padding to an alignment
	kNop                         // endianness, alignment or space
)

// A packFormat reads a format string option by option.
type packFormat struct {
	fmt      string
	little   bool
	maxAlign int
}

// newPackFormat starts reading f, which ends at its first zero byte as C's
// string would.
func newPackFormat(f string) packFormat {
	if i := strings.IndexByte(f, 0); i >= 0 {
		f = f[:i]
	}
	return packFormat{fmt: f, little: true, maxAlign: 1}
}

func (pf *packFormat) done() bool { return pf.fmt == "" }

// number reads a decimal size, or returns def when there is none. Like
// lstrlib's getnum it stops reading digits before the value could overflow.
func (pf *packFormat) number(def int) int {
	if pf.fmt == "" || !isDigit(pf.fmt[0]) {
		return def
	}
	n := 0
	for {
		n = n*10 + int(pf.fmt[0]-'0')
		pf.fmt = pf.fmt[1:]
		if pf.fmt == "" || !isDigit(pf.fmt[0]) || n > (maxStringSize-9)/10 {
			return n
		}
	}
}

// intSize reads the size of an integer option, defaulting to def.
func (pf *packFormat) intSize(def int) (int, error) {
	n := pf.number(def)
	if n > maxIntSize || n <= 0 {
		return 0, lua.Errorf("integral size (%d) out of limits [1,%d]", n, maxIntSize)
	}
	return n, nil
}

// option reads the next option and its size.
func (pf *packFormat) option() (optionKind, int, error) {
	c := pf.fmt[0]
	pf.fmt = pf.fmt[1:]
	switch c {
	case 'b':
		return kInt, 1, nil
	case 'B':
		return kUint, 1, nil
	case 'h':
		return kInt, 2, nil
	case 'H':
		return kUint, 2, nil
	case 'l', 'j':
		return kInt, 8, nil
	case 'L', 'J', 'T':
		return kUint, 8, nil
	case 'f':
		return kFloat, 4, nil
	case 'n':
		return kNumber, 8, nil
	case 'd':
		return kDouble, 8, nil
	case 'i', 'I':
		size, err := pf.intSize(defaultIntLen)
		if c == 'i' {
			return kInt, size, err
		}
		return kUint, size, err
	case 's':
		size, err := pf.intSize(8) // sizeof(size_t)
		return kString, size, err
	case 'c':
		size := pf.number(-1)
		if size == -1 {
			return 0, 0, lua.Errorf("missing size for format option 'c'")
		}
		return kChar, size, nil
	case 'z':
		return kZstr, 0, nil
	case 'x':
		return kPadding, 1, nil
	case 'X':
		return kPaddalign, 0, nil
	case ' ':
	case '<':
		pf.little = true
	case '>':
		pf.little = false
	case '=':
		pf.little = true // native
	case '!':
		n, err := pf.intSize(nativeAlign)
		if err != nil {
			return 0, 0, err
		}
		pf.maxAlign = n
	default:
		return 0, 0, lua.Errorf("invalid format option '%s'", []byte{c}) // the raw byte, as C's %c
	}
	return kNop, 0, nil
}

// next reads the next option and returns it with its size and the number
// of padding bytes that align it at offset total (lstrlib's getdetails).
func (pf *packFormat) next(total int64) (kind optionKind, size, align int, err error) {
	kind, size, err = pf.option()
	if err != nil {
		return
	}
	alignTo := size
	if kind == kPaddalign { // 'X' aligns as the option after it
		errX := lua.ArgError(1, "invalid next option for option 'X'")
		if pf.fmt == "" {
			return 0, 0, 0, errX
		}
		var next optionKind
		if next, alignTo, err = pf.option(); err != nil {
			return
		}
		if next == kChar || alignTo == 0 {
			return 0, 0, 0, errX
		}
	}
	if alignTo <= 1 || kind == kChar {
		return kind, size, 0, nil
	}
	alignTo = min(alignTo, pf.maxAlign)
	if alignTo&(alignTo-1) != 0 {
		err = lua.ArgError(1, "format asks for alignment not power of 2")
		return
	}
	align = (alignTo - int(total&int64(alignTo-1))) & (alignTo - 1)
	return kind, size, align, nil
}

func strPack(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	f, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	// The reference pushes a nil mark after its arguments before packing,
	// so a missing value is reported as "got nil", not "got no value".
	args = append(args[:len(args):len(args)], lua.Nil)
	pf := newPackFormat(f)
	b := builder{t: t}
	arg := 1
	var total int64
	var scratch [maxIntSize]byte
	for !pf.done() {
		kind, size, align, err := pf.next(total)
		if err != nil {
			return nil, err
		}
		total += int64(align + size)
		b.addRepeated(0, align)
		arg++
		switch kind {
		case kInt, kUint:
			n, err := lua.CheckInt(args, arg)
			if err != nil {
				return nil, err
			}
			if size < luaIntSize {
				if kind == kInt {
					lim := int64(1) << (size*8 - 1)
					if n < -lim || n >= lim {
						return nil, lua.ArgError(arg, "integer overflow")
					}
				} else if uint64(n) >= 1<<(size*8) {
					return nil, lua.ArgError(arg, "unsigned overflow")
				}
			}
			b.addBytes(packInt(scratch[:size], uint64(n), pf.little, kind == kInt && n < 0))
		case kFloat:
			x, err := lua.CheckFloat(args, arg)
			if err != nil {
				return nil, err
			}
			b.addBytes(packInt(scratch[:4], uint64(math.Float32bits(float32(x))), pf.little, false))
		case kNumber, kDouble:
			x, err := lua.CheckFloat(args, arg)
			if err != nil {
				return nil, err
			}
			b.addBytes(packInt(scratch[:8], math.Float64bits(x), pf.little, false))
		case kChar:
			s, err := lua.CheckString(args, arg)
			if err != nil {
				return nil, err
			}
			if len(s) > size {
				return nil, lua.ArgError(arg, "string longer than given size")
			}
			b.add(s)
			b.addRepeated(0, size-len(s))
		case kString:
			s, err := lua.CheckString(args, arg)
			if err != nil {
				return nil, err
			}
			if size < 8 && uint64(len(s)) >= 1<<(size*8) {
				return nil, lua.ArgError(arg, "string length does not fit in given size")
			}
			b.addBytes(packInt(scratch[:size], uint64(len(s)), pf.little, false))
			b.add(s)
			total += int64(len(s))
		case kZstr:
			s, err := lua.CheckString(args, arg)
			if err != nil {
				return nil, err
			}
			if strings.IndexByte(s, 0) >= 0 {
				return nil, lua.ArgError(arg, "string contains zeros")
			}
			b.add(s)
			b.addByte(0)
			total += int64(len(s)) + 1
		case kPadding:
			b.addByte(0)
			arg--
		case kPaddalign, kNop:
			arg--
		}
		if b.err != nil {
			return nil, b.err
		}
	}
	return t.Ret(lua.String(b.String()))
}

// packInt writes the low bytes of n into dst in the given byte order;
// bytes beyond the eighth repeat the sign when neg.
func packInt(dst []byte, n uint64, little, neg bool) []byte {
	for i := range dst {
		var c byte
		switch {
		case i < 8:
			c = byte(n >> (8 * i))
		case neg:
			c = 0xff
		}
		if little {
			dst[i] = c
		} else {
			dst[len(dst)-1-i] = c
		}
	}
	return dst
}

// unpackInt reads a size-byte integer; sizes above 8 must hold a value that
// fits in a Lua integer.
func unpackInt(data string, little bool, size int, signed bool) (int64, error) {
	at := func(i int) byte { // the i-th byte from the least significant
		if little {
			return data[i]
		}
		return data[size-1-i]
	}
	var u uint64
	for i := min(size, luaIntSize) - 1; i >= 0; i-- {
		u = u<<8 | uint64(at(i))
	}
	if size < luaIntSize {
		if signed { // sign-extend
			mask := uint64(1) << (size*8 - 1)
			u = (u ^ mask) - mask
		}
	} else if size > luaIntSize {
		var ext byte
		if signed && int64(u) < 0 {
			ext = 0xff
		}
		for i := luaIntSize; i < size; i++ {
			if at(i) != ext {
				return 0, lua.Errorf("%d-byte integer does not fit into Lua Integer", size)
			}
		}
	}
	return int64(u), nil
}

func strPacksize(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	f, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	pf := newPackFormat(f)
	var total int64
	for !pf.done() {
		kind, size, align, err := pf.next(total)
		if err != nil {
			return nil, err
		}
		if kind == kString || kind == kZstr {
			return nil, lua.ArgError(1, "variable-length format")
		}
		size += align
		if total > maxStringSize-int64(size) {
			return nil, lua.ArgError(1, "format result too large")
		}
		total += int64(size)
	}
	return t.Ret(lua.Int(total))
}

func strUnpack(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	f, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	data, err := lua.CheckString(args, 2)
	if err != nil {
		return nil, err
	}
	i, err := lua.OptInt(args, 3, 1)
	if err != nil {
		return nil, err
	}
	pos := posRelative(i, len(data)) - 1
	if pos > int64(len(data)) {
		return nil, lua.ArgError(3, "initial position out of string")
	}
	pf := newPackFormat(f)
	var vals []lua.Value
	for !pf.done() {
		kind, size, align, err := pf.next(pos)
		if err != nil {
			return nil, err
		}
		if int64(align)+int64(size) > int64(len(data))-pos {
			return nil, lua.ArgError(2, "data string too short")
		}
		pos += int64(align)
		if len(vals)+2 > maxResults {
			return nil, lua.Errorf("stack overflow (too many results)")
		}
		item := data[pos : pos+int64(size)]
		var v lua.Value
		switch kind {
		case kInt, kUint:
			n, err := unpackInt(item, pf.little, size, kind == kInt)
			if err != nil {
				return nil, err
			}
			v = lua.Int(n)
		case kFloat:
			v = lua.Float(float64(math.Float32frombits(uint32(readUint(item, pf.little)))))
		case kNumber, kDouble:
			v = lua.Float(math.Float64frombits(readUint(item, pf.little)))
		case kChar:
			v = lua.String(item)
		case kString:
			n, err := unpackInt(item, pf.little, size, false)
			if err != nil {
				return nil, err
			}
			if uint64(n) > uint64(int64(len(data))-pos-int64(size)) {
				return nil, lua.ArgError(2, "data string too short")
			}
			start := pos + int64(size)
			v = lua.String(data[start : start+n])
			pos += n
		case kZstr:
			n := strings.IndexByte(data[pos:], 0)
			if n < 0 {
				return nil, lua.ArgError(2, "unfinished string for format 'z'")
			}
			v = lua.String(data[pos : pos+int64(n)])
			pos += int64(n) + 1
		default:
			pos += int64(size)
			continue
		}
		vals = append(vals, v)
		pos += int64(size)
	}
	vals = append(vals, lua.Int(pos+1))
	return t.Ret(vals...)
}

// readUint reads a 4- or 8-byte unsigned value in the given byte order.
func readUint(p string, little bool) uint64 {
	var buf [8]byte
	copy(buf[:], p)
	if len(p) == 4 {
		if little {
			return uint64(binary.LittleEndian.Uint32(buf[:]))
		}
		return uint64(binary.BigEndian.Uint32(buf[:]))
	}
	if little {
		return binary.LittleEndian.Uint64(buf[:])
	}
	return binary.BigEndian.Uint64(buf[:])
}
