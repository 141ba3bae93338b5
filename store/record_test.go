package store

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strings"
	"testing"
)

// frame builds a record by hand, from the format described in record.go,
// with a valid checksum: the tests use it to make records this package
// would never write.
func frame(version, codec byte, payload []byte) []byte {
	rec := []byte{version, codec}
	rec = binary.AppendUvarint(rec, uint64(len(payload)))
	rec = append(rec, payload...)
	return binary.LittleEndian.AppendUint32(rec, crc32.Checksum(rec, crc32.MakeTable(crc32.Castagnoli)))
}

// Payloads like the ones Memory stores: short values, a table of records
// (compressible), random bytes (not compressible).
var (
	tableText = []byte(strings.Repeat(`{id = 17, name = "ana silva", tags = {"vip", "beta"}, score = 12.5},`+"\n", 60))
	noise     = func() []byte {
		r := rand.New(rand.NewPCG(7, 7))
		b := make([]byte, 5000)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}()
)

func TestRecordRoundTrip(t *testing.T) {
	snappyAll := Encoder{Codec: CodecSnappy}
	tests := []struct {
		name    string
		enc     Encoder
		payload []byte
		codec   Codec
	}{
		{"empty", DefaultEncoder, nil, CodecNone},
		{"short", DefaultEncoder, []byte("hello"), CodecNone},
		{"at threshold", DefaultEncoder, tableText[:DefaultEncoder.Threshold], CodecNone},
		{"above threshold", DefaultEncoder, tableText[:DefaultEncoder.Threshold+1], CodecSnappy},
		{"table", DefaultEncoder, tableText, CodecSnappy},
		{"long run", DefaultEncoder, bytes.Repeat([]byte{'x'}, 1<<20), CodecSnappy},
		{"incompressible", DefaultEncoder, noise, CodecNone},
		{"zero encoder", Encoder{}, tableText, CodecNone},
		{"no threshold, short", snappyAll, []byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), CodecSnappy},
		{"no threshold, saves too little", snappyAll, []byte("abcdefgh"), CodecNone},
		{"no threshold, empty", snappyAll, nil, CodecNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The record is appended after existing bytes, which stay.
			prefix := []byte("prefix")
			out := tt.enc.AppendRecord(bytes.Clone(prefix), tt.payload)
			if !bytes.HasPrefix(out, prefix) {
				t.Fatalf("AppendRecord clobbered dst: %q", out[:len(prefix)])
			}
			rec := out[len(prefix):]
			if rec[0] != RecordVersion || Codec(rec[1]) != tt.codec {
				t.Errorf("version %d codec %v, want %d %v", rec[0], Codec(rec[1]), RecordVersion, tt.codec)
			}
			got, err := DecodeRecord([]byte("k"), rec)
			if err != nil {
				t.Fatalf("DecodeRecord: %v", err)
			}
			if !bytes.Equal(got, tt.payload) {
				t.Errorf("DecodeRecord returned %d bytes, want the %d stored", len(got), len(tt.payload))
			}
			if tt.codec == CodecSnappy && len(rec) >= len(tt.payload) {
				t.Errorf("compressed record is %d bytes for a %d-byte payload", len(rec), len(tt.payload))
			}
		})
	}
}

