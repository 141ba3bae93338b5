package query

import (
	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// A Spec describes a query. A record matches when it satisfies the main
// condition (Field, Op, Value, when Field is set), every condition of And,
// and, when Or is not empty, at least one condition of Or. A Spec without
// any condition matches every record.
type Spec struct {
	Table string // the collection's name as the JavaScript API spells the spec; Query ignores it

	Field string
	Op    Op
	Value lua.Value

	And []Cond
	Or  []Cond

	Limit  int  // at most this many rows: 0 means DefaultLimit; negative is an error
	Offset int  // skip this many rows first
	Sort   Sort // the order of the rows
	Count  bool // count the matches (Result.Count) instead of returning rows; Limit and Offset do not apply
}

// DefaultLimit is the number of rows a query returns when Spec.Limit is 0.
const DefaultLimit = 100

// Sort orders the rows by a field's value in the total order (numbers,
// then strings, then booleans). Records whose sort field holds no field
// value come last in either direction, by key. Ties are broken by key, so
// that desc is exactly the reverse of asc for the records that have the
// field.
//
// The zero Sort means the default order: index order (the indexed field's
// value, then key) when a B-tree answers the query, ascending key order
// otherwise.
type Sort struct {
	Field string // "" means the main condition's field
	Order string // "asc" (or "") or "desc"
}

// A Row is one matching record and its key in the collection.
type Row struct {
	Key    lua.Value
	Record *lua.Table
}

// A Result is what a query found, and how.
type Result struct {
	Rows     []Row
	Count    int    // the number of matches for a Count query, else len(Rows)
	Plan     string // explain: which indexes and steps answered the query
	Examined int    // index entries and records the query looked at
}

// request is a checked Spec.
type request struct {
	all, any      []*cond
	sortField     string
	sortPath      path
	desc          bool
	limit, offset int
	count         bool
}

func compileSpec(s Spec) (*request, error) {
	r := &request{limit: s.Limit, offset: s.Offset, count: s.Count}
	if s.Limit < 0 {
		return nil, printf.Errorf("limit must not be negative, got %d", s.Limit)
	}
	if s.Limit == 0 {
		r.limit = DefaultLimit
	}
	if s.Offset < 0 {
		return nil, printf.Errorf("offset must not be negative, got %d", s.Offset)
	}
	if s.Field != "" || s.Op != "" || !s.Value.IsNil() {
		c, err := compileCond(Cond{s.Field, s.Op, s.Value})
		if err != nil {
			return nil, err
		}
		r.all = append(r.all, c)
	}
	for _, c := range s.And {
		cc, err := compileCond(c)
		if err != nil {
			return nil, err
		}
		r.all = append(r.all, cc)
	}
	for _, c := range s.Or {
		cc, err := compileCond(c)
		if err != nil {
			return nil, err
		}
		r.any = append(r.any, cc)
	}
	switch s.Sort.Order {
	case "", "asc":
	case "desc":
		r.desc = true
	default:
		return nil, printf.Errorf("sort order must be 'asc' or 'desc', got '%s'", s.Sort.Order)
	}
	r.sortField = s.Sort.Field
	if r.sortField == "" && s.Sort.Order != "" {
		if s.Field == "" {
			return nil, printf.Errorf("sort '%s' needs a field: the query has no main field", s.Sort.Order)
		}
		r.sortField = s.Field
	}
	if r.sortField != "" {
		p, err := parsePath(r.sortField)
		if err != nil {
			return nil, err
		}
		r.sortPath = p
	}
	return r, nil
}

// learnKeys prepares r's field paths for the records of coll (see
// learnKeysFrom).
func (r *request) learnKeys(coll *lua.Table) {
	var paths []path
	for _, c := range r.all {
		paths = append(paths, c.path)
	}
	for _, c := range r.any {
		paths = append(paths, c.path)
	}
	if r.sortPath != nil {
		paths = append(paths, r.sortPath)
	}
	learnKeysFrom(coll, paths...)
}

// matches reports whether rec satisfies the conditions in all (but skip)
// and, unless anyDone, one of the conditions in any.
func (r *request) matches(rec *lua.Table, skip *cond, anyDone bool) bool {
	for _, c := range r.all {
		if c != skip && !c.match(rec) {
			return false
		}
	}
	if anyDone || len(r.any) == 0 {
		return true
	}
	for _, c := range r.any {
		if c.match(rec) {
			return true
		}
	}
	return false
}
