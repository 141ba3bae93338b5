package engine_test

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/persist"
	"github.com/luawasm/luawasm/query"
	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/memstore"
)

// reusable is a backend that survives Engine.Close, so that a test can
// reopen an engine on the same contents (a new process would reopen the
// file).
type reusable struct{ store.Backend }

func (reusable) Close() error { return nil }

type harness struct {
	t       *testing.T
	backend store.Backend
	opts    engine.Options
	e       *engine.Engine
}

func newHarness(t *testing.T, opts engine.Options) *harness {
	t.Helper()
	h := &harness{t: t, backend: reusable{memstore.New()}, opts: opts}
	h.open()
	return h
}

func (h *harness) open() {
	h.t.Helper()
	opts := h.opts
	opts.Backend = h.backend
	e, err := engine.Open(opts)
	if err != nil {
		h.t.Fatalf("Open: %v", err)
	}
	h.e = e
}

// reopen closes the engine and opens a new one on the same store.
func (h *harness) reopen() {
	h.t.Helper()
	h.e.Close()
	h.open()
}

func (h *harness) eval(code string) []lua.Value {
	h.t.Helper()
	res, err := h.e.Eval(code)
	if err != nil {
		h.t.Fatalf("Eval(%q): %v", code, err)
	}
	return res
}

// check evaluates code that must return true.
func (h *harness) check(code string) {
	h.t.Helper()
	res := h.eval(code)
	if len(res) == 0 || !res[0].Truthy() {
		h.t.Errorf("check failed: %s", code)
	}
}

func (h *harness) evalErr(code string) string {
	h.t.Helper()
	_, err := h.e.Eval(code)
	if err == nil {
		h.t.Fatalf("Eval(%q) succeeded", code)
	}
	var le *lua.Error
	if !errors.As(err, &le) {
		h.t.Errorf("Eval error is a %T, not a *lua.Error", err)
	}
	return err.Error()
}

func TestEvalRollsBackOnError(t *testing.T) {
	h := newHarness(t, engine.Options{})
	h.eval(`Memory.a = 1 Memory.t = {1, 2}`)
	msg := h.evalErr(`Memory.a = 2 Memory.t[3] = 3 Memory.b = {} error("boom")`)
	if !strings.Contains(msg, "boom") {
		t.Errorf("error: %s", msg)
	}
	h.check(`return Memory.a == 1 and #Memory.t == 2 and Memory.b == nil`)
	h.reopen()
	h.check(`return Memory.a == 1 and #Memory.t == 2 and Memory.b == nil`)
}

func TestUnpersistableValueIsRefused(t *testing.T) {
	h := newHarness(t, engine.Options{})
	msg := h.evalErr(`Memory.ui = {onClick = string.gmatch("", "")} Memory.x = 1`)
	if msg != "Memory.ui.onClick: cannot persist a host function" {
		t.Errorf("error: %q", msg)
	}
	h.check(`return Memory.ui == nil and Memory.x == nil`)
}

func TestMemoryGlobalReplaced(t *testing.T) {
	h := newHarness(t, engine.Options{})
	h.eval(`Memory = {fresh = true}`)
	h.reopen()
	h.check(`return Memory.fresh == true`)
	if msg := h.evalErr(`Memory = 42`); !strings.Contains(msg, "Memory must be a table") {
		t.Errorf("error: %s", msg)
	}
	h.check(`return Memory.fresh == true`)
	// A replacement that fails to commit is rolled back with the rest.
	h.evalErr(`Memory = {bad = string.gmatch("", "")}`)
	h.check(`return Memory.fresh == true and Memory.bad == nil`)
	h.reopen()
	h.check(`return Memory.fresh == true`)
}

