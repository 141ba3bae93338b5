package compile

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/syntax"
)

// compileFile parses and compiles a testdata file with the chunk name luac
// gives it.
func compileFile(t *testing.T, name string) *Proto {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	chunk, err := syntax.Parse("@"+name, string(src))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	p, err := Compile(chunk)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return p
}

var addressRE = regexp.MustCompile(`0x[0-9a-f]+`)

// normalizeListing removes what must differ between two listings: the
// prototypes' addresses.
func normalizeListing(s string) string { return addressRE.ReplaceAllString(s, "ADDR") }

// TestListingMatchesLuac compares our listing of every testdata/*.lua file
// with the reference compiler's (`luac5.4 -l -l`). The installed reference
// is Lua 5.4.4; the differences that Lua 5.4.7 brings are tolerated by
// sameListing.
func TestListingMatchesLuac(t *testing.T) {
	luac, err := exec.LookPath("luac5.4")
	if err != nil {
		t.Skip("luac5.4 not installed")
	}
	files, _ := filepath.Glob("testdata/*.lua")
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(luac, "-l", "-l", "-p", name)
			cmd.Dir = "testdata"
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("luac: %v\n%s", err, out)
			}
			want := normalizeListing(string(out))
			got := normalizeListing(Listing(compileFile(t, name)))
			if diff := sameListing(want, got); diff != "" {
				t.Errorf("listing differs from luac5.4's:\n%s", diff)
			}
		})
	}
}

var (
	localRE = regexp.MustCompile(`^\t(\d+)\t(.+)\t(\d+)\t(\d+)$`)
	closeRE = regexp.MustCompile(`^\t\d+\t\[\d+\]\tCLOSE    \t(\d+)$`)
	codeRE  = regexp.MustCompile(`^\t(\d+)\t\[[-\d]+\]\t(\S+)`)
)

// sameListing compares a Lua 5.4.4 listing (want) with ours line by line
// and returns a description of the first difference, or "". Lua 5.4.6
// changed leaveblock to end the scope of a block's variables before it
// resolves the loop's pending breaks and emits the block's CLOSE, so:
//   - a local whose block ends with a CLOSE ends one instruction earlier
//     (5.4.4 includes the CLOSE in its range);
//   - the CLOSE emitted for breaks that leave a loop with captured
//     variables closes from the loop's base, below 5.4.4's level (which
//     counted the loop's control variables).
func sameListing(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	code := map[string]string{} // instruction index -> opcode, for the current function
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if strings.HasPrefix(gl, "\n") || strings.HasPrefix(gl, "main <") || strings.HasPrefix(gl, "function <") {
			code = map[string]string{}
		}
		if m := codeRE.FindStringSubmatch(gl); m != nil {
			code[m[1]] = m[2]
		}
		if wl == gl {
			continue
		}
		if wm, gm := localRE.FindStringSubmatch(wl), localRE.FindStringSubmatch(gl); wm != nil && gm != nil &&
			wm[1] == gm[1] && wm[2] == gm[2] && wm[3] == gm[3] &&
			atoi(gm[4])+1 == atoi(wm[4]) && code[gm[4]] == "CLOSE" {
			continue
		}
		if wm, gm := closeRE.FindStringSubmatch(wl), closeRE.FindStringSubmatch(gl); wm != nil && gm != nil &&
			atoi(gm[1]) < atoi(wm[1]) && wl[:strings.LastIndexByte(wl, '\t')] == gl[:strings.LastIndexByte(gl, '\t')] {
			continue
		}
		lo := max(0, i-3)
		return "context:\n" + strings.Join(w[lo:i], "\n") + "\nwant: " + wl + "\ngot:  " + gl
	}
	return ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestListingMatchesLuacOnSharedPrograms runs the same comparison on the
// project's conformance and benchmark programs, when they are present
// beside the repository.
func TestListingMatchesLuacOnSharedPrograms(t *testing.T) {
	luac, err := exec.LookPath("luac5.4")
	if err != nil {
		t.Skip("luac5.4 not installed")
	}
	var files []string
	for _, dir := range []string{"../../shared/conformance", "../../shared/bench"} {
		f, _ := filepath.Glob(filepath.Join(dir, "*.lua"))
		files = append(files, f...)
	}
	if len(files) == 0 {
		t.Skip("shared programs not present")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(file)
			cmd := exec.Command(luac, "-l", "-l", "-p", name)
			cmd.Dir = filepath.Dir(file)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("luac: %v\n%s", err, out)
			}
			chunk, err := syntax.Parse("@"+name, string(src))
			if err != nil {
				t.Fatal(err)
			}
			p, err := Compile(chunk)
			if err != nil {
				t.Fatal(err)
			}
			if diff := sameListing(normalizeListing(string(out)), normalizeListing(Listing(p))); diff != "" {
				t.Errorf("listing differs from luac5.4's:\n%s", diff)
			}
		})
	}
}

// TestListingMatchesLuacGenerated compares listings of generated programs
// that exercise operand limits: constructors needing EXTRAARG, constant
// indexes beyond RK and Bx operands (LOADKX), many upvalues.
func TestListingMatchesLuacGenerated(t *testing.T) {
	luac, err := exec.LookPath("luac5.4")
	if err != nil {
		t.Skip("luac5.4 not installed")
	}
	var manyConstants strings.Builder
	manyConstants.WriteString("local t = {}\n")
	for i := range 140000 {
		fmt.Fprintf(&manyConstants, "t[%d] = 'k%d'\n", i%7, i)
	}
	manyConstants.WriteString("local x = 1.5 + t[1]\nt.last = 'k1'\n")
	var bigTable strings.Builder
	bigTable.WriteString("local t = {")
	for i := range 700 {
		fmt.Fprintf(&bigTable, "%d, x%d = 1, ", i, i)
	}
	bigTable.WriteString("f()}\nlocal u = {...}\n")
	var upvalues strings.Builder
	for i := range 150 {
		fmt.Fprintf(&upvalues, "local a%d = %d\n", i, i)
	}
	upvalues.WriteString("local function f()\n")
	for i := range 150 {
		fmt.Fprintf(&upvalues, "a%d = a%d + 1\n", i, 149-i)
	}
	upvalues.WriteString("end\n")
	dir := t.TempDir()
	for name, src := range map[string]string{
		"constants.lua": manyConstants.String(),
		"table.lua":     bigTable.String(),
		"upvalues.lua":  upvalues.String(),
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(luac, "-l", "-l", "-p", name)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("luac: %v\n%s", err, out)
			}
			chunk, err := syntax.Parse("@"+name, src)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Compile(chunk)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(p); err != nil {
				t.Fatal(err)
			}
			if diff := sameListing(normalizeListing(string(out)), normalizeListing(Listing(p))); diff != "" {
				t.Errorf("listing differs from luac5.4's:\n%s", diff)
			}
		})
	}
}
