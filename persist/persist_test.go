package persist_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/persist"
	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/memstore"
)

// A session is one process's view of a store: a fresh state whose global
// Memory is the root's "Memory" entry.
type session struct {
	t       *testing.T
	backend store.Backend
	s       *lua.State
	db      *persist.DB
}

func openSession(t *testing.T, b store.Backend) *session {
	t.Helper()
	s := lua.NewState()
	lib.OpenAll(s)
	db, err := persist.Open(s, b, persist.Options{Encoder: store.DefaultEncoder})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	root := db.Root()
	if root.GetStr("Memory").IsNil() {
		root.SetStr("Memory", lua.NewTable(0, 0).Value())
		if _, err := db.Commit(); err != nil {
			t.Fatalf("Commit: %v", err)
		}
	}
	s.SetGlobal("Memory", root.GetStr("Memory"))
	return &session{t, b, s, db}
}

// reopen simulates a new process on the same store.
func (se *session) reopen() *session {
	se.db.Close()
	return openSession(se.t, se.backend)
}

// run runs code as a transaction: commit on success, rollback on error
// (returned).
func (se *session) run(code string) ([]lua.Value, error) {
	se.t.Helper()
	res, err := se.s.DoString(code, "=test")
	if err != nil {
		se.db.Rollback()
		return nil, err
	}
	if _, err := se.db.Commit(); err != nil {
		se.db.Rollback()
		return nil, err
	}
	return res, nil
}

// must runs code and fails the test on error.
func (se *session) must(code string) []lua.Value {
	se.t.Helper()
	res, err := se.run(code)
	if err != nil {
		se.t.Fatalf("run %q: %v", code, err)
	}
	return res
}

