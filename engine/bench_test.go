package engine_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/query"
	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/storetest"
)

// The goals: persisting a function < 1 ms, a batch of 1,000 sets
// committed < 5 ms, of 10,000 < 40 ms.

var benchBackends = storetest.Backends()

func openBench(b *testing.B, open func(testing.TB) store.Backend) *engine.Engine {
	e, err := engine.Open(engine.Options{Backend: open(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	return e
}

func BenchmarkPersistFunction(b *testing.B) {
	const code = `function(income, deductions)
		local taxable = income - (deductions or 0)
		local brackets, rates = {10000, 50000, 100000}, {0.1, 0.2, 0.3, 0.4}
		local tax, prev = 0, 0
		for i, limit in ipairs(brackets) do
			if taxable <= limit then return tax + (taxable - prev) * rates[i] end
			tax = tax + (limit - prev) * rates[i]
			prev = limit
		end
		return tax + (taxable - prev) * rates[#rates]
	end`
	for _, be := range benchBackends {
		b.Run(be.Name, func(b *testing.B) {
			e := openBench(b, be.Open)
			i := 0
			for b.Loop() {
				i++
				if err := e.PersistFunction("Memory", fmt.Sprintf("tax%d", i), code, engine.PersistOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBatchSets(b *testing.B) {
	for _, be := range benchBackends {
		for _, n := range []int{1_000, 10_000} {
			b.Run(fmt.Sprintf("%s/ops=%d", be.Name, n), func(b *testing.B) {
				// Each round sets n new records into a fresh Memory.
				for b.Loop() {
					b.StopTimer()
					e, err := engine.Open(engine.Options{Backend: be.Open(b)})
					if err != nil {
						b.Fatal(err)
					}
					ops := users(n)
					runtime.GC()
					b.StartTimer()
					if _, err := e.Batch(ops); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					e.Close()
					b.StartTimer()
				}
			})
		}
	}
}

// BenchmarkBatchSetsLive sets n new records per round into one engine
// that lives across the rounds, as an application's would (its buffers
// are warm; Memory grows).
func BenchmarkBatchSetsLive(b *testing.B) {
	for _, be := range benchBackends {
		for _, n := range []int{1_000, 10_000} {
			b.Run(fmt.Sprintf("%s/ops=%d", be.Name, n), func(b *testing.B) {
				e, err := engine.Open(engine.Options{Backend: be.Open(b)})
				if err != nil {
					b.Fatal(err)
				}
				defer e.Close()
				round := 0
				for b.Loop() {
					b.StopTimer()
					round++
					ops := users(n)
					for i := range ops {
						ops[i].Key = lua.String(fmt.Sprintf("r%d_%d", round, i))
					}
					b.StartTimer()
					if _, err := e.Batch(ops); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkBatchFeatures measures what schemas, an index and the audit
// log add to a batch of 1,000 new records (memstore, a live engine).
func BenchmarkBatchFeatures(b *testing.B) {
	minScore, maxScore, maxName := 0.0, 1000.0, 40
	features := []struct {
		name  string
		setup func(e *engine.Engine) error
	}{
		{"plain", func(*engine.Engine) error { return nil }},
		{"schema", func(e *engine.Engine) error {
			return e.SetSchema("appUsers", engine.Schema{
				"name":  {Type: "string", Required: true, MaxLength: &maxName},
				"email": {Type: "string", Pattern: "^[^@]+@[^@]+$"},
				"score": {Type: "integer", Min: &minScore, Max: &maxScore},
			})
		}},
		{"index", func(e *engine.Engine) error { return e.CreateIndex("appUsers", "score", query.KindBTree) }},
		{"audit", func(e *engine.Engine) error { return e.EnableAuditLog([]string{"batchTableOperations"}, 10_000) }},
	}
	for _, f := range features {
		b.Run(f.name, func(b *testing.B) {
			e := openBench(b, benchBackends[0].Open)
			if err := f.setup(e); err != nil {
				b.Fatal(err)
			}
			round := 0
			for b.Loop() {
				b.StopTimer()
				round++
				ops := users(1_000)
				for i := range ops {
					ops[i].Key = lua.String(fmt.Sprintf("r%d_%d", round, i))
				}
				b.StartTimer()
				if _, err := e.Batch(ops); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
