package lua

import (
	"context"
	"errors"
	"sync/atomic"
	"unsafe"
)

// Sandbox limits. A state can bound the instructions a run executes, the
// memory its values hold, and be cancelled from another goroutine. All
// three are observed at budget checks: the exec loop counts back-jumps,
// calls and returns down from an interval (Thread.Tick charges the same
// counter from Go code) and calls budgetCheck when it reaches zero, so
// the limits cost nothing in the hot paths.
//
// Running out raises a fatal error: pcall, xpcall, coroutine.resume and
// load do not catch it, message handlers do not see it, and pending
// to-be-closed variables are still closed (their own errors cannot
// replace it). It reaches the host as an *Error that wraps
// ErrInstructionLimit, ErrMemoryLimit or ErrCancelled. A run is one
// outermost State.Call (or DoString): the instruction count and a
// cancellation start over with the next one, so the state stays usable.
//
// Memory is estimated without a hook in every allocation: the Go runtime
// counts the bytes the process allocates, and when the allocations since
// the last count could have taken the state over its limit, the state
// counts what is reachable from its roots (liveBytes). Go functions that
// are about to make one big allocation check it first with Thread.Charge.

// The causes of fatal errors, for errors.Is.
var (
	ErrInstructionLimit = errors.New("instruction budget exhausted")
	ErrMemoryLimit      = errors.New("not enough memory")
	ErrCancelled        = errors.New("cancelled")
)

// limitCheckInterval bounds the steps between budget checks while a limit
// is set, so that the instruction count is exact to within it.
const limitCheckInterval = 1 << 14

// closeGrace is the number of steps a __close metamethod may still run
// after the instruction budget ran out.
const closeGrace = 1 << 14

type limits struct {
	instructions int64 // steps allowed per run, 0 for no limit
	steps        int64 // steps used in this run
	unused       int64 // steps of an interval cut short by Charge

	memory    int64  // bytes allowed, 0 for no limit
	live      int64  // bytes reachable at the last count
	allocMark uint64 // process allocation counter at the last count

	runs      int          // nesting of State.Call
	cancelled atomic.Value // string: the message of a pending cancellation
}

// SetInstructionLimit bounds the steps (back-jumps, calls, returns and
// Tick units) that each run may execute; 0 removes the limit.
func (s *State) SetInstructionLimit(n int64) {
	s.lim.instructions = max(n, 0)
	s.tightenChecks()
}

// SetMemoryLimit bounds the bytes that the state's values may hold (an
// estimate: object headers, table slots and string bytes); 0 removes the
// limit.
func (s *State) SetMemoryLimit(bytes int64) {
	s.lim.memory = max(bytes, 0)
	s.lim.live = 0
	s.lim.allocMark = processAllocated()
	s.tightenChecks()
}

// Cancel stops the run in progress, if any, with the error "cancelled".
// It is safe to call from any goroutine.
func (s *State) Cancel() { s.Interrupt(ErrCancelled.Error()) }

// Interrupt is Cancel with another message (the standalone interpreter
// uses "interrupted!" for Ctrl-C).
func (s *State) Interrupt(msg string) { s.lim.cancelled.Store(msg) }

// CallContext is Call that is cancelled when ctx is done.
func (s *State) CallContext(ctx context.Context, fn Value, args ...Value) ([]Value, error) {
	if err := ctx.Err(); err != nil {
		return nil, &Error{Value: String(ErrCancelled.Error()), processed: true, limit: ErrCancelled}
	}
	s.beginRun()
	s.lim.runs++ // the Call below continues this run: a cancellation stays
	defer func() { s.lim.runs-- }()
	stop := context.AfterFunc(ctx, s.Cancel)
	defer stop()
	return s.Call(fn, args...)
}

// beginRun starts a run unless one is in progress: the instruction count
// and any earlier cancellation start over.
func (s *State) beginRun() {
	if s.lim.runs == 0 {
		s.lim.steps = 0
		s.lim.unused = 0
		s.lim.cancelled.Store("")
		s.checkInterval = s.nextInterval(s.checkInterval)
		s.stepBudget = s.checkInterval
	}
}

// tightenChecks makes the next budget check come within the interval that
// the limits need.
func (s *State) tightenChecks() {
	if s.lim.instructions > 0 || s.lim.memory > 0 {
		if s.stepBudget > limitCheckInterval {
			s.lim.unused += s.stepBudget - limitCheckInterval
			s.stepBudget = limitCheckInterval
		}
	}
}

// Fatal returns an error that a Go function can return to stop the run:
// like a limit error, no protected call in Lua catches it, and the host
// receives it (errors.As finds err). os.exit uses it where it cannot end
// the process.
func Fatal(err error) *Error {
	return &Error{Value: String(err.Error()), processed: true, limit: err}
}

// Unwrap returns the limit that a fatal error reports, or nil.
func (e *Error) Unwrap() error { return e.limit }

// fatal reports whether e is a limit error, which no protected call catches.
func (e *Error) fatal() bool { return e != nil && e.limit != nil }

