package lib

import (
	"math"
	"time"

	"github.com/luawasm/luawasm/lua"
)

// OpenTable returns the table library.
func OpenTable(s *lua.State) *lua.Table {
	return newLib("table", map[string]lua.GoFunc{
		"concat": tableConcat,
		"insert": tableInsert,
		"move":   tableMove,
		"pack":   tablePack,
		"unpack": tableUnpack,
		"remove": tableRemove,
		"sort":   tableSort,
	})
}

// newLib builds a module table of Go functions named "lib.name".
func newLib(lib string, funcs map[string]lua.GoFunc) *lua.Table {
	t := lua.NewTable(0, len(funcs)+4)
	for name, fn := range funcs {
		t.SetStr(name, lua.NewGoFunction(lib+"."+name, fn).Value())
	}
	return t
}

// What a table-library function does with its table argument (checktab).
const (
	tabRead   = 1
	tabWrite  = 2
	tabLength = 4
)

// checkTab accepts argument n if it is a table, or any value whose
// metatable provides the metamethods for the accesses in what.
func checkTab(t *lua.Thread, args []lua.Value, n int, what int) error {
	v := lua.Arg(args, n)
	if v.AsTable() != nil {
		return nil
	}
	if mt := t.State().Metatable(v); mt != nil &&
		(what&tabRead == 0 || !mt.GetStr("__index").IsNil()) &&
		(what&tabWrite == 0 || !mt.GetStr("__newindex").IsNil()) &&
		(what&tabLength == 0 || !mt.GetStr("__len").IsNil()) {
		return nil
	}
	return lua.TypeError(n, "table", args)
}

// seq reads and writes the integer keys of a table-library argument.
type seq struct {
	t *lua.Thread
	v lua.Value
}

// plain returns the table when it can be accessed raw (no metatable).
func (q seq) plain() *lua.Table {
	if tb := q.v.AsTable(); tb != nil && tb.Metatable() == nil {
		return tb
	}
	return nil
}

func (q seq) get(i int64) (lua.Value, error) {
	if tb := q.plain(); tb != nil {
		return tb.GetInt(i), nil
	}
	return q.t.Index(q.v, lua.Int(i))
}

func (q seq) set(i int64, v lua.Value) error {
	if tb := q.plain(); tb != nil {
		tb.SetInt(i, v)
		return nil
	}
	return q.t.SetIndex(q.v, lua.Int(i), v)
}

// shift moves the elements of [lo, hi] one place: up (dir +1: a[i] =
// a[i-1] for i from hi down to lo+1) or down (dir -1: a[i] = a[i+1] for i
// from lo up to hi-1), as table.insert and table.remove do.
func (q seq) shift(lo, hi int64, dir int64) error {
	if err := q.t.Tick(hi - lo); err != nil {
		return err
	}
	if tb := q.plain(); tb != nil { // no metamethods can run: stay raw
		if dir > 0 && hi > lo {
			// The top slot may be just past the array part (an insert
			// appends): write it alone so the array grows, then move
			// the rest in one copy.
			tb.SetInt(hi, tb.GetInt(hi-1))
			hi--
		}
		if tb.ShiftArray(lo, hi, int(dir)) {
			return nil
		}
		if dir > 0 {
			for i := hi; i > lo; i-- {
				tb.SetInt(i, tb.GetInt(i-1))
			}
		} else {
			for i := lo; i < hi; i++ {
				tb.SetInt(i, tb.GetInt(i+1))
			}
		}
		return nil
	}
	for k := int64(0); k < hi-lo; k++ {
		i := hi - k // moving up: from the top
		if dir < 0 {
			i = lo + k
		}
		e, err := q.get(i - dir)
		if err != nil {
			return err
		}
		if err := q.set(i, e); err != nil {
			return err
		}
	}
	return nil
}

