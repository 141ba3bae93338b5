package compile

// The binary chunk format (string.dump and load of binary chunks).
//
// A chunk starts with the reference implementation's header layout, so
// that tools and scripts looking at the first bytes (string.dump(f):byte(1),
// :sub(2, 4)) see what they expect, but its format byte says "not the
// reference's": a chunk from the reference's luac is refused with "format
// mismatch" instead of being misread.
//
//	header
//	  4 bytes  "\x1bLua" signature
//	  1 byte   0x54 version (5.4)
//	  1 byte   0x47 format ('G': this implementation's own layout)
//	  6 bytes  "\x19\x93\r\n\x1a\n" (catches text-mode conversions)
//	  1 byte   4, the size of an instruction
//	  1 byte   8, the size of an integer
//	  1 byte   8, the size of a float
//	  8 bytes  0x5678 as a little-endian integer (checks integer format)
//	  8 bytes  370.5 as a little-endian IEEE 754 double (checks float format)
//	  1 byte   number of upvalues of the main function
//	function   the main function
//
// A function is:
//
//	string     source (chunk name); absent when stripped or, for a nested
//	           function, when equal to its parent's
//	uvarint    line defined
//	uvarint    last line defined
//	1 byte     number of parameters
//	1 byte     1 if vararg, else 0
//	1 byte     maximum stack size
//	uvarint    n, then n instructions of 4 bytes, little-endian
//	uvarint    n, then n constants: a tag byte (0 nil, 1 false, 2 true,
//	           3 integer, 4 float, 5 string) and its payload: a zigzag
//	           varint for an integer, 8 little-endian bytes of IEEE 754
//	           bits for a float, a string for a string
//	uvarint    n, then n upvalues: 1 byte in-stack flag, 1 byte index,
//	           1 byte kind (VarKind)
//	uvarint    n, then n nested functions
//	debug information (all counts are 0 in a stripped chunk):
//	uvarint    n (0 or the number of instructions), then for each
//	           instruction its line as a zigzag varint difference from the
//	           previous instruction's line (the first from line defined)
//	uvarint    n, then n local variables: name (string), uvarint start
//	           pc, uvarint end pc
//	uvarint    n (0 or the number of upvalues), then n upvalue names
//	           (strings)
//
// A string is a uvarint holding its length plus one, then its bytes; a
// uvarint 0 is an absent string. Varints are Go's encoding/binary ones.
//
// Undump checks the header with the reference's error texts, decodes the
// functions defensively (truncated or absurd data is an error, never a
// panic or a huge allocation) and runs Verify on the result.

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/luawasm/luawasm/internal/printf"
)

const (
	signature  = "\x1bLua"
	version    = 0x54
	format     = 0x47
	checkData  = "\x19\x93\r\n\x1a\n"
	checkInt   = 0x5678
	checkFloat = 370.5
)

// Constant tags in dumps.
const (
	tagNil = iota
	tagFalse
	tagTrue
	tagInt
	tagFloat
	tagString
)

// Dump serializes p; with strip, debug information (source, lines, local
// and upvalue names) is left out.
func Dump(p *Proto, strip bool) []byte {
	d := dumper{strip: strip}
	d.buf = append(d.buf, signature...)
	d.buf = append(d.buf, version, format)
	d.buf = append(d.buf, checkData...)
	d.buf = append(d.buf, 4, 8, 8)
	d.buf = binary.LittleEndian.AppendUint64(d.buf, checkInt)
	d.buf = binary.LittleEndian.AppendUint64(d.buf, math.Float64bits(checkFloat))
	d.buf = append(d.buf, byte(len(p.Upvalues)))
	d.function(p, "")
	return d.buf
}

type dumper struct {
	buf   []byte
	strip bool
}

func (d *dumper) uvarint(n int) { d.buf = binary.AppendUvarint(d.buf, uint64(n)) }

func (d *dumper) varint(n int64) { d.buf = binary.AppendVarint(d.buf, n) }

func (d *dumper) str(s string) {
	d.uvarint(len(s) + 1)
	d.buf = append(d.buf, s...)
}

