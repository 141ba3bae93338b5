package engine

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// A Schema describes the records of a collection: the rule of each field
// by name. Every write path is checked: Batch sets before they apply,
// plain Lua assignments (and the table library, rawset, ...) at commit,
// from the journal's dirty entries; a violation fails the transaction,
// which rolls back, with an error naming the field and the rule.
type Schema map[string]Field

// A Field is the rule of one field. Zero values mean "no constraint".
type Field struct {
	// Type is "string", "number", "integer" (a number with an integral
	// value), "boolean", "table" or "function"; "" allows any type.
	Type     string
	Required bool
	// Min and Max bound numbers (inclusive).
	Min, Max *float64
	// MinLength and MaxLength bound strings, in UTF-8 characters.
	MinLength, MaxLength *int
	// Pattern is a regular expression matched against strings anywhere
	// unless anchored. Its syntax is the platform's own (see
	// compilePattern): Go's RE2 natively, JavaScript's RegExp in the
	// WebAssembly build; the two agree on everything but lookarounds and
	// backreferences, which only JavaScript has. A leading (?flags) group
	// of i, m and s sets the flags in both.
	Pattern string
	// Enum lists the allowed values (compared as rawequal).
	Enum []lua.Value
	// Fields are the rules of a table value's own fields.
	Fields Schema

	match func(string) bool // the compiled Pattern
	// key is the field's name as a Lua string, made when the schema is
	// compiled: reading a record by it costs no allocation.
	key lua.Value
}

// A SchemaError reports a record that violates its collection's schema.
type SchemaError struct {
	Collection string
	Path       string // the value's path: Memory.users.u1.age
	Rule       string // "type", "required", "min", "max", "minLength", "maxLength", "pattern", "enum"
	Detail     string
}

func (e *SchemaError) Error() string {
	return printf.Sprintf("schema of '%s': %s %s", e.Collection, e.Path, e.Detail)
}

var schemaTypes = []string{"string", "number", "integer", "boolean", "table", "function"}

// compile checks the schema and prepares its patterns.
func (s Schema) compile(where string) error {
	for _, name := range sortedNames(s) {
		f := s[name]
		at := where + name
		if f.Type != "" && !slices.Contains(schemaTypes, f.Type) {
			return printf.Errorf("schema: field '%s': unknown type '%s' (expected %s)", at, f.Type, strings.Join(schemaTypes, ", "))
		}
		if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
			return printf.Errorf("schema: field '%s': min %v is above max %v", at, *f.Min, *f.Max)
		}
		if f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
			return printf.Errorf("schema: field '%s': minLength %d is above maxLength %d", at, *f.MinLength, *f.MaxLength)
		}
		if f.Pattern != "" {
			match, err := compilePattern(f.Pattern)
			if err != nil {
				return printf.Errorf("schema: field '%s': bad pattern (%s syntax): %v", at, patternSyntax, err)
			}
			f.match = match
		}
		if f.Fields != nil {
			if err := f.Fields.compile(at + "."); err != nil {
				return err
			}
		}
		f.key = lua.String(name)
		s[name] = f
	}
	return nil
}

func sortedNames(s Schema) []string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// check validates the record at key of the collection. A record that
// passes costs no allocation: an error's path is put together on the way
// back up from the failing value.
func (s Schema) check(coll string, key, v lua.Value) error {
	var err *SchemaError
	if rec := v.AsTable(); rec == nil {
		err = &SchemaError{Rule: "type", Detail: printf.Sprintf("must be a table (got %s)", v.TypeName())}
	} else if err = s.checkFields(rec); err == nil {
		return nil
	}
	err.Collection = coll
	err.Path = "Memory." + coll + subscript(key) + err.Path
	return err
}

// checkFields checks the fields in map order, which costs nothing, and
// when one fails, again in name order: the error reported is that of the
// first failing field by name. The error's Path is relative to rec.
func (s Schema) checkFields(rec *lua.Table) *SchemaError {
	failed := false
	for _, f := range s {
		if f.check(rec.Get(f.key)) != nil {
			failed = true
			break
		}
	}
	if !failed {
		return nil
	}
	for _, name := range sortedNames(s) {
		f := s[name]
		if err := f.check(rec.Get(f.key)); err != nil {
			err.Path = subscript(lua.String(name)) + err.Path
			return err
		}
	}
	return nil
}