// TestRecordGolden pins the format: records written by this version must
// stay readable, and uncompressed ones stay byte-identical.
func TestRecordGolden(t *testing.T) {
	tests := []struct {
		rec     string // hex
		payload string
	}{
		{"010000" + "043125c5", ""},
		{"010005" + "68656c6c6f" + "ba5ed247", "hello"},
		// 100 "a": literal "a", then copies of 64 and 35 bytes at offset 1.
		{"010109" + "640061fe01008a0100" + "7ddb3843", strings.Repeat("a", 100)},
	}
	for _, tt := range tests {
		rec, err := hex.DecodeString(tt.rec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeRecord([]byte("golden"), rec)
		if err != nil || string(got) != tt.payload {
			t.Errorf("DecodeRecord(%s) = %q, %v; want %q", tt.rec, got, err, tt.payload)
		}
		if rec[1] == byte(CodecNone) {
			if again := DefaultEncoder.AppendRecord(nil, []byte(tt.payload)); !bytes.Equal(again, rec) {
				t.Errorf("AppendRecord(%q) = %x, want %s", tt.payload, again, tt.rec)
			}
		}
	}
}

func TestRecordErrors(t *testing.T) {
	valid := DefaultEncoder.AppendRecord(nil, []byte("value"))
	compressed := DefaultEncoder.AppendRecord(nil, tableText)
	bomb := binary.AppendUvarint(nil, 1<<30) // declares 1 GiB, holds nothing
	tests := []struct {
		name string
		rec  []byte
		want error
		msg  string
	}{
		{"empty", nil, ErrTruncated, "truncated: 0 bytes, shorter than any record"},
		{"header only", valid[:3], ErrTruncated, "truncated: 3 bytes, shorter than any record"},
		{"no checksum", valid[:len(valid)-4], ErrTruncated, "truncated: 8 bytes, header says 5 payload bytes"},
		{"last byte cut", valid[:len(valid)-1], ErrTruncated, "truncated: 11 bytes, header says 5 payload bytes"},
		{"compressed cut", compressed[:100], ErrTruncated, fmt.Sprintf("truncated: 100 bytes, header says %d payload bytes", len(compressed)-8)}, // 2-byte length field
		{"length field cut", []byte{1, 0, 0x80, 0x80, 0x80, 0x80, 0x80}, ErrTruncated, "truncated: 7 bytes, ending inside the length field"},
		{"flipped payload bit", flip(valid, 4, 0), ErrCorrupt, "checksum mismatch"},
		{"flipped checksum bit", flip(valid, len(valid)-1, 7), ErrCorrupt, "checksum mismatch"},
		{"flipped codec bit", flip(valid, 1, 0), ErrCorrupt, "checksum mismatch"},
		{"flipped version bit", flip(valid, 0, 1), ErrCorrupt, "checksum mismatch"},
		{"flipped compressed bit", flip(compressed, 40, 3), ErrCorrupt, "checksum mismatch"},
		{"trailing garbage", append(bytes.Clone(valid), 0), ErrCorrupt, "checksum mismatch"},
		{"unknown version", frame(2, 0, []byte("v")), ErrVersion, "unknown format version 2"},
		{"version zero", frame(0, 0, []byte("v")), ErrVersion, "unknown format version 0"},
		{"unknown codec", frame(1, 9, []byte("v")), ErrCodec, "unknown codec 9"},
		{"length mismatch", refresh(append(frame(1, 0, []byte("v"))[:4], 'w', 0, 0, 0, 0)), ErrCorrupt, "length mismatch: header says 1 payload bytes, record holds 2"},
		{"overlong length field", refresh(append([]byte{1, 0}, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0)), ErrCorrupt, "invalid length field"},
		{"invalid snappy", frame(1, 1, []byte{5, 0xff, 0xff}), ErrCorrupt, "invalid snappy payload: snappy: corrupt input"},
		{"snappy bomb", frame(1, 1, bomb), ErrCorrupt, fmt.Sprintf("invalid snappy payload: declares %d bytes, impossible from %d", 1<<30, len(bomb))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeRecord([]byte("users/42"), tt.rec)
			if !errors.Is(err, tt.want) {
				t.Fatalf("DecodeRecord = %q, %v; want %v", got, err, tt.want)
			}
			var re *RecordError
			if !errors.As(err, &re) || string(re.Key) != "users/42" {
				t.Fatalf("error %v is not a *RecordError for the key", err)
			}
			if want := `store: record "users/42": ` + tt.msg; err.Error() != want {
				t.Errorf("message\n got %s\nwant %s", err, want)
			}
		})
	}
}

// flip returns rec with one bit inverted.
func flip(rec []byte, i int, bit uint) []byte {
	rec = bytes.Clone(rec)
	rec[i] ^= 1 << bit
	return rec
}

// refresh recomputes the checksum that ends rec.
func refresh(rec []byte) []byte {
	body := len(rec) - 4
	binary.LittleEndian.PutUint32(rec[body:], crc32.Checksum(rec[:body], crc32.MakeTable(crc32.Castagnoli)))
	return rec
}

