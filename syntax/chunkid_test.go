package syntax

import (
	"strings"
	"testing"
)

var chunkIDTests = []struct{ source, want string }{
	{"=stdin", "stdin"},
	{"=", ""},
	{"=" + strings.Repeat("a", 59), strings.Repeat("a", 59)},
	{"=" + strings.Repeat("a", 60), strings.Repeat("a", 59)},
	{"=" + strings.Repeat("a", 100), strings.Repeat("a", 59)},
	{"@file.lua", "file.lua"},
	{"@", ""},
	{"@" + strings.Repeat("b", 59), strings.Repeat("b", 59)},
	{"@" + strings.Repeat("b", 50) + strings.Repeat("c", 10), "..." + strings.Repeat("b", 46) + strings.Repeat("c", 10)},
	{"@/a/very/long/path/" + strings.Repeat("d", 100) + "/file.lua", "..." + strings.Repeat("d", 47) + "/file.lua"},
	{"x = 1", `[string "x = 1"]`},
	{"", `[string ""]`},
	{strings.Repeat("e", 44), `[string "` + strings.Repeat("e", 44) + `"]`},
	{strings.Repeat("e", 45), `[string "` + strings.Repeat("e", 45) + `..."]`},
	{strings.Repeat("e", 46), `[string "` + strings.Repeat("e", 45) + `..."]`},
	{"line 1\nline 2", `[string "line 1..."]`},
	{"\nline 2", `[string "..."]`},
	{strings.Repeat("f", 50) + "\n", `[string "` + strings.Repeat("f", 45) + `..."]`},
	{"a\x00b", `[string "a"]`},
	{"=a\x00b", "a"},
}

func TestChunkID(t *testing.T) {
	for _, test := range chunkIDTests {
		if got := ChunkID(test.source); got != test.want {
			t.Errorf("ChunkID(%q) = %q, want %q", test.source, got, test.want)
		}
	}
}

// TestChunkIDMatchesReference checks the chunk ids in the reference's
// syntax errors.
func TestChunkIDMatchesReference(t *testing.T) {
	var names []string
	for _, test := range chunkIDTests {
		names = append(names, test.source)
	}
	script := "for _, name in ipairs{\n" + luaList(names) + "} do\n" +
		"  local f, err = load('x =', name)\n" +
		"  io.write(err, '\\0')\n" +
		"end\n"
	out := strings.Split(runReference(t, script), "\x00")
	for i, name := range names {
		_, err := Parse(name, "x =")
		if err == nil || err.Error() != out[i] {
			t.Errorf("Parse(%q, \"x =\") error %v, reference %q", name, err, out[i])
		}
	}
}