// length is luaL_len: #v with __len, which must be an integer.
func (q seq) length() (int64, error) {
	if tb := q.plain(); tb != nil {
		return tb.Len(), nil
	}
	n, err := q.t.Len(q.v)
	if err != nil {
		return 0, err
	}
	i, ok := n.ToInteger()
	if !ok {
		return 0, lua.Errorf("object length is not an integer")
	}
	return i, nil
}

// checkSeq checks argument n with checkTab and returns it with its length.
// Getting the length may call __len, after which args must not be read
// (they may alias the VM stack): callers copy the arguments they need first.
func checkSeq(t *lua.Thread, args []lua.Value, n int, what int) (seq, int64, error) {
	if err := checkTab(t, args, n, what|tabLength); err != nil {
		return seq{}, 0, err
	}
	q := seq{t, args[n-1]}
	size, err := q.length()
	return q, size, err
}

func tableInsert(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if tb := lua.Arg(args, 1).AsTable(); len(args) == 2 && tb != nil && tb.Metatable() == nil {
		// Appending to a plain table, the usual call, in short.
		tb.SetInt(tb.Len()+1, args[1])
		return nil, nil
	}
	nargs := len(args)
	posArgs := [2]lua.Value{lua.Nil, lua.Arg(args, 2)}
	var last lua.Value // the value to insert, when the call is valid
	if nargs > 0 {
		last = args[nargs-1]
	}
	q, size, err := checkSeq(t, args, 1, tabRead|tabWrite)
	if err != nil {
		return nil, err
	}
	end := size + 1 // first empty element (wraps like luaL_intop)
	var pos int64
	v := last
	switch nargs {
	case 2:
		pos = end
	case 3:
		if pos, err = lua.CheckInt(posArgs[:], 2); err != nil {
			return nil, err
		}
		if uint64(pos)-1 >= uint64(end) {
			return nil, lua.ArgError(2, "position out of bounds")
		}
		if err := q.shift(pos, end, +1); err != nil { // move up elements
			return nil, err
		}
	default:
		return nil, lua.Errorf("wrong number of arguments to 'insert'")
	}
	return nil, q.set(pos, v)
}

func tableRemove(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if tb := lua.Arg(args, 1).AsTable(); len(args) == 1 && tb != nil && tb.Metatable() == nil {
		// Removing the last element of a plain table, the usual call,
		// in short (for an empty table, t[0] is read and cleared as the
		// general path does).
		size := tb.Len()
		v := tb.GetInt(size)
		tb.SetInt(size, lua.Nil)
		return t.Ret(v)
	}
	posArgs := [2]lua.Value{lua.Nil, lua.Arg(args, 2)}
	q, size, err := checkSeq(t, args, 1, tabRead|tabWrite)
	if err != nil {
		return nil, err
	}
	pos, err := lua.OptInt(posArgs[:], 2, size)
	if err != nil {
		return nil, err
	}
	if pos != size && uint64(pos)-1 > uint64(size) { // pos must be in [1, size+1]
		return nil, lua.ArgError(2, "position out of bounds")
	}
	result, err := q.get(pos)
	if err != nil {
		return nil, err
	}
	if pos < size {
		if err := q.shift(pos, size, -1); err != nil { // move down elements
			return nil, err
		}
		pos = size
	}
	if err := q.set(pos, lua.Nil); err != nil {
		return nil, err
	}
	return t.Ret(result)
}