// check runs code that must return true.
func (se *session) check(code string) {
	se.t.Helper()
	res := se.must(code)
	if len(res) == 0 || !res[0].Truthy() {
		var got []string
		for _, v := range res {
			s, _ := v.ToStringCoerce()
			got = append(got, v.TypeName()+" "+s)
		}
		se.t.Errorf("check %q: got %v", code, got)
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		setup  []string // transactions before the reload
		checks []string // after the reload; each must return true
	}{
		{
			name:   "scalars",
			setup:  []string{`Memory.i, Memory.f, Memory.s, Memory.b, Memory.nan = 42, -2.5, "hé\0llo", true, 0/0 Memory.big = math.mininteger Memory.fl = 1e300`},
			checks: []string{`return Memory.i == 42 and math.type(Memory.i) == "integer" and Memory.f == -2.5 and Memory.s == "hé\0llo" and Memory.b == true and Memory.nan ~= Memory.nan and Memory.big == math.mininteger and Memory.fl == 1e300`},
		},
		{
			name:   "nested tables and keys of every kind",
			setup:  []string{`Memory.t = {1, 2, 3, x = {y = {z = "deep"}}, [true] = "yes", [2.5] = "float", [-7] = "neg"}`},
			checks: []string{`local t = Memory.t return #t == 3 and t[3] == 3 and t.x.y.z == "deep" and t[true] == "yes" and t[2.5] == "float" and t[-7] == "neg"`},
		},
		{
			name:   "cycles and shared references",
			setup:  []string{`local a, b = {}, {} a.b, b.a = b, a a.self = a Memory.a, Memory.b = a, b Memory.list = {a, a, b}`},
			checks: []string{`local a, b = Memory.a, Memory.b return a.b == b and b.a == a and a.self == a and Memory.list[1] == a and Memory.list[2] == a and Memory.list[3] == b`},
		},
		{
			name:   "tables as keys",
			setup:  []string{`local k = {name = "key"} Memory.k = k Memory.map = {[k] = "value"}`},
			checks: []string{`return Memory.map[Memory.k] == "value"`},
		},
		{
			name: "metatables",
			setup: []string{`
				local mt = {__index = function(t, k) return k .. "!" end, __add = function(a, b) return a.n + b.n end}
				Memory.v = setmetatable({n = 1}, mt) Memory.w = setmetatable({n = 2}, mt)`},
			checks: []string{`return Memory.v.foo == "foo!" and Memory.v + Memory.w == 3 and getmetatable(Memory.v) == getmetatable(Memory.w)`},
		},
		{
			name: "closures sharing an upvalue",
			setup: []string{
				`local n = 0 Memory.inc = function() n = n + 1 return n end Memory.get = function() return n end`,
				`Memory.inc() Memory.inc()`,
			},
			checks: []string{`return Memory.get() == 2 and Memory.inc() == 3 and Memory.get() == 3`},
		},
		{
			name: "counter factory keeps counting",
			setup: []string{
				`Memory.counterFactory = function(init) local count = init or 0 return function() count = count + 1 return count end end`,
				`Memory.counter = Memory.counterFactory(100) assert(Memory.counter() == 101)`,
				`assert(Memory.counter() == 102)`,
			},
			checks: []string{`return Memory.counter() == 103 and Memory.counterFactory(5)() == 6`},
		},
		{
			name:   "recursive local function",
			setup:  []string{`local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end Memory.fib = fib`},
			checks: []string{`return Memory.fib(10) == 55`},
		},
		{
			name:   "Go functions by name",
			setup:  []string{`Memory.up, Memory.p, Memory.lib, Memory.G = string.upper, print, string, _G`},
			checks: []string{`return Memory.up("abc") == "ABC" and Memory.p == print and Memory.lib == string and Memory.G == _G`},
		},
		{
			name: "suspended coroutine",
			setup: []string{
				`Memory.co = coroutine.create(function(a) local x = a while true do x = x + coroutine.yield(x) end end)`,
				`local ok, v = coroutine.resume(Memory.co, 1) assert(ok and v == 1)`,
				`local ok, v = coroutine.resume(Memory.co, 10) assert(ok and v == 11)`,
			},
			checks: []string{`local ok, v = coroutine.resume(Memory.co, 5) return ok and v == 16 and coroutine.status(Memory.co) == "suspended"`},
		},
		{
			name: "coroutine sharing an open upvalue with a closure",
			setup: []string{
				`Memory.co = coroutine.create(function() local n = 0 Memory.bump = function() n = n + 1 end while true do coroutine.yield(n) end end)
				 assert(select(2, coroutine.resume(Memory.co)) == 0)`,
				`Memory.bump() Memory.bump()`,
			},
			checks: []string{`local ok, v = coroutine.resume(Memory.co) Memory.bump() local ok2, v2 = coroutine.resume(Memory.co) return v == 2 and v2 == 3`},
		},
		{
			name: "coroutine.wrap generator",
			setup: []string{
				`Memory.gen = coroutine.wrap(function() for i = 1, 5 do coroutine.yield(i) end end)`,
				`assert(Memory.gen() == 1)`,
				`assert(Memory.gen() == 2)`,
			},
			checks: []string{`return Memory.gen() == 3 and Memory.gen() == 4`},
		},
		{
			name:   "dead coroutine",
			setup:  []string{`Memory.co = coroutine.create(function() return 1 end) coroutine.resume(Memory.co)`},
			checks: []string{`return coroutine.status(Memory.co) == "dead" and not coroutine.resume(Memory.co)`},
		},
		{
			name: "coroutine suspended inside pcall",
			setup: []string{
				`Memory.co = coroutine.create(function() local ok, e = pcall(function() coroutine.yield(1) error("boom") end) coroutine.yield(e) return "done" end)
				 assert(select(2, coroutine.resume(Memory.co)) == 1)`,
			},
			checks: []string{`local _, e = coroutine.resume(Memory.co) local _, d = coroutine.resume(Memory.co) return e:find("boom") ~= nil and d == "done"`},
		},
		{
			name: "large table spreads and still changes",
			setup: []string{
				`Memory.big = {} for i = 1, 1000 do Memory.big[i] = {id = i} end Memory.big.name = "big"`,
				`Memory.big[500].id = -500 Memory.big[1000] = nil Memory.big.name = nil`,
			},
			checks: []string{`return #Memory.big == 999 and Memory.big[500].id == -500 and Memory.big[999].id == 999 and Memory.big.name == nil`},
		},
		{
			name: "table growing past the packed size",
			setup: []string{
				`Memory.g = {}`,
				`for i = 1, 100 do Memory.g["k" .. i] = i end`,
				`Memory.g.k50 = "changed"`,
			},
			checks: []string{`local n = 0 for k, v in pairs(Memory.g) do n = n + 1 end return n == 100 and Memory.g.k50 == "changed" and Memory.g.k100 == 100`},
		},
		{
			name: "debug.setupvalue and upvaluejoin",
			setup: []string{
				`local a, b = 1, 2 Memory.fa = function() return a end Memory.fb = function() return b end`,
				`debug.setupvalue(Memory.fa, 1, 10)`,
				`debug.upvaluejoin(Memory.fa, 1, Memory.fb, 1)`,
			},
			checks: []string{`return Memory.fa() == 2 and Memory.fb() == 2`},
		},
		{
			name: "rawset, table library and setmetatable write paths",
			setup: []string{
				`Memory.l = {3, 1, 2} Memory.m = {}`,
				`rawset(Memory.m, "r", 1) table.insert(Memory.l, 4) table.sort(Memory.l) table.remove(Memory.l, 1) setmetatable(Memory.m, {__index = {z = 26}})`,
			},
			checks: []string{`return table.concat(Memory.l, ",") == "2,3,4" and Memory.m.r == 1 and Memory.m.z == 26`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := openSession(t, memstore.New())
			for _, code := range tt.setup {
				se.must(code)
			}
			se = se.reopen()
			if w := se.db.Warnings(); len(w) > 0 {
				t.Fatalf("warnings: %v", w)
			}
			for _, code := range tt.checks {
				se.check(code)
			}
			// And once more, after the checks' own changes were committed.
			se = se.reopen()
			if w := se.db.Warnings(); len(w) > 0 {
				t.Fatalf("warnings after the second reload: %v", w)
			}
		})
	}
}

