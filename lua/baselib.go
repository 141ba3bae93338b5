package lua

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"unsafe"

	"github.com/luawasm/luawasm/syntax"
)

// The base library (lbaselib.c).

// OpenBase sets the base functions as globals and returns the global table.
func OpenBase(s *State) *Table {
	g := s.globals
	fns := []struct {
		name string
		fn   GoFunc
	}{
		{"assert", baseAssert},
		{"collectgarbage", baseCollectGarbage},
		{"dofile", baseDofile},
		{"error", baseError},
		{"getmetatable", baseGetmetatable},
		{"ipairs", baseIpairs},
		{"load", baseLoad},
		{"loadfile", baseLoadfile},
		{"pairs", basePairs},
		{"print", basePrint},
		{"rawequal", baseRawequal},
		{"rawget", baseRawget},
		{"rawlen", baseRawlen},
		{"rawset", baseRawset},
		{"select", baseSelect},
		{"setmetatable", baseSetmetatable},
		{"tonumber", baseTonumber},
		{"tostring", baseTostring},
		{"type", baseType},
		{"warn", baseWarn},
	}
	for _, f := range fns {
		g.SetStr(f.name, NewGoFunction(f.name, f.fn).Value())
	}
	pcall := NewGoFunction("pcall", basePcall)
	pcall.special = spPcall
	g.SetStr("pcall", pcall.Value())
	xpcall := NewGoFunction("xpcall", baseXpcall)
	xpcall.special = spXpcall
	g.SetStr("xpcall", xpcall.Value())
	g.SetStr("next", nextFunc.Value())
	g.SetStr("_G", g.Value())
	g.SetStr("_VERSION", String("Lua 5.4"))
	return g
}

var (
	nextFunc   = NewGoFunction("next", baseNext)
	ipairsIter = NewGoFunction("ipairs_aux", ipairsAux)
)

func baseAssert(t *Thread, args []Value) ([]Value, error) {
	if len(args) > 0 && args[0].Truthy() {
		return args, nil
	}
	if _, err := CheckAny(args, 1); err != nil {
		return nil, err
	}
	msg := String("assertion failed!")
	if len(args) > 1 {
		msg = args[1]
	}
	return baseError(t, []Value{msg})
}

func baseError(t *Thread, args []Value) ([]Value, error) {
	level, err := OptInt(args, 2, 1)
	if err != nil {
		return nil, err
	}
	v := Arg(args, 1)
	if s, ok := v.AsString(); ok && level > 0 {
		v = String(t.where(int(level)) + s)
	}
	return nil, &Error{Value: v}
}

func baseGetmetatable(t *Thread, args []Value) ([]Value, error) {
	v, err := CheckAny(args, 1)
	if err != nil {
		return nil, err
	}
	mt := t.state.metaOf(v)
	if mt == nil {
		return t.Ret(Nil)
	}
	if protected := mt.getStr((*stringObject)(metatableKey.p)); protected.p != nil {
		return t.Ret(protected)
	}
	return t.Ret(mt.Value())
}

func baseSetmetatable(t *Thread, args []Value) ([]Value, error) {
	tb, err := CheckTable(args, 1)
	if err != nil {
		return nil, err
	}
	mv := Arg(args, 2)
	if len(args) < 2 || !mv.IsNil() && mv.AsTable() == nil {
		return nil, TypeError(2, "nil or table", args)
	}
	if tb.meta != nil && tb.meta.getStr((*stringObject)(metatableKey.p)).p != nil {
		return nil, Errorf("cannot change a protected metatable")
	}
	t.state.setTableMeta(tb, mv.AsTable())
	return t.Ret(args[0])
}

// setTableMeta sets a table's metatable, marking the table for
// finalization when the metatable has __gc.
func (s *State) setTableMeta(tb, mt *Table) {
	if tb.pers != nil {
		tb.pers.journal.logMeta(tb)
	}
	tb.meta = mt
	if mt == nil {
		return
	}
	if fastTM(mt, tmGC).p != nil {
		s.markForFinalization(tb)
	}
	if fastTM(mt, tmMode).p != nil {
		s.markWeak(tb)
	}
}

func baseRawequal(t *Thread, args []Value) ([]Value, error) {
	if _, err := CheckAny(args, 1); err != nil {
		return nil, err
	}
	if _, err := CheckAny(args, 2); err != nil {
		return nil, err
	}
	return t.Ret(Bool(RawEqual(args[0], args[1])))
}

func baseRawlen(t *Thread, args []Value) ([]Value, error) {
	n, ok := RawLen(Arg(args, 1))
	if !ok {
		return nil, TypeError(1, "table or string", args)
	}
	return t.Ret(Int(n))
}

