package persist

// This file defines the storage format of a persistent object graph: the
// keys and record payloads a DB keeps in a store.Backend. Every record
// value is framed by store.Encoder.AppendRecord (format version, codec,
// length, CRC-32C; payloads above the threshold compressed with snappy),
// so what follows describes the payloads inside the frames.
//
// Format version 1.
//
// # Object ids
//
// Every persistent object has an id, a uint64 that never changes:
//
//	id = n<<3 | kind
//
// where n counts up from 1 (the meta record holds the next n) and kind is
//
//	1 closure   (Lua function)
//	2 wrap      (a function made by coroutine.wrap)
//	3 cell      (an upvalue cell)
//	4 table
//	5 thread    (a coroutine)
//	6 userdata  (with a persist hook)
//
// so that a reference says what it points at. Go functions, the standard
// library's tables and the other permanent values (see Registry) are not
// objects: they are stored by name.
//
// # Keys
//
// The first byte of a key says what the record holds. Keys sort in this
// order, which is the order a load reads them in (see load.go):
//
//	key                          record
//	"0"                          meta
//	"0d"                         damage mark (see below)
//	"1" hash[16]                 prototype
//	"2" id[8]                    closure header
//	"3" id[8]                    wrap function header
//	"4" id[8]                    cell
//	"5" id[8]                    table header
//	"6" id[8]                    thread image
//	"7" id[8]                    userdata
//	"8" id[8] value              table entry (of a spread table): the
//	                             entry's key in the value encoding below
//
// id[8] is the id as 8 big-endian bytes; hash[16] is the first 16 bytes of
// the SHA-256 of the prototype record's payload.
//
// # Values
//
// A value starts with a tag byte; varints are encoding/binary's (Uvarint,
// and zigzag for integers):
//
//	tag   value       then
//	0     nil         -
//	1     false       -
//	2     true        -
//	3     integer     zigzag varint
//	4     float       8 bytes, IEEE 754 bits, little-endian
//	5     string      uvarint length, bytes
//	6     reference   uvarint object id
//	7     permanent   uvarint length, name (a Registry name: "string.upper", "_G")
//
// # Payloads
//
// meta:
//
//	uvarint  format version (1)
//	uvarint  next object number n
//	uvarint  id of the root table
//
// damage mark: the text of the first problem a load found (a damaged or
// missing record). Once it exists, opens no longer delete unreachable
// records: those that only a lost record referred to are kept.
//
// prototype: compile.Dump(p, false): the function's bytecode with its
// debug information, shared by every closure of it (content-addressed).
// Loading goes through compile.Undump, whose verifier rejects bytecode the
// VM could not run safely.
//
// closure header:
//
//	16 bytes  prototype hash
//	uvarint   number of upvalues u
//	u × uvarint  cell ids, in upvalue order (closures sharing a variable
//	             share the cell)
//
// wrap function header: uvarint id of its coroutine.
//
// cell:
//
//	byte  0: closed, followed by its value
//	      1: open, its value is a stack slot of the thread that lists the
//	         cell in its image
//
// table header:
//
//	value     metatable (nil, a reference or a permanent)
//	byte      layout: 0 packed, 1 spread
//	packed:   uvarint count c, then c × (key value, value value)
//	spread:   nothing: each entry is its own "8" record
//
// A table starts packed and is rewritten whole when it changes; once it
// holds more than maxPackedEntries entries it is spread (and stays so), so
// that changing one field of one record in a large collection writes one
// small record.
//
// thread image (see lua.ThreadImage):
//
//	byte     flags: 1 dead, 2 has a death error
//	value    body (the main function of a coroutine not yet started)
//	uvarint  top
//	uvarint  stack size s, then s values
//	uvarint  frame count f, then f frames:
//	           value    function
//	           uvarint  flags (lua.FrameFlags)
//	           uvarint  function slot, base, top, pc
//	           varint   expected results (-1 for all)
//	           uvarint  extra arguments, aux, protected-call slot
//	           value    message handler
//	           uvarint  saved Go-call depth
//	uvarint  open cell count o, then o × (uvarint slot, uvarint cell id)
//	uvarint  to-be-closed count c, then c × uvarint slot
//	value    message handler of the innermost xpcall
//	uvarint  active protected calls
//	value    death error (only with flag 2)
//
// userdata:
//
//	uvarint length, type name (the hook's name, see Persistable)
//	uvarint length, data (the hook's encoding)
//	value   metatable
//	value   user value
//
// table entry: the entry's value.
//
// # Atomicity and garbage
//
// A commit is one store.Batch: the records of every entry, cell and header
// that changed, the records of the objects that became reachable, and the
// meta record when new ids were given. Records of objects that became
// unreachable stay until the next Open, which marks from the root and
// deletes the rest in one maintenance batch (never when a record failed to
// load: a lost link must not turn data into garbage).

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/internal/sha256"
	"github.com/luawasm/luawasm/lua"
)

