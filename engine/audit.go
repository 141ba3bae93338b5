package engine

import (
	"slices"
	"time"

	"github.com/luawasm/luawasm/lua"
)

// The audit log is opt-in per operation kind, append-only, persistent and
// bounded: past its size the oldest entries are dropped. It lives in the
// persistent root as
//
//	root.engine.audit = {ops = {set = true, ...}, max = n, first = i, next = j,
//	                     entries = {[i] = {time =, op =, collection =, key =, outcome =}, ...}}
//
// so appending writes one small record plus the header, and the log is
// backed up, exported and rolled back with everything else. The entries
// of a successful transaction are appended to it and committed with its
// changes, atomically; those of a failed one are appended after its
// rollback, in a commit that holds only them, so that failures are logged
// too.

// Audited operation kinds.
var AuditOperations = []string{"eval", "persistFunction", "set", "get", "delete", "query", "setSchema", "createIndex", "import"}

// An AuditEntry is one logged operation.
type AuditEntry struct {
	Time       time.Time
	Operation  string // one of AuditOperations
	Collection string // the collection (or table path) concerned, if any
	Key        string // the record key or function name concerned, if any
	Outcome    string // "ok", or the error message
}

// DefaultAuditMax is the log size when EnableAuditLog is given max <= 0.
const DefaultAuditMax = 1000

type auditConfig struct {
	ops map[string]bool
	max int
}

func loadAuditConfig(sys *lua.Table) auditConfig {
	cfg := auditConfig{ops: map[string]bool{}, max: DefaultAuditMax}
	a := sys.GetStr("audit").AsTable()
	if a == nil {
		return cfg
	}
	if n, ok := a.GetStr("max").AsInt(); ok && n > 0 {
		cfg.max = int(n)
	}
	if ops := a.GetStr("ops").AsTable(); ops != nil {
		for _, op := range AuditOperations {
			if ops.GetStr(op).Truthy() {
				cfg.ops[op] = true
			}
		}
	}
	return cfg
}

// EnableAuditLog logs the given operation kinds from now on (replacing
// the previous choice; "batchTableOperations" stands for set, get, delete
// and query; an empty list stops logging), keeping at most max entries
// (DefaultAuditMax when max <= 0). The choice persists.
func (e *Engine) EnableAuditLog(ops []string, max int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if max <= 0 {
		max = DefaultAuditMax
	}
	enabled := map[string]bool{}
	for _, op := range ops {
		switch {
		case op == "batchTableOperations" || op == "batch":
			for _, o := range []string{"set", "get", "delete", "query"} {
				enabled[o] = true
			}
		case slices.Contains(AuditOperations, op):
			enabled[op] = true
		default:
			return luaError("EnableAuditLog: unknown operation '" + op + "'")
		}
	}
	return e.transaction("audit", func() error {
		a := subTable(e.sys, "audit")
		opt := lua.NewTable(0, len(enabled))
		for op := range enabled {
			opt.SetStr(op, lua.True)
		}
		a.SetStr("ops", opt.Value())
		a.SetStr("max", lua.Int(int64(max)))
		e.audit = auditConfig{ops: enabled, max: max}
		e.trimAudit(a)
		return nil
	})
}

// AuditLog returns the logged entries, oldest first.
func (e *Engine) AuditLog() []AuditEntry {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.sys.GetStr("audit").AsTable()
	if a == nil {
		return nil
	}
	entries := a.GetStr("entries").AsTable()
	first, _ := a.GetStr("first").AsInt()
	next, _ := a.GetStr("next").AsInt()
	if entries == nil {
		return nil
	}
	var log []AuditEntry
	for i := first; i < next; i++ {
		t := entries.GetInt(i).AsTable()
		if t == nil {
			continue
		}
		str := func(k string) string { s, _ := t.GetStr(k).AsString(); return s }
		ms, _ := t.GetStr("time").AsInt()
		log = append(log, AuditEntry{
			Time:       time.UnixMilli(ms),
			Operation:  str("op"),
			Collection: str("collection"),
			Key:        str("key"),
			Outcome:    str("outcome"),
		})
	}
	return log
}

// appendAudit appends the transaction's pending entries of enabled kinds
// to the log, with its outcome, and reports whether it appended any. The
// caller commits them.
func (e *Engine) appendAudit(op string, err error) bool {
	pending := e.pending
	if op == "eval" {
		pending = append(pending, AuditEntry{Operation: "eval"})
	}
	outcome := "ok"
	if err != nil {
		outcome = err.Error()
	}
	a := e.sys.GetStr("audit").AsTable()
	now := time.Now()
	logged := false
	for _, p := range pending {
		if !e.audit.ops[p.Operation] {
			continue
		}
		if a == nil {
			a = subTable(e.sys, "audit")
		}
		entries := subTable(a, "entries")
		first, _ := a.GetStr("first").AsInt()
		next, _ := a.GetStr("next").AsInt()
		if next == 0 {
			first, next = 1, 1
			a.SetStr("first", lua.Int(first))
		}
		t := lua.NewTable(0, 5)
		t.SetStr("time", lua.Int(now.UnixMilli()))
		t.SetStr("op", lua.String(p.Operation))
		if p.Collection != "" {
			t.SetStr("collection", lua.String(p.Collection))
		}
		if p.Key != "" {
			t.SetStr("key", lua.String(p.Key))
		}
		o := outcome
		if p.Outcome != "" {
			o = p.Outcome
		}
		t.SetStr("outcome", lua.String(o))
		entries.SetInt(next, t.Value())
		a.SetStr("next", lua.Int(next+1))
		e.trimAudit(a)
		logged = true
	}
	return logged
}

// commitAudit commits the entries appendAudit added after a rollback.
func (e *Engine) commitAudit() {
	if st, err := e.db.Commit(); err == nil {
		e.notify("audit", st)
	} else {
		e.db.Rollback()
	}
}

// trimAudit drops the oldest entries past the configured size.
func (e *Engine) trimAudit(a *lua.Table) {
	entries := a.GetStr("entries").AsTable()
	if entries == nil {
		return
	}
	first, _ := a.GetStr("first").AsInt()
	next, _ := a.GetStr("next").AsInt()
	for next-first > int64(e.audit.max) {
		entries.SetInt(first, lua.Nil)
		first++
	}
	a.SetStr("first", lua.Int(first))
}
