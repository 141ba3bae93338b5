package syntax

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// The reference interpreter, for differential tests: they skip when it is
// not installed.
const referenceLua = "lua5.4"

// runReference runs a Lua script on the reference interpreter and returns
// its standard output.
func runReference(t *testing.T, script string) string {
	t.Helper()
	lua, err := exec.LookPath(referenceLua)
	if err != nil {
		t.Skip(referenceLua + " is not installed")
	}
	cmd := exec.Command(lua, "-")
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", referenceLua, err)
	}
	return string(out)
}

// luaQuote renders s as a Lua string literal that survives any bytes.
func luaQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' || c == '\\' || c < 0x20 || c >= 0x7f {
			b.WriteString(`\` + strconv.Itoa(int(c)/100) + strconv.Itoa(int(c)/10%10) + strconv.Itoa(int(c)%10))
		} else {
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// luaList renders strings as the body of a Lua table constructor.
func luaList(list []string) string {
	var b strings.Builder
	for _, s := range list {
		b.WriteString(luaQuote(s))
		b.WriteString(",\n")
	}
	return b.String()
}

// referenceLoadErrors returns, for each source, the message with which the
// reference's load(src, name) fails, or "" if it succeeds; an empty name
// stands for load's default, the source itself. The loads run from the
// main chunk, two C levels deep.
func referenceLoadErrors(t *testing.T, name string, sources []string) []string {
	nameExpr := "nil"
	if name != "" {
		nameExpr = luaQuote(name)
	}
	script := "local name = " + nameExpr + "\nfor _, src in ipairs{\n" + luaList(sources) + "} do\n" +
		"  local f, err = load(src, name)\n" +
		"  io.write(err or '', '\\0')\n" +
		"end\n"
	out := runReference(t, script)
	msgs := strings.Split(out, "\x00")
	if len(msgs) != len(sources)+1 {
		t.Fatalf("reference printed %d results for %d sources", len(msgs)-1, len(sources))
	}
	for i, m := range msgs {
		// A C stack overflow is a runtime error, so the reference passes
		// it to the main chunk's message handler, which adds a traceback.
		m, _, _ = strings.Cut(m, "\nstack traceback:")
		msgs[i] = m
	}
	return msgs[:len(sources)]
}
