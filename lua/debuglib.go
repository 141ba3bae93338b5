package lua

import (
	"strings"
	"unsafe"
	"weak"
)

// The debug library (ldblib.c), without hooks.

// OpenDebug returns the debug module table.
func OpenDebug(s *State) *Table {
	m := NewTable(0, 16)
	for name, fn := range map[string]GoFunc{
		"traceback":    dbTraceback,
		"getinfo":      dbGetinfo,
		"sethook":      dbSethook,
		"gethook":      dbGethook,
		"getlocal":     dbGetlocal,
		"setlocal":     dbSetlocal,
		"getmetatable": dbGetmetatable,
		"setmetatable": dbSetmetatable,
		"getupvalue":   dbGetupvalue,
		"setupvalue":   dbSetupvalue,
		"upvaluejoin":  dbUpvaluejoin,
		"upvalueid":    dbUpvalueid,
		"getregistry":  dbGetregistry,
		"getuservalue": dbGetuservalue,
		"setuservalue": dbSetuservalue,
	} {
		m.SetStr(name, NewGoFunction(name, fn).Value())
	}
	return m
}

// threadArg returns the thread a debug function works on and the index
// of its first other argument.
func threadArg(t *Thread, args []Value) (*Thread, int) {
	if co := Arg(args, 1).AsThread(); co != nil {
		return co, 1
	}
	return t, 0
}

// frameAt returns the frame at level (0 = running function) of co, or nil.
func (co *Thread) frameAt(level int) *callInfo {
	if level < 0 {
		return nil
	}
	ci := co.ci
	for ; level > 0 && ci != &co.baseCI; level-- {
		ci = ci.prev
	}
	if ci == &co.baseCI {
		return nil
	}
	return ci
}

func dbTraceback(t *Thread, args []Value) ([]Value, error) {
	co, arg := threadArg(t, args)
	msgv := Arg(args, arg+1)
	msg, isStr := msgv.ToStringCoerce()
	if !isStr && !msgv.IsNil() {
		return t.Ret(msgv)
	}
	def := int64(0)
	if co == t {
		def = 1
	}
	level, err := OptInt(args, arg+2, def)
	if err != nil {
		return nil, err
	}
	tb := t.traceback(co, int(level))
	if isStr {
		tb = msg + "\n" + tb
	}
	return t.Ret(String(tb))
}

func dbGetinfo(t *Thread, args []Value) ([]Value, error) {
	co, arg := threadArg(t, args)
	opts, err := OptString(args, arg+2, "flnSrtu")
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(opts, ">") {
		return nil, ArgError(arg+2, "invalid option '>'")
	}
	for _, c := range opts {
		if !strings.ContainsRune("SlnrutLf", c) {
			return nil, ArgError(arg+2, "invalid option")
		}
	}
	var ci *callInfo
	fn := Arg(args, arg+1)
	if !fn.IsFunction() {
		level, err := CheckInt(args, arg+1)
		if err != nil {
			return nil, err
		}
		if ci = co.frameAt(int(level)); ci == nil {
			return t.Ret(Nil)
		}
		fn = ci.function()
	}
	r := NewTable(0, 16)
	lf := fn.AsLuaFunction()
	if strings.Contains(opts, "S") {
		if lf != nil {
			p := lf.proto.src
			src := p.Source
			if src == "" {
				src = "=?"
			}
			r.SetStr("source", String(src))
			r.SetStr("short_src", String(lf.proto.chunkID))
			r.SetStr("linedefined", Int(int64(p.LineDefined)))
			r.SetStr("lastlinedefined", Int(int64(p.LastLineDefined)))
			what := "Lua"
			if p.LineDefined == 0 {
				what = "main"
			}
			r.SetStr("what", String(what))
		} else {
			r.SetStr("source", String("=[C]"))
			r.SetStr("short_src", String("[C]"))
			r.SetStr("linedefined", Int(-1))
			r.SetStr("lastlinedefined", Int(-1))
			r.SetStr("what", String("C"))
		}
	}
	if strings.Contains(opts, "l") {
		line := -1
		if ci != nil && lf != nil {
			line = ci.currentLine()
		}
		r.SetStr("currentline", Int(int64(line)))
	}
	if strings.Contains(opts, "u") {
		if lf != nil {
			r.SetStr("nups", Int(int64(len(lf.upvals))))
			r.SetStr("nparams", Int(int64(lf.proto.numParams)))
			r.SetStr("isvararg", Bool(lf.proto.isVararg))
		} else {
			r.SetStr("nups", Int(0))
			r.SetStr("nparams", Int(0))
			r.SetStr("isvararg", True)
		}
	}
	if strings.Contains(opts, "n") && ci != nil {
		if kind, name := funcNameFromCall(ci); kind != "" {
			r.SetStr("name", String(name))
			r.SetStr("namewhat", String(kind))
		} else {
			r.SetStr("namewhat", String(""))
		}
	} else if strings.Contains(opts, "n") {
		r.SetStr("namewhat", String(""))
	}
	if strings.Contains(opts, "r") {
		r.SetStr("ftransfer", Int(0))
		r.SetStr("ntransfer", Int(0))
	}
	if strings.Contains(opts, "t") {
		r.SetStr("istailcall", Bool(ci != nil && ci.flags&ciTail != 0))
	}
	if strings.Contains(opts, "L") && lf != nil {
		lines := NewTable(0, 8)
		p := lf.proto.src
		start := 0
		if p.IsVararg {
			start = 1 // VARARGPREP
		}
		for pc := start; pc < len(p.LineInfo); pc++ {
			lines.Set(Int(int64(p.LineInfo[pc])), True)
		}
		r.SetStr("activelines", lines.Value())
	}
	if strings.Contains(opts, "f") {
		r.SetStr("func", fn)
	}
	return t.Ret(r.Value())
}

