package engine

import (
	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/query"
)

// An Op is one operation of a Batch on Memory.<Collection>[Key].
type Op struct {
	Type       string    // "set", "get", "delete" or "query"
	Collection string    // the collection: an entry of Memory (created by set when absent)
	Key        lua.Value // set, get, delete: the record's key
	Value      lua.Value // set: the new value
	Query      query.Spec
}

// An OpResult is the result of one operation.
type OpResult struct {
	// Value: get, the value (nil when absent); set and delete, the value
	// before the operation.
	Value lua.Value
	// Found: get, delete: whether the key held a value; set: whether it
	// replaced one.
	Found bool
	// Result: query, the rows and plan.
	Result *query.Result
}

// A BatchError reports why a batch failed: the index (0-based) of the
// failing operation and the reason. Nothing of the batch was applied.
type BatchError struct {
	Index int
	Op    Op
	Err   error
}

func (e *BatchError) Error() string {
	if e.Index < 0 {
		return e.Err.Error()
	}
	return printf.Sprintf("batch operation %d (%s %s): %v", e.Index+1, e.Op.Type, opTarget(e.Op), e.Err)
}

func (e *BatchError) Unwrap() error { return e.Err }

func opTarget(op Op) string {
	if op.Type == "query" {
		return "Memory" + subscript(lua.String(op.Collection))
	}
	return "Memory" + subscript(lua.String(op.Collection)) + subscript(op.Key)
}

// Batch applies ops as one transaction: all of them or none. Queries see
// the batch's earlier operations. On failure the error is a *BatchError
// (Index -1 when the batch as a whole was refused or could not commit).
func (e *Engine) Batch(ops []Op) ([]OpResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(ops) > e.opts.MaxBatchOps {
		return nil, &BatchError{Index: -1, Err: printf.Errorf("a batch of %d operations exceeds the limit of %d", len(ops), e.opts.MaxBatchOps)}
	}
	results := make([]OpResult, len(ops))
	var failed *BatchError
	err := e.transaction("batch", func() error {
		targets := make(map[string]*target)
		var t *target // the last op's: batches name one collection in runs
		for i, op := range ops {
			if t == nil || t.name != op.Collection {
				if t = targets[op.Collection]; t == nil {
					t = e.target(op.Collection)
					targets[op.Collection] = t
				}
			}
			res, err := e.apply(op, t, ops[i+1:])
			if err != nil {
				failed = &BatchError{Index: i, Op: op, Err: err}
				e.auditOps(ops[:i+1], i, err)
				return failed
			}
			results[i] = res
		}
		e.auditOps(ops, -1, nil)
		return nil
	})
	if err != nil {
		if failed != nil {
			return nil, failed
		}
		return nil, &BatchError{Index: -1, Err: err}
	}
	return results, nil
}

// auditOps queues the audit entries of a batch's operations; failed is
// the index of the failing one, or -1.
func (e *Engine) auditOps(ops []Op, failed int, err error) {
	if len(e.audit.ops) == 0 {
		return
	}
	for i, op := range ops {
		entry := AuditEntry{Operation: op.Type, Collection: op.Collection}
		if op.Type != "query" {
			entry.Key = describe(op.Key)
			if s, ok := op.Key.AsString(); ok {
				entry.Key = s
			}
		}
		switch {
		case i == failed:
			entry.Outcome = err.Error()
		case failed >= 0:
			entry.Outcome = "rolled back"
		}
		e.pending = append(e.pending, entry)
	}
}

// A target is a collection a batch names, looked up once per batch (a
// batch of 10,000 sets into one collection hashed its name 20,000 times,
// which WebAssembly does without a hardware hash): its name as a Lua
// string, what Memory holds under it, and its schema and indexes. Nothing
// but the batch's own sets changes them during the batch.
type target struct {
	name  string
	key   lua.Value
	table lua.Value   // Memory[name]
	coll  *collection // nil when no schema or index names it
}

func (e *Engine) target(name string) *target {
	key := lua.String(name)
	return &target{name: name, key: key, table: e.memory.Get(key), coll: e.colls.byName[name]}
}

// apply performs one operation inside the batch's transaction on its
// collection t; rest are the operations after op.
func (e *Engine) apply(op Op, t *target, rest []Op) (OpResult, error) {
	if op.Collection == "" {
		return OpResult{}, printf.Errorf("no collection")
	}
	if op.Type == "query" {
		res, err := e.query(op.Collection, op.Query)
		return OpResult{Result: res}, err
	}
	if f, ok := op.Key.AsFloat(); op.Key.IsNil() || ok && f != f {
		return OpResult{}, printf.Errorf("invalid key (%s)", describe(op.Key))
	}
	cv := t.table
	coll := cv.AsTable()
	if coll == nil && !cv.IsNil() {
		return OpResult{}, printf.Errorf("Memory.%s is a %s, not a collection table", op.Collection, cv.TypeName())
	}
	var old lua.Value
	if coll != nil {
		old = coll.Get(op.Key)
	}
	res := OpResult{Value: old, Found: !old.IsNil()}
	switch op.Type {
	case "get":
		return res, nil
	case "delete":
		if coll != nil {
			coll.Set(op.Key, lua.Nil)
		}
		return res, nil
	case "set":
		if op.Value.IsNil() {
			return res, printf.Errorf("set needs a value (use delete to remove a record)")
		}
		if c := t.coll; c != nil && c.schema != nil {
			if err := c.schema.check(op.Collection, op.Key, op.Value); err != nil {
				return res, err
			}
			e.colls.setChecked(c, op.Key, op.Value)
		}
		if coll == nil {
			coll = newCollection(op, rest)
			t.table = coll.Value()
			e.memory.Set(t.key, t.table)
		}
		coll.Set(op.Key, op.Value)
		return res, nil
	}
	return res, printf.Errorf("unknown operation type '%s' (expected set, get, delete or query)", op.Type)
}

// newCollection returns the table of the collection that op, a set,
// creates, sized for its sets among op and rest: integer keys from 1 up to
// their number in the array part, others in the hash part. (A batch that
// fills a new collection would otherwise grow it by doubling, rehashing
// and copying it each time.)
func newCollection(op Op, rest []Op) *lua.Table {
	narr, nhash := 0, 0
	for i := -1; i < len(rest); i++ {
		o := &op
		if i >= 0 {
			o = &rest[i]
		}
		if o.Type != "set" || o.Collection != op.Collection {
			continue
		}
		if k, ok := o.Key.AsInt(); ok && k >= 1 && k <= int64(len(rest)+1) {
			narr++
		} else {
			nhash++
		}
	}
	return lua.NewTable(narr, nhash)
}
