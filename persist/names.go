package persist

import "github.com/luawasm/luawasm/lua"

// The records of a collection have the same fields, and each record's
// payload holds its own copy of every field name. Decoded one by one,
// 10,000 records would hold 10,000 separate strings "score": two
// allocations per field at load, and a first query after the load that
// compares the bytes of a different key object in every record (a table
// finds a key it holds by identity before comparing bytes). So the loader
// decodes short string keys through a names table that gives equal keys
// one string value, as a loaded Lua chunk shares its constants and the
// wasm bridge (wire.Decoder) the keys of a batch.
//
// Measured per key (thread CPU time, native; a new string then took two
// allocations, now one): a hit costs ~10 ns against ~45 ns for a new
// string; a miss costs ~40 ns more than the new string up to 64 bytes,
// ~150 ns more at 128. A packed table's keys are always looked up: a
// record holds at most maxPackedEntries of them and its kind usually
// comes many times. A spread table's entries are each a distinct key of
// that table, a collection's record keys as often as a wide record's
// field names, so a run of entries stops sharing once it has missed
// maxEntryMisses times: a wide record's names are kept, a collection's
// ids cost a bounded number of misses. And when maxNames keys in a row
// have been missed (a store whose small tables are keyed by ids or
// dates), only one miss in missSampling is inserted until a key is found
// again: a miss then costs a lookup, and a name that keeps coming is
// still learnt after a few records.

const (
	// maxNameLen bounds the keys shared: field names are short, and a
	// longer key is more likely data than a name (UUIDs have 36 bytes).
	maxNameLen = 32
	// maxNames bounds the table, which starts again when full: keys that
	// never come again (ids, dates) hold no memory past the bound.
	maxNames = 4096
	// maxEntryMisses is how many keys a run of entries may fail to find
	// before the rest of the run is decoded without the names table.
	maxEntryMisses = 2 * maxPackedEntries
	// missSampling is the rate at which keys are learnt after a long run
	// of misses.
	missSampling = 16
)

// names shares the string values of short keys during one load.
type names struct {
	m      map[string]lua.Value
	misses int // since the last hit
}

// value returns the string value of b, the same value for every equal b
// of at most maxNameLen bytes, and whether it was found.
func (n *names) value(b []byte) (lua.Value, bool) {
	if len(b) > maxNameLen {
		return lua.StringBytes(b), false
	}
	if v, ok := n.m[string(b)]; ok { // no conversion allocated for a lookup
		n.misses = 0
		return v, true
	}
	n.misses++
	if n.misses > maxNames && n.misses%missSampling != 0 {
		return lua.StringBytes(b), false
	}
	if n.m == nil {
		n.m = make(map[string]lua.Value)
	} else if len(n.m) >= maxNames {
		clear(n.m)
	}
	v := lua.StringBytes(b)
	s, _ := v.AsString() // the key shares the value's bytes
	n.m[s] = v
	return v, false
}

// key reads one table key: a short string through l.names, anything else
// as l.value does. It reports whether the key was a name already known.
func (l *loader) key(r *reader, key []byte) (lua.Value, bool) {
	if len(r.b) == 0 || r.b[0] != tagString {
		return l.value(r, key), false
	}
	r.byte()
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)) {
		r.fail(errShort)
	}
	b := r.bytes(int(n))
	if r.err != nil {
		return lua.Nil, false
	}
	return l.names.value(b)
}

// field reads the key of the i-th entry of a packed table. The records of
// a collection mostly list their fields in the same order, so the key at
// that position in the last packed table is tried first: a comparison of
// a few bytes, where the names table hashes the key (in WebAssembly, with
// no hardware hash, a fifth of the decoding of a record of six fields).
func (l *loader) field(r *reader, key []byte, i int) lua.Value {
	if i < len(l.fields) && len(r.b) > 1 && r.b[0] == tagString {
		// A name's length is a one-byte uvarint (maxNameLen < 0x80).
		s, _ := l.fields[i].AsString()
		if n := len(s); int(r.b[1]) == n && len(r.b) >= 2+n && string(r.b[2:2+n]) == s {
			r.b = r.b[2+n:]
			l.names.misses = 0 // a hit, as the names table counts them
			return l.fields[i]
		}
	}
	k, _ := l.key(r, key)
	if s, ok := k.AsString(); !ok || len(s) > maxNameLen {
		return k // not a name: decoded as it comes
	}
	if i < len(l.fields) {
		l.fields[i] = k
	} else if i == len(l.fields) {
		l.fields = append(l.fields, k)
	}
	return k
}