func baseRawget(t *Thread, args []Value) ([]Value, error) {
	tb, err := CheckTable(args, 1)
	if err != nil {
		return nil, err
	}
	if _, err := CheckAny(args, 2); err != nil {
		return nil, err
	}
	return t.Ret(tb.Get(args[1]))
}

func baseRawset(t *Thread, args []Value) ([]Value, error) {
	tb, err := CheckTable(args, 1)
	if err != nil {
		return nil, err
	}
	if _, err := CheckAny(args, 2); err != nil {
		return nil, err
	}
	if _, err := CheckAny(args, 3); err != nil {
		return nil, err
	}
	if err := tb.Set(args[1], args[2]); err != nil {
		return nil, err
	}
	return t.Ret(args[0])
}

func baseNext(t *Thread, args []Value) ([]Value, error) {
	tb, err := CheckTable(args, 1)
	if err != nil {
		return nil, err
	}
	k, v, ok, err := tb.Next(Arg(args, 2))
	if err != nil {
		return nil, err
	}
	if !ok {
		return t.Ret(Nil)
	}
	return t.Ret(k, v)
}

func basePairs(t *Thread, args []Value) ([]Value, error) {
	v, err := CheckAny(args, 1)
	if err != nil {
		return nil, err
	}
	if mt := t.state.metaOf(v); mt != nil {
		if tm := mt.getStr((*stringObject)(pairsKey.p)); tm.p != nil {
			res, err := t.Call(tm, v)
			if err != nil {
				return nil, err
			}
			for len(res) < 3 {
				res = append(res, Nil)
			}
			return res[:3], nil
		}
	}
	return t.Ret(nextFunc.Value(), v, Nil)
}

func baseIpairs(t *Thread, args []Value) ([]Value, error) {
	v, err := CheckAny(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(ipairsIter.Value(), v, Int(0))
}

func ipairsAux(t *Thread, args []Value) ([]Value, error) {
	i, err := CheckInt(args, 2)
	if err != nil {
		return nil, err
	}
	i++
	var v Value
	if tb := args[0].AsTable(); tb != nil && tb.meta == nil {
		v = tb.GetInt(i)
	} else if v, err = t.Index(args[0], Int(i)); err != nil {
		return nil, err
	}
	if v.IsNil() {
		return t.Ret(Nil)
	}
	return t.Ret(Int(i), v)
}

func basePrint(t *Thread, args []Value) ([]Value, error) {
	var b strings.Builder
	// Strings print as they are unless the string metatable has __tostring.
	plainStrings := true
	if mt := t.state.typeMetas[TypeString]; mt != nil && mt.getStr((*stringObject)(tostringKey.p)).p != nil {
		plainStrings = false
	}
	for i, v := range args {
		if i > 0 {
			b.WriteByte('\t')
		}
		if s, ok := v.AsString(); ok && plainStrings {
			b.WriteString(s)
			continue
		}
		s, err := t.ToString(v)
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
	}
	b.WriteByte('\n')
	if _, err := t.state.Stdout.Write([]byte(b.String())); err != nil {
		return nil, Errorf("%s", err.Error())
	}
	return nil, nil
}

func baseSelect(t *Thread, args []Value) ([]Value, error) {
	n := int64(len(args))
	if s, ok := Arg(args, 1).AsString(); ok && strings.HasPrefix(s, "#") {
		return t.Ret(Int(n - 1))
	}
	i, err := CheckInt(args, 1)
	if err != nil {
		return nil, err
	}
	if i < 0 {
		i = n + i
	} else if i > n {
		i = n
	}
	if i < 1 {
		return nil, ArgError(1, "index out of range")
	}
	return args[i:], nil
}

func baseTostring(t *Thread, args []Value) ([]Value, error) {
	v, err := CheckAny(args, 1)
	if err != nil {
		return nil, err
	}
	if (v.p == pInt || v.p == pFloat || v.p == pBool) && t.state.metaOf(v) == nil {
		// No metamethod can run: the result is made as a value at once.
		return t.Ret(scalarString(v))
	}
	s, err := t.ToString(v)
	if err != nil {
		return nil, err
	}
	if sv, ok := v.AsString(); ok && len(s) == len(sv) && unsafe.StringData(s) == unsafe.StringData(sv) {
		return t.Ret(v) // a string without __tostring is its own result
	}
	return t.Ret(String(s))
}

func baseType(t *Thread, args []Value) ([]Value, error) {
	v, err := CheckAny(args, 1)
	if err != nil {
		return nil, err
	}
	return t.Ret(typeNameValues[v.Type()])
}

var typeNameValues = func() (vs [8]Value) {
	for i, n := range typeNames {
		vs[i] = String(n)
	}
	return
}()

func baseTonumber(t *Thread, args []Value) ([]Value, error) {
	if Arg(args, 2).IsNil() {
		v := Arg(args, 1)
		if v.IsNumber() {
			return t.Ret(v)
		}
		if s, ok := v.AsString(); ok {
			if n, ok := StringToNumber(s); ok {
				return t.Ret(n)
			}
		}
		if _, err := CheckAny(args, 1); err != nil {
			return nil, err
		}
		return t.Ret(Nil)
	}
	base, err := CheckInt(args, 2)
	if err != nil {
		return nil, err
	}
	s, ok := Arg(args, 1).AsString()
	if !ok {
		return nil, TypeError(1, "string", args)
	}
	if base < 2 || base > 36 {
		return nil, ArgError(2, "base out of range")
	}
	if n, ok := stringToIntBase(s, int(base)); ok {
		return t.Ret(Int(n))
	}
	return t.Ret(Nil)
}

// stringToIntBase converts a numeral in the given base (tonumber with a
// base): optional spaces and sign, alphanumeric digits, wrapping on overflow.
func stringToIntBase(s string, base int) (int64, bool) {
	s = strings.TrimLeft(s, " \f\n\r\t\v")
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	var n uint64
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		var d int
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c >= 'a' && c <= 'z':
			d = int(c-'a') + 10
		case c >= 'A' && c <= 'Z':
			d = int(c-'A') + 10
		default:
			goto end
		}
		if d >= base {
			return 0, false
		}
		n = n*uint64(base) + uint64(d)
	}
