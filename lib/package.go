package lib

import (
	"os"
	"strings"

	"github.com/luawasm/luawasm/lua"
)

// The reference's default search paths on Unix (LUA_ROOT "/usr/local/").
const (
	luaLDir      = "/usr/local/share/lua/5.4/"
	luaCDir      = "/usr/local/lib/lua/5.4/"
	defaultPath  = luaLDir + "?.lua;" + luaLDir + "?/init.lua;" + luaCDir + "?.lua;" + luaCDir + "?/init.lua;" + "./?.lua;" + "./?/init.lua"
	defaultCPath = luaCDir + "?.so;" + luaCDir + "loadall.so;" + "./?.so"
)

// packageConfig is package.config: directory separator, path separator,
// substitution mark, executable-directory mark, ignore mark.
const packageConfig = "/\n;\n?\n!\n-\n"

// errNoDynamicLibraries is what loading a C library reports: this
// interpreter cannot load native code.
const errNoDynamicLibraries = "dynamic libraries not enabled; check your Lua installation"

// Registry keys of the loaded-modules and preload tables (LUA_LOADED_TABLE,
// LUA_PRELOAD_TABLE).
const (
	loadedKey  = "_LOADED"
	preloadKey = "_PRELOAD"
)

// subTable returns t[key], creating it as an empty table if it is not a
// table (luaL_getsubtable).
func subTable(t *lua.Table, key string) *lua.Table {
	if sub := t.GetStr(key).AsTable(); sub != nil {
		return sub
	}
	sub := lua.NewTable(0, 4)
	t.SetStr(key, sub.Value())
	return sub
}

// Preload registers open as the loader of module name, so that
// require(name) calls it (with the module name) and returns its result.
// Hosts use it to provide modules written in Go.
func Preload(s *lua.State, name string, open lua.GoFunc) {
	subTable(s.Registry(), preloadKey).SetStr(name, lua.NewGoFunction(name, open).Value())
}

// OpenPackage returns the package library and sets the global require.
func OpenPackage(s *lua.State) *lua.Table {
	pkg := lua.NewTable(0, 10)
	pv := pkg.Value()
	pkg.SetStr("config", lua.String(packageConfig))
	pkg.SetStr("loaded", subTable(s.Registry(), loadedKey).Value())
	pkg.SetStr("preload", subTable(s.Registry(), preloadKey).Value())
	noEnv := s.Registry().GetStr("LUA_NOENV").Truthy()
	pkg.SetStr("path", lua.String(envPath(noEnv, "LUA_PATH", defaultPath)))
	pkg.SetStr("cpath", lua.String(envPath(noEnv, "LUA_CPATH", defaultCPath)))
	pkg.SetStr("loadlib", lua.NewGoFunction("package.loadlib", packageLoadlib).Value())
	pkg.SetStr("searchpath", lua.NewGoFunction("package.searchpath", packageSearchpath).Value())

	searchers := lua.NewTable(4, 0)
	for i, fn := range []lua.GoFunc{
		searchPreload,
		func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) { return searchLua(t, pv, args) },
		func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) { return searchC(t, pv, args) },
		func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) { return searchCRoot(t, pv, args) },
	} {
		searchers.SetInt(int64(i)+1, lua.NewGoFunction("package.searcher", fn).Value())
	}
	pkg.SetStr("searchers", searchers.Value())

	s.Globals().SetStr("require", lua.NewGoFunction("require", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return require(t, pv, args)
	}).Value())
	return pkg
}

// envPath returns a search path from the environment variable name (its
// versioned form NAME_5_4 first), with ";;" replaced by the default path,
// or the default when it is unset or the environment is to be ignored.
func envPath(noEnv bool, name, def string) string {
	path, ok := os.LookupEnv(name + "_5_4")
	if !ok {
		path, ok = os.LookupEnv(name)
	}
	if !ok || noEnv {
		return def
	}
	mark := strings.Index(path, ";;")
	if mark < 0 {
		return path
	}
	var b strings.Builder
	if mark > 0 { // a prefix before ";;"
		b.WriteString(path[:mark])
		b.WriteByte(';')
	}
	b.WriteString(def)
	if mark < len(path)-2 { // a suffix after ";;"
		b.WriteByte(';')
		b.WriteString(path[mark+2:])
	}
	return b.String()
}

func require(t *lua.Thread, pkg lua.Value, args []lua.Value) ([]lua.Value, error) {
	name, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	key := lua.String(name)
	loaded := subTable(t.State().Registry(), loadedKey).Value()
	if mod, err := t.Index(loaded, key); err != nil {
		return nil, err
	} else if mod.Truthy() {
		return t.Ret(mod) // already loaded
	}
	loader, data, err := findLoader(t, pkg, name)
	if err != nil {
		return nil, err
	}
	res, err := t.Call(loader, key, data)
	if err != nil {
		return nil, err
	}
	if len(res) > 0 && !res[0].IsNil() {
		if err := t.SetIndex(loaded, key, res[0]); err != nil {
			return nil, err
		}
	}
	mod, err := t.Index(loaded, key)
	if err != nil {
		return nil, err
	}
	if mod.IsNil() { // the module set no value: use true
		mod = lua.True
		if err := t.SetIndex(loaded, key, mod); err != nil {
			return nil, err
		}
	}
	return t.Ret(mod, data)
}

