package codecbench

import (
	"bytes"
	"flag"
	"fmt"
	"strings"
	"testing"
)

var table = flag.Bool("table", false, "print the comparison table (ratio and speed per codec)")

// TestRoundTrip keeps the measurements honest: every codec must give back
// every chunk it compressed.
func TestRoundTrip(t *testing.T) {
	for _, c := range codecs() {
		for _, size := range chunkSizes {
			for _, cp := range corpora(size) {
				for i, ch := range cp.chunks {
					enc := c.encode(nil, ch)
					if len(enc) >= len(ch) {
						continue // stored raw
					}
					dec, err := c.decode(nil, enc)
					if err != nil || !bytes.Equal(dec, ch) {
						t.Fatalf("%s %s/%d chunk %d: round trip failed: %v", c.name, cp.name, size, i, err)
					}
				}
			}
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, c := range codecs() {
		for _, size := range chunkSizes {
			for _, cp := range corpora(size) {
				b.Run(fmt.Sprintf("%s/%s/%d", c.name, cp.name, size), func(b *testing.B) {
					in, out := total(cp.chunks), 0
					dst := make([]byte, 0, 2*size+64)
					b.SetBytes(int64(in))
					for b.Loop() {
						out = 0
						for _, ch := range cp.chunks {
							out += min(len(ch), len(c.encode(dst, ch)))
						}
					}
					b.ReportMetric(float64(out)/float64(in), "ratio")
				})
			}
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, c := range codecs() {
		for _, size := range chunkSizes {
			for _, cp := range corpora(size) {
				b.Run(fmt.Sprintf("%s/%s/%d", c.name, cp.name, size), func(b *testing.B) {
					encoded, n := encodeAll(c, cp.chunks)
					dst := make([]byte, 0, size)
					b.SetBytes(int64(n))
					for b.Loop() {
						for _, e := range encoded {
							if _, err := c.decode(dst, e); err != nil {
								b.Fatal(err)
							}
						}
					}
				})
			}
		}
	}
}

// TestTable prints, per codec, the compressed/original ratio per payload
// kind at 4 KiB chunks, the ratio over all kinds per chunk size, and the
// speed over all kinds at 4 KiB. A chunk that does not shrink counts at its
// original size, since the store keeps such payloads uncompressed.
func TestTable(t *testing.T) {
	if !*table {
		t.Skip("pass -table to print the comparison")
	}
	var out strings.Builder
	kinds := corpora(4 << 10)
	fmt.Fprintf(&out, "| codec |")
	for _, k := range kinds {
		fmt.Fprintf(&out, " %s 4K |", k.name)
	}
	for _, size := range chunkSizes {
		fmt.Fprintf(&out, " all %s |", sizeName(size))
	}
	fmt.Fprintf(&out, " enc MB/s 4K | dec MB/s 4K |\n")
	for _, c := range codecs() {
		fmt.Fprintf(&out, "| %s |", c.name)
		for _, k := range kinds {
			fmt.Fprintf(&out, " %.3f |", ratio(c, k.chunks))
		}
		for _, size := range chunkSizes {
			var all [][]byte
			for _, k := range corpora(size) {
				all = append(all, k.chunks...)
			}
			fmt.Fprintf(&out, " %.3f |", ratio(c, all))
		}
		var all [][]byte
		for _, k := range kinds {
			all = append(all, k.chunks...)
		}
		enc, dec := speed(c, all)
		fmt.Fprintf(&out, " %.0f | %.0f |\n", enc, dec)
	}
	t.Log("\n" + out.String())
}

func ratio(c codec, chunks [][]byte) float64 {
	out := 0
	for _, ch := range chunks {
		out += min(len(ch), len(c.encode(nil, ch)))
	}
	return float64(out) / float64(total(chunks))
}

// speed returns encoding and decoding throughput in MB/s of original bytes.
func speed(c codec, chunks [][]byte) (enc, dec float64) {
	encoded, n := encodeAll(c, chunks)
	dst := make([]byte, 0, 64<<10)
	r := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			for _, ch := range chunks {
				c.encode(dst, ch)
			}
		}
	})
	enc = float64(total(chunks)) / 1e6 * float64(r.N) / r.T.Seconds()
	r = testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			for _, e := range encoded {
				c.decode(dst, e)
			}
		}
	})
	dec = float64(n) / 1e6 * float64(r.N) / r.T.Seconds()
	return enc, dec
}

// encodeAll returns the chunks that shrink, encoded, and their original
// size: the others are stored raw and never decoded.
func encodeAll(c codec, chunks [][]byte) (encoded [][]byte, size int) {
	for _, ch := range chunks {
		if e := c.encode(nil, ch); len(e) < len(ch) {
			encoded = append(encoded, e)
			size += len(ch)
		}
	}
	return encoded, size
}

func total(chunks [][]byte) int {
	n := 0
	for _, ch := range chunks {
		n += len(ch)
	}
	return n
}

func sizeName(n int) string {
	if n >= 1<<10 {
		return fmt.Sprintf("%dK", n>>10)
	}
	return fmt.Sprint(n)
}
