package lua

import (
	"runtime"
	"sync"
	"weak"
)

// Garbage collection is Go's. What Lua adds on top:
//
//   - __gc: setmetatable with a metatable that has a __gc field marks the
//     table for finalization. A Go finalizer queues the table when it becomes
//     unreachable (resurrecting it, as Lua does); the queue is drained only
//     at safe points of the VM (the periodic budget check, collectgarbage,
//     Close), so finalizers never run concurrently with Lua code.
//   - collectgarbage: "collect" runs a Go collection and the finalizers it
//     made due; "count" reports the Go heap in use.
//
// Weak tables (__mode) are not implemented: their entries are strong.

// gcCheckInterval is how many back-jumps, calls and ticks pass between
// safe points.
const gcCheckInterval = 1 << 20

type gcState struct {
	mu     sync.Mutex
	due    []*Table              // queued by Go finalizers, run at the next safe point
	marked []weak.Pointer[Table] // tables marked for finalization, for Close
	inGC   bool                  // running finalizers (no re-entry)
	mode   string                // "incremental" or "generational"
	params map[string]int        // setpause / setstepmul values
	stop   bool                  // collectgarbage("stop")
	closed bool                  // Close ran
	// allocated counts bytes charged since the last safe point.
	allocated int64
	threshold int64
}

func (g *gcState) init() {
	g.mode = "incremental"
	g.params = map[string]int{"setpause": 200, "setstepmul": 100}
	g.threshold = 64 << 20
}

// markForFinalization registers t, whose new metatable has __gc.
func (s *State) markForFinalization(t *Table) {
	g := &s.gc
	if g.closed {
		return
	}
	g.mu.Lock()
	g.marked = append(g.marked, weak.Make(t))
	g.mu.Unlock()
	runtime.SetFinalizer(t, func(t *Table) {
		g.mu.Lock()
		g.due = append(g.due, t)
		g.mu.Unlock()
	})
}

// safePoint runs the finalizers that became due.
func (g *gcState) safePoint(t *Thread) {
	g.allocated = 0
	if g.inGC {
		return
	}
	g.mu.Lock()
	due := g.due
	g.due = nil
	g.mu.Unlock()
	if len(due) == 0 {
		return
	}
	g.inGC = true
	defer func() { g.inGC = false }()
	for i := len(due) - 1; i >= 0; i-- {
		t.runFinalizer(due[i])
	}
}

// runFinalizer calls tb's __gc; errors become warnings, as in the reference.
func (t *Thread) runFinalizer(tb *Table) {
	tm := tb.meta.GetStr("__gc")
	if !tm.IsFunction() {
		return
	}
	if _, err := t.Call(tm, tb.Value()); err != nil {
		t.state.warn("error in __gc", false)
	}
}

// collect runs a full Go collection and the finalizers it made due.
func (s *State) collect(t *Thread) {
	runtime.GC()
	for range 4 {
		runtime.Gosched()
	}
	s.gc.safePoint(t)
}

// heapKB returns the Go heap in use in kilobytes.
func heapKB() float64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / 1024
}

// Close runs the finalizers of every table still marked for finalization
// (as lua_close does) and marks the state closed.
func (s *State) Close() {
	g := &s.gc
	if g.closed {
		return
	}
	t := s.main
	s.gc.safePoint(t)
	g.closed = true
	g.mu.Lock()
	marked := g.marked
	g.marked = nil
	g.mu.Unlock()
	for i := len(marked) - 1; i >= 0; i-- {
		if tb := marked[i].Value(); tb != nil {
			runtime.SetFinalizer(tb, nil)
			t.runFinalizer(tb)
		}
	}
}
