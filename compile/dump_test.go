package compile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/syntax"
)

// testPrograms compiles the testdata programs and, when present, the
// project's shared conformance and benchmark programs.
func testPrograms(t *testing.T) map[string]*Proto {
	t.Helper()
	var files []string
	for _, pattern := range []string{"testdata/*.lua", "../../shared/conformance/*.lua", "../../shared/bench/*.lua"} {
		f, _ := filepath.Glob(pattern)
		files = append(files, f...)
	}
	protos := make(map[string]*Proto)
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		chunk, err := syntax.Parse("@"+filepath.Base(file), string(src))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		p, err := Compile(chunk)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		protos[file] = p
	}
	return protos
}

// stripped returns a copy of p without debug information, as a stripped
// dump loads.
func stripped(p *Proto) *Proto {
	q := *p
	q.Source = ""
	q.LineInfo = nil
	q.LocVars = nil
	q.Upvalues = append([]UpvalueDesc(nil), p.Upvalues...)
	for i := range q.Upvalues {
		q.Upvalues[i].Name = ""
	}
	q.Protos = nil
	for _, child := range p.Protos {
		q.Protos = append(q.Protos, stripped(child))
	}
	return &q
}

func TestCompiledCodeVerifies(t *testing.T) {
	for file, p := range testPrograms(t) {
		if err := Verify(p); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

func TestDumpRoundTrip(t *testing.T) {
	for file, p := range testPrograms(t) {
		for _, strip := range []bool{false, true} {
			q, err := Undump(Dump(p, strip), "=test")
			if err != nil {
				t.Errorf("%s (strip %v): %v", file, strip, err)
				continue
			}
			want := p
			if strip {
				want = stripped(p)
			}
			if !reflect.DeepEqual(q, want) {
				t.Errorf("%s (strip %v): loaded function differs from the dumped one", file, strip)
			}
		}
	}
}

func TestDumpHeader(t *testing.T) {
	p := compileString(t, "return 1")
	d := string(Dump(p, false))
	if d[0] != 27 || d[1:4] != "Lua" || d[4] != 0x54 {
		t.Errorf("header %q does not start like the reference's", d[:5])
	}
	if len(Dump(p, true)) >= len(d) {
		t.Errorf("stripped dump is not smaller")
	}
}

func compileString(t *testing.T, src string) *Proto {
	t.Helper()
	chunk, err := syntax.Parse("=test", src)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(chunk)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUndumpErrors(t *testing.T) {
	good := string(Dump(compileString(t, "local t = {} for i = 1, 3 do t[i] = i end return t"), false))
	tests := []struct {
		name, data, chunkname, want string
	}{
		{"truncated header", good[:10], "=trunc", "trunc: bad binary format (truncated chunk)"},
		{"garbage", "\x1bLua garbage", "=garbage", "garbage: bad binary format (version mismatch)"},
		{"not binary", "Lua", "@f.lua", "f.lua: bad binary format (truncated chunk)"},
		{"bad signature", "\x1bLuX" + good[4:], "=s", "s: bad binary format (not a binary chunk)"},
		{"reference format", good[:5] + "\x00" + good[6:], "=s", "s: bad binary format (format mismatch)"},
		{"text mode", good[:6] + "\x19\x93\n\x1a\n" + good[12:], "=s", "s: bad binary format (corrupted chunk)"},
		{"instruction size", good[:12] + "\x08" + good[13:], "=s", "s: bad binary format (Instruction size mismatch)"},
		{"integer size", good[:13] + "\x04" + good[14:], "=s", "s: bad binary format (lua_Integer size mismatch)"},
		{"number size", good[:14] + "\x04" + good[15:], "=s", "s: bad binary format (lua_Number size mismatch)"},
		{"integer format", good[:15] + "\x00" + good[16:], "=s", "s: bad binary format (integer format mismatch)"},
		{"float format", good[:30] + "\x00" + good[31:], "=s", "s: bad binary format (float format mismatch)"},
		{"binary string name", good[:20], good, "binary string: bad binary format (truncated chunk)"},
		{"plain name", good[:20], "chunk", "chunk: bad binary format (truncated chunk)"},
		{"trailing data", good + "x", "=s", "s: bad binary format (extra data after chunk)"},
	}
	for _, test := range tests {
		_, err := Undump([]byte(test.data), test.chunkname)
		if err == nil || err.Error() != test.want {
			t.Errorf("%s: got error %v, want %q", test.name, err, test.want)
		}
	}
}

// TestUndumpTruncations loads every prefix of a chunk: all must fail
// cleanly.
func TestUndumpTruncations(t *testing.T) {
	src, err := os.ReadFile("testdata/stmts.lua")
	if err != nil {
		t.Fatal(err)
	}
	data := Dump(compileString(t, string(src)), false)
	for n := range len(data) {
		if _, err := Undump(data[:n], "=t"); err == nil || !strings.HasPrefix(err.Error(), "t: bad binary format (") {
			t.Fatalf("prefix of %d bytes: error %v", n, err)
		}
	}
}
