package syntax

import (
	"strings"
	"testing"
)

// nestingTests give sources nested n deep and the smallest n at which the
// reference's load, called from a main chunk, fails with "C stack overflow".
var nestingTests = []struct {
	name  string
	src   func(n int) string
	limit int
}{
	{"parentheses", func(n int) string { return "return " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) }, 196},
	{"blocks", func(n int) string { return strings.Repeat("do ", n) + strings.Repeat("end ", n) }, 198},
	{"unary operators", func(n int) string { return "return " + strings.Repeat("- ", n) + "1" }, 196},
	{"constructors", func(n int) string { return "x = " + strings.Repeat("{", n) + strings.Repeat("}", n) }, 197},
	{"calls", func(n int) string { return "return " + strings.Repeat("f(", n) + strings.Repeat(")", n) }, 197},
	{"concatenations", func(n int) string { return "return 1" + strings.Repeat(" .. 1", n) }, 196},
	{"powers", func(n int) string { return "return 1" + strings.Repeat("^1", n) }, 196},
	{"functions", func(n int) string {
		return "return " + strings.Repeat("function() return ", n) + strings.Repeat(" end", n)
	}, 99},
	{"assignment targets", func(n int) string { return "a" + strings.Repeat(",a", n) + "=1" }, 196},
	{"if statements", func(n int) string { return strings.Repeat("if x then ", n) + strings.Repeat(" end", n) }, 197},
	{"if-break", func(n int) string {
		return "while x do " + strings.Repeat("if x then ", n) + "if x then break end" + strings.Repeat(" end", n) + " end"
	}, 195},
	{"labels", func(n int) string { return strings.Repeat("::a::", n) }, 198},
	{"indexing", func(n int) string { return "return " + strings.Repeat("a[", n) + "1" + strings.Repeat("]", n) }, 196},
}

// mainChunkDepth is the reference's C depth for load called by a main chunk.
const mainChunkDepth = 2

func TestNestingLimit(t *testing.T) {
	for _, test := range nestingTests {
		limit := 0
		for n := 1; n < 400 && limit == 0; n++ {
			_, err := ParseDepth("=src", test.src(n), mainChunkDepth)
			if err != nil {
				if err.Error() != "C stack overflow" {
					t.Fatalf("%s nested %d deep: %v", test.name, n, err)
				}
				limit = n
			}
		}
		if limit != test.limit {
			t.Errorf("%s: overflow at depth %d, want %d", test.name, limit, test.limit)
		}
	}
	// Each C level already in use takes one from the budget.
	src := nestingTests[0].src(195)
	if _, err := ParseDepth("=src", src, mainChunkDepth+1); err == nil || err.Error() != "C stack overflow" {
		t.Errorf("one level deeper: %v, want C stack overflow", err)
	}
	if _, err := Parse("=src", src); err != nil {
		t.Errorf("Parse: %v", err)
	}
	// Past the limit (while handling an overflow) the reference allows 10%
	// more before it gives up.
	if _, err := ParseDepth("=src", nestingTests[0].src(10), 205); err != nil {
		t.Errorf("10 levels past the limit: %v", err)
	}
	if _, err := ParseDepth("=src", nestingTests[0].src(15), 205); err == nil || err.Error() != "error in error handling" {
		t.Errorf("15 levels past the limit: %v, want error in error handling", err)
	}
}

// TestNestingLimitMatchesReference checks the limits above on both sides
// of each.
func TestNestingLimitMatchesReference(t *testing.T) {
	var sources, wants []string
	for _, test := range nestingTests {
		sources = append(sources, test.src(test.limit-1), test.src(test.limit))
		wants = append(wants, "", "C stack overflow")
	}
	ref := referenceLoadErrors(t, "=src", sources)
	for i := range sources {
		if ref[i] != wants[i] && !(wants[i] == "" && !strings.Contains(ref[i], "overflow")) {
			t.Errorf("%s: reference gives %q, want %q", nestingTests[i/2].name, ref[i], wants[i])
		}
	}
}
