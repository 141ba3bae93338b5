// Package codecbench measures the compression candidates for stored
// records: ratio and speed on payloads like the ones persistent Memory
// writes (tables of records, function source, bytecode), and the size each
// adds to a GOOS=js GOARCH=wasm binary (see wasmsize and TestWasmSize).
//
// It is a separate module so that the candidates that lost do not become
// requirements of github.com/luawasm/luawasm. Run it with
//
//	cd store/internal/codecbench && go test -run TestTable -table -v
//	cd store/internal/codecbench && go test -bench .
//	cd store/internal/codecbench && go test -run TestWasmSize -wasmsize -v
package codecbench

import (
	"bytes"
	"compress/flate"
	"io"

	"github.com/golang/snappy"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// A codec compresses one payload into a self-contained block and back.
// Encoders are reused across calls, as a store would reuse them.
type codec struct {
	name   string
	encode func(dst, src []byte) []byte
	decode func(dst, src []byte) ([]byte, error)
}

func codecs() []codec {
	return []codec{
		flateCodec("flate-1", flate.BestSpeed),
		flateCodec("flate-6", flate.DefaultCompression),
		zstdCodec("zstd-fastest", zstd.SpeedFastest),
		zstdCodec("zstd-default", zstd.SpeedDefault),
		{
			name:   "s2",
			encode: func(dst, src []byte) []byte { return s2.Encode(dst[:cap(dst)], src) },
			decode: func(dst, src []byte) ([]byte, error) { return s2.Decode(dst[:cap(dst)], src) },
		},
		{
			name:   "s2-better",
			encode: func(dst, src []byte) []byte { return s2.EncodeBetter(dst[:cap(dst)], src) },
			decode: func(dst, src []byte) ([]byte, error) { return s2.Decode(dst[:cap(dst)], src) },
		},
		{
			name:   "snappy",
			encode: func(dst, src []byte) []byte { return snappy.Encode(dst[:cap(dst)], src) },
			decode: func(dst, src []byte) ([]byte, error) { return snappy.Decode(dst[:cap(dst)], src) },
		},
		lz4Codec(),
	}
}

func flateCodec(name string, level int) codec {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, level)
	if err != nil {
		panic(err)
	}
	r := flate.NewReader(nil)
	var in bytes.Reader
	return codec{
		name: name,
		encode: func(dst, src []byte) []byte {
			buf.Reset()
			w.Reset(&buf)
			w.Write(src)
			w.Close()
			return append(dst[:0], buf.Bytes()...)
		},
		decode: func(dst, src []byte) ([]byte, error) {
			in.Reset(src)
			r.(flate.Resetter).Reset(&in, nil)
			out := bytes.NewBuffer(dst[:0])
			_, err := io.Copy(out, r)
			return out.Bytes(), err
		},
	}
}

func zstdCodec(name string, level zstd.EncoderLevel) codec {
	// No frame checksum (the record has its own CRC), one goroutine (the
	// browser has one), and the small-window mode meant for short inputs.
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(level), zstd.WithEncoderCRC(false),
		zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
	if err != nil {
		panic(err)
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.IgnoreChecksum(true))
	if err != nil {
		panic(err)
	}
	return codec{
		name:   name,
		encode: func(dst, src []byte) []byte { return enc.EncodeAll(src, dst[:0]) },
		decode: func(dst, src []byte) ([]byte, error) { return dec.DecodeAll(src, dst[:0]) },
	}
}

func lz4Codec() codec {
	var c lz4.Compressor
	return codec{
		name: "lz4",
		encode: func(dst, src []byte) []byte {
			// The block format does not record the decoded size; a store
			// would have to, so the 4 bytes are counted here.
			if n := lz4.CompressBlockBound(len(src)) + 4; cap(dst) < n {
				dst = make([]byte, n)
			}
			dst = dst[:cap(dst)]
			n, err := c.CompressBlock(src, dst[4:])
			if err != nil {
				panic(err)
			}
			if n == 0 { // incompressible: say so by not shrinking
				return append(dst[:0], src...)
			}
			putUint32(dst, uint32(len(src)))
			return dst[:4+n]
		},
		decode: func(dst, src []byte) ([]byte, error) {
			size := int(uint32(src[0]) | uint32(src[1])<<8 | uint32(src[2])<<16 | uint32(src[3])<<24)
			if cap(dst) < size {
				dst = make([]byte, size)
			}
			n, err := lz4.UncompressBlock(src[4:], dst[:size])
			return dst[:n], err
		},
	}
}

func putUint32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}
