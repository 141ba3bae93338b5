//go:build js && wasm

package main

import (
	"errors"
	"time"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/query"
)

// The exports of persistent Memory, one per method of the JS API (see
// js/lua.js). Their arguments arrive as one wire message whose values the
// JS side has checked and shaped (js/memory-api.js): strings, and tables
// standing for JS objects (batch ops, query specs, schemas), which the
// engine's own readers (query.SpecFromTable, engine.SchemaFromTable) take
// as they are.

// lw_load adds the stored records in the input buffer (a batch message,
// see wasm/mirror) to the backend, before lw_open.
//
//go:wasmexport lw_load
func lwLoad(n int32) int32 {
	b := current
	if b.engine != nil {
		return b.reply(nil, errors.New("lw_load: the engine is already open"))
	}
	// The input buffer itself, not a copy: the backend copies each record
	// once, and nothing here calls out to the host, which could overwrite it.
	return b.reply(nil, b.backend.Load(b.in[:n]))
}

// lw_open opens the engine with the options table in the input buffer.
//
//go:wasmexport lw_open
func lwOpen(n int32) int32 {
	b := current
	return b.reply(b.open(b.input(n)))
}

// lw_apply_remote applies the batch message in the input buffer: records
// that another tab committed.
//
//go:wasmexport lw_apply_remote
func lwApplyRemote(n int32) int32 {
	b := current
	return b.reply(nil, b.applyRemote(b.input(n), false))
}

// lw_reset replaces every record by the batch message in the input
// buffer (the host's whole store) and reloads Memory from them.
//
//go:wasmexport lw_reset
func lwReset(n int32) int32 {
	b := current
	return b.reply(nil, b.applyRemote(b.input(n), true))
}

//go:wasmexport lw_persist_function
func lwPersistFunction(n int32) int32 {
	b := current
	return b.replyAPI(n, 3, func(args []lua.Value) (lua.Value, error) {
		return lua.Nil, b.engine.PersistFunction(str(args[0]), str(args[1]), str(args[2]), engine.PersistOptions{})
	})
}

// lw_validate_function answers {isValid, error}.
//
//go:wasmexport lw_validate_function
func lwValidateFunction(n int32) int32 {
	b := current
	return b.replyAPI(n, 1, func(args []lua.Value) (lua.Value, error) {
		ok, msg := b.engine.ValidateFunction(str(args[0]))
		r := lua.NewTable(0, 2)
		r.SetStr("isValid", lua.Bool(ok))
		if !ok {
			r.SetStr("error", lua.String(msg))
		}
		return r.Value(), nil
	})
}

// lw_batch runs a batch of ops and answers {flags, values}: flags has a
// byte per op, '1' when it found a value (get: the value, set and delete:
// the one they replaced), '0' when it did not, 'q' for a query; values
// lists the values found and each query's rows and count, in order. The
// host builds each op's result from them and the op it sent (type and
// key): a result table per op, made, encoded and decoded again, took a
// fifth of lw_batch's time for 10,000 sets (Chromium profile).
//
//go:wasmexport lw_batch
func lwBatch(n int32) int32 {
	b := current
	return b.replyAPI(n, 1, func(args []lua.Value) (lua.Value, error) {
		// The ops come flat, four values each (type, table, key, then the
		// value of a set, the spec of a query, false otherwise): without a
		// table per op, writing 10,000 records took 191 instead of 246 ms
		// of CPU (node, median of 5).
		list := args[0].AsTable()
		if list == nil || list.Len()%4 != 0 {
			return lua.Nil, errors.New("batchTableOperations: expected a list of operations")
		}
		ops := make([]engine.Op, list.Len()/4)
		for i := range ops {
			at := int64(4 * i)
			op := engine.Op{Type: str(list.GetInt(at + 1)), Collection: str(list.GetInt(at + 2)), Key: list.GetInt(at + 3)}
			switch arg := list.GetInt(at + 4); op.Type {
			case "set":
				op.Value = arg
			case "query":
				op.Key = lua.Nil
				q := arg.AsTable()
				if q == nil {
					return lua.Nil, printf.Errorf("batchTableOperations: operation %d has no query", i+1)
				}
				spec, err := query.SpecFromTable(q)
				if err != nil {
					return lua.Nil, &engine.BatchError{Index: i, Op: op, Err: err}
				}
				op.Query = spec
			}
			ops[i] = op
		}
		results, err := b.engine.Batch(ops)
		if err != nil {
			return lua.Nil, err
		}
		flags := make([]byte, len(results))
		values := lua.NewTable(0, 0)
		n := int64(0)
		add := func(v lua.Value) {
			n++
			values.SetInt(n, v)
		}
		for i, r := range results {
			switch {
			case r.Result != nil:
				flags[i] = 'q'
				add(rows(r.Result))
				add(lua.Int(int64(r.Result.Count)))
			case r.Found:
				flags[i] = '1'
				add(r.Value)
			default:
				flags[i] = '0'
			}
		}
		out := lua.NewTable(2, 0)
		out.SetInt(1, lua.String(string(flags)))
		out.SetInt(2, values.Value())
		return out.Value(), nil
	})
}