func TestRefusalNamesThePath(t *testing.T) {
	tests := []struct{ code, want string }{
		{`Memory.ui = {onClick = string.gmatch("a", "a")}`, "Memory.ui.onClick: cannot persist a host function"},
		{`Memory.list = {1, 2, string.gmatch("a", "a")}`, "Memory.list[3]: cannot persist a host function"},
		{`local f = string.gmatch("a", "a") Memory.h = function() return f end`, "Memory.h<upvalue f>: cannot persist a host function"},
		{`Memory.main = coroutine.running()`, "Memory.main: cannot persist the main thread"},
		{`Memory.file = hostObject`, "Memory.file: cannot persist a userdata without a persist hook"},
		{`Memory["a key"] = {[{}] = string.gmatch("a", "a")}`, `Memory["a key"][table]: cannot persist a host function`},
		// Paths through several new objects.
		{`local f = string.gmatch("a", "a") Memory.a = {b = {c = {function() return f end}}}`, "Memory.a.b.c[1]<upvalue f>: cannot persist a host function"},
		{`Memory.k = {[{x = {string.gmatch("a", "a")}}] = 1}`, "Memory.k[key table].x[1]: cannot persist a host function"},
		{`Memory.m = {setmetatable({}, {__index = {string.gmatch("a", "a")}})}`, "Memory.m[1]<metatable>.__index[1]: cannot persist a host function"},
		{`Memory.co = {coroutine.create(function() local t = {string.gmatch("a", "a")} coroutine.yield() end)} coroutine.resume(Memory.co[1])`, "Memory.co[1]<stack slot 2>[1]: cannot persist a host function"},
	}
	for _, tt := range tests {
		se := openSession(t, memstore.New())
		se.must(`Memory.keep = 1`)
		// A host object the embedder handed to Lua (as io.tmpfile's file
		// natively; the WebAssembly build has no files).
		se.s.SetGlobal("hostObject", lua.NewUserdata(struct{}{}).Value())
		_, err := se.run(tt.code)
		var ue *persist.UnpersistableError
		if !errors.As(err, &ue) || err.Error() != tt.want {
			t.Errorf("%s: got %v, want %q", tt.code, err, tt.want)
		}
		// The failed commit left nothing behind, in memory or in the store.
		se.check(`local n = 0 for k in pairs(Memory) do n = n + 1 end return n == 1 and Memory.keep == 1`)
		se = se.reopen()
		se.check(`local n = 0 for k in pairs(Memory) do n = n + 1 end return n == 1`)
	}
}