// findLocal returns the name and stack slot of local n of frame ci (as
// luaG_findlocal: named locals, "(temporary)" slots, negative n for
// varargs), or "".
func (co *Thread) findLocal(ci *callInfo, n int) (string, int) {
	base := ci.funcIdx + 1
	name := ""
	if ci.lf != nil && ci.flags&ciGo == 0 {
		base = ci.base
		if n < 0 {
			if -n <= ci.nextra {
				return "(vararg)", ci.base - 1 - ci.nextra + (-n - 1)
			}
			return "", 0
		}
		name = ci.lf.proto.src.LocalName(n, ci.currentPC())
	}
	if name == "" {
		limit := co.top
		if ci != co.ci {
			limit = ci.next.funcIdx
		}
		if n > 0 && limit-base >= n {
			if ci.lf != nil && ci.flags&ciGo == 0 {
				name = "(temporary)"
			} else {
				name = "(C temporary)"
			}
		} else {
			return "", 0
		}
	}
	return name, base + n - 1
}

func dbGetlocal(t *Thread, args []Value) ([]Value, error) {
	co, arg := threadArg(t, args)
	n, err := CheckInt(args, arg+2)
	if err != nil {
		return nil, err
	}
	if f := Arg(args, arg+1); f.IsFunction() {
		if lf := f.AsLuaFunction(); lf != nil {
			if name := lf.proto.src.LocalName(int(n), 0); name != "" {
				return t.Ret(String(name))
			}
		}
		return t.Ret(Nil)
	}
	level, err := CheckInt(args, arg+1)
	if err != nil {
		return nil, err
	}
	ci := co.frameAt(int(level))
	if ci == nil {
		return nil, ArgError(arg+1, "level out of range")
	}
	name, idx := co.findLocal(ci, int(n))
	if name == "" {
		return t.Ret(Nil)
	}
	return t.Ret(String(name), co.stack[idx])
}

func dbSetlocal(t *Thread, args []Value) ([]Value, error) {
	co, arg := threadArg(t, args)
	level, err := CheckInt(args, arg+1)
	if err != nil {
		return nil, err
	}
	n, err := CheckInt(args, arg+2)
	if err != nil {
		return nil, err
	}
	v, err := CheckAny(args, arg+3)
	if err != nil {
		return nil, err
	}
	ci := co.frameAt(int(level))
	if ci == nil {
		return nil, ArgError(arg+1, "level out of range")
	}
	name, idx := co.findLocal(ci, int(n))
	if name == "" {
		return t.Ret(Nil)
	}
	co.stack[idx] = v
	return t.Ret(String(name))
}

func dbGetmetatable(t *Thread, args []Value) ([]Value, error) {
	v, err := CheckAny(args, 1)
	if err != nil {
		return nil, err
	}
	if mt := t.state.metaOf(v); mt != nil {
		return t.Ret(mt.Value())
	}
	return t.Ret(Nil)
}

func dbSetmetatable(t *Thread, args []Value) ([]Value, error) {
	mv := Arg(args, 2)
	if !mv.IsNil() && mv.AsTable() == nil {
		return nil, TypeError(2, "nil or table", args)
	}
	v := Arg(args, 1)
	mt := mv.AsTable()
	switch v.kind() {
	case kindTable:
		t.state.setTableMeta((*Table)(v.p), mt)
	case kindUserdata:
		(*Userdata)(v.p).meta = mt
	default:
		t.state.typeMetas[v.Type()] = mt
	}
	return t.Ret(v)
}