end:
	if i == 0 {
		return 0, false
	}
	if strings.TrimLeft(s[i:], " \f\n\r\t\v") != "" {
		return 0, false
	}
	if neg {
		n = -n
	}
	return int64(n), true
}

func basePcall(t *Thread, args []Value) ([]Value, error) {
	f, err := CheckAny(args, 1)
	if err != nil {
		return nil, err
	}
	return t.pcallGo(f, args[1:], Nil)
}

func baseXpcall(t *Thread, args []Value) ([]Value, error) {
	if !Arg(args, 2).IsFunction() {
		return nil, TypeError(2, "function", args)
	}
	return t.pcallGo(args[0], args[2:], args[1])
}

// pcallGo is the protected call made from Go code (the exec loop runs
// pcall itself when Lua code calls it).
func (t *Thread) pcallGo(f Value, args []Value, handler Value) ([]Value, error) {
	args = append([]Value(nil), args...) // args alias the stack the call reuses
	saved := t.errfunc
	t.errfunc = handler
	t.npcall++
	res, err := t.Call(f, args...)
	t.npcall--
	t.errfunc = saved
	if err != nil {
		e := toError(err)
		if e.fatal() {
			return nil, e
		}
		t.stackErr = false
		return t.Ret(False, e.Value)
	}
	return append([]Value{True}, res...), nil
}

func baseLoad(t *Thread, args []Value) ([]Value, error) {
	mode, err := OptString(args, 3, "bt")
	if err != nil {
		return nil, err
	}
	chunk := Arg(args, 1)
	var src, name string
	if s, ok := chunk.ToStringCoerce(); ok {
		src = s
		if name, err = OptString(args, 2, s); err != nil {
			return nil, err
		}
	} else {
		if name, err = OptString(args, 2, "=(load)"); err != nil {
			return nil, err
		}
		if !chunk.IsFunction() {
			return nil, TypeError(1, "function", args)
		}
		if src, err = t.readChunk(chunk); err != nil {
			if e := toError(err); !e.fatal() {
				return t.Ret(Nil, e.Value)
			}
			return nil, err
		}
	}
	f, err := t.state.load(src, name, mode)
	if err != nil {
		return t.Ret(Nil, toError(err).Value)
	}
	return t.Ret(t.state.bindEnv(f, args, 4))
}

// readChunk collects the pieces returned by a load reader function.
func (t *Thread) readChunk(reader Value) (string, error) {
	var b strings.Builder
	for {
		res, err := t.Call(reader)
		if err != nil {
			return "", err
		}
		if len(res) == 0 || res[0].IsNil() {
			return b.String(), nil
		}
		s, ok := res[0].ToStringCoerce()
		if !ok {
			return "", &Error{Value: String(t.where(1) + "reader function must return a string")}
		}
		if s == "" {
			return b.String(), nil
		}
		b.WriteString(s)
	}
}

// bindEnv sets the first upvalue of a loaded function to the environment:
// argument envArg when given (even nil), the globals otherwise.
func (s *State) bindEnv(f *LuaFunction, args []Value, envArg int) Value {
	env := s.globals.Value()
	if len(args) >= envArg {
		env = args[envArg-1]
	}
	if len(f.upvals) > 0 {
		f.upvals[0].Set(env)
	}
	return f.Value()
}

