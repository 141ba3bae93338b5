//go:build !js

package lib

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

func TestEnvPath(t *testing.T) {
	tests := []struct {
		env, want string
	}{
		{"a/?.lua", "a/?.lua"},
		{";;", "DEF"},
		{"a/?.lua;;", "a/?.lua;DEF"},
		{";;b/?.lua", "DEF;b/?.lua"},
		{"a;;b", "a;DEF;b"},
	}
	for _, tc := range tests {
		t.Setenv("LUAWASM_TEST_PATH_5_4", tc.env)
		if got := envPath(false, "LUAWASM_TEST_PATH", "DEF"); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.env, got, tc.want)
		}
		if got := envPath(true, "LUAWASM_TEST_PATH", "DEF"); got != "DEF" {
			t.Errorf("%q ignoring the environment: got %q", tc.env, got)
		}
	}
	os.Unsetenv("LUAWASM_TEST_PATH_5_4")
	t.Setenv("LUAWASM_TEST_PATH", "unversioned")
	if got := envPath(false, "LUAWASM_TEST_PATH", "DEF"); got != "unversioned" {
		t.Errorf("unversioned variable: got %q", got)
	}
}

func TestSearchpath(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o777); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "a", "b", "c.lua")
	if err := os.WriteFile(file, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	s := newTestState()
	path := dir + "/?.x;;" + dir + "/?.lua"
	tests := []struct {
		args []lua.Value
		want string
	}{
		{strs("a.b.c", path), file},
		{strs("a.b.d", path), "nil\tno file '" + dir + "/a/b/d.x'\n\tno file ''\n\tno file '" + dir + "/a/b/d.lua'"},
		{strs("a_b_c", dir+"/?.lua", "_"), file},
		{strs("a-b-c", dir+"/a/?.lua", "-", "/"), "nil\tno file '" + dir + "/a/a/b/c.lua'"},
		{strs("a.b.c", dir+"/?.lua", ""), "nil\tno file '" + dir + "/a.b.c.lua'"},
		{strs("x"), "error: bad argument #2 (string expected, got no value)"},
	}
	for _, tc := range tests {
		if got := callLib(t, s, "package", "searchpath", tc.args...); got != tc.want {
			t.Errorf("searchpath%v: got %q, want %q", show(tc.args), got, tc.want)
		}
	}
}

func TestRequire(t *testing.T) {
	s := newTestState()
	th := s.MainThread()
	require := s.Globals().GetStr("require")
	calls := 0
	Preload(s, "greeting", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		calls++
		m := lua.NewTable(0, 1)
		m.SetStr("args", lua.String(show(args)))
		return t.Ret(m.Value())
	})
	for range 2 {
		res, err := th.Call(require, lua.String("greeting"))
		if err != nil {
			t.Fatal(err)
		}
		if got := showValue(res[0].AsTable().GetStr("args")); got != "greeting\t:preload:" {
			t.Errorf("loader arguments: got %q", got)
		}
		if calls == 1 && len(res) == 2 && showValue(res[1]) != ":preload:" {
			t.Errorf("loader data: got %q", show(res[1:]))
		}
	}
	if calls != 1 {
		t.Errorf("loader called %d times, want once", calls)
	}

	// A loader that returns nothing leaves true in package.loaded.
	Preload(s, "quiet", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) { return nil, nil })
	if got := pcallText(th.Call(require, lua.String("quiet"))); got != "true\ttrue\t:preload:" {
		t.Errorf("require quiet: got %q", got)
	}
	loaded := s.Globals().GetStr("package").AsTable().GetStr("loaded").AsTable()
	for _, name := range []string{"quiet", "greeting", "string", "table", "math", "io", "os", "utf8", "package"} {
		if loaded.GetStr(name).IsNil() {
			t.Errorf("package.loaded.%s is nil", name)
		}
	}

	pkg := s.Globals().GetStr("package").AsTable()
	pkg.SetStr("path", lua.String("./?.lua;/nonexistent/?/init.lua"))
	pkg.SetStr("cpath", lua.String("./?.so"))
	want := "false\tmodule 'no.such' not found:\n\tno field package.preload['no.such']\n\tno file './no/such.lua'\n\tno file '/nonexistent/no/such/init.lua'\n\tno file './no/such.so'\n\tno file './no.so'"
	if got := pcallText(th.Call(require, lua.String("no.such"))); got != want {
		t.Errorf("require missing:\ngot  %q\nwant %q", got, want)
	}
	pkg.SetStr("path", lua.Int(1))
	if got := pcallText(th.Call(require, lua.String("nothing"))); got != "false\tno file '1'" && !strings.Contains(got, "no file '1'") {
		t.Errorf("numeric path: got %q", got)
	}
	pkg.SetStr("path", lua.True)
	if got := pcallText(th.Call(require, lua.String("nothing"))); got != "false\t'package.path' must be a string" {
		t.Errorf("bad path: got %q", got)
	}
	pkg.SetStr("searchers", lua.Int(1))
	if got := pcallText(th.Call(require, lua.String("nothing"))); got != "false\t'package.searchers' must be a table" {
		t.Errorf("bad searchers: got %q", got)
	}
}

func TestPackageDefaults(t *testing.T) {
	t.Setenv("LUA_PATH_5_4", "")
	os.Unsetenv("LUA_PATH_5_4")
	os.Unsetenv("LUA_PATH")
	s := newTestState()
	pkg := s.Globals().GetStr("package").AsTable()
	if got := showValue(pkg.GetStr("path")); got != defaultPath {
		t.Errorf("path: got %q", got)
	}
	if got := showValue(pkg.GetStr("config")); got != "/\n;\n?\n!\n-\n" {
		t.Errorf("config: got %q", got)
	}
	if got := callLib(t, s, "package", "loadlib", lua.String("x.so"), lua.String("f")); got != "nil\t"+errNoDynamicLibraries+"\tabsent" {
		t.Errorf("loadlib: got %q", got)
	}
}