func TestPersistFunction(t *testing.T) {
	h := newHarness(t, engine.Options{})
	e := h.e
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.PersistFunction("Memory", "fibonacci", `
		function(n)
			if n <= 1 then return n end
			return fibonacci(n - 1) + fibonacci(n - 2)
		end`, engine.PersistOptions{}))
	must(e.PersistFunction("Memory", "counterFactory", `
		function(initialValue)
			local count = initialValue or 0
			return function()
				count = count + 1
				return count
			end
		end`, engine.PersistOptions{}))
	must(e.PersistFunction("Memory", "analytics", `
		{
			average = function(values)
				local sum = 0
				for _, v in ipairs(values) do sum = sum + v end
				return sum / #values
			end,
			spread = function(values) return max(values) - min(values) end,
			max = function(values) return math.max(table.unpack(values)) end,
			min = function(values) return math.min(table.unpack(values)) end,
		}`, engine.PersistOptions{}))
	must(e.PersistFunction("Memory.utils", "double", `function(x) return x * 2 end`, engine.PersistOptions{}))
	h.eval(`Memory.counter = Memory.counterFactory(100) Memory.counter()`)
	h.reopen()
	h.check(`return Memory.fibonacci(10) == 55`)
	h.check(`return Memory.counter() == 102 and Memory.counter() == 103`)
	h.check(`return Memory.analytics.average({1, 2, 3, 6}) == 3 and Memory.analytics.spread({4, 9, 1}) == 8`)
	h.check(`return Memory.utils.double(21) == 42`)
	// Free names prefer globals, and assignments go to the globals.
	must(h.e.PersistFunction("Memory", "usesPrint", `function() return print, type end`, engine.PersistOptions{}))
	h.check(`local p, t = Memory.usesPrint() return p == print and t == type`)
	// Runtime errors name the function.
	must(h.e.PersistFunction("Memory", "fails", "function()\n  error('bad')\nend", engine.PersistOptions{}))
	if msg := h.evalErr(`Memory.fails()`); !strings.Contains(msg, "Memory.fails:2: bad") {
		t.Errorf("runtime error: %s", msg)
	}

	err := h.e.PersistFunction("Memory", "tax", "\n    function(income, deductions = 0)\n      return income - deductions\n    end", engine.PersistOptions{})
	if err == nil || err.Error() != `[string "..."]:2: ')' expected near '='` {
		t.Errorf("syntax error: %v", err)
	}
	if err := h.e.PersistFunction("Memory", "notfn", `42`, engine.PersistOptions{}); err == nil || !strings.Contains(err.Error(), "function expression") {
		t.Errorf("non-function: %v", err)
	}
	h.check(`return Memory.tax == nil and Memory.notfn == nil`)
	err = h.e.PersistFunction("Memory", "fibonacci", `function() end`, engine.PersistOptions{KeepExisting: true})
	if err == nil || !strings.Contains(err.Error(), "Memory.fibonacci exists already") {
		t.Errorf("KeepExisting: %v", err)
	}
	h.check(`return Memory.fibonacci(7) == 13`)
}

func TestValidateFunction(t *testing.T) {
	h := newHarness(t, engine.Options{})
	tests := []struct {
		code string
		ok   bool
		msg  string
	}{
		{`function(a, b) return a + b end`, true, ""},
		{`{f = function() end}`, true, ""},
		{`function(a, b = 0) end`, false, `[string "function(a, b = 0) end"]:1: ')' expected near '='`},
		{"\nfunction(a, b = 0)\nend", false, `[string "..."]:2: ')' expected near '='`},
		{`function(x) return x +  end`, false, `[string "function(x) return x +  end"]:1: unexpected symbol near 'end'`},
	}
	for _, tt := range tests {
		ok, msg := h.e.ValidateFunction(tt.code)
		if ok != tt.ok || msg != tt.msg {
			t.Errorf("ValidateFunction(%q) = %v, %q; want %v, %q", tt.code, ok, msg, tt.ok, tt.msg)
		}
	}
	h.check(`local n = 0 for _ in pairs(Memory) do n = n + 1 end return n == 0`)
}

func users(n int) []engine.Op {
	ops := make([]engine.Op, n)
	for i := range ops {
		rec := lua.NewTable(0, 4)
		rec.SetStr("name", lua.String(fmt.Sprintf("User %d", i)))
		rec.SetStr("email", lua.String(fmt.Sprintf("user%d@example.com", i)))
		rec.SetStr("score", lua.Int(int64(i*7%1000)))
		ops[i] = engine.Op{Type: "set", Collection: "appUsers", Key: lua.String(fmt.Sprintf("user_%d", i)), Value: rec.Value()}
	}
	return ops
}

