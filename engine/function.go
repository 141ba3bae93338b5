package engine

import (
	"strings"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// PersistOptions tune PersistFunction. (Compression and validation are
// not options: records above the engine's threshold are compressed, and
// stored bytecode is always verified when it is loaded.)
type PersistOptions struct {
	// KeepExisting makes PersistFunction fail instead of replacing an
	// existing entry of the same name.
	KeepExisting bool
}

// envSource builds the environment of persisted functions: globals first,
// then the table the function was persisted into (and, for a table of
// functions, that table first), so that a function can call itself and
// its siblings by name. It is Lua, so the environment persists like any
// closure; assignments to free names go to the globals.
const envSource = `local G, outer = ...
local inner
local env = setmetatable({}, {
  __index = function(_, k)
    local v = G[k]
    if v == nil and inner ~= nil then v = inner[k] end
    if v == nil then v = outer[k] end
    return v
  end,
  __newindex = G,
})
return env, function(t) inner = t end`

// PersistFunction compiles code, a function expression
// ("function(n) ... end") or a table constructor of functions, and stores
// the result as table[name], where table is "Memory" or a path below it
// ("Memory.utils", created when absent; a path not starting with Memory is
// taken relative to it). Inside the function, a free name that is not a
// global resolves to the entry of that name in the table it was persisted
// into, so a recursive function can call itself by name. A syntax error is
// reported as ValidateFunction reports it.
func (e *Engine) PersistFunction(table, name, code string, opts PersistOptions) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if name == "" {
		return luaError("PersistFunction: empty name")
	}
	e.pending = append(e.pending, AuditEntry{Operation: "persistFunction", Collection: table, Key: name})
	return e.transaction("persistFunction", func() error {
		target, err := e.tablePath(table)
		if err != nil {
			return err
		}
		if opts.KeepExisting && !target.GetStr(name).IsNil() {
			return printf.Errorf("PersistFunction: %s.%s exists already", pathName(table), name)
		}
		chunk, err := e.state.Load("return "+code, "="+pathName(table)+"."+name, "t")
		if err != nil {
			if _, msg := validate(e.state, code); msg != "" {
				return luaError(msg)
			}
			return err
		}
		env, setInner, err := e.newEnv(target)
		if err != nil {
			return err
		}
		if err := setEnv(chunk, env); err != nil {
			return err
		}
		res, err := e.state.Call(chunk)
		if err != nil {
			return err
		}
		v := lua.Nil
		if len(res) > 0 {
			v = res[0]
		}
		switch {
		case v.IsFunction():
		case v.AsTable() != nil:
			if _, err := e.state.Call(setInner, v); err != nil {
				return err
			}
		default:
			return printf.Errorf("PersistFunction: the code must be a function expression or a table of functions (it gave a %s)", v.TypeName())
		}
		target.SetStr(name, v)
		return nil
	})
}

// newEnv returns a fresh environment for functions persisted into target.
// The maker is compiled once, so that all environments share one
// prototype (stored once, hashed once).
func (e *Engine) newEnv(target *lua.Table) (env, setInner lua.Value, err error) {
	if e.envMaker.IsNil() {
		if e.envMaker, err = e.state.Load(envSource, "=(persisted function environment)", "t"); err != nil {
			return lua.Nil, lua.Nil, err
		}
	}
	res, err := e.state.Call(e.envMaker, e.state.Globals().Value(), target.Value())
	if err != nil {
		return lua.Nil, lua.Nil, err
	}
	return res[0], res[1], nil
}

// setEnv makes env the _ENV of a loaded chunk (its first upvalue).
func setEnv(chunk, env lua.Value) error {
	f := chunk.AsLuaFunction()
	if f == nil || f.NumUpvalues() == 0 {
		return nil
	}
	f.Upvalue(0).Set(env)
	return nil
}

// tablePath resolves "Memory", "Memory.a.b" or "a.b" (below Memory) to a
// table, creating missing tables.
func (e *Engine) tablePath(path string) (*lua.Table, error) {
	t := e.memory
	rest := strings.TrimPrefix(strings.TrimPrefix(path, "Memory"), ".")
	if path == "" || rest == "" {
		return t, nil
	}
	for _, part := range strings.Split(rest, ".") {
		if part == "" {
			return nil, printf.Errorf("bad table path '%s'", path)
		}
		v := t.GetStr(part)
		next := v.AsTable()
		if next == nil {
			if !v.IsNil() {
				return nil, printf.Errorf("'%s' in '%s' is a %s, not a table", part, path, v.TypeName())
			}
			next = lua.NewTable(0, 0)
			t.SetStr(part, next.Value())
		}
		t = next
	}
	return t, nil
}

// pathName returns the Lua path of a PersistFunction table argument.
func pathName(table string) string {
	if table == "" || table == "Memory" || strings.HasPrefix(table, "Memory.") {
		if table == "" {
			return "Memory"
		}
		return table
	}
	return "Memory." + table
}

// ValidateFunction reports whether code compiles as PersistFunction
// compiles it, without running it; msg is the reference interpreter's
// message, such as
//
//	[string "function(a, b = 0)"]:1: ')' expected near '='
func (e *Engine) ValidateFunction(code string) (ok bool, msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return validate(e.state, code)
}

// validate compiles code as an expression, naming the chunk after the
// code itself as load(code) does.
func validate(s *lua.State, code string) (bool, string) {
	if _, err := s.Load("return "+code, code, "t"); err != nil {
		return false, err.Error()
	}
	return true, ""
}