func (d *dumper) function(p *Proto, parentSource string) {
	if d.strip || p.Source == parentSource {
		d.uvarint(0)
	} else {
		d.str(p.Source)
	}
	d.uvarint(p.LineDefined)
	d.uvarint(p.LastLineDefined)
	d.buf = append(d.buf, byte(p.NumParams), byte(b2i(p.IsVararg)), byte(p.MaxStackSize))
	d.uvarint(len(p.Code))
	for _, i := range p.Code {
		d.buf = binary.LittleEndian.AppendUint32(d.buf, uint32(i))
	}
	d.uvarint(len(p.Constants))
	for _, k := range p.Constants {
		switch k := k.(type) {
		case nil:
			d.buf = append(d.buf, tagNil)
		case bool:
			d.buf = append(d.buf, byte(tagFalse+b2i(k)))
		case int64:
			d.buf = append(d.buf, tagInt)
			d.varint(k)
		case float64:
			d.buf = append(d.buf, tagFloat)
			d.buf = binary.LittleEndian.AppendUint64(d.buf, math.Float64bits(k))
		case string:
			d.buf = append(d.buf, tagString)
			d.str(k)
		}
	}
	d.uvarint(len(p.Upvalues))
	for _, u := range p.Upvalues {
		d.buf = append(d.buf, byte(b2i(u.InStack)), byte(u.Index), byte(u.Kind))
	}
	d.uvarint(len(p.Protos))
	source := p.Source
	if d.strip {
		source = ""
	}
	for _, child := range p.Protos {
		d.function(child, source)
	}
	if d.strip {
		d.buf = append(d.buf, 0, 0, 0)
		return
	}
	d.uvarint(len(p.LineInfo))
	prev := int64(p.LineDefined)
	for _, line := range p.LineInfo {
		d.varint(int64(line) - prev)
		prev = int64(line)
	}
	d.uvarint(len(p.LocVars))
	for _, v := range p.LocVars {
		d.str(v.Name)
		d.uvarint(v.StartPC)
		d.uvarint(v.EndPC)
	}
	d.uvarint(len(p.Upvalues))
	for _, u := range p.Upvalues {
		d.str(u.Name)
	}
}

// maxDumpDepth bounds the nesting of functions in a chunk, as the
// reference's parser bounds it (C levels).
const maxDumpDepth = 200

// errTruncated and its kin are the reasons of lundump.c's errors.
var (
	errTruncated = errors.New("truncated chunk")
	errNotBinary = errors.New("not a binary chunk")
)

// Undump decodes and verifies a binary chunk. chunkname is the name given
// to load; errors read "<name>: bad binary format (<why>)" as the
// reference's do.
func Undump(data []byte, chunkname string) (p *Proto, err error) {
	name := chunkname
	switch {
	case len(name) > 0 && (name[0] == '@' || name[0] == '='):
		name = name[1:]
	case len(name) > 0 && name[0] == signature[0]:
		name = "binary string"
	}
	u := undumper{data: data}
	p, err = u.chunk()
	if err == nil {
		err = Verify(p)
	}
	if err != nil {
		return nil, printf.Errorf("%s: bad binary format (%s)", name, err)
	}
	return p, nil
}

type undumper struct {
	data []byte
	pos  int
	err  error
}

func (u *undumper) fail(err error) {
	if u.err == nil {
		u.err = err
	}
	u.pos = len(u.data)
}

func (u *undumper) bytes(n int) []byte {
	if u.err != nil || n > len(u.data)-u.pos {
		u.fail(errTruncated)
		return nil
	}
	b := u.data[u.pos : u.pos+n]
	u.pos += n
	return b
}

func (u *undumper) byte() int {
	b := u.bytes(1)
	if b == nil {
		return 0
	}
	return int(b[0])
}

func (u *undumper) uvarint() uint64 {
	if u.err != nil {
		return 0
	}
	n, size := binary.Uvarint(u.data[u.pos:])
	if size <= 0 {
		if size == 0 {
			u.fail(errTruncated)
		} else {
			u.fail(errors.New("bad integer"))
		}
		return 0
	}
	u.pos += size
	return n
}

func (u *undumper) varint() int64 {
	x := u.uvarint() // zigzag, as binary.PutVarint writes it
	return int64(x>>1) ^ -int64(x&1)
}

// count reads a number of elements, each taking at least minSize bytes,
// and checks that the rest of the data can hold them.
func (u *undumper) count(minSize int) int {
	n := u.uvarint()
	if n > uint64(len(u.data)-u.pos)/uint64(minSize) {
		u.fail(errTruncated)
		return 0
	}
	return int(n)
}

// int reads a uvarint that must fit an int32 (lines and pcs).
func (u *undumper) int() int {
	n := u.uvarint()
	if n > math.MaxInt32 {
		u.fail(errors.New("integer overflow"))
		return 0
	}
	return int(n)
}

// str reads a string; ok is false for an absent one.
func (u *undumper) str() (s string, ok bool) {
	n := u.uvarint()
	if n == 0 {
		return "", false
	}
	if n-1 > uint64(len(u.data)-u.pos) {
		u.fail(errTruncated)
		return "", false
	}
	return string(u.bytes(int(n - 1))), true
}