func TestBatch(t *testing.T) {
	h := newHarness(t, engine.Options{MaxBatchOps: 100})
	res, err := h.e.Batch(users(50))
	if err != nil || len(res) != 50 {
		t.Fatalf("Batch: %v", err)
	}
	res, err = h.e.Batch([]engine.Op{
		{Type: "get", Collection: "appUsers", Key: lua.String("user_3")},
		{Type: "delete", Collection: "appUsers", Key: lua.String("user_4")},
		{Type: "get", Collection: "appUsers", Key: lua.String("user_4")},
		{Type: "set", Collection: "other", Key: lua.Int(1), Value: lua.String("x")},
		{Type: "query", Collection: "appUsers", Query: query.Spec{Field: "score", Op: ">=", Value: lua.Int(300), Limit: 1000}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec := res[0].Value.AsTable(); rec == nil || !res[0].Found {
		t.Errorf("get: %+v", res[0])
	} else if name, _ := rec.GetStr("name").AsString(); name != "User 3" {
		t.Errorf("get: name %q", name)
	}
	if !res[1].Found || res[2].Found {
		t.Errorf("delete then get: %+v %+v", res[1], res[2])
	}
	if got := res[4].Result.Count; got != 7 { // scores i*7 >= 300 for i < 50: i = 43..49
		t.Errorf("query: %d rows", got)
	}
	h.reopen()
	h.check(`return Memory.appUsers.user_49.score == 343 and Memory.appUsers.user_4 == nil and Memory.other[1] == "x"`)

	// A failing operation: nothing of the batch applies.
	_, err = h.e.Batch([]engine.Op{
		{Type: "set", Collection: "appUsers", Key: lua.String("new"), Value: lua.True},
		{Type: "delete", Collection: "appUsers", Key: lua.String("user_1")},
		{Type: "set", Collection: "appUsers", Key: lua.Nil, Value: lua.True},
		{Type: "set", Collection: "appUsers", Key: lua.String("never"), Value: lua.True},
	})
	var be *engine.BatchError
	if !errors.As(err, &be) || be.Index != 2 || !strings.Contains(err.Error(), "batch operation 3 (set") || !strings.Contains(err.Error(), "invalid key") {
		t.Errorf("failing batch: %v", err)
	}
	h.check(`return Memory.appUsers.new == nil and Memory.appUsers.user_1 ~= nil`)
	h.reopen()
	h.check(`return Memory.appUsers.new == nil and Memory.appUsers.user_1 ~= nil`)

	_, err = h.e.Batch(users(101))
	if !errors.As(err, &be) || be.Index != -1 || !strings.Contains(err.Error(), "exceeds the limit of 100") {
		t.Errorf("over the limit: %v", err)
	}
	_, err = h.e.Batch([]engine.Op{{Type: "frobnicate", Collection: "x", Key: lua.Int(1)}})
	if !errors.As(err, &be) || be.Index != 0 || !strings.Contains(err.Error(), "unknown operation type 'frobnicate'") {
		t.Errorf("unknown op: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestSchemas(t *testing.T) {
	h := newHarness(t, engine.Options{})
	schema := engine.Schema{
		"name":  {Type: "string", Required: true, MinLength: ptr(2)},
		"age":   {Type: "integer", Min: ptr(0.0), Max: ptr(150.0)},
		"email": {Type: "string", Pattern: `^[^\s@]+@[^\s@]+\.[^\s@]+$`},
		"role":  {Enum: []lua.Value{lua.String("admin"), lua.String("user")}},
		"address": {Type: "table", Fields: engine.Schema{
			"city": {Type: "string", Required: true},
		}},
	}
	if err := h.e.SetSchema("users", schema); err != nil {
		t.Fatal(err)
	}
	rec := func(lua string) lua.Value {
		res := h.eval("return " + lua)
		return res[0]
	}
	tests := []struct {
		value string
		want  string // "" means valid
	}{
		{`{name = "Ann", age = 30, email = "ann@example.com", role = "admin", address = {city = "Oslo"}}`, ""},
		{`{name = "Bo"}`, ""},
		{`{age = 3}`, `schema of 'users': Memory.users.u.name is required`},
		{`{name = "A"}`, `schema of 'users': Memory.users.u.name must be at least 2 characters long (got 1)`},
		{`{name = "Ann", age = -1}`, `schema of 'users': Memory.users.u.age must be at least 0 (got -1)`},
		{`{name = "Ann", age = 2.5}`, `schema of 'users': Memory.users.u.age must be an integer (got 2.5)`},
		{`{name = "Ann", age = "30"}`, `schema of 'users': Memory.users.u.age must be an integer (got "30")`},
		{`{name = "Ann", email = "nope"}`, `schema of 'users': Memory.users.u.email must match the pattern ^[^\s@]+@[^\s@]+\.[^\s@]+$ (got "nope")`},
		{`{name = "Ann", role = "root"}`, `schema of 'users': Memory.users.u.role must be one of "admin", "user" (got "root")`},
		{`{name = "Ann", address = {}}`, `schema of 'users': Memory.users.u.address.city is required`},
		{`{name = "Ann", address = "x"}`, `schema of 'users': Memory.users.u.address must be a table (got string)`},
		{`42`, `schema of 'users': Memory.users.u must be a table (got number)`},
	}
	for _, tt := range tests {
		// Through Batch: the error names the operation.
		_, err := h.e.Batch([]engine.Op{{Type: "set", Collection: "users", Key: lua.String("u"), Value: rec(tt.value)}})
		if tt.want == "" {
			if err != nil {
				t.Errorf("batch %s: %v", tt.value, err)
			}
		} else if err == nil || !strings.HasSuffix(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "batch operation 1 (set Memory.users.u): ") {
			t.Errorf("batch %s: got %v, want %q", tt.value, err, tt.want)
		}
		// Through plain Lua assignment: checked at commit, rolled back.
		_, err = h.e.Eval(`Memory.users = Memory.users or {} Memory.users.u = ` + tt.value)
		if tt.want == "" {
			if err != nil {
				t.Errorf("eval %s: %v", tt.value, err)
			}
		} else if err == nil || err.Error() != tt.want {
			t.Errorf("eval %s: got %v, want %q", tt.value, err, tt.want)
		}
	}
	// A nested write is checked too.
	h.eval(`Memory.users.u = {name = "Ann", address = {city = "Oslo"}}`)
	if _, err := h.e.Eval(`Memory.users.u.address.city = nil`); err == nil || !strings.Contains(err.Error(), "Memory.users.u.address.city is required") {
		t.Errorf("nested write: %v", err)
	}
	h.check(`return Memory.users.u.address.city == "Oslo"`)
	// Replacing the collection checks every record.
	if _, err := h.e.Eval(`Memory.users = {a = {name = "Ann"}, b = {}}`); err == nil || !strings.Contains(err.Error(), "Memory.users.b.name is required") {
		t.Errorf("replaced collection: %v", err)
	}
	// Schemas persist.
	h.reopen()
	if _, err := h.e.Eval(`Memory.users.v = {name = 1}`); err == nil || !strings.Contains(err.Error(), "Memory.users.v.name must be a string (got number)") {
		t.Errorf("after reopen: %v", err)
	}
	// A schema that existing records violate is not set.
	if err := h.e.SetSchema("users", engine.Schema{"zip": {Required: true}}); err == nil || !strings.Contains(err.Error(), "zip is required") {
		t.Errorf("violated by existing records: %v", err)
	}
	h.eval(`Memory.users.w = {name = "Wu"}`) // the old schema still applies
	if err := h.e.SetSchema("users", nil); err != nil {
		t.Fatal(err)
	}
	h.eval(`Memory.users.x = {}`)
	// Bad schemas.
	for _, s := range []engine.Schema{{"a": {Type: "date"}}, {"a": {Pattern: "("}}, {"a": {Min: ptr(2.0), Max: ptr(1.0)}}} {
		if err := h.e.SetSchema("users", s); err == nil {
			t.Errorf("bad schema %v accepted", s)
		}
	}
}

func TestSchemaFromTable(t *testing.T) {
	h := newHarness(t, engine.Options{})
	res := h.eval(`return {name = {type = "string", required = true}, age = {type = "number", min = 0, max = 150},
		tags = {enum = {"a", "b"}}, address = {fields = {city = {minLength = 1}}}}`)
	s, err := engine.SchemaFromTable(res[0].AsTable())
	if err != nil {
		t.Fatal(err)
	}
	if s["name"].Type != "string" || !s["name"].Required || *s["age"].Max != 150 || len(s["tags"].Enum) != 2 || *s["address"].Fields["city"].MinLength != 1 {
		t.Errorf("schema: %+v", s)
	}
	res = h.eval(`return {name = {kind = "string"}}`)
	if _, err := engine.SchemaFromTable(res[0].AsTable()); err == nil || !strings.Contains(err.Error(), "unknown rule 'kind'") {
		t.Errorf("unknown rule: %v", err)
	}
}

func TestAuditLog(t *testing.T) {
	h := newHarness(t, engine.Options{})
	h.eval(`Memory.x = 1`) // not logged: nothing enabled
	if err := h.e.EnableAuditLog([]string{"persistFunction", "batchTableOperations", "eval"}, 5); err != nil {
		t.Fatal(err)
	}
	if err := h.e.PersistFunction("Memory", "f", `function() end`, engine.PersistOptions{}); err != nil {
		t.Fatal(err)
	}
	h.e.Batch([]engine.Op{{Type: "set", Collection: "c", Key: lua.String("k"), Value: lua.Int(1)}, {Type: "get", Collection: "c", Key: lua.String("k")}})
	h.e.Eval(`error("nope")`)
	log := h.e.AuditLog()
	want := []string{"persistFunction Memory f ok", "set c k ok", "get c k ok", `eval   [string "error("nope")"]:1: nope`}
	var got []string
	for _, e := range log {
		got = append(got, strings.Join([]string{e.Operation, e.Collection, e.Key, e.Outcome}, " "))
		if e.Time.IsZero() {
			t.Errorf("entry without time: %+v", e)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Bounded: the oldest are dropped; and it persists.
	for i := range 10 {
		h.eval(fmt.Sprintf("Memory.i = %d", i))
	}
	h.reopen()
	log = h.e.AuditLog()
	if len(log) != 5 || log[4].Operation != "eval" {
		t.Fatalf("log after 10 evals: %+v", log)
	}
	// A failed batch is logged with its failing operation.
	h.e.Batch([]engine.Op{{Type: "set", Collection: "c", Key: lua.String("a"), Value: lua.Int(1)}, {Type: "delete", Collection: "c", Key: lua.Nil}})
	log = h.e.AuditLog()
	if last := log[len(log)-1]; last.Operation != "delete" || !strings.Contains(last.Outcome, "invalid key") || log[len(log)-2].Outcome != "rolled back" {
		t.Errorf("failed batch: %+v", log[len(log)-2:])
	}
	if err := h.e.EnableAuditLog([]string{"frobnicate"}, 0); err == nil {
		t.Error("unknown operation accepted")
	}
}

func TestIndexesAndQueries(t *testing.T) {
	h := newHarness(t, engine.Options{})
	if _, err := h.e.Batch(users(200)); err != nil {
		t.Fatal(err)
	}
	if err := h.e.CreateIndex("appUsers", "score", "btree"); err != nil {
		t.Fatal(err)
	}
	spec := query.Spec{Field: "score", Op: ">=", Value: lua.Int(990), Sort: query.Sort{Order: "desc"}}
	res, err := h.e.Query("appUsers", spec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Plan, "btree") || len(res.Rows) != 1 { // user_142: 994
		t.Errorf("query: plan %q, %d rows", res.Plan, len(res.Rows))
	}
	// Plain Lua writes maintain the index, and queries in the same run see them.
	h.check(`Memory.appUsers.user_1.score = 999 Memory.appUsers.zed = {score = 995}
		local rows, plan = store.query(Memory.appUsers, {field = "score", op = ">=", value = 990, sort = "desc"})
		return #rows == 3 and rows[1].key == "user_1" and rows[2].key == "zed" and plan:find("btree") == 1`)
	// A rolled-back write leaves the index as it was.
	h.evalErr(`Memory.appUsers.user_2.score = 998 error("no")`)
	h.check(`return #store.query("appUsers", {field = "score", op = ">=", value = 990}) == 3`)
	// Replacing the collection moves the index; definitions persist.
	h.eval(`Memory.appUsers = {a = {score = 1}, b = {score = 995}}`)
	h.reopen()
	res, err = h.e.Query("appUsers", spec)
	if err != nil || !strings.HasPrefix(res.Plan, "btree") || len(res.Rows) != 1 {
		t.Errorf("after reopen: %v %+v", err, res)
	}
	if defs := h.e.Indexes(); len(defs) != 1 || defs[0].Field != "score" {
		t.Errorf("indexes: %+v", defs)
	}
	// From Lua.
	h.check(`store.createIndex(Memory.appUsers, "name", "hash") Memory.appUsers.c = {name = "x"}
		local rows, plan = store.query(Memory.appUsers, {field = "name", op = "=", value = "x"})
		return #rows == 1 and plan:find("hash") == 1 and #store.indexes() == 2`)
	h.reopen()
	h.check(`return #store.indexes() == 2`)
}

func TestExportImport(t *testing.T) {
	h := newHarness(t, engine.Options{})
	h.eval(`Memory.data = {1, 2, 3} local n = 0 Memory.next = function() n = n + 1 return n end Memory.next()`)
	h.e.SetSchema("data2", engine.Schema{"v": {Type: "number"}})
	backup, err := h.e.Export()
	if err != nil {
		t.Fatal(err)
	}
	h.eval(`Memory.data = nil Memory.extra = true`)
	if err := h.e.Import(backup); err != nil {
		t.Fatal(err)
	}
	h.check(`return #Memory.data == 3 and Memory.extra == nil and Memory.next() == 2`)
	if _, err := h.e.Eval(`Memory.data2 = {x = {v = "s"}}`); err == nil {
		t.Error("schema lost by import")
	}
	if err := h.e.Import(backup[:10]); err == nil {
		t.Error("damaged backup accepted")
	}
	h.check(`return #Memory.data == 3`)

	other := newHarness(t, engine.Options{})
	if err := other.e.Import(backup); err != nil {
		t.Fatal(err)
	}
	other.check(`return Memory.next() == 2`)
}

func TestOnCommit(t *testing.T) {
	h := newHarness(t, engine.Options{})
	var infos []engine.CommitInfo
	h.e.OnCommit(func(ci engine.CommitInfo) { infos = append(infos, ci) })
	h.eval(`Memory.a = {1, 2}`)
	h.eval(`local x = 1`) // changes nothing: no commit
	h.evalErr(`Memory.b = 1 error("x")`)
	if len(infos) != 1 || infos[0].Operation != "eval" || infos[0].Puts < 2 || infos[0].NewObjects != 1 {
		t.Errorf("commits: %+v", infos)
	}
}

func isString(v lua.Value, want string) bool {
	s, ok := v.AsString()
	return ok && s == want
}

// An audited transaction's entries commit atomically with its changes;
// a failed one commits only its entries.
func TestAuditCommitsWithTheData(t *testing.T) {
	h := newHarness(t, engine.Options{})
	if err := h.e.EnableAuditLog([]string{"eval"}, 10); err != nil {
		t.Fatal(err)
	}
	var ops []string
	h.e.OnCommit(func(ci engine.CommitInfo) { ops = append(ops, ci.Operation) })
	h.eval(`Memory.a = 1`)
	h.evalErr(`Memory.b = 1 error("x")`)
	if strings.Join(ops, " ") != "eval audit" {
		t.Errorf("commits: %q, want one eval commit, then one audit-only commit", ops)
	}
	h.reopen()
	if log := h.e.AuditLog(); len(log) != 2 || log[0].Outcome != "ok" || !strings.Contains(log[1].Outcome, "x") {
		t.Errorf("log after reopen: %+v", log)
	}
	if got := h.eval(`return tostring(Memory.a) .. tostring(Memory.b)`); len(got) != 1 || !isString(got[0], "1nil") {
		t.Errorf("Memory after reopen: %v", got)
	}
}

func TestCompression(t *testing.T) {
	for _, tt := range []struct {
		threshold  int
		compressed bool
	}{{0, true}, {-1, false}, {1 << 20, false}} {
		b := memstore.New()
		e, err := engine.Open(engine.Options{Backend: b, CompressionThreshold: tt.threshold})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Eval(`Memory.text = string.rep("all work and no play ", 500)`); err != nil {
			t.Fatal(err)
		}
		found := false
		b.Scan(nil, func(k, v []byte) error {
			if len(v) > 2 && store.Codec(v[1]) == store.CodecSnappy {
				found = true
			}
			return nil
		})
		if found != tt.compressed {
			t.Errorf("threshold %d: compressed %v", tt.threshold, found)
		}
		e.Close()
	}
}

func TestWarningsForDamagedRecords(t *testing.T) {
	h := newHarness(t, engine.Options{})
	h.eval(`Memory.good = {1} Memory.bad = {theme = "dark"}`)
	var batch store.Batch
	h.backend.Scan(nil, func(k, v []byte) error {
		if p, _ := store.DecodeRecord(k, v); strings.Contains(string(p), "dark") {
			batch.Put(k, v[:len(v)-1])
		}
		return nil
	})
	h.backend.Commit(&batch)
	h.reopen()
	w := h.e.Warnings()
	var le *persist.LoadError
	if len(w) != 1 || !errors.As(w[0], &le) || le.Path != "Memory.bad" {
		t.Errorf("warnings: %v", w)
	}
	h.check(`return Memory.good[1] == 1`)
}

// A damaged or missing root record fails Open with persist.ErrNoRoot and
// changes nothing: with the record restored, everything loads again.
func TestDamagedRootChangesNothing(t *testing.T) {
	for _, damage := range []string{"truncated", "deleted"} {
		h := newHarness(t, engine.Options{})
		h.eval(`Memory.users = {} for i = 1, 40 do Memory.users[i] = {id = i} end`)
		h.e.Close()
		records := map[string]string{}
		h.backend.Scan(nil, func(k, v []byte) error { records[string(k)] = string(v); return nil })
		original, ok := records[rootKey]
		if !ok {
			t.Fatalf("no root record among %d", len(records))
		}
		var b store.Batch
		if damage == "deleted" {
			b.Delete([]byte(rootKey))
		} else {
			b.Put([]byte(rootKey), []byte(original[:len(original)-1]))
		}
		h.backend.Commit(&b)
		for range 2 {
			if _, err := engine.Open(engine.Options{Backend: h.backend}); !errors.Is(err, persist.ErrNoRoot) {
				t.Fatalf("%s root: Open: %v, want ErrNoRoot", damage, err)
			}
		}
		after := map[string]string{}
		h.backend.Scan(nil, func(k, v []byte) error { after[string(k)] = string(v); return nil })
		delete(records, rootKey)
		delete(after, rootKey)
		if !maps.Equal(records, after) {
			t.Fatalf("%s root: the other records changed", damage)
		}
		b = store.Batch{}
		b.Put([]byte(rootKey), []byte(original))
		h.backend.Commit(&b)
		h.open()
		h.check(`return #Memory.users == 40 and Memory.users[40].id == 40`)
	}
}

// Once a load found damage, no open deletes the records that only the
// lost one referred to, even after the damaged record was rewritten: they
// look like garbage and are not.
func TestDamageKeepsOrphans(t *testing.T) {
	h := newHarness(t, engine.Options{})
	h.eval(`Memory.box = {users = {}} for i = 1, 40 do Memory.box.users[i] = {id = i} end`)
	h.e.Close()
	records := func() map[string]bool {
		m := map[string]bool{}
		h.backend.Scan(nil, func(k, v []byte) error { m[string(k)] = true; return nil })
		return m
	}
	before := records()
	var b store.Batch
	h.backend.Scan(nil, func(k, v []byte) error {
		if p, err := store.DecodeRecord(k, v); err == nil && strings.Contains(string(p), "users") {
			b.Put(k, v[:len(v)-1]) // the box table: users is lost with it
		}
		return nil
	})
	if b.Len() != 1 {
		t.Fatalf("%d records hold the name users", b.Len())
	}
	h.backend.Commit(&b)
	h.open()
	if len(h.e.Warnings()) == 0 {
		t.Fatal("no warning for the damaged record")
	}
	h.eval(`Memory.box.note = "rewritten"`) // rewrites the damaged record
	for range 2 {
		h.reopen()
		if w := h.e.Warnings(); len(w) != 0 {
			t.Fatalf("warnings after the rewrite: %v", w)
		}
	}
	after := records()
	for k := range before {
		if !after[k] {
			t.Errorf("record %q was deleted", k)
		}
	}
}

func TestRegisteredHostFunctionsPersist(t *testing.T) {
	h := newHarness(t, engine.Options{})
	hello := func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) { return t.Ret(lua.String("hello")) }
	if err := h.e.Register("hello", hello); err != nil {
		t.Fatal(err)
	}
	h.eval(`Memory.greet = hello`)
	h.reopen()
	if msg := h.evalErr(`Memory.greet()`); !strings.Contains(msg, "host function 'hello' is not registered") {
		t.Errorf("before registering: %s", msg)
	}
	h.e.Register("hello", hello)
	h.check(`return Memory.greet() == "hello" and Memory.greet ~= hello`)
	h.eval(`Memory.again = Memory.greet`)
	h.reopen()
	h.e.Register("hello", hello)
	h.check(`return Memory.again() == "hello"`)
}

func TestReload(t *testing.T) {
	h := newHarness(t, engine.Options{})
	h.eval(`Memory.v = 1`)
	// Another writer (a second tab) commits to the same backend.
	other, err := engine.Open(engine.Options{Backend: h.backend})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Eval(`Memory.v = 2 Memory.w = {x = 1}`); err != nil {
		t.Fatal(err)
	}
	h.check(`return Memory.v == 1`)
	if err := h.e.Reload(); err != nil {
		t.Fatal(err)
	}
	h.check(`return Memory.v == 2 and Memory.w.x == 1`)
}

func TestLimits(t *testing.T) {
	h := newHarness(t, engine.Options{MaxInstructions: 100_000})
	h.eval(`Memory.a = 1`)
	msg := h.evalErr(`Memory.a = 2 while true do end`)
	if !strings.Contains(msg, "instruction budget exhausted") {
		t.Errorf("error: %s", msg)
	}
	h.check(`return Memory.a == 1`)
	// pcall does not catch it, and the next transaction runs.
	h.evalErr(`Memory.a = 3 pcall(function() while true do end end)`)
	h.check(`return Memory.a == 1`)
}

// os.exit ends the transaction, whatever pcall surrounds it: status 0
// commits, any other status rolls back, and the host gets the status.
func TestExitEndsTransaction(t *testing.T) {
	h := newHarness(t, engine.Options{})
	for _, tt := range []struct {
		code   string
		status int
		kept   bool
	}{
		{`Memory.a = 1; pcall(os.exit, 0); Memory.a = 2`, 0, true},
		{`Memory.b = 1; pcall(os.exit, 3)`, 3, false},
		{`Memory.c = 1; os.exit(false)`, 1, false},
	} {
		_, err := h.e.Eval(tt.code)
		var exit *lib.ExitError
		if !errors.As(err, &exit) || exit.Code != tt.status {
			t.Errorf("Eval(%q) = %v, want exit status %d", tt.code, err, tt.status)
		}
	}
	h.reopen()
	h.check(`return Memory.a == 1 and Memory.b == nil and Memory.c == nil`)
}
