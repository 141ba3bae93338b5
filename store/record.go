package store

// This file defines the record: the framing of every value stored in a
// Backend. A record carries its own format version, the codec of its
// payload and a checksum, so that each value can be verified, and decoded
// or reported as damaged, on its own.
//
// Record format, version 1:
//
//	offset  size   field
//	0       1      version: the record format version, 1.
//	1       1      codec: how payload encodes the value (see Codec):
//	                 0  none: payload is the value;
//	                 1  snappy: payload is the value in the snappy block
//	                    format (which starts with the value's length).
//	                 Other values are reserved; a decoder rejects them.
//	2       1..10  length: the byte length n of payload, an unsigned
//	                 varint (encoding/binary.AppendUvarint).
//	.       n      payload.
//	.       4      checksum: CRC-32C (Castagnoli) of every byte before it,
//	                 little-endian.
//
// The checksum covers the header, so a damaged codec byte cannot make a
// compressed payload pass for a raw one. Every future version must keep
// version as the first byte and the CRC-32C of all preceding bytes as the
// last four, so that a decoder can tell a damaged record from one written
// by a newer program.
//
// A decoder checks, in this order: the record is at least as long as its
// header says (else ErrTruncated); the checksum (ErrCorrupt); the version
// (ErrVersion); the length matches exactly (ErrCorrupt); the codec is
// known (ErrCodec); the payload decodes (ErrCorrupt; a snappy block that
// declares more than 22 value bytes per payload byte, which snappy cannot
// produce, is rejected before anything is allocated for it).

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"

	"github.com/luawasm/luawasm/internal/printf"
)

// RecordVersion is the record format version this package writes.
const RecordVersion = 1

const (
	checksumSize = 4
	// minRecordSize is the size of an empty record: version, codec, a
	// one-byte length and the checksum.
	minRecordSize = 3 + checksumSize
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// These errors classify a record that cannot be decoded. DecodeRecord
// returns them wrapped in a *RecordError that names the key, so that a
// caller loading many records can report the damaged ones and load the
// rest.
var (
	// ErrCorrupt is returned when a record's checksum does not match its
	// bytes, or when a record whose checksum matches is still malformed.
	ErrCorrupt = errors.New("store: corrupt record")

	// ErrTruncated is returned when a record is shorter than its header
	// says (a damaged length field looks the same).
	ErrTruncated = errors.New("store: truncated record")

	// ErrVersion is returned for an intact record written in a format
	// version this package does not know, by a newer program.
	ErrVersion = errors.New("store: unknown record format version")

	// ErrCodec is returned for an intact record whose payload codec this
	// package does not know, written by a newer program.
	ErrCodec = errors.New("store: unknown record codec")
)

// A RecordError reports why the record stored under Key could not be
// decoded. Err is ErrCorrupt, ErrTruncated, ErrVersion or ErrCodec.
type RecordError struct {
	Key    []byte
	Err    error
	Detail string // what exactly is wrong, for the message
}

func (e *RecordError) Error() string {
	return printf.Sprintf("store: record %q: %s", e.Key, e.Detail)
}

func (e *RecordError) Unwrap() error { return e.Err }

// AppendRecord appends to dst the record holding payload and returns the
// extended buffer. The payload is compressed with e.Codec when it is longer
// than e.Threshold bytes and compression saves at least an eighth of it;
// otherwise it is stored as is. The zero Encoder never compresses; an
// Encoder with a codec this package does not know panics.
func (e Encoder) AppendRecord(dst, payload []byte) []byte {
	start := len(dst)
	if e.Codec != CodecNone && len(payload) > e.Threshold {
		if out, ok := e.Codec.appendCompressed(dst, payload); ok {
			return appendChecksum(out, start)
		}
	}
	dst = append(dst, RecordVersion, byte(CodecNone))
	dst = binary.AppendUvarint(dst, uint64(len(payload)))
	dst = append(dst, payload...)
	return appendChecksum(dst, start)
}

// appendChecksum appends the checksum of the record that starts at
// rec[start].
func appendChecksum(rec []byte, start int) []byte {
	return binary.LittleEndian.AppendUint32(rec, crc32.Checksum(rec[start:], castagnoli))
}

// DecodeRecord verifies the record rec, stored under key, and returns the
// value it holds. The key is used only in errors, which are *RecordError.
// An uncompressed value is returned as a subslice of rec, without copying.
func DecodeRecord(key, rec []byte) ([]byte, error) {
	fail := func(err error, format string, args ...any) ([]byte, error) {
		// The key is copied: a backend's may be valid only during a Scan
		// callback, and the error may be reported after it.
		return nil, &RecordError{Key: bytes.Clone(key), Err: err, Detail: printf.Sprintf(format, args...)}
	}
	if len(rec) < minRecordSize {
		return fail(ErrTruncated, "truncated: %d bytes, shorter than any record", len(rec))
	}
	n, w := binary.Uvarint(rec[2:]) // w == 0: the varint runs off the end
	hdr := 2 + w
	if rec[0] == RecordVersion {
		switch {
		case w == 0:
			return fail(ErrTruncated, "truncated: %d bytes, ending inside the length field", len(rec))
		case w > 0 && (n > uint64(len(rec)) || hdr+int(n)+checksumSize > len(rec)):
			return fail(ErrTruncated, "truncated: %d bytes, header says %d payload bytes", len(rec), n)
		}
	}
	body := len(rec) - checksumSize
	if crc32.Checksum(rec[:body], castagnoli) != binary.LittleEndian.Uint32(rec[body:]) {
		return fail(ErrCorrupt, "checksum mismatch")
	}
	if rec[0] != RecordVersion {
		return fail(ErrVersion, "unknown format version %d", rec[0])
	}
	// With an intact checksum, what follows can only be a writer's bug.
	if w < 0 {
		return fail(ErrCorrupt, "invalid length field")
	}
	if uint64(body-hdr) != n {
		return fail(ErrCorrupt, "length mismatch: header says %d payload bytes, record holds %d", n, body-hdr)
	}
	codec, payload := Codec(rec[1]), rec[hdr:body]
	switch codec {
	case CodecNone:
		return payload, nil
	case CodecSnappy:
		value, err := codec.decompress(payload)
		if err != nil {
			return fail(ErrCorrupt, "invalid %s payload: %v", codec, err)
		}
		return value, nil
	}
	return fail(ErrCodec, "unknown codec %d", rec[1])
}
