package lua

import (
	"errors"
	"strconv"
	"strings"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/syntax"
)

// Raising errors. A runtime error is an *Error whose value is the message
// prefixed with the position of the running Lua function, as the
// reference's luaG_runerror builds it. Errors from Go functions get their
// position and argument names from the calling instruction (luaL_error,
// luaL_argerror). Every error goes once through its raise point
// (processError), where the message handler of an enclosing xpcall runs on
// the intact stack, or the traceback is captured for the host.

func chunkID(source string) string {
	if source == "" {
		return "?"
	}
	return syntax.ChunkID(source)
}

// where returns "chunk:line: " for the function at level (0 = running),
// or "" when it is a Go function or has no line information.
func (t *Thread) where(level int) string {
	ci := t.ci
	for ; level > 0 && ci != &t.baseCI; level-- {
		ci = ci.prev
	}
	if ci == &t.baseCI || ci.lf == nil {
		return ""
	}
	if line := ci.currentLine(); line > 0 {
		return ci.lf.proto.chunkID + ":" + strconv.Itoa(line) + ": "
	}
	return ""
}

// runtimeError returns msg raised by the running function.
func (t *Thread) runtimeError(msg string) *Error {
	return &Error{Value: String(t.where(0) + msg)}
}

func (t *Thread) runtimeErrorf(format string, args ...any) *Error {
	return t.runtimeError(printf.Sprintf(format, args...))
}

// typeError is "attempt to <op> a <type> value<varinfo>" for the value in
// register reg (or upvalue upv, or neither when both are -1) of the running
// Lua function.
func (t *Thread) typeError(v Value, op string, reg, upv int) *Error {
	return t.runtimeErrorf("attempt to %s a %s value%s", op, t.state.objTypeName(v), varInfo(t.ci, reg, upv))
}

// opError blames the operand of a failed arithmetic, bitwise or
// concatenation operation: the first one unless it is a number
// (luaG_opinterror); regs are the operands' registers or -1.
func (t *Thread) opError(a, b Value, ra, rb int, msg string) *Error {
	if !a.IsNumber() {
		b, rb = a, ra
	}
	return t.typeError(b, msg, rb, -1)
}

// toIntError is "number has no integer representation" for the operand
// that is not integral.
func (t *Thread) toIntError(a, b Value, ra, rb int) *Error {
	if _, ok := toIntegerStrict(a); !ok || a.IsString() {
		b, rb = a, ra
	}
	return t.runtimeErrorf("number%s has no integer representation", varInfo(t.ci, rb, -1))
}

// orderError is "attempt to compare ..." for two values without an order.
func (t *Thread) orderError(a, b Value) *Error {
	t1, t2 := t.state.objTypeName(a), t.state.objTypeName(b)
	if t1 == t2 {
		return t.runtimeErrorf("attempt to compare two %s values", t1)
	}
	return t.runtimeErrorf("attempt to compare %s with %s", t1, t2)
}

// callError is "attempt to call a X value (name)" for a non-callable value
// in the function slot of the calling instruction.
func (t *Thread) callError(v Value, reg int) *Error {
	ci := t.ci
	extra := ""
	if ci.lf != nil && ci.flags&ciGo == 0 {
		kind, name := funcNameFromCode(ci.lf.proto.src, ci.currentPC())
		if kind != "" {
			extra = formatVarInfo(kind, name)
		} else {
			extra = varInfo(ci, reg, -1)
		}
	}
	return t.runtimeErrorf("attempt to call a %s value%s", t.state.objTypeName(v), extra)
}

// goPanic is a Go panic inside a Go function, turned into a Lua error.
type goPanic struct{ v any }

func (p *goPanic) Error() string { return printf.Sprintf("Go panic: %v", p.v) }

