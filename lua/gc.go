package lua

import (
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
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
//   - __mode: tables given a metatable with __mode are registered; a full
//     collection (collectgarbage "collect" or "step") takes their entries
//     with collectable weak parts out of them, keeping only weak pointers,
//     runs the Go collector, and puts back the entries whose weak parts
//     survived. Between full collections weak entries act as strong ones,
//     and a weak key is kept alive by its own value (no ephemerons). A
//     persistent weak table logs the entries it loses in its journal.
//
// Tables whose metatable is set by the host (Table.SetMetatable, as a
// persistent graph's loader does) are registered by TrackMetatable.
//
// Safe points also yield to the collector's goroutines: in WebAssembly
// nothing else preempts Lua for them (gcpace_js.go).

type gcState struct {
	mu     sync.Mutex
	due    []*Table              // queued by Go finalizers, run at the next safe point
	marked []weak.Pointer[Table] // tables marked for finalization, for Close
	weak   []weak.Pointer[Table] // tables whose metatable had __mode
	inGC   bool                  // running finalizers (no re-entry)
	mode   string                // "incremental" or "generational"
	params map[string]int        // setpause / setstepmul values
	stop   bool                  // collectgarbage("stop")
	closed bool                  // Close ran
	// Finalizers received from Go, and marked tables found unreachable:
	// a full collection waits until the first catches up with the second.
	queued, unreachable int
	// allocated counts bytes charged since the last safe point.
	allocated int64
	threshold int64
}

func (g *gcState) init() {
	g.mode = "incremental"
	g.params = map[string]int{"setpause": 200, "setstepmul": 100}
	g.threshold = 64 << 20
}

// SetGCMode sets the collector mode reported and changed by
// collectgarbage ("incremental", the default, or "generational", which the
// reference's standalone interpreter selects at start) and returns the
// previous one. Collection itself is Go's either way.
func (s *State) SetGCMode(mode string) string {
	prev := s.gc.mode
	s.gc.mode = mode
	return prev
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
		g.queued++
		g.mu.Unlock()
	})
}

// TrackMetatable registers t with the collector as setmetatable does for
// t's current metatable: for finalization when it has a __gc field, as a
// weak table when it has __mode. Table.SetMetatable registers nothing; a
// host that builds tables with it (a loader restoring a persistent graph)
// calls TrackMetatable once per table, after the metatable's fields are
// in place.
func (s *State) TrackMetatable(t *Table) {
	mt := t.meta
	if mt == nil {
		return
	}
	if fastTM(mt, tmGC).p != nil {
		s.markForFinalization(t)
	}
	if fastTM(mt, tmMode).p != nil {
		s.markWeak(t)
	}
}

// awaitFinalizers waits (briefly) until the Go finalizers of the marked
// tables that the last collection found unreachable have queued them.
func (g *gcState) awaitFinalizers() {
	g.mu.Lock()
	live := g.marked[:0]
	for _, wp := range g.marked {
		if wp.Value() == nil {
			g.unreachable++
		} else {
			live = append(live, wp)
		}
	}
	g.marked = live
	g.mu.Unlock()
	deadline := time.Now().Add(200 * time.Millisecond)
	for {
		g.mu.Lock()
		done := g.queued >= g.unreachable
		g.mu.Unlock()
		if done || time.Now().After(deadline) {
			return
		}
		runtime.Gosched()
	}
}

// safePoint runs the finalizers that became due, after letting the
// collector's own goroutines run (see YieldToCollector).
func (g *gcState) safePoint(t *Thread) {
	g.allocated = 0
	YieldToCollector()
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
	ci := t.ci
	ci.flags |= ciFinalizer // names tm "metamethod '__gc'" in tracebacks
	_, err := t.Call(tm, tb.Value())
	ci.flags &^= ciFinalizer
	if err != nil {
		t.state.warn("error in __gc", false)
	}
}

// markWeak registers t, whose new metatable has __mode.
func (s *State) markWeak(t *Table) {
	s.gc.weak = append(s.gc.weak, weak.Make(t))
}

// weakEntry is an entry taken out of a weak table during a collection:
// its weak parts are held only through weak pointers, and its slot (an
// array index, or a node index when node is set) is remembered so that a
// surviving entry goes back exactly where it was (traversals in progress
// are unaffected).
type weakEntry struct {
	tb       *Table
	slot     int
	node     bool
	key, val Value
	wk, wv   weak.Pointer[header]
	keyID    uint64 // a persistent table's weak key's persistent id, for the journal
}

