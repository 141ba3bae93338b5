package engine

import (
	"runtime"
	"testing"

	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/store/memstore"
)

// A record that satisfies its schema is checked without allocating: the
// path and message of an error are only built for a record that fails.
func TestSchemaCheckSuccessAllocatesNothing(t *testing.T) {
	minScore, maxScore, maxName := 0.0, 1000.0, 40
	s := Schema{
		"name":    {Type: "string", Required: true, MaxLength: &maxName},
		"email":   {Type: "string", Pattern: "^[^@]+@[^@]+$"},
		"score":   {Type: "integer", Min: &minScore, Max: &maxScore},
		"role":    {Enum: []lua.Value{lua.String("admin"), lua.String("user")}},
		"address": {Type: "table", Fields: Schema{"city": {Type: "string", Required: true}}},
	}
	if err := s.compile(""); err != nil {
		t.Fatal(err)
	}
	address := lua.NewTable(0, 1)
	address.SetStr("city", lua.String("Oslo"))
	rec := lua.NewTable(0, 5)
	rec.SetStr("name", lua.String("Ada"))
	rec.SetStr("email", lua.String("ada@example.org"))
	rec.SetStr("score", lua.Int(42))
	rec.SetStr("role", lua.String("user"))
	rec.SetStr("address", address.Value())
	key := lua.String("u1")
	// In WebAssembly the pattern is a JavaScript RegExp: syscall/js
	// allocates to pass it the string.
	want := 0.0
	if runtime.GOOS == "js" {
		want = 1
	}
	if n := testing.AllocsPerRun(100, func() {
		if err := s.check("users", key, rec.Value()); err != nil {
			t.Fatal(err)
		}
	}); n != want {
		t.Errorf("a passing check allocates %v times, want %v", n, want)
	}
	// The failure path still names the first failing field by name, with
	// its full path.
	address.SetStr("city", lua.Nil)
	rec.SetStr("score", lua.Float(1.5))
	err := s.check("users", key, rec.Value())
	if err == nil || err.Error() != "schema of 'users': Memory.users.u1.address.city is required" {
		t.Errorf("error: %v", err)
	}
	address.SetStr("city", lua.String("Oslo"))
	err = s.check("users", key, rec.Value())
	if err == nil || err.Error() != "schema of 'users': Memory.users.u1.score must be an integer (got 1.5)" {
		t.Errorf("error: %v", err)
	}
	if se, ok := err.(*SchemaError); !ok || se.Rule != "type" || se.Collection != "users" || se.Path != "Memory.users.u1.score" {
		t.Errorf("error fields: %#v", err)
	}
}

// A batch checks each record it sets once: as the operation applies, and
// not again when the transaction commits. A record changed after it was
// set is checked again at commit.
func TestBatchChecksEachRecordOnce(t *testing.T) {
	e, err := Open(Options{Backend: memstore.New()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.SetSchema("users", Schema{"email": {Type: "string", Pattern: "@"}}); err != nil {
		t.Fatal(err)
	}
	email := (*e.colls.byName["users"].schema)["email"]
	calls := 0
	match := email.match
	email.match = func(s string) bool { calls++; return match(s) }
	(*e.colls.byName["users"].schema)["email"] = email

	var ops []Op
	for i := range 3 {
		rec := lua.NewTable(0, 1)
		rec.SetStr("email", lua.String("a@b"))
		ops = append(ops, Op{Type: "set", Collection: "users", Key: lua.Int(int64(i)), Value: rec.Value()})
	}
	if _, err := e.Batch(ops); err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Errorf("a batch of 3 sets checked %d times", calls)
	}
	calls = 0
	if _, err := e.Batch(ops[:1]); err != nil { // replaces record 0 by the same table
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("a batch of 1 set checked %d times", calls)
	}
	calls = 0
	if _, err := e.Eval(`Memory.users[1].email = "c@d"`); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("a Lua write was checked %d times", calls)
	}
	if _, err := e.Eval(`Memory.users[2].email = "none"`); err == nil {
		t.Error("a Lua write that breaks the schema committed")
	}
}
