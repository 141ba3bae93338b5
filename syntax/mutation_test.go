package syntax

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// scopeErrors are the reference's errors that need scopes; the compiler
// reports them, not the parser.
var scopeErrors = regexp.MustCompile(`attempt to assign to const variable|no visible label|break outside loop|jumps into the scope|already defined on line|too many|control structure too long`)

// mutate returns a damaged copy of src: cut short, or with a byte removed,
// replaced or inserted.
func mutate(r *rand.Rand, src string) string {
	pieces := []string{"(", ")", "[", "]", "{", "}", "=", ",", ".", ":", ";", "'", `"`, `\`, "-", "#",
		"~", "<", ">", "\n", "0", "x", "e", "[[", "]]", "--", "end", "local", "function", "do", "...", "\x00", "\xff"}
	i := r.IntN(len(src) + 1)
	switch r.IntN(4) {
	case 0:
		return src[:i]
	case 1:
		if i < len(src) {
			return src[:i] + src[i+1:]
		}
		return src
	case 2:
		if i < len(src) {
			return src[:i] + pieces[r.IntN(len(pieces))] + src[i+1:]
		}
		return src
	}
	return src[:i] + pieces[r.IntN(len(pieces))] + src[i:]
}

// TestMutationsMatchReference damages real programs in many ways and
// compares the errors with the reference's.
func TestMutationsMatchReference(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/conformance/*.lua")
	if len(files) == 0 {
		t.Skip("no conformance programs")
	}
	r := rand.New(rand.NewPCG(1, 2))
	var sources []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		src := string(data)
		if len(src) > 4000 {
			src = src[:4000]
		}
		for i := range 40 {
			m := mutate(r, src)
			if i%2 == 1 {
				m = mutate(r, m)
			}
			sources = append(sources, m)
		}
	}
	ref := referenceLoadErrors(t, "=src", sources)
	for i, src := range sources {
		if scopeErrors.MatchString(ref[i]) {
			continue
		}
		got := ""
		if _, err := ParseDepth("=src", src, mainChunkDepth); err != nil {
			got = err.Error()
		}
		if got != ref[i] {
			t.Errorf("source %q:\n got  %q\n want %q", src, got, ref[i])
		}
	}
}