// limitError returns the fatal error for cause with message msg. An
// exhausted instruction budget is raised by the running function (or its
// Lua caller when that is a Go function); memory errors and cancellations
// have no position, as the reference's "not enough memory" and lua.c's
// "interrupted!".
func (t *Thread) limitError(cause error, msg string) *Error {
	where := ""
	if cause == ErrInstructionLimit {
		where = t.where(0)
		if t.ci.flags&ciGo != 0 {
			where = t.where(1)
		}
	}
	return &Error{Value: String(where + msg), limit: cause}
}

// checkLimits runs at budget checks: it accounts the steps of the interval
// that ended and fails when a limit is reached. The next interval is set
// by the caller.
func (t *Thread) checkLimits(used int64) error {
	s := t.state
	l := &s.lim
	l.steps += used - l.unused
	l.unused = 0
	if msg, _ := l.cancelled.Load().(string); msg != "" {
		return t.limitError(ErrCancelled, msg)
	}
	if l.instructions > 0 && l.steps >= l.instructions {
		// What runs while the error unwinds (__close) gets a little more.
		l.steps = l.instructions - closeGrace
		return t.limitError(ErrInstructionLimit, ErrInstructionLimit.Error())
	}
	if l.memory > 0 && int64(processAllocated()-l.allocMark) > max(l.memory-l.live, l.memory/recountFraction) {
		if s.countLive() > l.memory {
			return t.limitError(ErrMemoryLimit, ErrMemoryLimit.Error())
		}
	}
	return nil
}

// nextInterval returns the steps until the next budget check given the
// interval the collector wants.
func (s *State) nextInterval(want int64) int64 {
	l := &s.lim
	if l.instructions > 0 || l.memory > 0 {
		want = min(want, limitCheckInterval)
	}
	if l.instructions > 0 {
		want = max(min(want, l.instructions-l.steps), 1)
	}
	return want
}

// recountFraction keeps a state near its memory limit from counting its
// live data over and over: between counts it may allocate at least this
// fraction of the limit (the estimate can overshoot by as much).
const recountFraction = 8

// smallCharge is the size below which Charge leaves the memory check to
// the next budget check.
const smallCharge = 64 << 10

// chargeMemory checks an allocation of n bytes against the memory limit.
func (t *Thread) chargeMemory(n int64) error {
	s := t.state
	l := &s.lim
	if n < smallCharge || n <= l.memory-l.live-int64(processAllocated()-l.allocMark) {
		return nil
	}
	if n > l.memory-s.countLive() {
		return t.limitError(ErrMemoryLimit, ErrMemoryLimit.Error())
	}
	return nil
}

// countLive counts the bytes reachable from the state's roots and starts
// the allocation count over from there.
func (s *State) countLive() int64 {
	s.lim.live = s.liveBytes()
	s.lim.allocMark = processAllocated() // after the count's own allocations
	return s.lim.live
}

// Estimated sizes of objects, in bytes.
const (
	sizeValue    = int64(valueSize)
	sizeObject   = 48  // a header with a few words
	sizeTable    = 80  // a Table
	sizeUpVal    = 48  // an UpVal
	sizeCallInfo = 160 // a callInfo
)

// liveBytes estimates the memory held by the values reachable from the
// state's globals, registry, type metatables and threads.
func (s *State) liveBytes() int64 {
	seen := make(map[unsafe.Pointer]struct{})
	var work []Value
	var total int64
	push := func(v Value) {
		if v.p == nil || v.p == pInt || v.p == pFloat || v.p == pBool {
			return
		}
		if _, ok := seen[v.p]; ok {
			return
		}
		seen[v.p] = struct{}{}
		work = append(work, v)
	}
	push(s.globals.Value())
	push(s.registry.Value())
	push(s.main.Value())
	push(s.running.Value())
	for _, mt := range s.typeMetas {
		if mt != nil {
			push(mt.Value())
		}
	}
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		switch v.kind() {
		case kindString:
			total += sizeObject + int64(len(v.str()))
		case kindTable:
			tb := (*Table)(v.p)
			total += sizeTable + sizeValue*int64(cap(tb.arr)) + 2*sizeValue*int64(len(tb.nodes))
			for _, x := range tb.arr {
				push(x)
			}
			for i := range tb.nodes {
				if nd := &tb.nodes[i]; nd.val.p != nil {
					push(nd.key)
					push(nd.val)
				}
			}
			if tb.meta != nil {
				push(tb.meta.Value())
			}
		case kindLuaFunction:
			f := (*LuaFunction)(v.p)
			total += sizeObject + (8+sizeUpVal)*int64(len(f.upvals))
			for _, u := range f.upvals {
				push(*u.v)
			}
		case kindGoFunction:
			g := (*GoFunction)(v.p)
			total += sizeObject
			if g.co != nil {
				push(g.co.Value())
			}
		case kindUserdata:
			u := (*Userdata)(v.p)
			total += sizeObject
			push(u.UserValue)
			if u.meta != nil {
				push(u.meta.Value())
			}
		case kindThread:
			co := (*Thread)(v.p)
			total += sizeObject + sizeValue*int64(cap(co.stack))
			top := co.top
			for ci := co.ci; ci != &co.baseCI; ci = ci.prev {
				total += sizeCallInfo
				top = max(top, ci.top)
				push(ci.fn)
				if ci.lf != nil {
					push(ci.lf.Value())
				}
			}
			for _, x := range co.stack[:min(top, len(co.stack))] {
				push(x)
			}
			push(co.body)
			push(co.errfunc)
		}
	}
	return total
}
