//go:build !js

package lib

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/luawasm/luawasm/lua"
)

// method returns the file method name from the io library's file metatable.
func method(t *testing.T, s *lua.State, name string) lua.Value {
	t.Helper()
	mt := s.Registry().GetStr(fileTypeName).AsTable()
	return mt.GetStr("__index").AsTable().GetStr(name)
}

// readCases are file contents and the read formats applied to them.
var readCases = []struct {
	content string
	formats [][]lua.Value
}{
	{"12 0x1F -3.5e2 .5 1e 0x.8p1 abc\n", [][]lua.Value{strs("n", "n", "n", "n"), strs("n"), strs("n", "l"), strs("n")}},
	{"line1\nline2\n\nlast", [][]lua.Value{strs("l", "L"), strs("l"), {lua.Int(2), lua.Int(0), lua.String("a")}, {lua.Int(0)}, strs("l"), strs("a")}},
	{"", [][]lua.Value{strs("a"), strs("l"), {lua.Int(0)}, {lua.Int(3)}, strs("n")}},
	{"  \n 42\n+7 -0x10 00012 1.5e+3x", [][]lua.Value{strs("*n", "*n", "*n", "*n", "*n"), strs("n"), strs("L")}},
	{strings.Repeat("9", 250) + " 5", [][]lua.Value{strs("n"), strs("n")}},
	{"abc", [][]lua.Value{strs("x"), {lua.Float(1.5)}, {lua.True}, strs("l")}},
}

func TestReadDifferential(t *testing.T) {
	dir := t.TempDir()
	var src strings.Builder
	for i, c := range readCases {
		path := filepath.Join(dir, fmt.Sprint("read", i))
		if err := os.WriteFile(path, []byte(c.content), 0o666); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&src, "do local f = assert(io.open(%q))\n", path)
		for _, fs := range c.formats {
			fmt.Fprintf(&src, "print(pcall(f.read, f%s))\n", luaArgs(fs))
		}
		src.WriteString("f:close() end\n")
	}
	want := normalizeArgErrors(referenceLua(t, src.String()))

	s := newTestState()
	th := s.MainThread()
	var got strings.Builder
	for i, c := range readCases {
		path := filepath.Join(dir, fmt.Sprint("read", i))
		res, err := th.Call(libFunc(t, s, "io", "open"), lua.String(path))
		if err != nil {
			t.Fatal(err)
		}
		f := res[0]
		for _, fs := range c.formats {
			res, err := th.Call(method(t, s, "read"), append([]lua.Value{f}, fs...)...)
			got.WriteString(pcallText(res, err) + "\n")
		}
		th.Call(method(t, s, "close"), f)
	}
	gotLines, wantLines := strings.Split(got.String(), "\n"), strings.Split(want, "\n")
	for i := range max(len(gotLines), len(wantLines)) {
		if g, w := lineAt(gotLines, i), lineAt(wantLines, i); g != w {
			t.Errorf("line %d: got %q, want %q", i+1, g, w)
		}
	}
}

func TestIOFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data")
	s := newTestState()
	th := s.MainThread()
	call := func(fn lua.Value, args ...lua.Value) string {
		res, err := th.Call(fn, args...)
		return pcallText(res, err)
	}
	io := func(name string) lua.Value { return libFunc(t, s, "io", name) }

	res, err := th.Call(io("open"), lua.String(path), lua.String("w"))
	if err != nil {
		t.Fatal(err)
	}
	f := res[0]
	if got := call(method(t, s, "write"), f, lua.Int(1), lua.Float(2.5), lua.Float(1e100), lua.Float(3), lua.String(" x\n")); got != "true\tuserdata" {
		t.Errorf("write: got %q", got)
	}
	if got := call(method(t, s, "write"), f, lua.NewTable(0, 0).Value()); got != "false\tbad argument #2 (string expected, got table)" {
		t.Errorf("write table: got %q", got)
	}
	if got := call(method(t, s, "read"), f); got != "true\tnil\tBad file descriptor\t9" {
		t.Errorf("read on write-only file: got %q", got)
	}
	if got := call(method(t, s, "seek"), f, lua.String("cur")); got != "true\t14" {
		t.Errorf("seek: got %q", got)
	}
	if got := call(method(t, s, "seek"), f, lua.String("bad")); got != "false\tbad argument #2 (invalid option 'bad')" {
		t.Errorf("seek bad: got %q", got)
	}
	tostr := s.Registry().GetStr(fileTypeName).AsTable().GetStr("__tostring")
	if got := call(tostr, f); !regexp.MustCompile(`^true\tfile \(0x[0-9a-f]+\)$`).MatchString(got) {
		t.Errorf("tostring: got %q", got)
	}
	if got := call(io("type"), f); got != "true\tfile" {
		t.Errorf("type: got %q", got)
	}
	if got := call(method(t, s, "close"), f); got != "true\ttrue" {
		t.Errorf("close: got %q", got)
	}
	if got := call(io("type"), f); got != "true\tclosed file" {
		t.Errorf("type after close: got %q", got)
	}
	if got := call(tostr, f); got != "true\tfile (closed)" {
		t.Errorf("tostring after close: got %q", got)
	}
	if got := call(method(t, s, "read"), f); got != "false\tattempt to use a closed file" {
		t.Errorf("read after close: got %q", got)
	}
	if data, _ := os.ReadFile(path); string(data) != "12.51e+1003 x\n" {
		t.Errorf("file contents: %q", data)
	}

	// io.lines with a file name closes the file at the end.
	res, err = th.Call(io("lines"), lua.String(path), lua.String("L"))
	if err != nil || len(res) != 4 {
		t.Fatalf("lines: %v %v", show(res), err)
	}
	iter, lf := res[0], res[3]
	if got := call(iter); got != "true\t12.51e+1003 x\n" {
		t.Errorf("lines first: got %q", got)
	}
	if got := call(iter); got != "true" {
		t.Errorf("lines end: got %q", got)
	}
	if got := call(io("type"), lf); got != "true\tclosed file" {
		t.Errorf("lines file after end: got %q", got)
	}
	if got := call(iter); got != "false\tfile is already closed" {
		t.Errorf("lines after end: got %q", got)
	}
	missing := filepath.Join(dir, "missing")
	if got := call(io("lines"), lua.String(missing)); got != "false\tcannot open file '"+missing+"' (No such file or directory)" {
		t.Errorf("lines missing: got %q", got)
	}
	if got := call(io("open"), lua.String(missing)); got != "true\tnil\t"+missing+": No such file or directory\t2" {
		t.Errorf("open missing: got %q", got)
	}
	if got := call(io("open"), lua.String(path), lua.String("rb+")); got != "false\tbad argument #2 (invalid mode)" {
		t.Errorf("open bad mode: got %q", got)
	}
	if got := call(io("open"), lua.String(dir)); got != "true\tuserdata" {
		t.Errorf("open directory: got %q", got)
	}

	// Read and write through one "r+" file.
	res, _ = th.Call(io("open"), lua.String(path), lua.String("r+"))
	f = res[0]
	if got := call(method(t, s, "read"), f, lua.Int(2)); got != "true\t12" {
		t.Errorf("r+ read: got %q", got)
	}
	call(method(t, s, "write"), f, lua.String("AB"))
	call(method(t, s, "seek"), f, lua.String("set"))
	if got := call(method(t, s, "read"), f, lua.String("a")); got != "true\t12AB1e+1003 x\n" {
		t.Errorf("r+ after write: got %q", got)
	}
	if got := call(method(t, s, "seek"), f, lua.String("end"), lua.Int(-2)); got != "true\t12" {
		t.Errorf("seek end: got %q", got)
	}
	call(method(t, s, "close"), f)

	// Default input and output files.
	if got := call(io("input"), lua.String(path)); got != "true\tuserdata" {
		t.Errorf("input: got %q", got)
	}
	if got := call(io("read"), lua.String("n"), lua.String("l")); got != "true\t12\tAB1e+1003 x" {
		t.Errorf("io.read: got %q", got)
	}
	if got := call(io("close")); got != "true\tnil\tcannot close standard file" {
		t.Errorf("io.close of stdout: got %q", got)
	}
}