// lw_create_index answers {table, field, type}.
//
//go:wasmexport lw_create_index
func lwCreateIndex(n int32) int32 {
	b := current
	return b.replyAPI(n, 3, func(args []lua.Value) (lua.Value, error) {
		if err := b.engine.CreateIndex(str(args[0]), str(args[1]), query.Kind(str(args[2]))); err != nil {
			return lua.Nil, err
		}
		r := lua.NewTable(0, 3)
		r.SetStr("table", args[0])
		r.SetStr("field", args[1])
		r.SetStr("type", args[2])
		return r.Value(), nil
	})
}

// lw_query answers the matching records in order (or their number, for a
// count query).
//
//go:wasmexport lw_query
func lwQuery(n int32) int32 {
	b := current
	return b.replyAPI(n, 2, func(args []lua.Value) (lua.Value, error) {
		spec, res, err := b.query(args)
		if err != nil {
			return lua.Nil, err
		}
		if spec.Count {
			return lua.Int(int64(res.Count)), nil
		}
		return rows(res), nil
	})
}

// lw_explain answers how a query was run: {plan, examined, count, keys}.
//
//go:wasmexport lw_explain
func lwExplain(n int32) int32 {
	b := current
	return b.replyAPI(n, 2, func(args []lua.Value) (lua.Value, error) {
		_, res, err := b.query(args)
		if err != nil {
			return lua.Nil, err
		}
		keys := lua.NewTable(len(res.Rows), 0)
		for i, row := range res.Rows {
			keys.SetInt(int64(i+1), row.Key)
		}
		r := lua.NewTable(0, 4)
		r.SetStr("plan", lua.String(res.Plan))
		r.SetStr("examined", lua.Int(int64(res.Examined)))
		r.SetStr("count", lua.Int(int64(res.Count)))
		r.SetStr("keys", keys.Value())
		return r.Value(), nil
	})
}

func (b *bridge) query(args []lua.Value) (query.Spec, *query.Result, error) {
	t := args[1].AsTable()
	if t == nil {
		return query.Spec{}, nil, errors.New("queryTable: the query must be an object")
	}
	spec, err := query.SpecFromTable(t)
	if err != nil {
		return spec, nil, printf.Errorf("queryTable: %w", err)
	}
	res, err := b.engine.Query(str(args[0]), spec)
	return spec, res, err
}

//go:wasmexport lw_set_schema
func lwSetSchema(n int32) int32 {
	b := current
	return b.replyAPI(n, 2, func(args []lua.Value) (lua.Value, error) {
		t := args[1].AsTable()
		if t == nil {
			return lua.Nil, errors.New("setSchema: the schema must be an object")
		}
		s, err := engine.SchemaFromTable(t)
		if err != nil {
			return lua.Nil, printf.Errorf("setSchema: %w", err)
		}
		return lua.Nil, b.engine.SetSchema(str(args[0]), s)
	})
}