// goError converts an error returned by the Go function running in t.ci
// (still the current frame) into a Lua error, unprocessed unless it
// already was.
func (t *Thread) goError(err error) *Error {
	var e *Error
	switch x := err.(type) {
	case *Error:
		return x
	case *runtimeError:
		e = &Error{Value: String(t.where(1) + x.msg)}
	case *argError:
		e = &Error{Value: String(t.where(1) + t.argErrorMsg(x.n, x.msg))}
	case *typeError:
		msg := x.expected + " expected, got " + t.argTypeName(x.got)
		e = &Error{Value: String(t.where(1) + t.argErrorMsg(x.n, msg))}
	case *KeyError:
		e = &Error{Value: String(x.Msg)}
	default:
		if le, ok := errors.AsType[*Error](err); ok {
			return le
		}
		e = &Error{Value: String(t.where(1) + err.Error())}
	}
	return e
}

// argTypeName names an argument's type as luaL_typeerror does.
func (t *Thread) argTypeName(v Value) string {
	if mt := t.state.metaOf(v); mt != nil {
		if n, ok := mt.getStr((*stringObject)(nameKey.p)).AsString(); ok {
			return n
		}
	}
	return v.TypeName()
}

// argErrorMsg formats "bad argument #n to 'name' (msg)" for the Go
// function running in t.ci, as luaL_argerror does.
func (t *Thread) argErrorMsg(n int, msg string) string {
	ci := t.ci
	kind, name := funcNameFromCall(ci)
	if kind == "method" {
		n--
		if n == 0 {
			return printf.Sprintf("calling '%s' on bad self", name)
		}
	}
	if kind == "" {
		if g := t.state.globalFuncName(ci.function()); g != "" {
			name = g
		} else {
			name = "?"
		}
	}
	return printf.Sprintf("bad argument #%d to '%s' (%s)", n, name, msg)
}

// LoadedTable returns the table of loaded modules (package.loaded, kept in
// the registry as "_LOADED"), creating it if needed.
func (s *State) LoadedTable() *Table {
	if t := s.registry.GetStr("_LOADED").AsTable(); t != nil {
		return t
	}
	t := NewTable(0, 16)
	s.registry.SetStr("_LOADED", t.Value())
	return t
}

// globalFuncName finds fn in the loaded modules ("string.rep", "print"),
// as lauxlib's pushglobalfuncname does, or returns "".
func (s *State) globalFuncName(fn Value) string {
	if fn.p == nil {
		return ""
	}
	loaded := s.registry.GetStr("_LOADED").AsTable()
	if loaded == nil {
		return ""
	}
	name := findField(loaded, fn, 2)
	return strings.TrimPrefix(name, "_G.")
}

// findField searches t and, up to level-1 more levels, its table fields
// for the value fn, returning its dotted path.
func findField(t *Table, fn Value, level int) string {
	if level == 0 {
		return ""
	}
	var k, v Value
	for {
		var ok bool
		k, v, ok, _ = t.Next(k)
		if !ok {
			return ""
		}
		ks, isStr := k.AsString()
		if !isStr {
			continue
		}
		if RawEqual(v, fn) {
			return ks
		}
		if sub := v.AsTable(); sub != nil {
			if name := findField(sub, fn, level-1); name != "" {
				return ks + "." + name
			}
		}
	}
}

// processError runs the raise-point processing of e once: an enclosing
// xpcall's message handler transforms the value; with no enclosing
// protected call at all, the traceback is captured for the host.
func (t *Thread) processError(e *Error) {
	if e.processed {
		return
	}
	e.processed = true
	if e.fatal() {
		// No handler sees a limit error, and no Lua code catches it.
		if t == t.state.main {
			e.Traceback = t.traceback(t, 0)
		}
		return
	}
	if t.errfunc.p != nil {
		v, fatal := t.callMessageHandler(t.errfunc, e.Value)
		if fatal != nil {
			// A budget ran out in the handler: the run stops, as for any
			// limit error, rather than becoming "error in error handling".
			*e = *fatal
			return
		}
		e.Value = v
		return
	}
	if t.npcall == 0 && t == t.state.main {
		e.Traceback = t.traceback(t, 0)
	}
}

