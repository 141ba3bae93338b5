// Package wire is the byte format in which values cross between the Go
// engine and its JavaScript host.
//
// Crossing the syscall/js boundary costs a call per property, so a Lua
// table is not built as a JS object from Go: Go writes the whole value into
// one byte slice, JS copies it out once and decodes it (js/wire.js is the
// other half; the two must change together). Scalars cross as JS primitives
// and never reach this package.
//
// A value is a tag byte and its payload; lengths and ids are unsigned
// LEB128 varints, numbers little-endian:
//
//	Nil, False, True          no payload
//	Int32                     4 bytes: a Lua integer
//	Int53                     8 bytes: a Lua integer held as a float64 (JS safe integers)
//	Int64                     8 bytes: a Lua integer (JS BigInt, and Go integers beyond 2^53)
//	Float                     8 bytes: a float64
//	String, Bytes             len, bytes (Bytes comes from a JS Uint8Array)
//	Array                     n, n values: a Lua sequence 1..n / a JS array
//	Object                    n, n (key, value) pairs
//	Ref                       index: the index-th Array or Object of this message
//	                          (in the order they started), for shared parts and cycles
//	LuaRef                    handle, kind: a Lua function, userdata or thread held by Go
//	JSFunc                    id: a JS function held by the host
//
// Arrays and Objects are numbered as they start, before their contents, so
// a cycle refers back to a container that is still being written.
package wire

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/luawasm/luawasm/lua"
)

// Tags of the wire format.
const (
	TagNil byte = iota
	TagFalse
	TagTrue
	TagInt32
	TagInt53
	TagInt64
	TagFloat
	TagString
	TagBytes
	TagArray
	TagObject
	TagRef
	TagLuaRef
	TagJSFunc
)

// Kinds of a LuaRef, so that JS can tell a callable function from an
// opaque value without asking Go.
const (
	RefFunction byte = iota
	RefUserdata
	RefThread
)

// MaxDepth bounds the nesting of containers in one message, so that neither
// side's recursion overflows its stack.
const MaxDepth = 200

// ErrTooDeep is returned for values nested more than MaxDepth levels.
var ErrTooDeep = errors.New("value too deeply nested to convert")

// An Encoder writes Lua values. Its Hold function gives Go-held values
// (functions, userdata, threads) a handle, and JSFunc recognizes a Lua
// value that stands for a JS function so that it goes back as that
// function. An Encoder may be reused; each Encode is one message.
type Encoder struct {
	Hold   func(v lua.Value) uint32
	JSFunc func(v lua.Value) (id uint32, ok bool)

	buf   []byte
	seen  map[*lua.Table]int
	count int
}

// Encode returns vals as one message (a single value, or an argument
// list). The slice is valid until the next Encode.
//
// The message is built in a local slice, passed down and returned by the
// append functions, and stored in e once: appending through e.buf stored
// the slice's pointer into the heap at every value, which costs a write
// barrier each while the collector marks (and in wasm it marks across
// many calls from JS).
func (e *Encoder) Encode(vals ...lua.Value) ([]byte, error) {
	buf := e.buf[:0]
	e.count = 0
	clear(e.seen)
	var err error
	for _, v := range vals {
		if buf, err = e.appendValue(buf, v, 0); err != nil {
			e.buf = buf[:0]
			return nil, err
		}
	}
	e.buf = buf
	return buf, nil
}

func (e *Encoder) appendValue(buf []byte, v lua.Value, depth int) ([]byte, error) {
	switch v.Type() {
	case lua.TypeNil:
		buf = append(buf, TagNil)
	case lua.TypeBoolean:
		if v.Truthy() {
			buf = append(buf, TagTrue)
		} else {
			buf = append(buf, TagFalse)
		}
	case lua.TypeNumber:
		if i, ok := v.AsInt(); ok {
			buf = appendInteger(buf, i)
		} else {
			f, _ := v.AsFloat()
			buf = append(buf, TagFloat)
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f))
		}
	case lua.TypeString:
		s, _ := v.AsString()
		buf = appendString(buf, s)
	case lua.TypeTable:
		return e.appendTable(buf, v.AsTable(), depth)
	default:
		if id, ok := e.JSFunc(v); ok {
			buf = append(buf, TagJSFunc)
			return binary.AppendUvarint(buf, uint64(id)), nil
		}
		kind := RefFunction
		switch v.Type() {
		case lua.TypeUserdata:
			kind = RefUserdata
		case lua.TypeThread:
			kind = RefThread
		}
		buf = append(buf, TagLuaRef)
		buf = binary.AppendUvarint(buf, uint64(e.Hold(v)))
		buf = append(buf, kind)
	}
	return buf, nil
}