// FormatVersion is the version of the format this package reads and writes.
const FormatVersion = 1

// maxPackedEntries is the largest table stored as one record.
const maxPackedEntries = 32

// Object kinds, the low three bits of an id.
type objKind uint8

const (
	kindClosure objKind = 1 + iota
	kindWrap
	kindCell
	kindTable
	kindThread
	kindUserdata
)

var kindNames = [...]string{kindClosure: "function", kindWrap: "wrap function", kindCell: "upvalue", kindTable: "table", kindThread: "coroutine", kindUserdata: "userdata"}

func (k objKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind" + strconv.Itoa(int(k))
}

func makeID(n uint64, k objKind) uint64 { return n<<3 | uint64(k) }

func idKind(id uint64) objKind { return objKind(id & 7) }

// Key prefixes, in load order.
const (
	keyMeta     = '0'
	keyProto    = '1'
	keyClosure  = '2'
	keyWrap     = '3'
	keyCell     = '4'
	keyTable    = '5'
	keyThread   = '6'
	keyUserdata = '7'
	keyEntry    = '8'
)

var headerPrefix = [...]byte{kindClosure: keyClosure, kindWrap: keyWrap, kindCell: keyCell, kindTable: keyTable, kindThread: keyThread, kindUserdata: keyUserdata}

var metaKey = []byte{keyMeta}

// damageKey marks a store in which a load found damaged or missing
// records: from then on no open collects garbage, since the objects only
// the lost records referred to look like garbage and are not. Its payload
// is the first problem's text.
var damageKey = []byte{keyMeta, 'd'}

// protoHash is the key part of a prototype record.
type protoHash [16]byte

func hashProto(dump []byte) protoHash {
	sum := sha256.Sum256(dump)
	return protoHash(sum[:16])
}

func appendHeaderKey(dst []byte, id uint64) []byte {
	dst = append(dst, headerPrefix[idKind(id)])
	return binary.BigEndian.AppendUint64(dst, id)
}

func appendProtoKey(dst []byte, h protoHash) []byte {
	return append(append(dst, keyProto), h[:]...)
}

// appendEntryPrefix appends the prefix shared by the entry records of
// table id.
func appendEntryPrefix(dst []byte, id uint64) []byte {
	dst = append(dst, keyEntry)
	return binary.BigEndian.AppendUint64(dst, id)
}

// Value tags.
const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagInt
	tagFloat
	tagString
	tagRef
	tagPermanent
)

// appendScalar appends the encoding of v if v is a scalar (nil, boolean,
// number, string) and reports whether it was.
func appendScalar(dst []byte, v lua.Value) ([]byte, bool) {
	switch v.Type() {
	case lua.TypeNil:
		return append(dst, tagNil), true
	case lua.TypeBoolean:
		if v.Truthy() {
			return append(dst, tagTrue), true
		}
		return append(dst, tagFalse), true
	case lua.TypeNumber:
		if i, ok := v.AsInt(); ok {
			return binary.AppendVarint(append(dst, tagInt), i), true
		}
		f, _ := v.AsFloat()
		return binary.LittleEndian.AppendUint64(append(dst, tagFloat), math.Float64bits(f)), true
	case lua.TypeString:
		s, _ := v.AsString()
		return appendString(append(dst, tagString), s), true
	}
	return dst, false
}

func appendString(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

func appendRef(dst []byte, id uint64) []byte {
	return binary.AppendUvarint(append(dst, tagRef), id)
}

func appendPermanent(dst []byte, name string) []byte {
	return appendString(append(dst, tagPermanent), name)
}

// errShort is the error of a payload that ends too early.
var errShort = errors.New("payload ends early")

// A reader decodes a payload. Its first error sticks; the methods return
// zero values once it is set.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.fail(errShort)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	n, w := binary.Uvarint(r.b)
	if w <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[w:]
	return n
}