// upvalueArg returns the closure and 0-based index named by arguments
// (f, n), or ok false when out of range.
func upvalueArg(args []Value, fArg int) (*LuaFunction, int, bool, error) {
	if _, err := CheckFunction(args, fArg); err != nil {
		return nil, 0, false, err
	}
	n, err := CheckInt(args, fArg+1)
	if err != nil {
		return nil, 0, false, err
	}
	lf := args[fArg-1].AsLuaFunction()
	if lf == nil || n < 1 || n > int64(len(lf.upvals)) {
		return nil, 0, false, nil
	}
	return lf, int(n - 1), true, nil
}

func upvalueName(lf *LuaFunction, i int) string {
	if name := lf.proto.src.Upvalues[i].Name; name != "" {
		return name
	}
	return "(no name)"
}

func dbGetupvalue(t *Thread, args []Value) ([]Value, error) {
	lf, i, ok, err := upvalueArg(args, 1)
	if err != nil || !ok {
		return nil, err
	}
	return t.Ret(String(upvalueName(lf, i)), lf.upvals[i].Get())
}

func dbSetupvalue(t *Thread, args []Value) ([]Value, error) {
	if _, err := CheckAny(args, 3); err != nil {
		return nil, err
	}
	lf, i, ok, err := upvalueArg(args, 1)
	if err != nil || !ok {
		return nil, err
	}
	setUpvalue(lf.upvals[i], args[2])
	return t.Ret(String(upvalueName(lf, i)))
}

func dbUpvaluejoin(t *Thread, args []Value) ([]Value, error) {
	f1, i1, ok1, err := upvalueArg(args, 1)
	if err != nil {
		return nil, err
	}
	if !ok1 {
		return nil, ArgError(2, "invalid upvalue index")
	}
	f2, i2, ok2, err := upvalueArg(args, 3)
	if err != nil {
		return nil, err
	}
	if !ok2 {
		return nil, ArgError(4, "invalid upvalue index")
	}
	if f1.pers != nil {
		f1.pers.journal.logUpvalue(f1, i1)
	}
	f1.upvals[i1] = f2.upvals[i2]
	return nil, nil
}

// dbUpvalueid returns a value that identifies the upvalue cell: the same
// userdata for closures that share it (the reference's light userdata).
func dbUpvalueid(t *Thread, args []Value) ([]Value, error) {
	n, err := CheckInt(args, 2)
	if err != nil {
		return nil, err
	}
	if _, err := CheckFunction(args, 1); err != nil {
		return nil, err
	}
	lf := args[0].AsLuaFunction()
	if lf == nil || n < 1 || n > int64(len(lf.upvals)) {
		return t.Ret(Nil)
	}
	return t.Ret(t.state.upvalueID(lf.upvals[n-1]))
}

// upvalueID returns the identity userdata of cell u, kept in a map from
// cells to identities that holds neither alive.
func (s *State) upvalueID(u *UpVal) Value {
	key := uintptr(unsafe.Pointer(u))
	if id, ok := s.upvalIDs[key]; ok {
		if ref := id.Data.(weak.Pointer[UpVal]); ref.Value() == u {
			return id.Value()
		}
	}
	if len(s.upvalIDs) >= 2*s.upvalIDsLive+64 {
		// Drop the identities of cells that were collected.
		for k, id := range s.upvalIDs {
			if id.Data.(weak.Pointer[UpVal]).Value() == nil {
				delete(s.upvalIDs, k)
			}
		}
		s.upvalIDsLive = len(s.upvalIDs)
	}
	if s.upvalIDs == nil {
		s.upvalIDs = make(map[uintptr]*Userdata)
	}
	id := NewUserdata(weak.Make(u))
	s.upvalIDs[key] = id
	return id.Value()
}

func dbGetregistry(t *Thread, args []Value) ([]Value, error) {
	return t.Ret(t.state.registry.Value())
}

func dbGetuservalue(t *Thread, args []Value) ([]Value, error) {
	n, err := OptInt(args, 2, 1)
	if err != nil {
		return nil, err
	}
	u := Arg(args, 1).AsUserdata()
	if u == nil || n != 1 {
		// Not a userdata, or no such user value (a userdata has one).
		return t.Ret(Nil)
	}
	return t.Ret(u.UserValue, True)
}

func dbSetuservalue(t *Thread, args []Value) ([]Value, error) {
	u := Arg(args, 1).AsUserdata()
	if u == nil {
		return nil, TypeError(1, "userdata", args)
	}
	v, err := CheckAny(args, 2)
	if err != nil {
		return nil, err
	}
	n, err := OptInt(args, 3, 1)
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return t.Ret(Nil)
	}
	u.UserValue = v
	return t.Ret(args[0])
}
