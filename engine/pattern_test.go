package engine

import "testing"

// Schema patterns compile with Go's regexp natively and with the host's
// RegExp under GOOS=js (GOOS=js GOARCH=wasm go test ./engine runs this
// under node): both must agree on these.
func TestCompilePattern(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{`^[^\s@]+@[^\s@]+$`, "ann@example.org", true},
		{`^[^\s@]+@[^\s@]+$`, "nope", false},
		{`^[^\s@]+@[^\s@]+$`, "a b@c", false},
		{`\d{3}`, "ab123", true},
		{`^ab`, "ABc", false},
		{`(?i)^ab`, "ABc", true},
		{`a.b`, "a\nb", false},
		{`(?s)a.b`, "a\nb", true},
		{`^b$`, "a\nb", false},
		{`(?m)^b$`, "a\nb", true},
		{`(?im)^B$`, "a\nb", true},
		{`^é{2}$`, "éé", true},
		{`^(?:x|y)+$`, "xyx", true},
	}
	for _, tt := range tests {
		match, err := compilePattern(tt.pattern)
		if err != nil {
			t.Errorf("compilePattern(%q): %v", tt.pattern, err)
			continue
		}
		if got := match(tt.s); got != tt.want {
			t.Errorf("pattern %q on %q: got %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
	for _, bad := range []string{`(`, `a[`, `*a`} {
		if _, err := compilePattern(bad); err == nil {
			t.Errorf("compilePattern(%q): no error", bad)
		}
	}
}
