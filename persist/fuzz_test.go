package persist_test

import (
	"testing"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/persist"
	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/memstore"
)

// FuzzLoad replaces the payload of one record of a store holding every
// kind of object with arbitrary bytes, framed with a valid checksum so
// that the payload decoders, the bytecode verifier and the coroutine
// image checks see them: Open must report a warning or load, never
// panic, and the loaded graph must be usable.
func FuzzLoad(f *testing.F) {
	b := memstore.New()
	se := openSession(&testing.T{}, b)
	for _, code := range []string{
		`Memory.t = setmetatable({1, 2.5, "s", true, x = {y = {}}}, {__index = {z = 1}})`,
		`local n = 0 Memory.inc = function() n = n + 1 return n end Memory.get = function() return n end`,
		`Memory.co = coroutine.create(function(a) local x <close> = nil while true do a = a + coroutine.yield(a) end end) coroutine.resume(Memory.co, 1)`,
		`Memory.gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end) Memory.gen()`,
		`Memory.big = {} for i = 1, 40 do Memory.big[i] = i end Memory.up = string.upper`,
	} {
		if _, err := se.run(code); err != nil {
			f.Fatal(err)
		}
	}
	se.db.Close()
	var keys [][]byte
	b.Scan(nil, func(k, v []byte) error {
		keys = append(keys, append([]byte(nil), k...))
		p, _ := store.DecodeRecord(k, v)
		f.Add(uint16(len(keys)-1), append([]byte(nil), p...))
		return nil
	})
	f.Fuzz(func(t *testing.T, which uint16, payload []byte) {
		key := keys[int(which)%len(keys)]
		fb := memstore.New()
		var batch store.Batch
		b.Scan(nil, func(k, v []byte) error {
			batch.Put(k, v)
			return nil
		})
		batch.Put(key, store.Encoder{}.AppendRecord(nil, payload))
		fb.Commit(&batch)
		s := lua.NewState()
		lib.OpenAll(s)
		s.SetInstructionLimit(100_000) // a damaged program counter may loop
		db, err := persist.Open(s, fb, persist.Options{})
		if err != nil {
			return // a meta record claiming a newer format, or no root
		}
		s.SetGlobal("Memory", db.Root().GetStr("Memory"))
		// Use what loaded: calls and resumes may fail, but not crash.
		s.DoString(`for k, v in pairs(Memory or {}) do
			if type(v) == "function" then pcall(v, 1) end
			if type(v) == "thread" then coroutine.resume(v, 1) coroutine.close(v) end
			if type(v) == "table" then for _ in pairs(v) do end local _ = v.missing end
		end`, "=fuzz")
		db.Commit()
	})
}
