package lib

import (
	"fmt"
	"math"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// Helpers shared by the library tests, which call library functions
// directly on a fresh state.

// newTestState returns a state with every library of this package opened.
func newTestState() *lua.State {
	s := lua.NewState()
	OpenAll(s)
	return s
}

// libFunc returns the function module.name of s.
func libFunc(t *testing.T, s *lua.State, module, name string) lua.Value {
	t.Helper()
	m := s.Globals().GetStr(module).AsTable()
	if m == nil {
		t.Fatalf("no module %s", module)
	}
	f := m.GetStr(name)
	if f.IsNil() {
		t.Fatalf("no function %s.%s", module, name)
	}
	return f
}

// callLib calls module.name with args and renders the results (or the
// error) as text.
func callLib(t *testing.T, s *lua.State, module, name string, args ...lua.Value) string {
	t.Helper()
	res, err := s.MainThread().Call(libFunc(t, s, module, name), args...)
	if err != nil {
		// The function's name in argument errors depends on how it was
		// called; leave it out.
		return "error: " + argErrorName.ReplaceAllString(err.Error(), "bad argument #$1 (")
	}
	return show(res)
}

var argErrorName = regexp.MustCompile(`bad argument #(\d+) to '[^']*' \(`)

// show renders values as print would, separated by tabs (tables and
// other objects by type name only).
func show(vs []lua.Value) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = showValue(v)
	}
	return strings.Join(parts, "\t")
}

func showValue(v lua.Value) string {
	if s, ok := v.ToStringCoerce(); ok {
		return s
	}
	switch v.Type() {
	case lua.TypeNil:
		return "nil"
	case lua.TypeBoolean:
		if v.Truthy() {
			return "true"
		}
		return "false"
	}
	return v.TypeName()
}

// list returns a plain table holding vs as a sequence.
func list(vs ...lua.Value) *lua.Table {
	t := lua.NewTable(len(vs), 0)
	for i, v := range vs {
		t.SetInt(int64(i)+1, v)
	}
	return t
}

// ints returns integer values.
func ints(ns ...int64) []lua.Value {
	vs := make([]lua.Value, len(ns))
	for i, n := range ns {
		vs[i] = lua.Int(n)
	}
	return vs
}

// strs returns string values.
func strs(ss ...string) []lua.Value {
	vs := make([]lua.Value, len(ss))
	for i, s := range ss {
		vs[i] = lua.String(s)
	}
	return vs
}

// elems renders t[1..#t].
func elems(t *lua.Table) string {
	var parts []string
	for i := int64(1); i <= t.Len(); i++ {
		parts = append(parts, showValue(t.GetInt(i)))
	}
	return strings.Join(parts, ",")
}

// referenceLua runs a chunk under the reference interpreter and returns
// its output, skipping the test when lua5.4 is not installed.
func referenceLua(t *testing.T, chunk string) string {
	t.Helper()
	path, err := exec.LookPath("lua5.4")
	if err != nil {
		t.Skip("lua5.4 not installed")
	}
	cmd := exec.Command(path, "-e", chunk)
	cmd.Env = append(cmd.Environ(), "TZ=UTC")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("lua5.4: %v\n%s", err, out)
	}
	return string(out)
}

// luaLiteral renders v as Lua source, for differential tests.
func luaLiteral(v lua.Value) string {
	if s, ok := v.AsString(); ok {
		var b strings.Builder
		b.WriteByte('"')
		for i := 0; i < len(s); i++ {
			fmt.Fprintf(&b, "\\x%02X", s[i])
		}
		b.WriteByte('"')
		return b.String()
	}
	if i, ok := v.AsInt(); ok && i == math.MinInt64 {
		return "math.mininteger"
	}
	if f, ok := v.AsFloat(); ok {
		return fmt.Sprintf("%.17g", f)
	}
	return showValue(v)
}

// luaArgs renders an argument list as Lua source, each argument
// preceded by ", ".
func luaArgs(args []lua.Value) string {
	var b strings.Builder
	for _, a := range args {
		b.WriteString(", " + luaLiteral(a))
	}
	return b.String()
}

// pcallText renders a call's outcome as print(pcall(...)) would, without
// the function name in argument errors.
func pcallText(res []lua.Value, err error) string {
	if err != nil {
		return "false\t" + argErrorName.ReplaceAllString(err.Error(), "bad argument #$1 (")
	}
	if len(res) == 0 {
		return "true"
	}
	return "true\t" + show(res)
}