// TestRecordDamageDetected flips every bit and cuts every length of a raw
// and a compressed record: each must fail to decode, as damage.
func TestRecordDamageDetected(t *testing.T) {
	for _, payload := range [][]byte{[]byte("a short value"), tableText[:1500]} {
		rec := DefaultEncoder.AppendRecord(nil, payload)
		for i := range rec {
			for bit := range uint(8) {
				if _, err := DecodeRecord(nil, flip(rec, i, bit)); !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTruncated) {
					t.Fatalf("%d-byte record, bit %d of byte %d flipped: error %v", len(rec), bit, i, err)
				}
			}
		}
		for n := range len(rec) {
			if _, err := DecodeRecord(nil, rec[:n]); !errors.Is(err, ErrTruncated) {
				t.Fatalf("%d-byte record cut to %d: error %v, want ErrTruncated", len(rec), n, err)
			}
		}
	}
}

func TestRecordErrorQuotesKey(t *testing.T) {
	_, err := DecodeRecord([]byte("t\x00\xff\"x"), nil)
	if want := `store: record "t\x00\xff\"x": truncated: 0 bytes, shorter than any record`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestRecordErrorOwnsKey reuses the key buffer after the error, as a
// backend does once a Scan callback returns.
func TestRecordErrorOwnsKey(t *testing.T) {
	key := []byte("users/1")
	_, err := DecodeRecord(key, []byte("garbage!"))
	copy(key, "XXXXXXX")
	if want := `store: record "users/1": checksum mismatch`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestEncoderUnknownCodec(t *testing.T) {
	defer func() {
		if r := recover(); r != "store: Encoder with unknown codec codec(9)" {
			t.Errorf("panic = %v", r)
		}
	}()
	Encoder{Codec: 9}.AppendRecord(nil, tableText)
}

func TestCodecString(t *testing.T) {
	for c, want := range map[Codec]string{CodecNone: "none", CodecSnappy: "snappy", 7: "codec(7)"} {
		if c.String() != want {
			t.Errorf("Codec(%d).String() = %q, want %q", byte(c), c, want)
		}
	}
}

// FuzzDecodeRecord checks that no input makes DecodeRecord panic or
// misreport: it either returns a value that survives a round trip or a
// *RecordError of a known class. Each input is also tried reframed with a
// valid checksum, or mutations would hardly ever get past it to the codecs.
// The seeds are in testdata/fuzz.
func FuzzDecodeRecord(f *testing.F) {
	f.Fuzz(func(t *testing.T, rec []byte) {
		inputs := [][]byte{rec}
		if len(rec) >= 2 {
			inputs = append(inputs, frame(rec[0], rec[1], rec[2:]))
		}
		for _, rec := range inputs {
			value, err := DecodeRecord([]byte("fuzz"), rec)
			if err != nil {
				var re *RecordError
				if !errors.As(err, &re) || string(re.Key) != "fuzz" || !strings.HasPrefix(err.Error(), `store: record "fuzz": `) {
					t.Fatalf("error %v is not a *RecordError for the key", err)
				}
				if re.Err != ErrCorrupt && re.Err != ErrTruncated && re.Err != ErrVersion && re.Err != ErrCodec {
					t.Fatalf("error %v has an unknown class %v", err, re.Err)
				}
				continue
			}
			again, err := DecodeRecord(nil, DefaultEncoder.AppendRecord(nil, value))
			if err != nil || !bytes.Equal(again, value) {
				t.Fatalf("decoded value does not round-trip: %v", err)
			}
		}
	})
}

func BenchmarkRecord(b *testing.B) {
	for _, size := range []int{100, 4 << 10, 64 << 10} {
		payload := bytes.Repeat(tableText, size/len(tableText)+1)[:size]
		for _, enc := range []Encoder{{}, DefaultEncoder} {
			name := fmt.Sprintf("raw/%d", size)
			if enc == DefaultEncoder {
				name = fmt.Sprintf("default/%d", size)
			}
			rec := enc.AppendRecord(nil, payload)
			b.Run("Append/"+name, func(b *testing.B) {
				b.SetBytes(int64(size))
				buf := make([]byte, 0, len(payload)+64)
				for b.Loop() {
					enc.AppendRecord(buf[:0], payload)
				}
			})
			b.Run("Decode/"+name, func(b *testing.B) {
				b.SetBytes(int64(size))
				for b.Loop() {
					if _, err := DecodeRecord(nil, rec); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
