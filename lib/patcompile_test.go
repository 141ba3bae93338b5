package lib

import (
	"slices"
	"strings"
	"testing"
)

// describeProgram writes a program's items and start filter in a short
// notation: L"lit", S+ (a class with its suffix), . (any), ( () ) %b %f %1
// $ !msg; then "| start: ..." for what scanning looks for.
func describeProgram(prog *patProgram) string {
	var b strings.Builder
	for i, it := range prog.items {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch it.op {
		case opLiteral:
			b.WriteString(`L"` + it.lit + `"`)
		case opSingle:
			if it.any {
				b.WriteByte('.')
			} else {
				b.WriteByte('S')
			}
			if it.rep != 0 {
				b.WriteByte(it.rep)
			}
		case opOpen:
			b.WriteString("(")
		case opPosition:
			b.WriteString("()")
		case opClose:
			b.WriteString(")")
		case opBalance:
			b.WriteString("%b" + string([]byte{it.open, it.close}))
		case opFrontier:
			b.WriteString("%f")
		case opBackref:
			b.WriteString("%" + string(rune('1'+it.index)))
		case opEndAnchor:
			b.WriteString("$")
		case opMalformed:
			b.WriteString("!" + it.lit)
		}
	}
	b.WriteString(" | start:")
	switch {
	case prog.startsWithByte:
		b.WriteString(" byte " + string([]byte{prog.startByte}))
	case prog.startSet != nil:
		b.WriteString(" set")
		if prog.startAtEnd {
			b.WriteString(" or end")
		}
	}
	if prog.startRun != nil {
		b.WriteString(" run")
	}
	return b.String()
}

func TestCompilePattern(t *testing.T) {
	for _, test := range []struct{ pat, want string }{
		{"", " | start:"},
		{"abc", `L"abc" | start: byte a`},
		{"a%.b%%", `L"a.b%" | start: byte a`},
		{"(%a+)=(%d+)", `( S+ ) L"=" ( S+ ) | start: set run`},
		{"%d+", "S+ | start: set run"},
		{"[%w%.]*x", `S* L"x" | start: run`},
		{"ab*c", `L"a" S* L"c" | start: byte a`},
		{".-b", `.- L"b" | start: run`},
		{".+", ".+ | start: run"},
		{"a?b", `S? L"b" | start:`},
		{"%f[%d]%d", "%f S | start: set"},
		{"%f[^a]", "%f | start: set or end"},
		{"%b()x", `%b() L"x" | start: byte (`},
		{"(a)%1+", `( L"a" ) %1 L"+" | start: byte a`},
		{"(a+)%1", "( S+ ) %1 | start: set"}, // no run skipping with back-references
		{"()x$", `() L"x" $ | start: byte x`},
		{"x$y", `L"x$y" | start: byte x`},
		{"a[b", "L\"a\" !malformed pattern (missing ']') | start: byte a"},
		{"[b", "!malformed pattern (missing ']') | start:"},
		{"%", "!malformed pattern (ends with '%') | start:"},
		{"x%bz", "L\"x\" !malformed pattern (missing arguments to '%b') | start: byte x"},
		{"%fx", "!missing '[' after '%f' in pattern | start:"},
		{")a", `) L"a" | start:`},
	} {
		if got := describeProgram(newProgram(test.pat)); got != test.want {
			t.Errorf("%q: got  %s\n\twant %s", test.pat, got, test.want)
		}
	}
}

// TestLeads checks which items can be skipped to: a capture bracket that
// fails blocks the lead.
func TestLeads(t *testing.T) {
	for _, test := range []struct {
		pat   string
		leads []int
	}{
		{"a(b)c", []int{0, 2, 2, 4, 4}},
		{"a)b", []int{0, -1, 2}},
		{"(a+)", []int{1, 1, 3}},
		{strings.Repeat("(", 33) + "a", append(slices.Repeat([]int{-1}, 33), 33)},
	} {
		prog := newProgram(test.pat)
		var got []int
		for _, it := range prog.items {
			got = append(got, it.lead)
		}
		if !slices.Equal(got, test.leads) {
			t.Errorf("%q: leads %v, want %v", test.pat, got, test.leads)
		}
	}
}