func TestRollback(t *testing.T) {
	se := openSession(t, memstore.New())
	se.must(`Memory.a = 1 Memory.t = {x = 1, list = {1, 2, 3}} local n = 0 Memory.inc = function() n = n + 1 return n end
		Memory.co = coroutine.create(function() for i = 1, 10 do coroutine.yield(i) end end)`)
	_, err := se.run(`
		Memory.a = 2 Memory.t.x = nil Memory.t.y = {} table.insert(Memory.t.list, 4) Memory.new = {}
		Memory.inc() Memory.inc() setmetatable(Memory.t, {})
		coroutine.resume(Memory.co) coroutine.resume(Memory.co)
		error("boom")`)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("got %v", err)
	}
	check := `return Memory.a == 1 and Memory.t.x == 1 and Memory.t.y == nil and #Memory.t.list == 3 and Memory.new == nil
		and getmetatable(Memory.t) == nil and Memory.inc() == 1 and select(2, coroutine.resume(Memory.co)) == 1`
	se.check(check)
	se = openSession(t, memstore.New())
	se.must(`Memory.a = 1 Memory.t = {x = 1, list = {1, 2, 3}} local n = 0 Memory.inc = function() n = n + 1 return n end
		Memory.co = coroutine.create(function() for i = 1, 10 do coroutine.yield(i) end end)`)
	se.run(`Memory.a = 2 Memory.inc() coroutine.resume(Memory.co) error("boom")`)
	se = se.reopen()
	se.check(check)
}

func TestCommitIsProportionalToTheChange(t *testing.T) {
	se := openSession(t, memstore.New())
	se.must(`Memory.users = {} for i = 1, 5000 do Memory.users["user" .. i] = {name = "User " .. i, score = i} end`)
	se.must(`Memory.users.user42.score = 1000`)
	// Measure the next commit.
	if _, err := se.s.DoString(`Memory.users.user43.score = 1 Memory.users.user44 = nil Memory.users.user5001 = {name = "new"}`, "=x"); err != nil {
		t.Fatal(err)
	}
	st, err := se.db.Commit()
	if err != nil {
		t.Fatal(err)
	}
	// user43's record, the user44 entry (deleted), the new entry, the new
	// record and the meta record (a new id).
	if st.Puts != 4 || st.Deletes != 1 || st.NewObjects != 1 {
		t.Errorf("commit: %+v", st)
	}
	st, err = se.db.Commit()
	if err != nil || st.Puts+st.Deletes != 0 {
		t.Errorf("empty commit: %+v, %v", st, err)
	}
}

// ordered is a backend that checks that every batch committed to it is
// in key order, as persist sorts its commits and its garbage collection.
type ordered struct {
	store.Backend
	t *testing.T
}

func (o ordered) Commit(b *store.Batch) error {
	ops := b.Ops()
	for i := 1; i < len(ops); i++ {
		if bytes.Compare(ops[i-1].Key, ops[i].Key) >= 0 {
			o.t.Errorf("a batch of %d ops out of key order at %d: %q, %q", len(ops), i, ops[i-1].Key, ops[i].Key)
			break
		}
	}
	return o.Backend.Commit(b)
}

func TestGarbageIsCollectedAtOpen(t *testing.T) {
	se := openSession(t, ordered{memstore.New(), t})
	se.must(`Memory.tmp = {} for i = 1, 100 do Memory.tmp[i] = {i} end Memory.f = function() return 1 end Memory.keep = {1}`)
	se.must(`Memory.tmp = nil Memory.f = nil`)
	se = se.reopen()
	// The big table's header and 100 entries, the 100 small tables, the
	// closure (no upvalues) and its prototype.
	if n := se.db.Collected(); n != 1+100+100+1+1 {
		t.Errorf("collected %d records", n)
	}
	se = se.reopen()
	if n := se.db.Collected(); n != 0 {
		t.Errorf("second open collected %d records", n)
	}
	se.check(`return Memory.keep[1] == 1 and Memory.tmp == nil`)
}