// callMessageHandler calls an xpcall handler on the erroring stack. A
// handler that fails is called again on its own error, as the reference
// does, until the Go-level nesting limit gives "error in error handling".
// A limit error in the handler is returned as fatal: no handler absorbs it.
func (t *Thread) callMessageHandler(h, v Value) (result Value, fatal *Error) {
	saved := t.errfunc
	t.errfunc = Nil // the handler's own errors are handled here
	defer func() { t.errfunc = saved }()
	for depth := t.nCcalls; ; depth++ {
		if depth >= maxCcalls+maxCcalls/10 {
			return String("error in error handling"), nil
		}
		if t.ci.lf != nil && t.ci.flags&ciGo == 0 && t.top < t.ci.top {
			t.top = t.ci.top
		}
		res, err := t.Call(h, v)
		if err == nil {
			if len(res) == 0 {
				return Nil, nil
			}
			return res[0], nil
		}
		e, ok := errors.AsType[*Error](err)
		if !ok {
			return String(err.Error()), nil
		}
		if e.fatal() {
			return Nil, e
		}
		if strings.HasSuffix(tostringBasic(e.Value), "C stack overflow") && depth < maxCcalls {
			depth = maxCcalls
		}
		v = e.Value
	}
}

// ---- tracebacks ----

const (
	tracebackLevels1 = 10 // levels shown before the elision
	tracebackLevels2 = 11 // levels shown after it
)

// frames returns co's call frames from the running one down, excluding the
// thread's base.
func (co *Thread) frames() []*callInfo {
	var fs []*callInfo
	for ci := co.ci; ci != &co.baseCI; ci = ci.prev {
		fs = append(fs, ci)
	}
	return fs
}

// traceback returns "stack traceback:\n\t..." for co's frames from level
// on, in the format of luaL_traceback; t is the thread asking (for global
// function names).
func (t *Thread) traceback(co *Thread, level int) string {
	fs := co.frames()
	var b strings.Builder
	b.WriteString("stack traceback:")
	last := len(fs) - 1
	limit2show := -1
	if last-level > tracebackLevels1+tracebackLevels2 {
		limit2show = tracebackLevels1
	}
	for level < len(fs) {
		ci := fs[level]
		level++
		if limit2show == 0 {
			n := last - level - tracebackLevels2 + 1
			b.WriteString("\n\t...\t(skipping " + strconv.Itoa(n) + " levels)")
			level += n
			limit2show--
			continue
		}
		limit2show--
		if ci.lf != nil && ci.flags&ciGo == 0 {
			src := ci.lf.proto.chunkID
			if line := ci.currentLine(); line > 0 {
				b.WriteString("\n\t" + src + ":" + strconv.Itoa(line) + ": in ")
			} else {
				b.WriteString("\n\t" + src + ": in ")
			}
		} else {
			b.WriteString("\n\t[C]: in ")
		}
		b.WriteString(t.state.frameFuncName(ci))
		if ci.flags&ciTail != 0 {
			b.WriteString("\n\t(...tail calls...)")
		}
	}
	return b.String()
}

// frameFuncName describes a frame's function for tracebacks.
func (s *State) frameFuncName(ci *callInfo) string {
	if g := s.globalFuncName(ci.function()); g != "" {
		return "function '" + g + "'"
	}
	if kind, name := funcNameFromCall(ci); kind != "" {
		return kind + " '" + cString(name) + "'"
	}
	if ci.lf != nil && ci.flags&ciGo == 0 {
		p := ci.lf.proto.src
		if p.LineDefined == 0 {
			return "main chunk"
		}
		return printf.Sprintf("function <%s:%d>", ci.lf.proto.chunkID, p.LineDefined)
	}
	return "?"
}
