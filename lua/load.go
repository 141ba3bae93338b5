package lua

import (
	"strings"

	"github.com/luawasm/luawasm/compile"
	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/syntax"
)

// Loading chunks: source text through the parser and compiler, binary
// chunks through compile.Undump (which verifies them), as the reference's
// lua_load does.

// Load compiles a chunk and returns it as a function whose first upvalue
// (_ENV) is the global table. mode is "t" (text only), "b" (binary only)
// or "bt". Errors are *Error values holding the message as a string.
func (s *State) Load(src, chunkname, mode string) (Value, error) {
	f, err := s.load(src, chunkname, mode)
	if err != nil {
		return Nil, err
	}
	if len(f.upvals) > 0 {
		f.upvals[0].Set(s.globals.Value())
	}
	return f.Value(), nil
}

// load compiles src into a closure with fresh closed upvalues.
func (s *State) load(src, chunkname, mode string) (f *LuaFunction, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, &Error{Value: String(printf.Sprintf("%s: internal error while loading: %v", chunkID(chunkname), r)), processed: true}
		}
	}()
	var p *compile.Proto
	if strings.HasPrefix(src, "\x1b") {
		if !strings.Contains(mode, "b") {
			return nil, loadError(printf.Sprintf("attempt to load a binary chunk (mode is '%s')", mode))
		}
		p, err = compile.Undump([]byte(src), chunkname)
	} else {
		if !strings.Contains(mode, "t") {
			return nil, loadError(printf.Sprintf("attempt to load a text chunk (mode is '%s')", mode))
		}
		var chunk *syntax.Chunk
		chunk, err = syntax.Parse(chunkname, src)
		if err == nil {
			p, err = compile.Compile(chunk)
		}
	}
	if err != nil {
		return nil, loadError(err.Error())
	}
	fp := s.newFuncProto(p)
	f = &LuaFunction{header: header{kindLuaFunction}, proto: fp, upvals: make([]*UpVal, len(p.Upvalues))}
	for i := range f.upvals {
		f.upvals[i] = newClosedUpVal(Nil)
	}
	return f, nil
}

func loadError(msg string) *Error {
	return &Error{Value: String(msg), processed: true}
}

// newFuncProto converts p, sharing string constants across the state so
// that equal keys are usually the same object (a pointer comparison in
// table lookups).
func (s *State) newFuncProto(p *compile.Proto) *funcProto {
	fp := newFuncProto(p)
	s.internConstants(fp)
	return fp
}

// maxInternLen bounds the strings shared by internConstants (the
// reference interns strings up to 40 bytes).
const maxInternLen = 40

func (s *State) internConstants(fp *funcProto) {
	if s.strings == nil {
		s.strings = make(map[string]Value)
		for _, v := range wellKnownStrings() {
			s.strings[v.str()] = v
		}
	}
	for i, v := range fp.k {
		if str, ok := v.AsString(); ok && len(str) <= maxInternLen {
			if shared, ok := s.strings[str]; ok {
				fp.k[i] = shared
			} else {
				stringHash((*stringObject)(v.p))
				s.strings[str] = v
			}
		}
	}
	for _, q := range fp.protos {
		s.internConstants(q)
	}
}

// DumpFunction returns the binary chunk of a Lua function (string.dump).
func DumpFunction(fn Value, strip bool) (string, error) {
	f := fn.AsLuaFunction()
	if f == nil {
		return "", Errorf("unable to dump given function")
	}
	return string(compile.Dump(f.proto.src, strip)), nil
}