func TestCorruptRecords(t *testing.T) {
	b := memstore.New()
	se := openSession(t, b)
	se.must(`Memory.users = {} for i = 1, 100 do Memory.users[i] = {name = "u" .. i} end Memory.config = {theme = "dark"} Memory.other = "ok"`)
	se.db.Close()
	// Damage the record of Memory.config (a packed table header): flip a
	// byte of every record whose payload holds "dark", and truncate the
	// one holding "u7".
	var batch store.Batch
	b.Scan(nil, func(k, v []byte) error {
		payload, err := store.DecodeRecord(k, v)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.Contains(string(payload), "dark"):
			bad := append([]byte(nil), v...)
			bad[len(bad)/2] ^= 0x40
			batch.Put(k, bad)
		case strings.Contains(string(payload), "u7\x00") || strings.HasSuffix(string(payload), "u7"):
			batch.Put(k, v[:len(v)-3])
		}
		return nil
	})
	if batch.Len() != 2 {
		t.Fatalf("damaged %d records", batch.Len())
	}
	if err := b.Commit(&batch); err != nil {
		t.Fatal(err)
	}
	se = openSession(t, b)
	w := se.db.Warnings()
	if len(w) != 2 {
		t.Fatalf("warnings: %v", w)
	}
	var msgs []string
	for _, e := range w {
		var le *persist.LoadError
		if !errors.As(e, &le) {
			t.Errorf("not a LoadError: %v", e)
		}
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"Memory.config (table ", "checksum mismatch", "Memory.users[7] (table ", "truncated"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	se.check(`return Memory.other == "ok" and Memory.users[8].name == "u8" and Memory.users[7].name == nil and Memory.config.theme == nil`)
}

func TestExportImport(t *testing.T) {
	se := openSession(t, memstore.New())
	se.must(`Memory.data = {1, 2, {x = "y"}} local n = 5 Memory.f = function() n = n + 1 return n end`)
	backup, err := persist.Export(se.backend)
	if err != nil {
		t.Fatal(err)
	}
	se.must(`Memory.data = nil Memory.f() Memory.other = true`)

	other := memstore.New()
	if err := persist.Import(other, backup); err != nil {
		t.Fatal(err)
	}
	se2 := openSession(t, other)
	se2.check(`return Memory.data[3].x == "y" and Memory.f() == 6 and Memory.other == nil`)

	se.db.Close()
	if err := persist.Import(se.backend, backup); err != nil {
		t.Fatal(err)
	}
	se = openSession(t, se.backend)
	se.check(`return Memory.data[2] == 2 and Memory.f() == 6 and Memory.other == nil`)

	for i, bad := range [][]byte{nil, []byte("LUAWMEMX"), backup[:len(backup)-1], append(append([]byte(nil), backup[:20]...), backup[21:]...)} {
		if err := persist.Import(se.backend, bad); !errors.Is(err, persist.ErrBadBackup) {
			t.Errorf("bad backup %d: %v", i, err)
		}
	}
	se.check(`return Memory.data[2] == 2`)
}

// point is a userdata payload with a persist hook.
type point struct{ x, y int }

func (p *point) PersistType() string { return "point" }

func (p *point) MarshalPersist() ([]byte, error) { return fmt.Appendf(nil, "%d,%d", p.x, p.y), nil }

func decodePoint(b []byte) (any, error) {
	p := &point{}
	_, err := fmt.Sscanf(string(b), "%d,%d", &p.x, &p.y)
	return p, err
}

