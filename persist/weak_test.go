package persist_test

import (
	"testing"

	"github.com/luawasm/luawasm/store/memstore"
)

// A persistent weak table that loses entries to the collector stores the
// loss at the next commit: the entries do not come back at the next load.
// Packed and spread tables, weak values and weak keys, and a loss inside
// a transaction that is rolled back (the loss still reaches the store).
func TestWeakTableLossesPersist(t *testing.T) {
	tests := []struct {
		name   string
		fill   string   // makes Memory.w, with entries the collector can take
		lose   string   // runs a collection, checks the entries went
		checks []string // after a reload; each must return true
	}{
		{
			name: "packed weak values",
			fill: `Memory.w = setmetatable({}, {__mode = "v"}) Memory.w.gone = {} Memory.w.kept = Memory Memory.w.s = "str"`,
			lose: `collectgarbage() return Memory.w.gone == nil`,
			checks: []string{
				`return Memory.w.gone == nil and Memory.w.kept == Memory and Memory.w.s == "str"`,
			},
		},
		{
			name: "spread weak values",
			fill: `Memory.w = setmetatable({}, {__mode = "v"}) Memory.keep = {}
				for i = 1, 40 do Memory.w["gone" .. i] = {} end Memory.w.kept = Memory.keep`,
			lose: `collectgarbage() return Memory.w.gone1 == nil and Memory.w.gone40 == nil`,
			checks: []string{
				`local n = 0 for k in pairs(Memory.w) do n = n + 1 end return n == 1 and Memory.w.kept == Memory.keep`,
			},
		},
		{
			name: "spread weak keys",
			fill: `Memory.w = setmetatable({}, {__mode = "k"}) Memory.keep = {}
				for i = 1, 40 do Memory.w[{}] = i end Memory.w[Memory.keep] = "kept"`,
			lose: `collectgarbage() local n = 0 for k in pairs(Memory.w) do n = n + 1 end return n == 1`,
			checks: []string{
				`local n = 0 for k in pairs(Memory.w) do n = n + 1 end return n == 1 and Memory.w[Memory.keep] == "kept"`,
			},
		},
		{
			name: "packed weak keys",
			fill: `Memory.w = setmetatable({}, {__mode = "k"}) Memory.w[{}] = 1 Memory.w.s = 2`,
			lose: `collectgarbage() return next(Memory.w) == "s" and next(Memory.w, "s") == nil`,
			checks: []string{
				`return next(Memory.w) == "s" and next(Memory.w, "s") == nil`,
			},
		},
	}
	for _, tt := range tests {
		for _, rollback := range []bool{false, true} {
			name := tt.name
			if rollback {
				name += " rolled back"
			}
			t.Run(name, func(t *testing.T) {
				se := openSession(t, memstore.New())
				se.must(tt.fill)
				if rollback {
					if _, err := se.run(`collectgarbage() error("abort")`); err == nil {
						t.Fatal("the transaction did not fail")
					}
					se.must(`Memory.other = 1`) // the next commit stores the loss
				} else {
					se.check(tt.lose)
				}
				se = se.reopen()
				for _, c := range tt.checks {
					se.check(c)
				}
				// Reloaded, the table is weak again.
				se.must(`Memory.w[{}] = {}`)
				se.check(`collectgarbage() for k, v in pairs(Memory.w) do if type(k) == "table" and type(v) == "table" then return false end end return true`)
				se = se.reopen()
				for _, c := range tt.checks {
					se.check(c)
				}
			})
		}
	}
}

// A table whose metatable has __gc is finalized in the session that drops
// it, after a reload as before.
func TestFinalizerAfterReload(t *testing.T) {
	se := openSession(t, memstore.New())
	se.must(`Memory.res = setmetatable({name = "r"}, {__gc = function(o) FINALIZED = (FINALIZED or "") .. o.name end})`)
	se = se.reopen()
	se.must(`Memory.res = nil`)
	se.check(`collectgarbage() collectgarbage() return FINALIZED == "r"`)
}
