package persist

import (
	"maps"
	"slices"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// A Registry names the permanent values: values that exist in every run
// of the program (the standard library's functions and tables, the global
// table, functions the host registers) and are therefore stored by name,
// never by content. Memory.f = string.upper stores "string.upper"; a
// closure's _ENV upvalue holding the global table stores "_G".
//
// It also holds the decoders of userdata persist hooks (see Persistable).
type Registry struct {
	names    map[lua.Value]string
	values   map[string]lua.Value
	stubs    map[string]lua.Value // late-bound names (see stub)
	decoders map[string]func([]byte) (any, error)
}

// NewRegistry returns a registry of the permanent values of s as it is
// now, which should be right after its libraries were opened: the global
// table as "_G", each global function, table or userdata by its global
// name, and the functions, tables and userdata inside the library tables
// (package.loaded) as "lib.name". When a value is reachable by several
// names, the first in sorted order is used.
func NewRegistry(s *lua.State) *Registry {
	r := &Registry{
		names:    make(map[lua.Value]string),
		values:   make(map[string]lua.Value),
		stubs:    make(map[string]lua.Value),
		decoders: make(map[string]func([]byte) (any, error)),
	}
	g := s.Globals()
	r.add("_G", g.Value())
	libs := map[string]*lua.Table{}
	if loaded := s.Registry().GetStr("_LOADED").AsTable(); loaded != nil {
		for _, name := range sortedStringKeys(loaded) {
			if t := loaded.GetStr(name).AsTable(); t != nil {
				libs[name] = t
			}
		}
	}
	for _, name := range sortedStringKeys(g) {
		v := g.GetStr(name)
		if permanentKind(v) {
			r.add(name, v)
		}
		if t := v.AsTable(); t != nil && t != g {
			libs[name] = t
		}
	}
	for _, lib := range slices.Sorted(maps.Keys(libs)) {
		t := libs[lib]
		if lib == "_G" {
			continue
		}
		r.add(lib, t.Value())
		for _, name := range sortedStringKeys(t) {
			if v := t.GetStr(name); permanentKind(v) {
				r.add(lib+"."+name, v)
			}
		}
	}
	return r
}

// permanentKind reports whether v is of a type the registry holds:
// values with identity that are not plain data.
func permanentKind(v lua.Value) bool {
	switch v.Type() {
	case lua.TypeFunction, lua.TypeTable, lua.TypeUserdata:
		return true
	}
	return false
}

// add registers v under name unless either is registered already.
func (r *Registry) add(name string, v lua.Value) {
	if _, ok := r.names[v]; ok {
		return
	}
	if _, ok := r.values[name]; ok {
		return
	}
	r.names[v] = name
	r.values[name] = v
}

// Register makes v, a function, table or userdata, permanent under name
// (for host functions given to Lua: without a name they cannot persist).
// Names and values must be unique.
func (r *Registry) Register(name string, v lua.Value) error {
	if name == "" {
		return printf.Errorf("persist: empty permanent name")
	}
	if !permanentKind(v) {
		return printf.Errorf("persist: a %s cannot be a permanent value", v.TypeName())
	}
	if old, ok := r.names[v]; ok {
		return printf.Errorf("persist: the value is registered as %q already", old)
	}
	if cur, ok := r.values[name]; ok && cur != r.stubs[name] {
		return printf.Errorf("persist: the name %q is registered already", name)
	}
	r.names[v] = name
	r.values[name] = v
	return nil
}

// stub returns a stand-in for a name that a stored value refers to but
// that is not registered (yet): a host function the host registers after
// loading. Calling the stub calls whatever is registered under the name
// by then; storing it stores the name again.
func (r *Registry) stub(name string) lua.Value {
	if v, ok := r.stubs[name]; ok {
		return v
	}
	v := lua.NewGoFunction(name, func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		fn := r.values[name]
		if fn == r.stubs[name] {
			return nil, lua.Errorf("host function '%s' is not registered", name)
		}
		return t.Call(fn, args...)
	}).Value()
	r.stubs[name] = v
	r.names[v] = name
	r.values[name] = v
	return v
}

// Name returns the name of a permanent value.
func (r *Registry) Name(v lua.Value) (string, bool) {
	name, ok := r.names[v]
	return name, ok
}

// Value returns the permanent value named name.
func (r *Registry) Value(name string) (lua.Value, bool) {
	v, ok := r.values[name]
	return v, ok
}

// A Persistable is a userdata payload (Userdata.Data) that can be stored:
// its type name selects the decoder given to RegisterUserdata when it is
// loaded. Writes inside a userdata are invisible to the journal: after
// changing one, call DB.Touch so that the next commit stores it again.
type Persistable interface {
	PersistType() string
	MarshalPersist() ([]byte, error)
}

// RegisterUserdata registers the decoder of the Persistable type typeName:
// it returns the Data of the loaded userdata.
func (r *Registry) RegisterUserdata(typeName string, decode func([]byte) (any, error)) {
	r.decoders[typeName] = decode
}

func sortedStringKeys(t *lua.Table) []string {
	var keys []string
	for pos, key, _ := t.Iter(0); pos != 0; pos, key, _ = t.Iter(pos) {
		if s, ok := key.AsString(); ok {
			keys = append(keys, s)
		}
	}
	slices.Sort(keys)
	return keys
}
