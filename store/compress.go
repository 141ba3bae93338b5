package store

import (
	"encoding/binary"
	"slices"

	"github.com/golang/snappy"

	"github.com/luawasm/luawasm/internal/printf"
)

// A Codec says how a record's payload encodes its value. The numbers are
// part of the record format: a codec keeps its number forever, so that old
// records stay readable.
type Codec byte

const (
	CodecNone   Codec = 0 // the payload is the value
	CodecSnappy Codec = 1 // snappy block format
)

func (c Codec) String() string {
	switch c {
	case CodecNone:
		return "none"
	case CodecSnappy:
		return "snappy"
	}
	return printf.Sprintf("codec(%d)", byte(c))
}

// An Encoder frames values into records (see AppendRecord), compressing
// the long ones.
type Encoder struct {
	Codec     Codec // compression for long payloads; CodecNone never compresses
	Threshold int   // payloads of at most this many bytes are stored uncompressed
}

// DefaultEncoder compresses payloads longer than 1 KiB with snappy. The
// package documentation gives the measurements behind both choices.
var DefaultEncoder = Encoder{Codec: CodecSnappy, Threshold: 1 << 10}

// maxSnappyExpansion bounds how many value bytes one byte of a valid snappy
// block can produce (a 3-byte copy yields at most 64). A block declaring a
// longer value is rejected before anything is allocated for it.
const maxSnappyExpansion = 22

// appendCompressed appends to dst a record of version RecordVersion holding
// payload compressed with c, without its checksum. It reports false, and
// appends nothing, when compression saves less than an eighth of payload.
func (c Codec) appendCompressed(dst, payload []byte) ([]byte, bool) {
	if c != CodecSnappy {
		panic(printf.Sprintf("store: Encoder with unknown codec %v", c))
	}
	bound := snappy.MaxEncodedLen(len(payload))
	if bound < 0 {
		return dst, false
	}
	// Compress into place after room for the largest header, then move the
	// block down against the header once its length is known.
	const maxHeader = 2 + binary.MaxVarintLen64
	start := len(dst)
	dst = slices.Grow(dst, maxHeader+bound+checksumSize)
	block := snappy.Encode(dst[start+maxHeader:start+maxHeader+bound], payload)
	if len(block) > len(payload)-len(payload)/8 {
		return dst[:start], false
	}
	hdr := append(dst[:start], RecordVersion, byte(c))
	hdr = binary.AppendUvarint(hdr, uint64(len(block)))
	n := copy(dst[len(hdr):len(hdr)+len(block)], block)
	return dst[:len(hdr)+n], true
}

// decompress returns the value that payload, compressed with c, encodes.
func (c Codec) decompress(payload []byte) ([]byte, error) {
	n, err := snappy.DecodedLen(payload)
	if err != nil {
		return nil, err
	}
	if n > maxSnappyExpansion*len(payload) {
		return nil, printf.Errorf("declares %d bytes, impossible from %d", n, len(payload))
	}
	return snappy.Decode(nil, payload)
}