// count reads a count of items of at least minSize bytes each, refusing
// counts the rest of the payload cannot hold (so that a damaged count
// allocates nothing large).
func (r *reader) count(minSize int) int {
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)/max(minSize, 1)) {
		r.fail(printf.Errorf("count %d exceeds the payload", n))
		return 0
	}
	return int(n)
}

// int reads a uvarint that must fit an int.
func (r *reader) int() int {
	n := r.uvarint()
	if n > math.MaxInt32 {
		r.fail(printf.Errorf("number %d out of range", n))
		return 0
	}
	return int(n)
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	n, w := binary.Varint(r.b)
	if w <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[w:]
	return n
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.fail(errShort)
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

func (r *reader) string() string {
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)) {
		r.fail(errShort)
		return ""
	}
	return string(r.bytes(int(n)))
}

// end fails unless the whole payload was read.
func (r *reader) end() error {
	if r.err == nil && len(r.b) > 0 {
		r.fail(printf.Errorf("%d bytes left over", len(r.b)))
	}
	return r.err
}

// A valueRef is a decoded value: a scalar, or the id of an object or the
// name of a permanent, resolved by the loader.
type valueRef struct {
	v    lua.Value
	id   uint64 // a reference when non-zero
	perm string // a permanent when non-empty
}

// value reads one value.
func (r *reader) value() valueRef {
	switch tag := r.byte(); tag {
	case tagNil:
		return valueRef{}
	case tagFalse:
		return valueRef{v: lua.False}
	case tagTrue:
		return valueRef{v: lua.True}
	case tagInt:
		return valueRef{v: lua.Int(r.varint())}
	case tagFloat:
		b := r.bytes(8)
		if b == nil {
			return valueRef{}
		}
		return valueRef{v: lua.Float(math.Float64frombits(binary.LittleEndian.Uint64(b)))}
	case tagString:
		n := r.uvarint()
		if r.err == nil && n > uint64(len(r.b)) {
			r.fail(errShort)
			return valueRef{}
		}
		return valueRef{v: lua.StringBytes(r.bytes(int(n)))} // one allocation, not two
	case tagRef:
		id := r.uvarint()
		if r.err == nil && (id>>3 == 0 || int(idKind(id)) >= len(headerPrefix) || idKind(id) == 0) {
			r.fail(printf.Errorf("bad object id %d", id))
		}
		return valueRef{id: id}
	case tagPermanent:
		name := r.string()
		if r.err == nil && name == "" {
			r.fail(errors.New("empty permanent name"))
		}
		return valueRef{perm: name}
	default:
		r.fail(printf.Errorf("unknown value tag %d", tag))
		return valueRef{}
	}
}

// describeKey renders a store key for messages: "table 12 entry \"name\"".
func describeKey(key []byte) string {
	if len(key) == 0 {
		return "empty key"
	}
	switch key[0] {
	case keyMeta:
		if len(key) > 1 {
			return "damage mark"
		}
		return "meta record"
	case keyProto:
		return printf.Sprintf("prototype %x", key[1:])
	case keyEntry:
		if len(key) < 9 {
			break
		}
		id := binary.BigEndian.Uint64(key[1:9])
		r := reader{b: key[9:]}
		k := r.value()
		ks := "?"
		if r.end() == nil {
			ks = k.String()
		}
		return printf.Sprintf("table %d entry %s", id, ks)
	case keyClosure, keyWrap, keyCell, keyTable, keyThread, keyUserdata:
		if len(key) != 9 {
			break
		}
		id := binary.BigEndian.Uint64(key[1:])
		return printf.Sprintf("%s %d", idKind(id), id)
	}
	return printf.Sprintf("key %q", key)
}

// String renders a decoded value for messages.
func (v valueRef) String() string {
	switch {
	case v.id != 0:
		return printf.Sprintf("<%s %d>", idKind(v.id), v.id)
	case v.perm != "":
		return v.perm
	}
	if s, ok := v.v.AsString(); ok {
		return strconv.Quote(s)
	}
	s, _ := v.v.ToStringCoerce()
	if v.v.IsNil() || v.v.Type() == lua.TypeBoolean {
		s = strconv.FormatBool(v.v.Truthy())
		if v.v.IsNil() {
			s = "nil"
		}
	}
	return s
}
