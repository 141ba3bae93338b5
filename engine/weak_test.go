package engine_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/query"
)

// An indexed collection that loses records or fields to the garbage
// collector (it is a weak table, or its records hold weak tables) drops
// them from its indexes: a query never returns what the collector took,
// in the session that lost it and after a reload. No index keeps alive
// what Lua would collect: in a weak-keyed collection, a record whose key
// is only weakly held goes, and with it its entry.
func TestIndexForgetsCollectedRecords(t *testing.T) {
	const (
		weakKeyQuery = `return #store.query("users", {field = "score", op = "=", value = 7}) == 0
			and #store.query("users", {field = "score", op = "=", value = 1}) == 1
			and store.query("users", {field = "score", op = ">=", value = 0, count = true}) == 1
			and #store.query("users", {field = "score", op = ">=", value = 0, sort = "desc"}) == 1`
		weakKeyFill = `Memory.users = setmetatable({}, {__mode = "k"})
			Memory.keep = {}
			Memory.users[Memory.keep] = {score = 1}
			Memory.users[{}] = {score = 7}
			Memory.users[function() end] = {score = 7}`
	)
	tests := []struct {
		name       string
		field      string   // the indexed field
		fill       string   // makes Memory.users, indexed on score, and drops a strong reference
		more       []string // later transactions, if any
		query      string   // a query that must come back empty after a collection
		indexLater bool     // create the index after fill and more, from the records
	}{
		{
			name:  "weak-valued collection",
			field: "score",
			fill: `Memory.users = setmetatable({}, {__mode = "v"})
				Memory.keep = {score = 1}
				Memory.users.kept = Memory.keep
				Memory.users.gone = {score = 7}`,
			query: `return #store.query("users", {field = "score", op = "=", value = 7}) == 0
				and #store.query("users", {field = "score", op = "=", value = 1}) == 1
				and store.query("users", {field = "score", op = ">=", value = 0, count = true}) == 1`,
		},
		{
			name:  "weak-valued collection, integer keys",
			field: "score",
			fill: `Memory.users = setmetatable({}, {__mode = "v"})
				Memory.keep = {score = 1}
				Memory.users[1] = Memory.keep
				Memory.users[2] = {score = 7}`,
			query: `return #store.query("users", {field = "score", op = "=", value = 7}) == 0
				and #store.query("users", {field = "score", op = "=", value = 1}) == 1
				and store.query("users", {field = "score", op = ">=", value = 0, count = true}) == 1`,
		},
		{
			name:  "records added to an existing weak collection",
			field: "score",
			fill: `Memory.users = setmetatable({}, {__mode = "v"})
				Memory.keep = {score = 1}
				Memory.users.kept = Memory.keep`,
			more: []string{`Memory.users.gone = {score = 7} Memory.users.kept.score = 1`},
			query: `return #store.query("users", {field = "score", op = "=", value = 7}) == 0
				and #store.query("users", {field = "score", op = "=", value = 1}) == 1
				and store.query("users", {field = "score", op = ">=", value = 0, count = true}) == 1`,
		},
		{
			name:  "collection made weak after its records",
			field: "score",
			fill: `Memory.users = {}
				Memory.keep = {score = 1}
				Memory.users.kept = Memory.keep`,
			more: []string{`Memory.users.gone = {score = 7}`, `setmetatable(Memory.users, {__mode = "v"})`},
			query: `return #store.query("users", {field = "score", op = "=", value = 7}) == 0
				and store.query("users", {field = "score", op = ">=", value = 0, count = true}) == 1`,
		},
		{
			name:  "weak-keyed collection",
			field: "score",
			fill:  weakKeyFill,
			query: weakKeyQuery,
		},
		{
			name:       "weak-keyed collection indexed after its records",
			field:      "score",
			fill:       weakKeyFill,
			query:      weakKeyQuery,
			indexLater: true,
		},
		{
			name:  "records added to an existing weak-keyed collection, then changed inside",
			field: "score",
			fill: `Memory.users = setmetatable({}, {__mode = "k"})
				Memory.keep = {}
				Memory.users[Memory.keep] = {score = 1}`,
			more: []string{
				`Memory.users[{}] = {score = 7}`,
				`for _, rec in pairs(Memory.users) do rec.score = rec.score end`,
			},
			query: weakKeyQuery,
		},
		{
			name:  "weak keys and values, hash index",
			field: "score",
			fill: `Memory.users = setmetatable({}, {__mode = "kv"})
				Memory.keep = {}
				Memory.keepRec = {score = 1}
				Memory.users[Memory.keep] = Memory.keepRec
				Memory.users[{}] = Memory.keepRec
				Memory.users.strongKey = {score = 7}`,
			query: weakKeyQuery,
		},
		{
			name:  "collection given weak keys after its records",
			field: "score",
			fill: `Memory.users = {}
				Memory.keep = {}
				Memory.users[Memory.keep] = {score = 1}
				Memory.gone = {}
				Memory.users[Memory.gone] = {score = 7}`,
			more:  []string{`setmetatable(Memory.users, {__mode = "k"}) Memory.gone = nil`},
			query: weakKeyQuery,
		},
		{
			name:  "weak field inside a record",
			field: "info.sub.score",
			fill: `Memory.users = {}
				Memory.users.u = {info = setmetatable({}, {__mode = "v"})}
				Memory.users.u.info.sub = {score = 7}
				Memory.users.v = {info = {sub = {score = 1}}}`,
			query: `return store.query("users", {field = "info.sub.score", op = ">=", value = 0, count = true}) == 1
				and #store.query("users", {field = "info.sub.score", op = "=", value = 7}) == 0`,
		},
	}
	for _, tt := range tests {
		for _, rollback := range []bool{false, true} {
			name := tt.name
			if rollback {
				name += ", lost in a rolled-back run"
			}
			t.Run(name, func(t *testing.T) {
				h := newHarness(t, engine.Options{})
				kind := query.KindBTree
				if strings.Contains(tt.name, "hash") {
					kind = query.KindHash
				}
				if !tt.indexLater {
					if err := h.e.CreateIndex("users", tt.field, kind); err != nil {
						t.Fatal(err)
					}
				}
				h.eval(tt.fill)
				for _, code := range tt.more {
					h.eval(code)
				}
				if tt.indexLater {
					if err := h.e.CreateIndex("users", tt.field, kind); err != nil {
						t.Fatal(err)
					}
				}
				runtime.GC()
				if rollback {
					h.evalErr(`collectgarbage() collectgarbage() error("abort")`)
				} else {
					h.check(`collectgarbage() collectgarbage() return true`)
				}
				h.check(tt.query)
				h.reopen()
				h.check(tt.query)
			})
		}
	}
}
