package query

import (
	"sort"
	"strconv"
	"strings"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// An Op is a query operator.
type Op string

// The operators. Comparisons (< <= > >= between) match only field values of
// the query value's type: numbers with numbers, strings with strings.
const (
	OpEq         Op = "="          // equal (1 == 1.0; no string/number coercion)
	OpNe         Op = "!="         // present and different
	OpLt         Op = "<"          // less than a number or a string
	OpLe         Op = "<="         // less than or equal
	OpGt         Op = ">"          // greater than
	OpGe         Op = ">="         // greater than or equal
	OpBetween    Op = "between"    // inclusive range {lo, hi}
	OpStartsWith Op = "startsWith" // string prefix
	OpEndsWith   Op = "endsWith"   // string suffix
	OpContains   Op = "contains"   // substring
	OpIn         Op = "in"         // equal to one of a list of values
)

// opAliases are the spellings a Lua programmer reaches for.
var opAliases = map[Op]Op{"==": OpEq, "~=": OpNe}

var allOps = []Op{OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpBetween, OpStartsWith, OpEndsWith, OpContains, OpIn}

// A Cond is one condition: the record's value at Field compared with Value
// by Op. For between, Value is a list {lo, hi}; for in, a list of values
// (Lua sequences; List makes one).
type Cond struct {
	Field string
	Op    Op
	Value lua.Value
}

// List returns a Lua sequence of vs, for the Value of between and in.
func List(vs ...lua.Value) lua.Value {
	t := lua.NewTable(len(vs), 0)
	for i, v := range vs {
		t.SetInt(int64(i)+1, v)
	}
	return t.Value()
}

// cond is a checked Cond, ready to match records.
type cond struct {
	field string
	path  path
	op    Op
	cls   class       // the class a matching field value has (all but != and in)
	val   lua.Value   // =, !=, <, <=, >, >=
	str   string      // startsWith, endsWith, contains
	lo    lua.Value   // between
	hi    lua.Value   // between
	vals  []lua.Value // in: distinct values in index order
	set   keyMap[struct{}]
	// code is op as a small integer: matching switches on it once per
	// record, where comparing Op strings cost calls in wasm.
	code opCode
	// intVal is set when val is an integer (=, !=, <, <=, >, >=): the
	// commonest conditions then compare integer fields without a call.
	intVal bool
	ival   int64
	// strVal is set when the condition compares with strings (a string
	// val, between two strings, startsWith, endsWith, contains; never
	// in): str holds val's contents, strLo and strHi between's, so that
	// a string field is compared without classifying both sides.
	strVal       bool
	strLo, strHi string
}

// opCode numbers the operators for matching.
type opCode uint8

const (
	codeEq opCode = iota
	codeNe
	codeLt
	codeLe
	codeGt
	codeGe
	codeBetween
	codeStartsWith
	codeEndsWith
	codeContains
	codeIn
)

var opCodes = map[Op]opCode{
	OpEq: codeEq, OpNe: codeNe, OpLt: codeLt, OpLe: codeLe, OpGt: codeGt, OpGe: codeGe, OpBetween: codeBetween,
	OpStartsWith: codeStartsWith, OpEndsWith: codeEndsWith, OpContains: codeContains, OpIn: codeIn,
}

// compileCond checks c and prepares it for matching.
func compileCond(c Cond) (*cond, error) {
	if c.Field == "" {
		return nil, printf.Errorf("query condition needs a field")
	}
	p, err := parsePath(c.Field)
	if err != nil {
		return nil, err
	}
	op := c.Op
	if alias, ok := opAliases[op]; ok {
		op = alias
	}
	cc := &cond{field: c.Field, path: p, op: op}
	v := c.Value
	switch op {
	case "":
		return nil, printf.Errorf("query condition on '%s' needs an operator", c.Field)
	case OpEq, OpNe:
		if cc.cls = classOf(v); cc.cls == classNone {
			return nil, printf.Errorf("operator '%s' expects a number, string or boolean, got %s", op, describe(v))
		}
		cc.val = v
		cc.ival, cc.intVal = v.AsInt()
	case OpLt, OpLe, OpGt, OpGe:
		if cc.cls = classOf(v); cc.cls != classNumber && cc.cls != classString {
			return nil, printf.Errorf("operator '%s' expects a number or a string, got %s", op, describe(v))
		}
		cc.val = v
		cc.ival, cc.intVal = v.AsInt()
	case OpBetween:
		t := v.AsTable()
		if t == nil || t.Len() != 2 {
			return nil, printf.Errorf("operator 'between' expects a list {lo, hi} of two numbers or two strings, got %s", describeList(v))
		}
		cc.lo, cc.hi = t.GetInt(1), t.GetInt(2)
		cc.cls = classOf(cc.lo)
		if (cc.cls != classNumber && cc.cls != classString) || classOf(cc.hi) != cc.cls {
			return nil, printf.Errorf("operator 'between' expects a list {lo, hi} of two numbers or two strings, got {%s, %s}", describe(cc.lo), describe(cc.hi))
		}
	case OpStartsWith, OpEndsWith, OpContains:
		s, ok := v.AsString()
		if !ok {
			return nil, printf.Errorf("operator '%s' expects a string, got %s", op, describe(v))
		}
		cc.cls, cc.str = classString, s
	case OpIn:
		t := v.AsTable()
		if t == nil {
			return nil, printf.Errorf("operator 'in' expects a list of numbers, strings or booleans, got %s", describe(v))
		}
		n := t.Len()
		for i := int64(1); i <= n; i++ {
			e := t.GetInt(i)
			if classOf(e) == classNone {
				return nil, printf.Errorf("operator 'in' expects a list of numbers, strings or booleans, got %s at position %d", describe(e), i)
			}
			if _, dup := cc.set.get(e); !dup {
				cc.set.set(e, struct{}{})
				cc.vals = append(cc.vals, e)
			}
		}
		sort.Slice(cc.vals, func(i, j int) bool { return compareValues(cc.vals[i], cc.vals[j]) < 0 })
	default:
		return nil, printf.Errorf("unknown operator '%s' (expected one of %s)", c.Op, opList())
	}
	cc.code = opCodes[op]
	switch {
	case op == OpBetween:
		cc.strLo, cc.strVal = cc.lo.AsString()
		cc.strHi, _ = cc.hi.AsString()
	case op != OpIn && cc.cls == classString && !cc.val.IsNil():
		cc.str, cc.strVal = cc.val.AsString()
	case cc.cls == classString:
		cc.strVal = true // startsWith, endsWith, contains
	}
	return cc, nil
}

func opList() string {
	names := make([]string, len(allOps))
	for i, op := range allOps {
		names[i] = string(op)
	}
	return strings.Join(names, " ")
}

// describe names a bad query value's type for an error message.
func describe(v lua.Value) string {
	if f, ok := v.AsFloat(); ok && f != f {
		return "NaN"
	}
	return v.TypeName()
}

// describeList describes a value that should have been a 2-element list.
func describeList(v lua.Value) string {
	if t := v.AsTable(); t != nil {
		return printf.Sprintf("a list of %d values", t.Len())
	}
	return describe(v)
}

// match reports whether rec satisfies c.
func (c *cond) match(rec *lua.Table) bool {
	var v lua.Value
	if len(c.path) == 1 {
		v = rec.GetCanon(c.path[0]) // path.lookup's first step, inlined
	} else {
		v = c.path.lookup(rec)
	}
	return c.matchValue(v)
}

// matchValue reports whether a record whose field holds v satisfies c.
// Integers against an integer and strings against a string, the commonest
// cases, are compared directly; the rest go through the total order.
func (c *cond) matchValue(v lua.Value) bool {
	if vi, ok := v.AsInt(); ok && c.intVal {
		switch c.code {
		case codeEq:
			return vi == c.ival
		case codeNe:
			return vi != c.ival
		case codeLt:
			return vi < c.ival
		case codeLe:
			return vi <= c.ival
		case codeGt:
			return vi > c.ival
		case codeGe:
			return vi >= c.ival
		}
	}
	if s, ok := v.AsString(); ok && c.strVal {
		switch c.code {
		case codeEq:
			return s == c.str
		case codeNe:
			return s != c.str
		case codeLt:
			return s < c.str
		case codeLe:
			return s <= c.str
		case codeGt:
			return s > c.str
		case codeGe:
			return s >= c.str
		case codeBetween:
			return s >= c.strLo && s <= c.strHi
		case codeStartsWith:
			return strings.HasPrefix(s, c.str)
		case codeEndsWith:
			return strings.HasSuffix(s, c.str)
		case codeContains:
			return strings.Contains(s, c.str)
		}
	}
	cls := classOf(v)
	if cls == classNone {
		return false // missing, NaN, table, function: never matches
	}
	switch c.code {
	case codeNe:
		return cls != c.cls || compareValues(v, c.val) != 0
	case codeIn:
		_, ok := c.set.get(v)
		return ok
	}
	if cls != c.cls {
		return false
	}
	switch c.code {
	case codeEq:
		return compareValues(v, c.val) == 0
	case codeLt:
		return compareValues(v, c.val) < 0
	case codeLe:
		return compareValues(v, c.val) <= 0
	case codeGt:
		return compareValues(v, c.val) > 0
	case codeGe:
		return compareValues(v, c.val) >= 0
	case codeBetween:
		return compareValues(v, c.lo) >= 0 && compareValues(v, c.hi) <= 0
	}
	return false // a string operator with a value of the wrong class
}

// String formats c for explain output: score >= 800, name startsWith "A".
func (c *cond) String() string {
	switch c.op {
	case OpBetween:
		return printf.Sprintf("%s between [%s, %s]", c.field, formatValue(c.lo), formatValue(c.hi))
	case OpStartsWith, OpEndsWith, OpContains:
		return printf.Sprintf("%s %s %s", c.field, c.op, strconv.Quote(c.str))
	case OpIn:
		parts := make([]string, len(c.vals))
		for i, v := range c.vals {
			parts[i] = formatValue(v)
		}
		return printf.Sprintf("%s in {%s}", c.field, strings.Join(parts, ", "))
	}
	return printf.Sprintf("%s %s %s", c.field, c.op, formatValue(c.val))
}

// formatValue writes a field value as Lua source would: numbers as
// tostring gives them, strings quoted.
func formatValue(v lua.Value) string {
	if s, ok := v.AsString(); ok {
		return strconv.Quote(s)
	}
	if b, ok := v.AsBool(); ok {
		return strconv.FormatBool(b)
	}
	s, _ := v.ToStringCoerce()
	return s
}