// lw_enable_audit_log takes the list of operation kinds and the log's bound.
//
//go:wasmexport lw_enable_audit_log
func lwEnableAuditLog(n int32) int32 {
	b := current
	return b.replyAPI(n, 2, func(args []lua.Value) (lua.Value, error) {
		var ops []string
		if list := args[0].AsTable(); list != nil {
			for i := int64(1); i <= list.Len(); i++ {
				ops = append(ops, str(list.GetInt(i)))
			}
		}
		max, _ := args[1].AsInt()
		return lua.Nil, b.engine.EnableAuditLog(ops, int(max))
	})
}

// lw_audit_log answers the log, oldest first: {time (ISO 8601), operation,
// collection, key, outcome}.
//
//go:wasmexport lw_audit_log
func lwAuditLog(n int32) int32 {
	b := current
	return b.replyAPI(n, 0, func([]lua.Value) (lua.Value, error) {
		log := b.engine.AuditLog()
		out := lua.NewTable(len(log), 0)
		for i, e := range log {
			t := lua.NewTable(0, 5)
			t.SetStr("time", lua.String(e.Time.UTC().Format(time.RFC3339Nano)))
			t.SetStr("operation", lua.String(e.Operation))
			t.SetStr("collection", lua.String(e.Collection))
			t.SetStr("key", lua.String(e.Key))
			t.SetStr("outcome", lua.String(e.Outcome))
			out.SetInt(int64(i+1), t.Value())
		}
		return out.Value(), nil
	})
}

// lw_export leaves a backup of everything committed in the output buffer,
// as raw bytes rather than a wire message.
//
//go:wasmexport lw_export
func lwExport() int32 {
	b := current
	if b.engine == nil {
		return b.reply(nil, errNotOpen)
	}
	if b.nested > 0 {
		return b.reply(nil, errNested)
	}
	data, err := b.engine.Export()
	if err != nil {
		return b.reply(nil, err)
	}
	b.out = data
	return int32(len(data))
}

// lw_import replaces everything with the backup in the input buffer (raw bytes).
//
//go:wasmexport lw_import
func lwImport(n int32) int32 {
	b := current
	if b.engine == nil {
		return b.reply(nil, errNotOpen)
	}
	if b.nested > 0 {
		return b.reply(nil, errNested)
	}
	return b.reply(nil, b.engine.Import(b.input(n)))
}

// errNested refuses a transaction of its own to a JS function that Lua
// called: it would have to commit in the middle of the caller's.
var errNested = errors.New("a persistent-Memory method cannot run inside a call from Lua to JS (await it after eval returns)")

// replyAPI decodes the argument list in the input buffer (at least want
// values), runs fn on it and replies with its result.
func (b *bridge) replyAPI(n int32, want int, fn func(args []lua.Value) (lua.Value, error)) int32 {
	if b.engine == nil {
		return b.reply(nil, errNotOpen)
	}
	if b.nested > 0 {
		return b.reply(nil, errNested)
	}
	args, err := b.dec.Decode(b.input(n))
	if err != nil {
		return b.reply(nil, err)
	}
	for len(args) < want {
		args = append(args, lua.Nil)
	}
	v, err := fn(args)
	if err != nil {
		return b.reply(nil, err)
	}
	return b.reply([]lua.Value{v}, nil)
}

// rows lists a query's records in order.
func rows(res *query.Result) lua.Value {
	t := lua.NewTable(len(res.Rows), 0)
	for i, row := range res.Rows {
		t.SetInt(int64(i+1), row.Record.Value())
	}
	return t.Value()
}

func str(v lua.Value) string {
	s, _ := v.AsString()
	return s
}

func intField(t *lua.Table, name string) int64 {
	v := t.GetStr(name)
	if i, ok := v.AsInt(); ok {
		return i
	}
	if f, ok := v.AsFloat(); ok {
		return int64(f)
	}
	return 0
}
