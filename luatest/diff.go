package luatest

import (
	"fmt"
	"strings"
)

// contextLines is how many lines Diff shows around the first difference.
const contextLines = 3

// Diff describes the first difference between want and got as a unified
// diff hunk: up to three equal lines before it, then the differing lines of
// want ("-") and of got ("+"). It returns "" when they are equal.
func Diff(want, got string) string {
	if want == got {
		return ""
	}
	w, g := splitLines(want), splitLines(got)
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	start := max(i-contextLines, 0)
	fmt.Fprintf(&b, "@@ first difference at line %d @@\n", i+1)
	for _, l := range w[start:i] {
		writeLine(&b, " ", l)
	}
	writeSide(&b, "-", w, i)
	writeSide(&b, "+", g, i)
	return b.String()
}

// splitLines splits s after each newline; the last line has none when s
// does not end with one.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// writeSide writes up to contextLines lines of one side from line i.
func writeSide(b *strings.Builder, mark string, lines []string, i int) {
	if i >= len(lines) {
		fmt.Fprintf(b, "%s<end of output>\n", mark)
		return
	}
	for _, l := range lines[i:min(i+contextLines, len(lines))] {
		writeLine(b, mark, l)
	}
}

func writeLine(b *strings.Builder, mark, line string) {
	b.WriteString(mark)
	if text, ok := strings.CutSuffix(line, "\n"); ok {
		fmt.Fprintf(b, "%q\n", text)
	} else {
		fmt.Fprintf(b, "%q (no newline at end)\n", text)
	}
}
