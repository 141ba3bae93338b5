package query

import (
	"strings"
	"unsafe"
	"weak"

	"github.com/luawasm/luawasm/lua"
)

// A WeakKey refers to a collectable record key (a table, function,
// userdata or thread) without keeping it alive. WeakKeys made from one
// object are equal, even once it is collected, so they can key a map.
//
// Indexes use them for the collections that hold their keys weakly: a key
// an index held would never be collected, nor its entry cleared, as Lua
// would clear it.
type WeakKey struct {
	p    weak.Pointer[byte] // the object, whatever its type
	kind weakKind
}

type weakKind uint8

const (
	weakTable weakKind = iota
	weakLuaFunction
	weakGoFunction
	weakUserdata
	weakThread
)

// MakeWeakKey returns a WeakKey for k, or false when k is not collectable
// (nil, a boolean, a number or a string).
func MakeWeakKey(k lua.Value) (WeakKey, bool) {
	var p unsafe.Pointer
	var kind weakKind
	switch {
	case k.AsTable() != nil:
		p, kind = unsafe.Pointer(k.AsTable()), weakTable
	case k.AsLuaFunction() != nil:
		p, kind = unsafe.Pointer(k.AsLuaFunction()), weakLuaFunction
	case k.AsGoFunction() != nil:
		p, kind = unsafe.Pointer(k.AsGoFunction()), weakGoFunction
	case k.AsUserdata() != nil:
		p, kind = unsafe.Pointer(k.AsUserdata()), weakUserdata
	case k.AsThread() != nil:
		p, kind = unsafe.Pointer(k.AsThread()), weakThread
	default:
		return WeakKey{}, false
	}
	return WeakKey{weak.Make((*byte)(p)), kind}, true
}

// Value returns the key, or nil once it has been collected.
func (w WeakKey) Value() lua.Value {
	p := unsafe.Pointer(w.p.Value())
	if p == nil {
		return lua.Nil
	}
	switch w.kind {
	case weakTable:
		return (*lua.Table)(p).Value()
	case weakLuaFunction:
		return (*lua.LuaFunction)(p).Value()
	case weakGoFunction:
		return (*lua.GoFunction)(p).Value()
	case weakUserdata:
		return (*lua.Userdata)(p).Value()
	}
	return (*lua.Thread)(p).Value()
}

// WeakMode reports whether t holds its keys weakly and its values weakly
// (its metatable's __mode has 'k', 'v'), as the collector reads it.
func WeakMode(t *lua.Table) (keys, values bool) {
	mt := t.Metatable()
	if mt == nil {
		return false, false
	}
	mode, _ := mt.Get(modeKey).AsString()
	return strings.ContainsRune(mode, 'k'), strings.ContainsRune(mode, 'v')
}

var modeKey = lua.String("__mode")
