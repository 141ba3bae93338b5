// Package luatest runs Lua test scripts and compares what they print with
// what they should print.
//
// A test directory holds scripts NAME.lua, each with NAME.expected: the exact
// standard output of the reference interpreter running
//
//	cd DIR && lua NAME.lua
//
// RunDir runs every script of a directory as a subtest, each under a fresh
// State with the standard libraries (lib.OpenAll), in the script's
// directory (so chunk names and relative paths are those of the command
// above) with TZ=UTC, and fails a script whose output differs (showing the
// first difference with context) or that ends with an error. In
// differential mode it also runs each script under the reference
// interpreter lua5.4, when that is installed, and compares the two outputs
// directly; with Update it rewrites the .expected files from the reference.
//
// A script listed as a known failure must still fail: the list documents
// what is not done yet, and a listed script that passes is reported so that
// it can be taken off the list.
package luatest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
)

// Options control RunDir.
type Options struct {
	// Differential also runs each script under the reference interpreter
	// (skipped when it is not installed) and compares the outputs.
	Differential bool
	// Update rewrites each .expected file with the reference's output.
	Update bool
	// KnownFailures maps script names (without .lua) that are expected to
	// fail to the reason.
	KnownFailures map[string]string
	// Timeout bounds each script's run (default 20 s, as the shared runner).
	Timeout time.Duration
}

// ReferenceName is the reference interpreter looked up in $PATH.
const ReferenceName = "lua5.4"

// Scripts returns the names (without .lua) of dir's scripts, sorted.
func Scripts(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.lua"))
	if err != nil {
		return nil, err
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = strings.TrimSuffix(filepath.Base(p), ".lua")
	}
	sort.Strings(names)
	return names, nil
}

// RunDir runs every script of dir as a subtest of t.
func RunDir(t *testing.T, dir string, opts Options) {
	names, err := Scripts(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatalf("no scripts in %s", dir)
	}
	ref := ""
	if opts.Differential || opts.Update {
		if ref, err = exec.LookPath(ReferenceName); err != nil {
			if opts.Update {
				t.Fatalf("cannot update expected outputs: %v", err)
			}
			t.Logf("differential checks skipped: %v", err)
			ref = ""
		}
	}
	if opts.Timeout == 0 {
		opts.Timeout = 20 * time.Second
	}
	for name := range opts.KnownFailures {
		if _, err := os.Stat(filepath.Join(dir, name+".lua")); err != nil {
			t.Errorf("known failure %s: no such script in %s", name, dir)
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(abs)
	// TZ=UTC for the reference; time.Local for os.date and os.time here,
	// as Go reads TZ only once.
	t.Setenv("TZ", "UTC")
	savedLocal := time.Local
	time.Local = time.UTC
	t.Cleanup(func() { time.Local = savedLocal })
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			script := name + ".lua"
			var refOut *string
			if ref != "" {
				out, err := RunReference(ref, script)
				if err != nil {
					t.Fatalf("reference: %v", err)
				}
				if opts.Update {
					if err := os.WriteFile(name+".expected", []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				refOut = &out
			}
			problem := check(script, name+".expected", refOut, opts.Timeout)
			reason, known := opts.KnownFailures[name]
			switch {
			case known && problem == "":
				t.Logf("%s passes now: take it off the known failures (%s)", name, reason)
			case known:
				t.Skipf("known failure (%s)", reason)
			case problem != "":
				t.Error(problem)
			}
		})
	}
}

// check runs script and returns what is wrong with its output (compared
// with expectedFile and, when refOut is not nil, with the reference's
// output), or "".
func check(script, expectedFile string, refOut *string, timeout time.Duration) string {
	want, err := os.ReadFile(expectedFile)
	if err != nil {
		return err.Error()
	}
	got, err := RunTimeout(script, timeout)
	if err != nil {
		return fmt.Sprintf("%s failed: %v\noutput before the error:\n%s", script, err, tail(got, 20))
	}
	if d := Diff(string(want), got); d != "" {
		return fmt.Sprintf("%s: output differs from %s:\n%s", script, expectedFile, d)
	}
	if refOut != nil {
		if d := Diff(*refOut, got); d != "" {
			return fmt.Sprintf("%s: output differs from %s's:\n%s", script, ReferenceName, d)
		}
	}
	return ""
}

// Run runs the Lua script at path under a fresh State with the standard
// libraries, as "luaw path" would (chunk name "@path", arg[0] = path, the
// state closed at the end), and returns its standard output. A Lua error is returned as an error whose
// text has the traceback.
func Run(path string) (string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	s := lua.NewState()
	s.Stdout = &out
	lib.OpenAll(s)
	arg := lua.NewTable(0, 2)
	arg.SetInt(-1, lua.String("luaw"))
	arg.SetInt(0, lua.String(path))
	s.SetGlobal("arg", arg.Value())
	fn, err := s.Load(string(src), "@"+path, "bt")
	if err == nil {
		_, err = s.Call(fn)
	}
	// The end of lua.c's run (lua_close): pending finalizers, then files.
	s.Close()
	lib.FlushAll(s)
	if le, ok := err.(*lua.Error); ok && le.Traceback != "" {
		err = fmt.Errorf("%v\n%s", le, le.Traceback)
	}
	return out.String(), err
}

// RunTimeout is Run with a time limit. A script that runs past it is
// abandoned; a Go panic in the interpreter becomes an error with its stack.
func RunTimeout(path string, timeout time.Duration) (string, error) {
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
			}
		}()
		out, err := Run(path)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-time.After(timeout):
		return "", fmt.Errorf("timeout after %v", timeout)
	}
}

// RunReference runs script with the reference interpreter at ref in the
// current directory and returns its standard output; a non-zero exit is
// an error carrying its standard error.
func RunReference(ref, script string) (string, error) {
	cmd := exec.Command(ref, script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %v\n%s", ref, script, err, stderr.String())
	}
	return string(out), nil
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}