// collectable reports whether v is an object a weak table can lose
// (strings and other values are never removed).
func collectable(v Value) bool {
	switch v.kind() {
	case kindTable, kindLuaFunction, kindGoFunction, kindUserdata, kindThread:
		return true
	}
	return false
}

// deadKey replaces the key of a node whose entry a weak table lost: it
// keeps probe chains intact and matches no key.
var deadKey = unsafe.Pointer(&sentinel{header: header{kindNil}})

// detachWeak takes the entries with collectable weak parts out of the
// registered weak tables.
func (s *State) detachWeak() []weakEntry {
	var out []weakEntry
	take := func(e weakEntry, wk, wv bool) weakEntry {
		if wk && collectable(e.key) {
			if tp, kp := e.tb.pers, persistentOf(e.key); tp != nil && kp != nil && kp.journal == tp.journal {
				e.keyID = kp.ID
			}
			e.wk, e.key = weak.Make((*header)(e.key.p)), Value{n: e.key.n}
		}
		if wv && collectable(e.val) {
			e.wv, e.val = weak.Make((*header)(e.val.p)), Value{n: e.val.n}
		}
		return e
	}
	live := s.gc.weak[:0]
	for _, wp := range s.gc.weak {
		tb := wp.Value()
		if tb == nil {
			continue
		}
		live = append(live, wp)
		mode, _ := fastTM(tb.meta, tmMode).AsString()
		wk, wv := strings.Contains(mode, "k"), strings.Contains(mode, "v")
		if !wv {
			if !wk {
				continue
			}
		} else {
			for i, v := range tb.arr {
				if collectable(v) {
					out = append(out, take(weakEntry{tb: tb, slot: i, key: Int(int64(i) + 1), val: v}, false, true))
					tb.arr[i] = Nil
				}
			}
		}
		for i := range tb.nodes {
			nd := &tb.nodes[i]
			if nd.val.p == nil || !(wk && collectable(nd.key) || wv && collectable(nd.val)) {
				continue
			}
			out = append(out, take(weakEntry{tb: tb, slot: i, node: true, key: nd.key, val: nd.val}, wk, wv))
			nd.key = Value{p: deadKey}
			nd.val = Nil
		}
	}
	s.gc.weak = live
	return out
}

// reattachWeak puts back the detached entries whose weak parts survived,
// and logs the others' loss in the journal of a persistent table.
func reattachWeak(entries []weakEntry) {
	for _, e := range entries {
		k, v := e.key, e.val
		if e.wk != (weak.Pointer[header]{}) {
			p := e.wk.Value()
			if p == nil {
				if e.tb.pers != nil {
					e.tb.pers.journal.logLost(e.tb, Nil, e.keyID)
				}
				continue
			}
			k.p = unsafe.Pointer(p)
		}
		if e.wv != (weak.Pointer[header]{}) {
			p := e.wv.Value()
			if p == nil {
				if e.tb.pers != nil {
					e.tb.pers.journal.logLost(e.tb, k, 0)
				}
				continue
			}
			v.p = unsafe.Pointer(p)
		}
		if e.node {
			e.tb.keys |= 1 << (hashKey(k) & 31)
			e.tb.nodes[e.slot] = node{k, v}
		} else {
			e.tb.arr[e.slot] = v
		}
	}
}

// shrink releases what a deep recursion left behind: cached frames above
// the running one, and stack space well beyond what the frames use.
func (t *Thread) shrink() {
	t.ci.next = nil
	hi := t.top
	for ci := t.ci; ci != &t.baseCI; ci = ci.prev {
		hi = max(hi, ci.top)
	}
	if size := 2 * (hi + basicStackSize); size < len(t.stack)/2 {
		ns := make([]Value, size)
		copy(ns, t.stack)
		t.stack = ns
		for _, u := range t.openUpvals {
			u.v = &ns[u.idx]
		}
	}
}

// collect runs a full Go collection, clearing weak tables, and the
// finalizers it made due.
func (s *State) collect(t *Thread) {
	// Slots above the top are dead (the reference's collector clears
	// them too); stale values there must not keep objects alive.
	clear(t.stack[t.top:])
	clear(t.retbuf[:cap(t.retbuf)])
	t.shrink()
	detached := s.detachWeak()
	runtime.GC()
	reattachWeak(detached)
	s.gc.awaitFinalizers()
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
