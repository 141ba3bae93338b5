package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchmarkSource returns about 1 MB of real Lua: the conformance and
// benchmark programs, each wrapped in a function, repeated.
func benchmarkSource(b *testing.B) string {
	files, _ := filepath.Glob("/work/shared/conformance/*.lua")
	bench, _ := filepath.Glob("/work/shared/bench/*.lua")
	files = append(files, bench...)
	if len(files) == 0 {
		b.Skip("no Lua programs to parse")
	}
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			sb.WriteString("local function _(...)\n")
			sb.WriteString(TrimFileHeader(string(data)))
			sb.WriteString("\nend\n")
		}
	}
	return sb.String()
}

func BenchmarkParse(b *testing.B) {
	src := benchmarkSource(b)
	if _, err := Parse("=bench", src); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Parse("=bench", src)
	}
}