func tableMove(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	f, err := lua.CheckInt(args, 2)
	if err != nil {
		return nil, err
	}
	e, err := lua.CheckInt(args, 3)
	if err != nil {
		return nil, err
	}
	to, err := lua.CheckInt(args, 4)
	if err != nil {
		return nil, err
	}
	dstArg := 1
	if !lua.Arg(args, 5).IsNil() {
		dstArg = 5
	}
	if err := checkTab(t, args, 1, tabRead); err != nil {
		return nil, err
	}
	if err := checkTab(t, args, dstArg, tabWrite); err != nil {
		return nil, err
	}
	src, dst := seq{t, args[0]}, seq{t, args[dstArg-1]}
	if e >= f {
		if !(f > 0 || e < math.MaxInt64+f) {
			return nil, lua.ArgError(3, "too many elements to move")
		}
		n := e - f + 1 // number of elements to move
		if to > math.MaxInt64-n+1 {
			return nil, lua.ArgError(4, "destination wrap around")
		}
		forward := to > e || to <= f
		if !forward && dstArg != 1 {
			same, err := t.Equal(src.v, dst.v)
			if err != nil {
				return nil, err
			}
			forward = !same
		}
		if err := t.Tick(n); err != nil {
			return nil, err
		}
		for k := int64(0); k < n; k++ {
			i := k
			if !forward { // overlapping move up: copy from the end
				i = n - 1 - k
			}
			v, err := src.get(f + i)
			if err != nil {
				return nil, err
			}
			if err := dst.set(to+i, v); err != nil {
				return nil, err
			}
		}
	}
	return t.Ret(dst.v)
}

func tableConcat(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	var buf [4]lua.Value
	copy(buf[:], args)
	q, last, err := checkSeq(t, args, 1, tabRead)
	if err != nil {
		return nil, err
	}
	args = buf[:min(len(args), 4)]
	sep, err := lua.OptString(args, 2, "")
	if err != nil {
		return nil, err
	}
	i, err := lua.OptInt(args, 3, 1)
	if err != nil {
		return nil, err
	}
	if last, err = lua.OptInt(args, 4, last); err != nil {
		return nil, err
	}
	// Gather the pieces first so that the result's size is known (and
	// charged) before it is built.
	var parts []string
	if i <= last {
		// Sized for the usual sequence, within a bound that __len cannot
		// push up.
		parts = make([]string, 0, min(uint64(last-i)+1, 1<<16))
	}
	total := int64(0)
	for ; i <= last; i++ {
		v, err := q.get(i)
		if err != nil {
			return nil, err
		}
		s, ok := v.ToStringCoerce()
		if !ok {
			return nil, lua.Errorf("invalid value (%s) at index %d in table for 'concat'", v.TypeName(), i)
		}
		parts = append(parts, s)
		total += int64(len(s))
		if i == last {
			break
		}
		total += int64(len(sep))
	}
	if err := t.Tick(int64(len(parts))); err != nil {
		return nil, err
	}
	if err := t.Charge(total); err != nil {
		return nil, err
	}
	v, b := lua.MakeString(int(total))
	pos := 0
	for i, s := range parts {
		if i > 0 {
			pos += copy(b[pos:], sep)
		}
		pos += copy(b[pos:], s)
	}
	return t.Ret(v)
}

func tablePack(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if err := t.Charge(int64(len(args)) * 16); err != nil {
		return nil, err
	}
	tb := lua.NewTable(len(args), 1)
	for i, v := range args {
		tb.SetInt(int64(i)+1, v)
	}
	tb.SetStr("n", lua.Int(int64(len(args))))
	return t.Ret(tb.Value())
}

// maxUnpack bounds the number of results of table.unpack, as the
// reference's stack limit (LUAI_MAXSTACK) does.
const maxUnpack = 1000000 - 64

