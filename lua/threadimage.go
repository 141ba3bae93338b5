package lua

import (
	"errors"
	"unsafe"

	"github.com/luawasm/luawasm/internal/printf"
)

// Thread images: a coroutine that is not running, exported as plain data
// (values, slot numbers, frame records) and imported back, so that the
// persistence layer can store a suspended coroutine and resume it in
// another process, and roll one back to its state before a failed
// transaction.

// A ThreadImage is the state of a coroutine that is not running: not
// started, suspended in a yield, or dead (possibly with to-be-closed
// variables still pending).
type ThreadImage struct {
	Dead    bool
	Body    Value        // the main function of a coroutine that has not started
	Stack   []Value      // the live slots
	Top     int          // first free slot
	Frames  []FrameImage // active calls, outermost first (the base frame excluded)
	Open    []OpenCell   // open upvalue cells, by ascending slot
	TBC     []int        // slots of pending to-be-closed variables, ascending
	ErrFunc Value        // message handler of the innermost active xpcall
	NPCall  int          // active pcall/xpcall frames
	// Death is the error that killed a dead coroutine (returned again by
	// coroutine.close), or nil.
	Death *Error
}

// A FrameImage is one active call of a thread image.
type FrameImage struct {
	Func     Value
	Flags    FrameFlags
	FuncIdx  int // slot of the function
	Base     int // first register
	Top      int // end of the frame's registers (Lua) or arguments (Go)
	PC       int // next instruction (Lua frames)
	NResults int // expected results, -1 for all
	NExtra   int // extra arguments of a vararg function
	Aux      int // state of an interrupted RETURN or CONCAT
	PcallDst int // protected frames: where the results go
	Handler  Value
	SavedNC  int
}

// FrameFlags describe a frame of a thread image. The values are part of
// the persistence format and never change; they map to the exec loop's
// own frame flags.
type FrameFlags uint16

const (
	FrameGo        FrameFlags = 1 << 0 // a Go function
	FrameProtected FrameFlags = 1 << 1 // a pcall/xpcall run by the exec loop
	FramePcallBody FrameFlags = 1 << 2 // the function called by such a pcall
	FrameFinish    FrameFlags = 1 << 3 // a metamethod finishing an instruction on return
	FrameTail      FrameFlags = 1 << 4 // reached by a tail call
	FrameCoBase    FrameFlags = 1 << 5 // the coroutine's main function
	FrameYield     FrameFlags = 1 << 6 // coroutine.yield waiting to be resumed
)

// frameFlagMap pairs the stable flags with the exec loop's. Frames with
// other flags (resume frames, fresh frames of nested loops) exist only on
// running threads.
var frameFlagMap = [...]struct {
	image FrameFlags
	ci    ciFlags
}{
	{FrameGo, ciGo},
	{FrameProtected, ciProtected},
	{FramePcallBody, ciPcallBody},
	{FrameFinish, ciFinish},
	{FrameTail, ciTail},
	{FrameCoBase, ciCoBase},
	{FrameYield, ciYield},
}

// An OpenCell is an upvalue cell still pointing at a slot of the thread's
// stack.
type OpenCell struct {
	Slot int
	Cell *UpVal
}

// ErrNotSuspended is returned by Image for a thread that is running or
// that resumed another one.
var ErrNotSuspended = errors.New("the coroutine is running")

// Image exports co, which must not be running and must not be a main
// thread. The image shares no memory with co.
func (co *Thread) Image() (*ThreadImage, error) {
	if co == co.state.main {
		return nil, errors.New("the main thread cannot be exported")
	}
	if co.status == threadRunning || co.status == threadNormal {
		return nil, ErrNotSuspended
	}
	return co.image(), nil
}

// image exports co (not running).
func (co *Thread) image() *ThreadImage {
	img := &ThreadImage{
		Dead:    co.status == threadDead,
		Body:    co.body,
		Top:     co.top,
		ErrFunc: co.errfunc,
		NPCall:  co.npcall,
		Death:   co.deathErr,
		TBC:     append([]int(nil), co.tbc...),
	}
	live := co.top
	for _, slot := range co.tbc {
		live = max(live, slot+1)
	}
	// A dead coroutine's frames are never run again: only its pending
	// to-be-closed variables matter.
	for ci := co.baseCI.next; !img.Dead && ci != nil && ci != co.ci.next; ci = ci.next {
		var flags FrameFlags
		for _, m := range frameFlagMap {
			if ci.flags&m.ci != 0 {
				flags |= m.image
			}
		}
		img.Frames = append(img.Frames, FrameImage{
			Func: ci.function(), Flags: flags, FuncIdx: ci.funcIdx, Base: ci.base, Top: ci.top,
			PC: ci.pc, NResults: ci.nresults, NExtra: ci.nextra, Aux: ci.aux,
			PcallDst: ci.pcallDst, Handler: ci.handler, SavedNC: ci.savedNC,
		})
		live = max(live, ci.top)
	}
	live = min(live, len(co.stack))
	img.Stack = append([]Value(nil), co.stack[:live]...)
	for _, u := range co.openUpvals {
		img.Open = append(img.Open, OpenCell{u.idx, u})
	}
	return img
}

