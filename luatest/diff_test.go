package luatest

import "testing"

func TestDiff(t *testing.T) {
	tests := []struct {
		name, want, got, diff string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"empty", "", "", ""},
		{"changed line", "a\nb\nc\n", "a\nB\nc\n",
			"@@ first difference at line 2 @@\n \"a\"\n-\"b\"\n-\"c\"\n+\"B\"\n+\"c\"\n"},
		{"context is three lines", "1\n2\n3\n4\n5\n", "1\n2\n3\n4\nx\n",
			"@@ first difference at line 5 @@\n \"2\"\n \"3\"\n \"4\"\n-\"5\"\n+\"x\"\n"},
		{"missing output", "a\nb\n", "a\n",
			"@@ first difference at line 2 @@\n \"a\"\n-\"b\"\n+<end of output>\n"},
		{"extra output", "a\n", "a\nb\n",
			"@@ first difference at line 2 @@\n \"a\"\n-<end of output>\n+\"b\"\n"},
		{"final newline", "a\nb\n", "a\nb",
			"@@ first difference at line 2 @@\n \"a\"\n-\"b\"\n+\"b\" (no newline at end)\n"},
		{"invisible characters", "a\tb\n", "a b\n",
			"@@ first difference at line 1 @@\n-\"a\\tb\"\n+\"a b\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Diff(tt.want, tt.got); got != tt.diff {
				t.Errorf("Diff(%q, %q) =\n%s\nwant\n%s", tt.want, tt.got, got, tt.diff)
			}
		})
	}
}
