package lib

import "github.com/luawasm/luawasm/lua"

// OpenAll opens the standard libraries into s, in the reference's order
// (linit.c): each module table becomes a global and an entry of
// package.loaded.
func OpenAll(s *lua.State) {
	libs := []struct {
		name string
		open func(*lua.State) *lua.Table
	}{
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
	loaded := subTable(s.Registry(), loadedKey)
	for _, l := range libs {
		m := l.open(s).Value()
		loaded.SetStr(l.name, m)
		s.Globals().SetStr(l.name, m)
	}
}
