package lua_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
)

// newState returns a state with the standard libraries whose output goes
// to the returned buffer.
func newState() (*lua.State, *bytes.Buffer) {
	s := lua.NewState()
	var out bytes.Buffer
	s.Stdout = &out
	s.SetGCMode("generational") // as the reference's lua.c does
	lib.OpenAll(s)
	return s, &out
}

// runScript runs a chunk as the CLI would and returns its output, with an
// uncaught error appended as "error: msg".
func runScript(name, src string) string {
	s, out := newState()
	if _, err := s.DoString(src, "@"+name); err != nil {
		out.WriteString("error: " + err.Error() + "\n")
	}
	return out.String()
}

// TestScripts runs testdata/*.lua and compares their output with the
// .expected files, produced by the reference interpreter.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.lua")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".lua") + ".expected")
			if err != nil {
				t.Fatal(err)
			}
			got := runScript(name, string(src))
			if got != string(want) {
				t.Errorf("output differs:\n%s", firstDiff(string(want), got))
			}
		})
	}
}

// TestScriptsDifferential runs the same scripts under the reference
// interpreter, when installed, to check that the .expected files are
// current.
func TestScriptsDifferential(t *testing.T) {
	ref, err := exec.LookPath("lua5.4")
	if err != nil {
		t.Skip("lua5.4 not installed")
	}
	files, _ := filepath.Glob("testdata/*.lua")
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(ref, name)
			cmd.Dir = "testdata"
			want, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("lua5.4: %v\n%s", err, want)
			}
			src, _ := os.ReadFile(f)
			if got := runScript(name, string(src)); got != string(want) {
				t.Errorf("differs from lua5.4:\n%s", firstDiff(string(want), got))
			}
		})
	}
}

// firstDiff describes the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(equal)"
}