// check validates one field's value. The error has no Collection yet, and
// a Path relative to the field.
func (f *Field) check(v lua.Value) *SchemaError {
	fail := func(rule, format string, args ...any) *SchemaError {
		return &SchemaError{Rule: rule, Detail: printf.Sprintf(format, args...)}
	}
	if v.IsNil() {
		if f.Required {
			return fail("required", "is required")
		}
		return nil
	}
	switch f.Type {
	case "":
	case "integer":
		if _, isInt := v.ToInteger(); !v.IsNumber() || !isInt {
			return fail("type", "must be an integer (got %s)", describe(v))
		}
	case "function":
		if !v.IsFunction() {
			return fail("type", "must be a function (got %s)", v.TypeName())
		}
	default:
		if v.TypeName() != f.Type {
			return fail("type", "must be a %s (got %s)", f.Type, v.TypeName())
		}
	}
	if x, ok := v.ToNumber(); ok && v.IsNumber() {
		if f.Min != nil && !(x >= *f.Min) {
			return fail("min", "must be at least %s (got %s)", num(*f.Min), describe(v))
		}
		if f.Max != nil && !(x <= *f.Max) {
			return fail("max", "must be at most %s (got %s)", num(*f.Max), describe(v))
		}
	}
	if s, ok := v.AsString(); ok {
		n := utf8.RuneCountInString(s)
		if f.MinLength != nil && n < *f.MinLength {
			return fail("minLength", "must be at least %d characters long (got %d)", *f.MinLength, n)
		}
		if f.MaxLength != nil && n > *f.MaxLength {
			return fail("maxLength", "must be at most %d characters long (got %d)", *f.MaxLength, n)
		}
		if f.match != nil && !f.match(s) {
			return fail("pattern", "must match the pattern %s (got %s)", f.Pattern, describe(v))
		}
	}
	if len(f.Enum) > 0 && !slices.ContainsFunc(f.Enum, func(e lua.Value) bool { return lua.RawEqual(e, v) }) {
		var opts []string
		for _, e := range f.Enum {
			opts = append(opts, describe(e))
		}
		return fail("enum", "must be one of %s (got %s)", strings.Join(opts, ", "), describe(v))
	}
	if f.Fields != nil {
		t := v.AsTable()
		if t == nil {
			return fail("type", "must be a table (got %s)", v.TypeName())
		}
		return f.Fields.checkFields(t)
	}
	return nil
}