func tableUnpack(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	q := seq{t, lua.Arg(args, 1)}
	i, err := lua.OptInt(args, 2, 1)
	if err != nil {
		return nil, err
	}
	var e int64
	if lua.Arg(args, 3).IsNil() {
		if e, err = q.length(); err != nil {
			return nil, err
		}
	} else if e, err = lua.CheckInt(args, 3); err != nil {
		return nil, err
	}
	if i > e {
		return nil, nil
	}
	n := uint64(e) - uint64(i) // number of elements minus 1
	if n >= maxUnpack {
		return nil, lua.Errorf("too many results to unpack")
	}
	n++
	if tb := q.plain(); tb != nil && n <= 8 { // common short case: no allocation
		var buf [8]lua.Value
		for k := range n {
			buf[k] = tb.GetInt(i + int64(k))
		}
		return t.Ret(buf[:n]...)
	}
	if err := t.Charge(int64(n) * 16); err != nil {
		return nil, err
	}
	out := make([]lua.Value, n)
	if tb := q.plain(); tb != nil {
		for k := range out {
			out[k] = tb.GetInt(i + int64(k))
		}
		return out, nil
	}
	for k := range out {
		if out[k], err = q.get(i + int64(k)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ---- sort: the reference's quicksort, so that comparator calls, the
// resulting order for inconsistent comparators and the "invalid order
// function" detection are the same ----

// sortRandomLimit is the interval size above which the pivot is chosen
// at random once partitions turn out unbalanced (RANLIMIT).
const sortRandomLimit = 100

type sorter struct {
	t   *lua.Thread
	q   seq
	cmp lua.Value // nil: use <
}

func tableSort(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	sortArgs := [2]lua.Value{lua.Nil, lua.Arg(args, 2)}
	q, n, err := checkSeq(t, args, 1, tabRead|tabWrite)
	if err != nil {
		return nil, err
	}
	if n > 1 {
		if n >= math.MaxInt32 {
			return nil, lua.ArgError(1, "array too big")
		}
		cmp := sortArgs[1]
		if !cmp.IsNil() && !cmp.IsFunction() {
			return nil, lua.TypeError(2, "function", sortArgs[:])
		}
		s := &sorter{t: t, q: q, cmp: cmp}
		if err := s.sort(1, n, 0); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

func (s *sorter) less(a, b lua.Value) (bool, error) {
	if s.cmp.IsNil() {
		if lt, ok := rawLess(a, b); ok {
			return lt, nil
		}
		return s.t.LessThan(a, b)
	}
	r, err := s.t.Call1(s.cmp, a, b)
	if err != nil {
		return false, err
	}
	return r.Truthy(), nil
}

// swapSet stores a in a[i] and b in a[j] (the reference's set2).
func (s *sorter) swapSet(i int64, a lua.Value, j int64, b lua.Value) error {
	if err := s.q.set(i, a); err != nil {
		return err
	}
	return s.q.set(j, b)
}

func (s *sorter) sort(lo, up int64, rnd uint32) error {
	for lo < up { // loop for tail recursion
		if err := s.t.Tick(up - lo + 1); err != nil {
			return err
		}
		// Sort elements lo, p and up.
		alo, err := s.q.get(lo)
		if err != nil {
			return err
		}
		aup, err := s.q.get(up)
		if err != nil {
			return err
		}
		if lt, err := s.less(aup, alo); err != nil {
			return err
		} else if lt {
			if err := s.swapSet(lo, aup, up, alo); err != nil {
				return err
			}
		}
		if up-lo == 1 { // only 2 elements
			break
		}
		var p int64
		if up-lo < sortRandomLimit || rnd == 0 {
			p = (lo + up) / 2
		} else {
			r4 := uint32(up-lo) / 4
			p = int64(rnd%(r4*2)) + lo + int64(r4)
		}
		ap, err := s.q.get(p)
		if err != nil {
			return err
		}
		if alo, err = s.q.get(lo); err != nil {
			return err
		}
		if lt, err := s.less(ap, alo); err != nil {
			return err
		} else if lt {
			if err := s.swapSet(p, alo, lo, ap); err != nil {
				return err
			}
		} else {
			if aup, err = s.q.get(up); err != nil {
				return err
			}
			if lt, err := s.less(aup, ap); err != nil {
				return err
			} else if lt {
				if err := s.swapSet(p, aup, up, ap); err != nil {
					return err
				}
			}
		}
		if up-lo == 2 { // only 3 elements
			break
		}
		pivot, err := s.q.get(p)
		if err != nil {
			return err
		}
		aup1, err := s.q.get(up - 1)
		if err != nil {
			return err
		}
		if err := s.swapSet(p, aup1, up-1, pivot); err != nil {
			return err
		}
		if p, err = s.partition(lo, up, pivot); err != nil {
			return err
		}
		// a[lo .. p-1] <= a[p] == pivot <= a[p+1 .. up]; recurse into the
		// smaller half and loop on the larger.
		var n int64
		if p-lo < up-p {
			if err := s.sort(lo, p-1, rnd); err != nil {
				return err
			}
			n = p - lo
			lo = p + 1
		} else {
			if err := s.sort(p+1, up, rnd); err != nil {
				return err
			}
			n = up - p
			up = p - 1
		}
		if (up-lo)/128 > n { // partition too unbalanced: randomize the pivot
			rnd = randomPivotSeed()
		}
	}
	return nil
}

// partition rearranges a[lo..up] around pivot, which is at a[up-1], and
// returns the pivot's final position.
func (s *sorter) partition(lo, up int64, pivot lua.Value) (int64, error) {
	i, j := lo, up-1
	for {
		var ai, aj lua.Value
		var err error
		for { // repeat ++i while a[i] < pivot
			i++
			if ai, err = s.q.get(i); err != nil {
				return 0, err
			}
			lt, err := s.less(ai, pivot)
			if err != nil {
				return 0, err
			}
			if !lt {
				break
			}
			if i == up-1 { // a[i] < pivot but a[up-1] == pivot
				return 0, errInvalidOrder()
			}
		}
		for { // repeat --j while pivot < a[j]
			j--
			if aj, err = s.q.get(j); err != nil {
				return 0, err
			}
			lt, err := s.less(pivot, aj)
			if err != nil {
				return 0, err
			}
			if !lt {
				break
			}
			if j < i { // j < i but a[j] > pivot
				return 0, errInvalidOrder()
			}
		}
		if j < i {
			// Put the pivot (at up-1) in its place.
			return i, s.swapSet(up-1, ai, i, pivot)
		}
		if err := s.swapSet(i, aj, j, ai); err != nil {
			return 0, err
		}
	}
}

func errInvalidOrder() error { return lua.Errorf("invalid order function for sorting") }

// randomPivotSeed mixes the clock into a pivot-choice seed, as the
// reference's l_randomizePivot does.
func randomPivotSeed() uint32 {
	n := uint64(time.Now().UnixNano())
	return uint32(n) + uint32(n>>32)
}

// rawLess compares two numbers or two strings without metamethods; ok is
// false for any other pair of values.
func rawLess(a, b lua.Value) (lt, ok bool) {
	if x, isInt := a.AsInt(); isInt {
		if y, isInt := b.AsInt(); isInt {
			return x < y, true
		}
		if y, isFloat := b.AsFloat(); isFloat {
			return intLessFloat(x, y), true
		}
		return false, false
	}
	if x, isFloat := a.AsFloat(); isFloat {
		if y, isFloat := b.AsFloat(); isFloat {
			return x < y, true
		}
		if y, isInt := b.AsInt(); isInt {
			return floatLessInt(x, y), true
		}
		return false, false
	}
	if x, isStr := a.AsString(); isStr {
		if y, isStr := b.AsString(); isStr {
			return x < y, true
		}
	}
	return false, false
}

// intLessFloat reports i < f exactly.
func intLessFloat(i int64, f float64) bool {
	if f != f {
		return false
	}
	if f >= 0x1p63 {
		return true
	}
	if f > -0x1p63 {
		// Compare i with ceil(f): i < f  <=>  i < ceil(f).
		return i < int64(math.Ceil(f))
	}
	return false
}

// floatLessInt reports f < i exactly.
func floatLessInt(f float64, i int64) bool {
	if f != f {
		return false
	}
	if f >= 0x1p63 {
		return false
	}
	if f >= -0x1p63 {
		// f < i  <=>  floor(f) < i.
		return int64(math.Floor(f)) < i
	}
	return true
}
