package codecbench

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var wasmSize = flag.Bool("wasmsize", false, "build ./wasmsize for js/wasm per candidate and print the sizes")

// TestWasmSize prints what each candidate adds to a GOOS=js GOARCH=wasm
// binary, raw and gzipped (as served), over the same program without it.
func TestWasmSize(t *testing.T) {
	if !*wasmSize {
		t.Skip("pass -wasmsize to build and measure")
	}
	var base [2]int
	var out strings.Builder
	fmt.Fprintf(&out, "| candidate | wasm bytes | gzip bytes | + wasm | + gzip |\n")
	for _, tag := range []string{"none", "flate", "zstd", "s2", "snappy", "lz4"} {
		bin := filepath.Join(t.TempDir(), tag+".wasm")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-tags", tag, "-o", bin, "./wasmsize")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", tag, err, msg)
		}
		raw, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		w.Write(raw)
		w.Close()
		size := [2]int{len(raw), gz.Len()}
		if tag == "none" {
			base = size
		}
		fmt.Fprintf(&out, "| %s | %d | %d | %+d | %+d |\n", tag, size[0], size[1], size[0]-base[0], size[1]-base[1])
	}
	t.Log("\n" + out.String())
}