// subscript renders a key as a path step: .name or [key].
func subscript(k lua.Value) string {
	if s, ok := k.AsString(); ok {
		if isName(s) {
			return "." + s
		}
		return "[" + strconv.Quote(s) + "]"
	}
	return "[" + describe(k) + "]"
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// describe renders a scalar value for messages.
func describe(v lua.Value) string {
	if s, ok := v.AsString(); ok {
		return strconv.Quote(s)
	}
	if v.IsNumber() || v.Type() == lua.TypeBoolean || v.IsNil() {
		if b, ok := v.AsBool(); ok {
			return strconv.FormatBool(b)
		}
		if v.IsNil() {
			return "nil"
		}
		s, _ := v.ToStringCoerce()
		return s
	}
	return v.TypeName()
}

func num(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// SchemaFromTable reads a schema written as a Lua table (the form the
// JavaScript API passes, converted):
//
//	{name = {type = "string", required = true},
//	 age = {type = "number", min = 0, max = 150},
//	 email = {type = "string", pattern = "^[^@]+@[^@]+$"},
//	 address = {type = "table", fields = {city = {type = "string"}}}}
//
// Unknown rule names are errors.
func SchemaFromTable(t *lua.Table) (Schema, error) {
	s := Schema{}
	k := lua.Nil
	for {
		key, v, ok, err := t.Next(k)
		if err != nil {
			return nil, err
		}
		if !ok {
			return s, nil
		}
		k = key
		name, isStr := key.AsString()
		rt := v.AsTable()
		if !isStr || rt == nil {
			return nil, printf.Errorf("schema: each entry must be fieldName = {rules} (got %s = %s)", key.TypeName(), v.TypeName())
		}
		f, err := fieldFromTable(name, rt)
		if err != nil {
			return nil, err
		}
		s[name] = f
	}
}

func fieldFromTable(name string, t *lua.Table) (Field, error) {
	var f Field
	k := lua.Nil
	for {
		key, v, ok, err := t.Next(k)
		if err != nil {
			return f, err
		}
		if !ok {
			return f, nil
		}
		k = key
		rule, _ := key.AsString()
		bad := func(want string) error {
			return printf.Errorf("schema: field '%s': rule '%s' must be %s (got %s)", name, rule, want, v.TypeName())
		}
		switch rule {
		case "type":
			s, ok := v.AsString()
			if !ok {
				return f, bad("a string")
			}
			f.Type = s
		case "required":
			b, ok := v.AsBool()
			if !ok {
				return f, bad("a boolean")
			}
			f.Required = b
		case "min", "max":
			x, ok := v.ToNumber()
			if !ok || !v.IsNumber() {
				return f, bad("a number")
			}
			if rule == "min" {
				f.Min = &x
			} else {
				f.Max = &x
			}
		case "minLength", "maxLength":
			n, ok := v.ToInteger()
			if !ok || !v.IsNumber() || n < 0 || n > math.MaxInt32 {
				return f, bad("a non-negative integer")
			}
			m := int(n)
			if rule == "minLength" {
				f.MinLength = &m
			} else {
				f.MaxLength = &m
			}
		case "pattern":
			s, ok := v.AsString()
			if !ok {
				return f, bad("a string")
			}
			f.Pattern = s
		case "enum":
			et := v.AsTable()
			if et == nil {
				return f, bad("a list")
			}
			n := et.Len()
			for i := int64(1); i <= n; i++ {
				f.Enum = append(f.Enum, et.GetInt(i))
			}
		case "fields":
			ft := v.AsTable()
			if ft == nil {
				return f, bad("a table")
			}
			sub, err := SchemaFromTable(ft)
			if err != nil {
				return f, err
			}
			f.Fields = sub
		default:
			return f, printf.Errorf("schema: field '%s': unknown rule '%s'", name, rule)
		}
	}
}

// table returns the schema as a Lua table (the form SchemaFromTable reads),
// to persist it.
func (s Schema) table() *lua.Table {
	t := lua.NewTable(0, len(s))
	for _, name := range sortedNames(s) {
		f := s[name]
		ft := lua.NewTable(0, 4)
		if f.Type != "" {
			ft.SetStr("type", lua.String(f.Type))
		}
		if f.Required {
			ft.SetStr("required", lua.True)
		}
		if f.Min != nil {
			ft.SetStr("min", lua.Float(*f.Min))
		}
		if f.Max != nil {
			ft.SetStr("max", lua.Float(*f.Max))
		}
		if f.MinLength != nil {
			ft.SetStr("minLength", lua.Int(int64(*f.MinLength)))
		}
		if f.MaxLength != nil {
			ft.SetStr("maxLength", lua.Int(int64(*f.MaxLength)))
		}
		if f.Pattern != "" {
			ft.SetStr("pattern", lua.String(f.Pattern))
		}
		if len(f.Enum) > 0 {
			et := lua.NewTable(len(f.Enum), 0)
			for i, v := range f.Enum {
				et.SetInt(int64(i)+1, v)
			}
			ft.SetStr("enum", et.Value())
		}
		if f.Fields != nil {
			ft.SetStr("fields", f.Fields.table().Value())
		}
		t.SetStr(name, ft.Value())
	}
	return t
}

// SetSchema sets (or, with nil, removes) the schema of a collection. The
// collection's existing records must satisfy it: if one does not, the
// schema is not set and the error names it.
func (e *Engine) SetSchema(collection string, s Schema) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if collection == "" {
		return luaError("SetSchema: empty collection name")
	}
	if s != nil {
		s = cloneSchema(s)
		if err := s.compile(""); err != nil {
			return luaError(err.Error())
		}
	}
	e.pending = append(e.pending, AuditEntry{Operation: "setSchema", Collection: collection})
	return e.transaction("setSchema", func() error {
		schemas := subTable(e.sys, "schemas")
		if s == nil {
			schemas.SetStr(collection, lua.Nil)
		} else {
			schemas.SetStr(collection, s.table().Value())
		}
		e.colls.defsChanged = true
		c := e.colls.track(collection)
		if s == nil {
			c.schema = nil
			return nil
		}
		c.schema = &s
		e.colls.full[c] = true
		return nil
	})
}

// cloneSchema copies s deeply, so that compiling it does not change the
// caller's maps.
func cloneSchema(s Schema) Schema {
	c := make(Schema, len(s))
	for name, f := range s {
		if f.Fields != nil {
			f.Fields = cloneSchema(f.Fields)
		}
		c[name] = f
	}
	return c
}

// subTable returns t[name], creating it when absent.
func subTable(t *lua.Table, name string) *lua.Table {
	if st := t.GetStr(name).AsTable(); st != nil {
		return st
	}
	st := lua.NewTable(0, 0)
	t.SetStr(name, st.Value())
	return st
}
