package luatest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheck runs the harness on small scripts and looks at its verdicts.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	scripts := map[string]string{
		"ok.lua":           "print('hi', arg[0], select('#', ...))",
		"ok.expected":      "hi\tok.lua\t0\n",
		"differs.lua":      "print('a') print('b')",
		"differs.expected": "a\nc\n",
		"fails.lua":        "print('before') error('boom')",
		"fails.expected":   "before\n",
		"slow.lua":         "local x = 0 for i = 1, 3e8 do x = x + i end print(x)",
		"slow.expected":    "",
		"noexpected.lua":   "print(1)",
	}
	for name, content := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	ref := "hi\tok.lua\t0\n"
	other := "hello\n"
	tests := []struct {
		script string
		refOut *string
		want   []string // substrings of the verdict; none means it passes
	}{
		{"ok", nil, nil},
		{"ok", &ref, nil},
		{"ok", &other, []string{"differs from lua5.4's", `-"hello"`, `+"hi\tok.lua\t0"`}},
		{"differs", nil, []string{"differs.lua: output differs from differs.expected", "line 2", `-"c"`, `+"b"`}},
		{"fails", nil, []string{"fails.lua failed: fails.lua:1: boom", "stack traceback:", "output before the error:\nbefore\n"}},
		{"slow", nil, []string{"slow.lua failed: timeout after 50ms"}},
		{"noexpected", nil, []string{"noexpected.expected"}},
	}
	for _, tt := range tests {
		got := check(tt.script+".lua", tt.script+".expected", tt.refOut, 50*time.Millisecond)
		if len(tt.want) == 0 && got != "" {
			t.Errorf("%s: unexpected verdict %q", tt.script, got)
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: verdict %q does not contain %q", tt.script, got, w)
			}
		}
	}
}