func TestUserdataHook(t *testing.T) {
	b := memstore.New()
	open := func() (*lua.State, *persist.DB) {
		s := lua.NewState()
		lib.OpenAll(s)
		reg := persist.NewRegistry(s)
		reg.RegisterUserdata("point", decodePoint)
		db, err := persist.Open(s, b, persist.Options{Registry: reg})
		if err != nil {
			t.Fatal(err)
		}
		return s, db
	}
	_, db := open()
	u := lua.NewUserdata(&point{3, 4})
	mt := lua.NewTable(0, 1)
	mt.SetStr("__name", lua.String("Point"))
	u.SetMetatable(mt)
	u.UserValue = lua.String("extra")
	db.Root().SetStr("p", u.Value())
	if _, err := db.Commit(); err != nil {
		t.Fatal(err)
	}
	// A change inside the payload needs Touch.
	u.Data.(*point).x = 30
	db.Touch(u)
	if st, err := db.Commit(); err != nil || st.Puts != 1 {
		t.Fatalf("touch commit: %+v %v", st, err)
	}
	db.Close()
	_, db = open()
	got := db.Root().GetStr("p").AsUserdata()
	name, _ := got.Metatable().GetStr("__name").AsString()
	extra, _ := got.UserValue.AsString()
	if got == nil || *got.Data.(*point) != (point{30, 4}) || name != "Point" || extra != "extra" {
		t.Errorf("userdata after reload: %+v", got)
	}
}

// failing is a backend whose commits fail while fail is set.
type failing struct {
	store.Backend
	fail bool
}

func (f *failing) Commit(b *store.Batch) error {
	if f.fail {
		return errors.New("disk full")
	}
	return f.Backend.Commit(b)
}

func TestBackendFailureLeavesTheGraphAsItWas(t *testing.T) {
	fb := &failing{Backend: memstore.New()}
	se := openSession(t, fb)
	se.must(`Memory.a = {1}`)
	fb.fail = true
	if _, err := se.s.DoString(`Memory.b = {x = {}} Memory.a[2] = function() return 1 end`, "=x"); err != nil {
		t.Fatal(err)
	}
	if _, err := se.db.Commit(); err == nil || err.Error() != "disk full" {
		t.Fatalf("commit: %v", err)
	}
	// The changes are still journaled: a later commit stores them whole.
	fb.fail = false
	if _, err := se.db.Commit(); err != nil {
		t.Fatal(err)
	}
	se = se.reopen()
	se.check(`return Memory.b.x ~= nil and Memory.a[2]() == 1`)
}

func TestNewerFormatIsRefused(t *testing.T) {
	b := memstore.New()
	se := openSession(t, b)
	se.db.Close()
	var batch store.Batch
	batch.Put([]byte("0"), store.DefaultEncoder.AppendRecord(nil, []byte{99, 5, 36}))
	b.Commit(&batch)
	s := lua.NewState()
	if _, err := persist.Open(s, b, persist.Options{}); err == nil || !strings.Contains(err.Error(), "newer version") {
		t.Errorf("open: %v", err)
	}
}

func TestCoroutineEdgeCases(t *testing.T) {
	se := openSession(t, memstore.New())
	// A coroutine suspended with a pending to-be-closed variable: closing
	// it after the reload runs the __close handler.
	se.must(`Memory.log = {}
		Memory.co = coroutine.create(function()
			local x <close> = setmetatable({}, {__close = function() table.insert(Memory.log, "closed") end})
			coroutine.yield(1)
		end)
		coroutine.resume(Memory.co)`)
	// A closure capturing a variable of a coroutine that is not
	// persistent stores the variable's value at commit time.
	se.must(`local co = coroutine.create(function() local v = "first" Memory.peek = function() return v end coroutine.yield() end)
		coroutine.resume(co)`)
	se = se.reopen()
	se.check(`return coroutine.status(Memory.co) == "suspended" and coroutine.close(Memory.co) and Memory.log[1] == "closed"`)
	se.check(`return Memory.peek() == "first"`)
	// A coroutine that stored itself is dead by the time of the commit.
	se.must(`coroutine.wrap(function() Memory.self = coroutine.running() end)()`)
	se = se.reopen()
	se.check(`return coroutine.status(Memory.self) == "dead"`)
}