// findLoader asks each of package.searchers for a loader of module name,
// and fails with the searchers' messages when none has one.
func findLoader(t *lua.Thread, pkg lua.Value, name string) (loader, data lua.Value, err error) {
	sv, err := t.Index(pkg, lua.String("searchers"))
	if err != nil {
		return lua.Nil, lua.Nil, err
	}
	searchers := sv.AsTable()
	if searchers == nil {
		return lua.Nil, lua.Nil, lua.Errorf("'package.searchers' must be a table")
	}
	var msg strings.Builder
	for i := int64(1); ; i++ {
		searcher := searchers.GetInt(i)
		if searcher.IsNil() {
			return lua.Nil, lua.Nil, lua.Errorf("module '%s' not found:%s", name, msg.String())
		}
		res, err := t.Call(searcher, lua.String(name))
		if err != nil {
			return lua.Nil, lua.Nil, err
		}
		first, second := lua.Arg(res, 1), lua.Arg(res, 2)
		if first.IsFunction() {
			return first, second, nil
		}
		if s, ok := first.ToStringCoerce(); ok {
			msg.WriteString("\n\t")
			msg.WriteString(s)
		}
	}
}

func searchPreload(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	name, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	preload := subTable(t.State().Registry(), preloadKey).Value()
	loader, err := t.Index(preload, lua.String(name))
	if err != nil {
		return nil, err
	}
	if loader.IsNil() {
		return t.Ret(lua.String("no field package.preload['" + name + "']"))
	}
	return t.Ret(loader, lua.String(":preload:"))
}

// findFile searches package[pathField] for module name; when nothing is
// found it returns "" and the message listing the files tried.
func findFile(t *lua.Thread, pkg lua.Value, name, pathField string) (file, msg string, err error) {
	pv, err := t.Index(pkg, lua.String(pathField))
	if err != nil {
		return "", "", err
	}
	path, ok := pv.ToStringCoerce()
	if !ok {
		return "", "", lua.Errorf("'package.%s' must be a string", pathField)
	}
	file, msg = searchPath(name, path, ".", "/")
	return file, msg, nil
}

// searchPath looks for name in path, a list of templates separated by
// ';' in which '?' stands for the name (whose sep characters become
// dirsep). It returns the first readable file, or "" and the message
// listing every file tried.
func searchPath(name, path, sep, dirsep string) (string, string) {
	if sep != "" && strings.Contains(name, sep[:1]) {
		name = strings.ReplaceAll(name, sep, dirsep)
	}
	names := strings.ReplaceAll(path, "?", name)
	for _, file := range strings.Split(names, ";") {
		if readable(file) {
			return file, ""
		}
	}
	return "", "no file '" + strings.ReplaceAll(names, ";", "'\n\tno file '") + "'"
}

// readable reports whether file can be opened for reading.
func readable(file string) bool {
	if file == "" {
		return false
	}
	h, err := openFile(file, "r")
	if err != nil {
		return false
	}
	h.Close()
	return true
}

func packageSearchpath(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	name, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	path, err := lua.CheckString(args, 2)
	if err != nil {
		return nil, err
	}
	sep, err := lua.OptString(args, 3, ".")
	if err != nil {
		return nil, err
	}
	rep, err := lua.OptString(args, 4, "/")
	if err != nil {
		return nil, err
	}
	file, msg := searchPath(name, path, sep, rep)
	if file == "" {
		return t.Ret(lua.Nil, lua.String(msg))
	}
	return t.Ret(lua.String(file))
}

func packageLoadlib(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if _, err := lua.CheckString(args, 1); err != nil {
		return nil, err
	}
	if _, err := lua.CheckString(args, 2); err != nil {
		return nil, err
	}
	return t.Ret(lua.Nil, lua.String(errNoDynamicLibraries), lua.String("absent"))
}

// loadError is checkload's failure: the module was found but not loaded.
func loadError(name, file, msg string) error {
	return lua.Errorf("error loading module '%s' from file '%s':\n\t%s", name, file, msg)
}

func searchLua(t *lua.Thread, pkg lua.Value, args []lua.Value) ([]lua.Value, error) {
	name, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	file, msg, err := findFile(t, pkg, name, "path")
	if err != nil {
		return nil, err
	}
	if file == "" {
		return t.Ret(lua.String(msg))
	}
	fn, err := t.State().LoadFile(file, "bt")
	if err != nil {
		return nil, loadError(name, file, err.Error())
	}
	return t.Ret(fn, lua.String(file))
}

// searchC finds C libraries on package.cpath as the reference does, but
// cannot load them.
func searchC(t *lua.Thread, pkg lua.Value, args []lua.Value) ([]lua.Value, error) {
	name, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	file, msg, err := findFile(t, pkg, name, "cpath")
	if err != nil {
		return nil, err
	}
	if file == "" {
		return t.Ret(lua.String(msg))
	}
	return nil, loadError(name, file, errNoDynamicLibraries)
}

// searchCRoot looks for the C library of the root of a dotted module name
// ("a" for "a.b.c").
func searchCRoot(t *lua.Thread, pkg lua.Value, args []lua.Value) ([]lua.Value, error) {
	name, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	root, _, dotted := strings.Cut(name, ".")
	if !dotted {
		return nil, nil // a root module is searchC's
	}
	file, msg, err := findFile(t, pkg, root, "cpath")
	if err != nil {
		return nil, err
	}
	if file == "" {
		return t.Ret(lua.String(msg))
	}
	return nil, loadError(name, file, errNoDynamicLibraries)
}
