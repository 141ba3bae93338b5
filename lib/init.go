package lib

import "github.com/luawasm/luawasm/lua"

// A library is one standard module and the function that builds it.
type library struct {
	name string
	open func(*lua.State) *lua.Table
}

// allLibraries are the standard libraries in the reference's order
// (linit.c).
var allLibraries = []library{
	{"_G", lua.OpenBase},
	{"package", OpenPackage},
	{"coroutine", lua.OpenCoroutine},
	{"table", OpenTable},
	{"io", OpenIO},
	{"os", OpenOS},
	{"string", OpenString},
	{"math", OpenMath},
	{"utf8", OpenUTF8},
	{"debug", lua.OpenDebug},
}

// OpenAll opens the standard libraries into s: each module table becomes
// a global and an entry of package.loaded.
func OpenAll(s *lua.State) { openLibraries(s, allLibraries) }

// OpenSafe opens the libraries that give a script no reach beyond its
// state, for running untrusted code: base without dofile and loadfile,
// coroutine, table, string, math, utf8, and of os only time, clock, date
// and difftime. No io, package/require or debug (whose getregistry,
// getupvalue and setmetatable reach past any removal).
func OpenSafe(s *lua.State) {
	openLibraries(s, []library{
		{"_G", func(s *lua.State) *lua.Table {
			g := lua.OpenBase(s)
			g.SetStr("dofile", lua.Nil)
			g.SetStr("loadfile", lua.Nil)
			return g
		}},
		{"coroutine", lua.OpenCoroutine},
		{"table", OpenTable},
		{"os", func(s *lua.State) *lua.Table {
			all := OpenOS(s)
			safe := lua.NewTable(0, 4)
			for _, name := range []string{"time", "clock", "date", "difftime"} {
				safe.SetStr(name, all.GetStr(name))
			}
			return safe
		}},
		{"string", OpenString},
		{"math", OpenMath},
		{"utf8", OpenUTF8},
	})
}

func openLibraries(s *lua.State, libs []library) {
	loaded := subTable(s.Registry(), loadedKey)
	for _, l := range libs {
		m := l.open(s).Value()
		loaded.SetStr(l.name, m)
		s.Globals().SetStr(l.name, m)
	}
}