func (u *undumper) literal(s string, why error) {
	b := u.bytes(len(s))
	if u.err == nil && string(b) != s {
		u.fail(why)
	}
}

func (u *undumper) chunk() (*Proto, error) {
	u.literal(signature, errNotBinary)
	if u.err == nil && u.byte() != version {
		u.fail(errors.New("version mismatch"))
	}
	if u.err == nil && u.byte() != format {
		u.fail(errors.New("format mismatch"))
	}
	u.literal(checkData, errors.New("corrupted chunk"))
	for _, size := range []struct {
		n    int
		name string
	}{{4, "Instruction"}, {8, "lua_Integer"}, {8, "lua_Number"}} {
		if u.err == nil && u.byte() != size.n {
			u.fail(printf.Errorf("%s size mismatch", size.name))
		}
	}
	if b := u.bytes(8); u.err == nil && binary.LittleEndian.Uint64(b) != checkInt {
		u.fail(errors.New("integer format mismatch"))
	}
	if b := u.bytes(8); u.err == nil && math.Float64frombits(binary.LittleEndian.Uint64(b)) != checkFloat {
		u.fail(errors.New("float format mismatch"))
	}
	nup := u.byte()
	p := u.function("", 0)
	if u.err != nil {
		return nil, u.err
	}
	if len(p.Upvalues) != nup {
		return nil, errors.New("upvalue count mismatch")
	}
	if u.pos != len(u.data) {
		return nil, errors.New("extra data after chunk")
	}
	return p, nil
}

func (u *undumper) function(parentSource string, depth int) *Proto {
	if depth > maxDumpDepth {
		u.fail(errors.New("functions nested too deeply"))
		return nil
	}
	p := &Proto{}
	if s, ok := u.str(); ok {
		p.Source = s
	} else {
		p.Source = parentSource
	}
	p.LineDefined = u.int()
	p.LastLineDefined = u.int()
	p.NumParams = u.byte()
	p.IsVararg = u.byte() != 0
	p.MaxStackSize = u.byte()

	n := u.count(4)
	p.Code = make([]Instruction, n)
	for i := range p.Code {
		if b := u.bytes(4); b != nil {
			p.Code[i] = Instruction(binary.LittleEndian.Uint32(b))
		}
	}

	if n = u.count(1); n > 0 {
		p.Constants = make([]Constant, n)
	}
	for i := range p.Constants {
		switch tag := u.byte(); tag {
		case tagNil:
		case tagFalse, tagTrue:
			p.Constants[i] = tag == tagTrue
		case tagInt:
			p.Constants[i] = u.varint()
		case tagFloat:
			if b := u.bytes(8); b != nil {
				p.Constants[i] = math.Float64frombits(binary.LittleEndian.Uint64(b))
			}
		case tagString:
			s, ok := u.str()
			if !ok && u.err == nil {
				u.fail(errors.New("absent string constant"))
			}
			p.Constants[i] = s
		default:
			u.fail(errors.New("bad constant"))
		}
	}

	if n = u.count(3); n > 0 {
		p.Upvalues = make([]UpvalueDesc, n)
	}
	for i := range p.Upvalues {
		p.Upvalues[i] = UpvalueDesc{InStack: u.byte() != 0, Index: u.byte(), Kind: VarKind(u.byte())}
	}

	if n = u.count(1); n > 0 {
		p.Protos = make([]*Proto, n)
	}
	for i := range p.Protos {
		p.Protos[i] = u.function(p.Source, depth+1)
		if u.err != nil {
			return nil
		}
	}

	if n = u.count(1); n > 0 {
		p.LineInfo = make([]int32, n)
		line := int64(p.LineDefined)
		for i := range p.LineInfo {
			line += u.varint()
			if line < math.MinInt32 || line > math.MaxInt32 {
				u.fail(errors.New("bad line information"))
				return nil
			}
			p.LineInfo[i] = int32(line)
		}
	}
	if n = u.count(3); n > 0 {
		p.LocVars = make([]LocVar, n)
	}
	for i := range p.LocVars {
		name, _ := u.str()
		p.LocVars[i] = LocVar{Name: name, StartPC: u.int(), EndPC: u.int()}
	}
	n = u.count(1)
	if n != 0 && n != len(p.Upvalues) {
		u.fail(errors.New("bad upvalue names"))
	}
	for i := range n {
		name, _ := u.str()
		if i < len(p.Upvalues) {
			p.Upvalues[i].Name = name
		}
	}
	if u.err != nil {
		return nil
	}
	return p
}