func baseLoadfile(t *Thread, args []Value) ([]Value, error) {
	name, err := OptString(args, 1, "")
	if err != nil {
		return nil, err
	}
	mode, err := OptString(args, 2, "bt")
	if err != nil {
		return nil, err
	}
	f, err := t.state.loadFile(name, mode, Arg(args, 1).IsNil())
	if err != nil {
		return t.Ret(Nil, toError(err).Value)
	}
	return t.Ret(t.state.bindEnv(f.AsLuaFunction(), args, 3))
}

// LoadFile loads a source or binary file as luaL_loadfilex does (standard
// input when name is ""), skipping a byte-order mark and a first line that
// starts with '#'; mode is as for Load. The chunk's _ENV is the global
// table. Errors are *Error values with the reference's messages ("cannot
// open name: No such file or directory").
func (s *State) LoadFile(name, mode string) (Value, error) {
	return s.loadFile(name, mode, name == "")
}

// loadFile is LoadFile with standard input chosen by stdin (loadfile("")
// tries to open a file named "", as the reference does).
func (s *State) loadFile(name, mode string, stdin bool) (Value, error) {
	var data []byte
	var err error
	chunkname := "@" + name
	if stdin {
		chunkname = "=stdin"
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		what := "open"
		if _, statErr := os.Stat(name); statErr == nil && !stdin {
			what = "read"
		}
		if stdin {
			name = "stdin"
		}
		return Nil, loadError("cannot " + what + " " + name + ": " + errnoMessage(err))
	}
	return s.Load(syntax.TrimFileHeader(string(data)), chunkname, mode)
}

// errnoMessage renders an OS error as C's strerror does.
func errnoMessage(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	}
	if errno, ok := errors.AsType[syscall.Errno](err); ok {
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

func baseDofile(t *Thread, args []Value) ([]Value, error) {
	name, err := OptString(args, 1, "")
	if err != nil {
		return nil, err
	}
	f, err := t.state.loadFile(name, "bt", Arg(args, 1).IsNil())
	if err != nil {
		return nil, &Error{Value: toError(err).Value}
	}
	return t.Call(f)
}

func baseCollectGarbage(t *Thread, args []Value) ([]Value, error) {
	opt, err := OptString(args, 1, "collect")
	if err != nil {
		return nil, err
	}
	s := t.state
	g := &s.gc
	switch opt {
	case "collect":
		s.collect(t)
		return t.Ret(Int(0))
	case "count":
		return t.Ret(Float(heapKB()))
	case "step":
		n, err := OptInt(args, 2, 0)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			// One basic step never finishes a cycle; just run due finalizers.
			g.safePoint(t)
			return t.Ret(False)
		}
		s.collect(t)
		return t.Ret(True)
	case "stop":
		g.stop = true
		return t.Ret(Int(0))
	case "restart":
		g.stop = false
		return t.Ret(Int(0))
	case "isrunning":
		return t.Ret(Bool(!g.stop))
	case "setpause", "setstepmul":
		v, err := OptInt(args, 2, 0)
		if err != nil {
			return nil, err
		}
		prev := g.params[opt]
		g.params[opt] = int(v)
		return t.Ret(Int(int64(prev)))
	case "incremental", "generational":
		prev := g.mode
		g.mode = opt
		return t.Ret(String(prev))
	}
	return nil, ArgError(1, "invalid option '"+opt+"'")
}

func baseWarn(t *Thread, args []Value) ([]Value, error) {
	if _, err := CheckString(args, 1); err != nil {
		return nil, err
	}
	parts := make([]string, len(args))
	for i := range args {
		s, err := CheckString(args, i+1)
		if err != nil {
			return nil, err
		}
		parts[i] = s
	}
	for i, p := range parts {
		t.state.warn(p, i < len(parts)-1)
	}
	return nil, nil
}

// SetWarnings turns warnings on or off (the -W option of the CLI).
func (s *State) SetWarnings(on bool) { s.warnOn = on }

// warn emits a warning piece as the reference's default warning function
// does: control messages "@on"/"@off", "Lua warning: " before a message,
// a newline after its last piece.
func (s *State) warn(msg string, tocont bool) {
	if !s.warnCont && !tocont && strings.HasPrefix(msg, "@") {
		switch msg[1:] {
		case "on":
			s.warnOn = true
		case "off":
			s.warnOn = false
		}
		return
	}
	if !s.warnOn {
		s.warnCont = tocont
		return
	}
	var b strings.Builder
	if !s.warnCont {
		b.WriteString("Lua warning: ")
	}
	b.WriteString(msg)
	if !tocont {
		b.WriteByte('\n')
	}
	s.warnCont = tocont
	s.Stderr.Write([]byte(b.String()))
}
