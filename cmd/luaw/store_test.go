package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestStoreOption(t *testing.T) {
	tests := []struct {
		argv      []string
		rest      []string
		path, bad string
	}{
		{[]string{"lua", "--store", "m.db", "s.lua", "--store", "x"}, []string{"lua", "s.lua", "--store", "x"}, "m.db", ""},
		{[]string{"lua", "-e", "x=1", "--store=m.db", "-i"}, []string{"lua", "-e", "x=1", "-i"}, "m.db", ""},
		{[]string{"lua", "-e", "--store", "s.lua"}, []string{"lua", "-e", "--store", "s.lua"}, "", ""},
		{[]string{"lua", "--", "--store", "m.db"}, []string{"lua", "--", "--store", "m.db"}, "", ""},
		{[]string{"lua", "--store"}, []string{"lua", "--store"}, "", "--store"},
		{[]string{"lua", "--store=a", "--store=b"}, []string{"lua", "--store=a", "--store=b"}, "", "--store=b"},
		{[]string{"lua"}, []string{"lua"}, "", ""},
	}
	for _, tt := range tests {
		rest, path, bad := storeOption(tt.argv)
		if !reflect.DeepEqual(rest, tt.rest) || path != tt.path || bad != tt.bad {
			t.Errorf("storeOption(%q) = %q, %q, %q; want %q, %q, %q", tt.argv, rest, path, bad, tt.rest, tt.path, tt.bad)
		}
	}
}

// TestStore runs luaw --store several times on one file: each run is a
// new process that sees what the previous ones committed.
func TestStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "memory.db")
	script := filepath.Join(dir, "counter.lua")
	os.WriteFile(script, []byte(`
if not Memory.counter then
  local n = 0
  Memory.counter = function() n = n + 1 return n end
end
print("count", Memory.counter(), ...)
`), 0o644)
	steps := []struct {
		args   []string
		stdout string
		status int
	}{
		{[]string{script, "a"}, "count\t1\ta\n", 0},
		{[]string{script}, "count\t2\n", 0},
		{[]string{"-e", "Memory.x = 1 error('fails')"}, "", 1},
		{[]string{"-e", "print(Memory.x, Memory.counter())"}, "nil\t3\n", 0},
		{[]string{"-e", "Memory.y = 'kept' os.exit(0)"}, "", 0},
		{[]string{"-e", "Memory.y = 'dropped' os.exit(3)"}, "", 3},
		{[]string{"-e", "Memory.f = io.write"}, "", 0},
		{[]string{"-e", "Memory.bad = string.gmatch('', '')"}, "", 1},
		{[]string{"-e", "print(Memory.y, Memory.bad) Memory.f('via io.write\\n')"}, "kept\tnil\nvia io.write\n", 0},
	}
	for i, s := range steps {
		cmd := exec.Command(luaw, append([]string{"--store", db}, s.args...)...)
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		status := 0
		if ee, ok := err.(*exec.ExitError); ok {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if out.String() != s.stdout || status != s.status {
			t.Errorf("step %d %q: status %d, stdout %q, stderr %q; want %d, %q", i, s.args, status, out.String(), errOut.String(), s.status, s.stdout)
		}
		if i == 7 && !strings.Contains(errOut.String(), "Memory.bad: cannot persist a host function") {
			t.Errorf("refusal: stderr %q", errOut.String())
		}
	}
}
