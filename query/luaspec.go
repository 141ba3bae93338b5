package query

import (
	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// SpecFromTable reads a query spec written as a Lua table, the form shared
// by the Lua binding and the JavaScript API (whose JSON spec arrives as a
// table):
//
//	{field = "score", op = ">=", value = 800,   -- op may be spelled operator
//	 where = {{field = "status", op = "=", value = "active"}, ...},  -- all must hold
//	 any = {{field = "age", op = "<", value = 18}, ...},  -- one must hold
//	 sort = "desc",   -- or {field = "name", order = "asc"}, or {"name", "asc"}
//	 limit = 10, offset = 20, count = true, table = "appUsers"}
//
// where may also be a single condition. Unknown options are errors, so
// that a misspelled one does not silently widen the query.
func SpecFromTable(t *lua.Table) (Spec, error) {
	var s Spec
	err := eachOption(t, "query option", func(name string, v lua.Value) error {
		var err error
		switch name {
		case "table":
			s.Table, err = stringOption(name, v)
		case "field":
			s.Field, err = stringOption(name, v)
		case "op", "operator":
			if s.Op != "" {
				return printf.Errorf("query spec gives both op and operator")
			}
			var op string
			op, err = stringOption(name, v)
			s.Op = Op(op)
		case "value":
			s.Value = v
		case "where":
			s.And, err = condsOption(name, v)
		case "any":
			s.Or, err = condsOption(name, v)
		case "limit":
			s.Limit, err = intOption(name, v)
		case "offset":
			s.Offset, err = intOption(name, v)
		case "count":
			b, ok := v.AsBool()
			if !ok {
				return printf.Errorf("query option 'count' must be a boolean, got %s", v.TypeName())
			}
			s.Count = b
		case "sort":
			s.Sort, err = sortOption(v)
		default:
			return printf.Errorf("unknown query option '%s'", name)
		}
		return err
	})
	return s, err
}

// eachOption calls fn for each entry of t, whose keys must be strings.
func eachOption(t *lua.Table, what string, fn func(name string, v lua.Value) error) error {
	k := lua.Nil
	for {
		key, v, ok, err := t.Next(k)
		if err != nil || !ok {
			return err
		}
		name, isStr := key.AsString()
		if !isStr {
			return printf.Errorf("%s names must be strings, got %s", what, key.TypeName())
		}
		if err := fn(name, v); err != nil {
			return err
		}
		k = key
	}
}

func stringOption(name string, v lua.Value) (string, error) {
	s, ok := v.AsString()
	if !ok {
		return "", printf.Errorf("query option '%s' must be a string, got %s", name, v.TypeName())
	}
	return s, nil
}

func intOption(name string, v lua.Value) (int, error) {
	if v.IsNumber() {
		if i, ok := v.ToInteger(); ok && int64(int(i)) == i {
			return int(i), nil
		}
		return 0, printf.Errorf("query option '%s' must be an integer, got %s", name, formatValue(v))
	}
	return 0, printf.Errorf("query option '%s' must be an integer, got %s", name, v.TypeName())
}

// sortOption reads "asc", "desc", {field = f, order = o} or {f, o}.
func sortOption(v lua.Value) (Sort, error) {
	if s, ok := v.AsString(); ok {
		if s != "asc" && s != "desc" {
			return Sort{}, printf.Errorf("sort order must be 'asc' or 'desc', got '%s'", s)
		}
		return Sort{Order: s}, nil
	}
	t := v.AsTable()
	if t == nil {
		return Sort{}, printf.Errorf("query option 'sort' must be 'asc', 'desc' or {field, order}, got %s", v.TypeName())
	}
	var s Sort
	var err error
	if first := t.GetInt(1); !first.IsNil() { // positional {field, order}
		if s.Field, err = stringOption("sort[1]", first); err != nil {
			return Sort{}, err
		}
		if o := t.GetInt(2); !o.IsNil() {
			if s.Order, err = stringOption("sort[2]", o); err != nil {
				return Sort{}, err
			}
		}
	} else {
		err = eachOption(t, "sort option", func(name string, v lua.Value) error {
			var err error
			switch name {
			case "field":
				s.Field, err = stringOption("sort.field", v)
			case "order":
				s.Order, err = stringOption("sort.order", v)
			default:
				return printf.Errorf("unknown sort option '%s'", name)
			}
			return err
		})
		if err != nil {
			return Sort{}, err
		}
	}
	if s.Field == "" {
		return Sort{}, printf.Errorf("query option 'sort' needs a field")
	}
	return s, nil
}

// condsOption reads a list of conditions, or a single one.
func condsOption(name string, v lua.Value) ([]Cond, error) {
	t := v.AsTable()
	if t == nil {
		return nil, printf.Errorf("query option '%s' must be a list of conditions, got %s", name, v.TypeName())
	}
	if t.Len() == 0 && !t.GetStr("field").IsNil() {
		c, err := condFromTable(name, t)
		return []Cond{c}, err
	}
	n := t.Len()
	conds := make([]Cond, 0, n)
	for i := int64(1); i <= n; i++ {
		ct := t.GetInt(i).AsTable()
		if ct == nil {
			return nil, printf.Errorf("query option '%s': condition %d must be a table, got %s", name, i, t.GetInt(i).TypeName())
		}
		c, err := condFromTable(printf.Sprintf("%s[%d]", name, i), ct)
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	return conds, nil
}

func condFromTable(where string, t *lua.Table) (Cond, error) {
	var c Cond
	err := eachOption(t, "condition option", func(name string, v lua.Value) error {
		var err error
		switch name {
		case "field":
			c.Field, err = stringOption(where+".field", v)
		case "op", "operator":
			if c.Op != "" {
				return printf.Errorf("query condition %s gives both op and operator", where)
			}
			var op string
			op, err = stringOption(where+"."+name, v)
			c.Op = Op(op)
		case "value":
			c.Value = v
		default:
			return printf.Errorf("unknown option '%s' in query condition %s", name, where)
		}
		return err
	})
	return c, err
}

// Table returns the rows as a Lua sequence of {key = key, value = record}
// (empty for a Count query, whose answer is r.Count).
func (r *Result) Table() *lua.Table {
	t := lua.NewTable(len(r.Rows), 0)
	for i, row := range r.Rows {
		item := lua.NewTable(0, 2)
		item.SetStr("key", row.Key)
		item.SetStr("value", row.Record.Value())
		t.SetInt(int64(i)+1, item.Value())
	}
	return t
}