func TestIOStdout(t *testing.T) {
	s := lua.NewState()
	var out bytes.Buffer
	s.Stdout = &out
	OpenAll(s)
	th := s.MainThread()
	res, err := th.Call(libFunc(t, s, "io", "write"), lua.String("a"), lua.Int(1), lua.Float(negZero), lua.Float(0.1))
	if err != nil {
		t.Fatal(err)
	}
	stdout := s.Globals().GetStr("io").AsTable().GetStr("stdout")
	if !lua.RawEqual(res[0], stdout) {
		t.Errorf("io.write returned %v, want io.stdout", show(res))
	}
	th.Call(method(t, s, "write"), stdout, lua.String("|b\n"))
	if got := out.String(); got != "a1-00.1|b\n" {
		t.Errorf("stdout got %q", got)
	}
	if got := pcallText(th.Call(method(t, s, "read"), stdout)); got != "true\tnil\tBad file descriptor\t9" {
		t.Errorf("read stdout: got %q", got)
	}
	if got := pcallText(th.Call(method(t, s, "close"), stdout)); got != "true\tnil\tcannot close standard file" {
		t.Errorf("close stdout: got %q", got)
	}
	if got := pcallText(th.Call(libFunc(t, s, "io", "type"), lua.Int(1))); got != "true\tnil" {
		t.Errorf("io.type(1): got %q", got)
	}
	if got := pcallText(th.Call(method(t, s, "read"), lua.Int(1))); got != "false\tbad argument #1 (FILE* expected, got number)" {
		t.Errorf("read on number: got %q", got)
	}
}

func TestPopen(t *testing.T) {
	s := newTestState()
	th := s.MainThread()
	res, err := th.Call(libFunc(t, s, "io", "popen"), lua.String("echo hello; exit 3"))
	if err != nil {
		t.Fatal(err)
	}
	p := res[0]
	if got := pcallText(th.Call(method(t, s, "read"), p, lua.String("a"))); got != "true\thello\n" {
		t.Errorf("popen read: got %q", got)
	}
	if got := pcallText(th.Call(method(t, s, "close"), p)); got != "true\tnil\texit\t3" {
		t.Errorf("popen close: got %q", got)
	}
	if got := pcallText(th.Call(libFunc(t, s, "io", "popen"), lua.String("true"), lua.String("rw"))); got != "false\tbad argument #2 (invalid mode)" {
		t.Errorf("popen mode: got %q", got)
	}

	path := filepath.Join(t.TempDir(), "out")
	res, err = th.Call(libFunc(t, s, "io", "popen"), lua.String("cat > "+path), lua.String("w"))
	if err != nil {
		t.Fatal(err)
	}
	th.Call(method(t, s, "write"), res[0], lua.String("piped"))
	if got := pcallText(th.Call(method(t, s, "close"), res[0])); got != "true\ttrue\texit\t0" {
		t.Errorf("popen w close: got %q", got)
	}
	if data, _ := os.ReadFile(path); string(data) != "piped" {
		t.Errorf("popen w wrote %q", data)
	}
}

func TestFlushAll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unclosed")
	s := newTestState()
	res, err := s.MainThread().Call(libFunc(t, s, "io", "open"), lua.String(path), lua.String("w"))
	if err != nil {
		t.Fatal(err)
	}
	s.MainThread().Call(method(t, s, "write"), res[0], lua.String("buffered"))
	if data, _ := os.ReadFile(path); len(data) != 0 {
		t.Errorf("written before flush: %q", data)
	}
	FlushAll(s)
	if data, _ := os.ReadFile(path); string(data) != "buffered" {
		t.Errorf("after FlushAll: %q", data)
	}
}

// A file value collected without being closed is flushed and closed, as
// the reference's __gc does.
func TestCollectedFileIsFlushed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "collected")
	s := newTestState()
	th := s.MainThread()
	func() {
		res, err := th.Call(libFunc(t, s, "io", "open"), lua.String(path), lua.String("w"))
		if err != nil {
			t.Fatal(err)
		}
		th.Call(method(t, s, "write"), res[0], lua.String("flushed by the collector"))
	}()
	th.Call(libFunc(t, s, "math", "abs"), lua.Int(1)) // drop the thread's reference to the file
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		if data, _ := os.ReadFile(path); string(data) == "flushed by the collector" {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	data, _ := os.ReadFile(path)
	t.Errorf("file contents after collection: %q", data)
}