// SetImage makes co, a coroutine that is not running (usually a fresh one
// from NewThread), the thread img describes. The open cells of img are
// re-opened on co's stack. The image is checked first, so that a damaged
// one is an error rather than a broken thread.
func (co *Thread) SetImage(img *ThreadImage) error {
	if co == co.state.main || co.status == threadRunning || co.status == threadNormal {
		return errors.New("only a coroutine that is not running can take an image")
	}
	if err := checkImage(img); err != nil {
		return printf.Errorf("invalid coroutine image: %w", err)
	}
	co.restoreImage(img)
	return nil
}

// checkImage verifies what the exec loop relies on: slots inside the
// stack, Lua frames with their full register window, program counters
// inside the code, a suspended thread that is in a yield.
func checkImage(img *ThreadImage) error {
	n := len(img.Stack)
	if n < 1 || n > maxStack || img.Top < 1 || img.Top > n {
		return printf.Errorf("stack of %d slots with top %d", n, img.Top)
	}
	for i, f := range img.Frames {
		switch {
		case f.FuncIdx < 1 || f.Base <= f.FuncIdx || f.Top < f.Base || f.Top > n:
			return printf.Errorf("frame %d: slots %d..%d outside the stack", i, f.FuncIdx, f.Top)
		case f.NExtra < 0 || f.NResults < -1:
			return printf.Errorf("frame %d: bad counts", i)
		case f.PcallDst < 0 || f.PcallDst >= n:
			return printf.Errorf("frame %d: bad protected-call slot", i)
		case f.Flags&^(FrameGo|FrameProtected|FramePcallBody|FrameFinish|FrameTail|FrameCoBase|FrameYield) != 0:
			return printf.Errorf("frame %d: unknown flags %#x", i, f.Flags)
		case (f.Flags&FrameCoBase != 0) != (i == 0):
			return printf.Errorf("frame %d: the coroutine's main function must be the first frame", i)
		}
		if f.Flags&FrameGo != 0 {
			if f.Func.AsGoFunction() == nil {
				return printf.Errorf("frame %d: a Go frame without a Go function", i)
			}
			continue
		}
		lf := f.Func.AsLuaFunction()
		if lf == nil {
			return printf.Errorf("frame %d: a Lua frame without a Lua function", i)
		}
		p := lf.proto
		// A Lua frame below another is inside the instruction that called it.
		if f.Top != f.Base+p.maxStack || f.PC < 0 || f.PC > len(p.code) || (i+1 < len(img.Frames) && f.PC == 0) {
			return printf.Errorf("frame %d: registers or program counter do not fit its function", i)
		}
	}
	if nf := len(img.Frames); nf > 0 && (img.Dead || img.Frames[nf-1].Flags&FrameYield == 0) {
		return errors.New("only a suspended coroutine has frames, the last one a yield")
	}
	for i, c := range img.Open {
		if c.Cell == nil || c.Slot < 1 || c.Slot >= n || (i > 0 && c.Slot <= img.Open[i-1].Slot) {
			return printf.Errorf("open upvalue %d: bad slot %d", i, c.Slot)
		}
	}
	for i, s := range img.TBC {
		if s < 1 || s >= n || (i > 0 && s <= img.TBC[i-1]) {
			return printf.Errorf("to-be-closed variable %d: bad slot %d", i, s)
		}
	}
	if img.NPCall < 0 {
		return errors.New("negative protected-call count")
	}
	return nil
}

// restoreImage makes co the thread img describes (img is trusted).
func (co *Thread) restoreImage(img *ThreadImage) {
	size := max(len(img.Stack)+basicStackSize, basicStackSize)
	co.stack = make([]Value, size)
	copy(co.stack, img.Stack)
	co.top = img.Top
	co.body = img.Body
	co.errfunc = img.ErrFunc
	co.npcall = img.NPCall
	co.deathErr = img.Death
	co.tbc = append(co.tbc[:0], img.TBC...)
	co.nny = 0
	co.resumer = nil
	co.stackErr = false
	co.status = threadSuspended
	if img.Dead {
		co.status = threadDead
	}
	co.baseCI = callInfo{flags: ciGo, top: 1}
	co.ci = &co.baseCI
	for _, f := range img.Frames {
		ci := &callInfo{prev: co.ci}
		co.ci.next = ci
		co.ci = ci
		for _, m := range frameFlagMap {
			if f.Flags&m.image != 0 {
				ci.flags |= m.ci
			}
		}
		if lf := f.Func.AsLuaFunction(); lf != nil && f.Flags&FrameGo == 0 {
			ci.lf = lf
			ci.code = unsafe.Pointer(unsafe.SliceData(lf.proto.code))
			ci.k = unsafe.Pointer(unsafe.SliceData(lf.proto.k))
		} else {
			ci.fn = f.Func
		}
		ci.funcIdx, ci.base, ci.top, ci.pc = f.FuncIdx, f.Base, f.Top, f.PC
		ci.nresults, ci.nextra, ci.aux = f.NResults, f.NExtra, f.Aux
		ci.pcallDst, ci.handler, ci.savedNC = f.PcallDst, f.Handler, f.SavedNC
	}
	co.openUpvals = co.openUpvals[:0]
	for _, c := range img.Open {
		u := c.Cell
		u.idx = c.Slot
		u.v = &co.stack[c.Slot]
		co.openUpvals = append(co.openUpvals, u)
	}
}
