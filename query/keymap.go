package query

import "github.com/luawasm/luawasm/lua"

// A keyMap is a Go map keyed by Lua values with Lua's raw equality: two
// strings with the same bytes are one key, and so are 1 and 1.0. A Value
// cannot key a Go map directly (equal strings may be distinct objects), so
// strings go to their own map keyed by their bytes, which also keeps the
// entry at 16 bytes of key; every other value, normalized, keys the second.
type keyMap[V any] struct {
	strs   map[string]V
	others map[lua.Value]V
}

func (m *keyMap[V]) get(k lua.Value) (V, bool) {
	var v V
	var ok bool
	if s, isStr := k.AsString(); isStr {
		v, ok = m.strs[s]
	} else {
		v, ok = m.others[normalize(k)]
	}
	return v, ok
}

func (m *keyMap[V]) set(k lua.Value, v V) {
	if s, isStr := k.AsString(); isStr {
		if m.strs == nil {
			m.strs = make(map[string]V)
		}
		m.strs[s] = v
		return
	}
	if m.others == nil {
		m.others = make(map[lua.Value]V)
	}
	m.others[normalize(k)] = v
}

func (m *keyMap[V]) delete(k lua.Value) {
	if s, isStr := k.AsString(); isStr {
		delete(m.strs, s)
		return
	}
	delete(m.others, normalize(k))
}

func (m *keyMap[V]) len() int { return len(m.strs) + len(m.others) }

// reserve makes room in an empty m for strs string keys and others other
// keys, so that filling it rehashes nothing.
func (m *keyMap[V]) reserve(strs, others int) {
	if strs > 0 {
		m.strs = make(map[string]V, strs)
	}
	if others > 0 {
		m.others = make(map[lua.Value]V, others)
	}
}
