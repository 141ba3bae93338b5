//go:build js

package lib

import (
	"errors"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// Without a file system, file operations fail in luaL_fileresult's shape
// or with the reference's error, and output still reaches State.Stdout.
func TestNoFileSystem(t *testing.T) {
	s := newTestState()
	tests := []struct {
		module, fn string
		args       []lua.Value
		want       string
	}{
		{"io", "open", strs("x.txt"), "nil\tx.txt: file access is not available in this environment\t0"},
		{"io", "lines", strs("x.txt"), "error: cannot open file 'x.txt' (file access is not available in this environment)"},
		{"io", "popen", strs("ls"), "nil\tls: running commands is not available in this environment\t0"},
		{"io", "tmpfile", nil, "nil\tfile access is not available in this environment\t0"},
		{"os", "remove", strs("x"), "nil\tx: file access is not available in this environment\t0"},
		{"os", "rename", strs("x", "y"), "nil\tfile access is not available in this environment\t0"},
		{"os", "tmpname", nil, "error: unable to generate a unique filename (file access is not available in this environment)"},
		{"os", "execute", nil, "false"},
		{"os", "execute", strs("ls"), "nil\trunning commands is not available in this environment\t0"},
	}
	for _, tc := range tests {
		if got := callLib(t, s, tc.module, tc.fn, tc.args...); got != tc.want {
			t.Errorf("%s.%s: got %q, want %q", tc.module, tc.fn, got, tc.want)
		}
	}
	// os.exit reports the exit to the host as a fatal error (one no pcall
	// catches) that wraps an *ExitError.
	res, err := osExit(s.MainThread(), []lua.Value{lua.Int(3)})
	if ee, ok := errors.AsType[*ExitError](err); !ok || ee.Code != 3 {
		t.Errorf("os.exit(3): got %v, %v; want *ExitError with code 3", show(res), err)
	}
}