func appendInteger(buf []byte, i int64) []byte {
	switch {
	case i == int64(int32(i)):
		buf = append(buf, TagInt32)
		return binary.LittleEndian.AppendUint32(buf, uint32(i))
	case i >= -(1<<53) && i <= 1<<53:
		buf = append(buf, TagInt53)
		return binary.LittleEndian.AppendUint64(buf, math.Float64bits(float64(i)))
	}
	buf = append(buf, TagInt64)
	return binary.LittleEndian.AppendUint64(buf, uint64(i))
}

// String appends a string value; the bridge also uses it for messages that
// are not Lua values.
func (e *Encoder) String(s string) { e.buf = appendString(e.buf, s) }

func appendString(buf []byte, s string) []byte {
	buf = append(buf, TagString)
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

// appendTable writes t as an Array when its keys are exactly 1..n (n > 0),
// else as an Object of its string, number and boolean keys; keys of other
// types have no JS property name and are left out. Access is raw:
// metamethods (__index, __pairs) are not consulted.
func (e *Encoder) appendTable(buf []byte, t *lua.Table, depth int) ([]byte, error) {
	if ref, ok := e.seen[t]; ok {
		buf = append(buf, TagRef)
		return binary.AppendUvarint(buf, uint64(ref)), nil
	}
	if depth >= MaxDepth {
		return buf, ErrTooDeep
	}
	if e.seen == nil {
		e.seen = make(map[*lua.Table]int)
	}
	e.seen[t] = e.count
	e.count++

	// The keys are exactly 1..n when there are n of them, all integers
	// from 1 to n (a table's keys are distinct): one pass tells.
	entries, maxInt := 0, int64(0)
	for pos, k, _ := t.Iter(0); pos != 0; pos, k, _ = t.Iter(pos) {
		entries++
		if i, isInt := k.AsInt(); !isInt || i < 1 {
			maxInt = math.MaxInt64
		} else {
			maxInt = max(maxInt, i)
		}
	}
	var err error
	if n := int64(entries); n > 0 && maxInt == n {
		buf = append(buf, TagArray)
		buf = binary.AppendUvarint(buf, uint64(n))
		for i := int64(1); i <= n; i++ {
			if buf, err = e.appendValue(buf, t.GetInt(i), depth+1); err != nil {
				return buf, err
			}
		}
		return buf, nil
	}

	buf = append(buf, TagObject)
	countAt := len(buf)
	buf = binary.AppendUvarint(buf, uint64(entries))
	written := 0
	for pos, k, v := t.Iter(0); pos != 0; pos, k, v = t.Iter(pos) {
		switch k.Type() {
		case lua.TypeString, lua.TypeNumber:
			if buf, err = e.appendValue(buf, k, depth+1); err != nil {
				return buf, err
			}
		case lua.TypeBoolean:
			if k.Truthy() {
				buf = appendString(buf, "true")
			} else {
				buf = appendString(buf, "false")
			}
		default:
			continue
		}
		if buf, err = e.appendValue(buf, v, depth+1); err != nil {
			return buf, err
		}
		written++
	}
	if written != entries {
		buf = patchCount(buf, countAt, entries, written)
	}
	return buf, nil
}

// patchCount rewrites the varint entry count at pos, written before the
// entries whose keys had no JS name were dropped.
func patchCount(buf []byte, pos, old, now int) []byte {
	oldLen := uvarintLen(uint64(old))
	fixed := binary.AppendUvarint(nil, uint64(now))
	if len(fixed) == oldLen {
		copy(buf[pos:], fixed)
		return buf
	}
	return append(buf[:pos], append(fixed, buf[pos+oldLen:]...)...)
}

func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// A Decoder reads messages from JS into Lua values. Held returns the value
// of a handle the Encoder gave out; JSFunc returns the Lua function that
// calls the host's JS function id.
type Decoder struct {
	Held   func(handle uint32) (lua.Value, bool)
	JSFunc func(id uint32) lua.Value

	buf  []byte
	pos  int
	refs []*lua.Table
	// names interns the short string keys of Objects, across messages:
	// the records of a batch (objects with the same fields) then share
	// their field names, as the records a Lua chunk makes share its
	// constants. A table finds a key it holds by identity before
	// comparing bytes, so queries and indexes, which look up the same
	// fields in every record, do; and a field name costs one string
	// instead of one per record.
	names map[string]lua.Value
}

const (
	maxInternedName = 64   // longer keys are not interned
	maxInterned     = 4096 // the names kept at most; then they start again
)

// ErrMalformed is returned for a message that does not follow the format.
var ErrMalformed = errors.New("malformed value message")

// Decode returns the values of a message holding a sequence of values (an
// argument list).
func (d *Decoder) Decode(msg []byte) ([]lua.Value, error) {
	d.buf, d.pos = msg, 0
	d.refs = d.refs[:0]
	var vals []lua.Value
	for d.pos < len(d.buf) {
		v, err := d.value(0)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	return vals, nil
}

func (d *Decoder) value(depth int) (lua.Value, error) {
	if d.pos >= len(d.buf) {
		return lua.Nil, ErrMalformed
	}
	tag := d.buf[d.pos]
	d.pos++
	switch tag {
	case TagNil:
		return lua.Nil, nil
	case TagFalse:
		return lua.False, nil
	case TagTrue:
		return lua.True, nil
	case TagInt32:
		b, err := d.bytes(4)
		if err != nil {
			return lua.Nil, err
		}
		return lua.Int(int64(int32(binary.LittleEndian.Uint32(b)))), nil
	case TagInt53, TagFloat, TagInt64:
		b, err := d.bytes(8)
		if err != nil {
			return lua.Nil, err
		}
		bits := binary.LittleEndian.Uint64(b)
		switch tag {
		case TagInt53:
			return lua.Int(int64(math.Float64frombits(bits))), nil
		case TagInt64:
			return lua.Int(int64(bits)), nil
		}
		return lua.Float(math.Float64frombits(bits)), nil
	case TagString, TagBytes:
		b, err := d.lenBytes()
		if err != nil {
			return lua.Nil, err
		}
		return lua.String(string(b)), nil
	case TagArray, TagObject:
		return d.container(tag, depth)
	case TagRef:
		i, err := d.uvarint()
		if err != nil {
			return lua.Nil, err
		}
		if i >= len(d.refs) {
			return lua.Nil, ErrMalformed
		}
		return d.refs[i].Value(), nil
	case TagLuaRef:
		h, err := d.uvarint()
		if err != nil {
			return lua.Nil, err
		}
		if _, err := d.bytes(1); err != nil { // the kind, which Go knows
			return lua.Nil, err
		}
		v, ok := d.Held(uint32(h))
		if !ok {
			return lua.Nil, errReleased
		}
		return v, nil
	case TagJSFunc:
		id, err := d.uvarint()
		if err != nil {
			return lua.Nil, err
		}
		return d.JSFunc(uint32(id)), nil
	}
	return lua.Nil, ErrMalformed
}

var errReleased = errors.New("a Lua value passed back from JS was already released")

func (d *Decoder) container(tag byte, depth int) (lua.Value, error) {
	if depth >= MaxDepth {
		return lua.Nil, ErrTooDeep
	}
	n, err := d.uvarint()
	if err != nil {
		return lua.Nil, err
	}
	if n > len(d.buf)-d.pos { // every element takes at least one byte
		return lua.Nil, ErrMalformed
	}
	var t *lua.Table
	if tag == TagArray {
		t = lua.NewTable(n, 0)
	} else {
		t = lua.NewTable(0, n)
	}
	d.refs = append(d.refs, t)
	for i := 0; i < n; i++ {
		var k lua.Value
		if tag == TagArray {
			k = lua.Int(int64(i + 1))
		} else if k, err = d.key(depth + 1); err != nil {
			return lua.Nil, err
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return lua.Nil, err
		}
		if k.IsNil() || isNaN(k) {
			return lua.Nil, ErrMalformed
		}
		if err := t.Set(k, v); err != nil {
			return lua.Nil, err
		}
	}
	return t.Value(), nil
}

// key reads the key of an Object's entry, interning a short string.
func (d *Decoder) key(depth int) (lua.Value, error) {
	if d.pos >= len(d.buf) || d.buf[d.pos] != TagString {
		return d.value(depth)
	}
	d.pos++
	b, err := d.lenBytes()
	if err != nil {
		return lua.Nil, err
	}
	if v, ok := d.names[string(b)]; ok {
		return v, nil
	}
	v := lua.String(string(b))
	if len(b) <= maxInternedName {
		if d.names == nil {
			d.names = make(map[string]lua.Value)
		} else if len(d.names) >= maxInterned {
			clear(d.names)
		}
		name, _ := v.AsString()
		d.names[name] = v
	}
	return v, nil
}

// lenBytes reads a length-prefixed byte string (aliasing the buffer).
func (d *Decoder) lenBytes() ([]byte, error) {
	n, err := d.uvarint()
	if err != nil {
		return nil, err
	}
	return d.bytes(n)
}

func isNaN(v lua.Value) bool {
	f, ok := v.AsFloat()
	return ok && f != f
}

func (d *Decoder) uvarint() (int, error) {
	x, n := binary.Uvarint(d.buf[d.pos:])
	if n <= 0 || x > math.MaxInt32 {
		return 0, ErrMalformed
	}
	d.pos += n
	return int(x), nil
}

func (d *Decoder) bytes(n int) ([]byte, error) {
	if n > len(d.buf)-d.pos {
		return nil, ErrMalformed
	}
	b := d.buf[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}
