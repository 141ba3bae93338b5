package lua

import "math"

// Metamethod-aware operations for Go code (the lua_gettable, lua_settable,
// luaL_len, luaL_tolstring and lua_compare of the reference API). Lua
// metamethods they call run in a nested exec loop and cannot yield.

// Index returns obj[key] with __index metamethods.
func (t *Thread) Index(obj, key Value) (Value, error) {
	for loop := 0; loop < maxTagLoop; loop++ {
		var tm Value
		if tb := obj.AsTable(); tb != nil {
			if v := tb.Get(key); v.p != nil {
				return v, nil
			}
			if tm = fastTM(tb.meta, tmIndex); tm.p == nil {
				return Nil, nil
			}
		} else if tm = t.state.tmOf(obj, tmIndex); tm.p == nil {
			return Nil, t.typeError(obj, "index", -1, -1)
		}
		if tm.IsFunction() {
			return t.call1(tm, obj, key)
		}
		obj = tm
	}
	return Nil, t.runtimeError("'__index' chain too long; possibly a loop")
}

// SetIndex assigns obj[key] = val with __newindex metamethods.
func (t *Thread) SetIndex(obj, key, val Value) error {
	for loop := 0; loop < maxTagLoop; loop++ {
		var tm Value
		if tb := obj.AsTable(); tb != nil {
			if tb.Get(key).p != nil {
				return tb.Set(key, val)
			}
			if tm = fastTM(tb.meta, tmNewindex); tm.p == nil {
				if err := tb.Set(key, val); err != nil {
					return t.runtimeError(err.Error())
				}
				return nil
			}
		} else if tm = t.state.tmOf(obj, tmNewindex); tm.p == nil {
			return t.typeError(obj, "index", -1, -1)
		}
		if tm.IsFunction() {
			_, err := t.Call(tm, obj, key, val)
			return err
		}
		obj = tm
	}
	return t.runtimeError("'__newindex' chain too long; possibly a loop")
}

// Len returns #v with __len (the result of __len may be any value).
func (t *Thread) Len(v Value) (Value, error) {
	switch v.kind() {
	case kindString:
		return Int(int64(len(v.str()))), nil
	case kindTable:
		tb := (*Table)(v.p)
		tm := fastTM(tb.meta, tmLen)
		if tm.p == nil {
			return Int(tb.Len()), nil
		}
		return t.call1(tm, v, v)
	}
	tm := t.state.tmOf(v, tmLen)
	if tm.p == nil {
		return Nil, t.typeError(v, "get length of", -1, -1)
	}
	return t.call1(tm, v, v)
}

// ToString converts v to a string as tostring does: __tostring (which must
// return a string), then __name ("Name: 0x..."), then the default forms.
func (t *Thread) ToString(v Value) (string, error) {
	if mt := t.state.metaOf(v); mt != nil {
		if tm := mt.getStr((*stringObject)(tostringKey.p)); tm.p != nil {
			r, err := t.call1(tm, v)
			if err != nil {
				return "", err
			}
			if s, ok := r.AsString(); ok {
				return s, nil
			}
			if r.IsNumber() {
				return numberToString(r), nil
			}
			return "", Errorf("'__tostring' must return a string")
		}
		if v.kind() == kindTable || v.kind() == kindUserdata {
			if name, ok := mt.getStr((*stringObject)(nameKey.p)).AsString(); ok {
				return name + ": " + pointerString(v), nil
			}
		}
	}
	return tostringBasic(v), nil
}

// LessThan returns a < b with __lt.
func (t *Thread) LessThan(a, b Value) (bool, error) {
	return t.compare(a, b, tmLt)
}

// LessEqual returns a <= b with __le.
func (t *Thread) LessEqual(a, b Value) (bool, error) {
	return t.compare(a, b, tmLe)
}

func (t *Thread) compare(a, b Value, ev tmEvent) (bool, error) {
	if r, ok := primitiveOrder(a, b, ev); ok {
		return r, nil
	}
	tm := t.state.tmOf(a, ev)
	if tm.p == nil {
		tm = t.state.tmOf(b, ev)
	}
	if tm.p == nil {
		return false, t.orderError(a, b)
	}
	r, err := t.call1(tm, a, b)
	return r.Truthy(), err
}

// Equal returns a == b with __eq.
func (t *Thread) Equal(a, b Value) (bool, error) {
	if RawEqual(a, b) {
		return true, nil
	}
	ka, kb := a.kind(), b.kind()
	if ka != kb || ka != kindTable && ka != kindUserdata {
		return false, nil
	}
	tm := fastTM(t.state.metaOf(a), tmEq)
	if tm.p == nil {
		tm = fastTM(t.state.metaOf(b), tmEq)
	}
	if tm.p == nil {
		return false, nil
	}
	r, err := t.call1(tm, a, b)
	return r.Truthy(), err
}

// Arith performs a binary arithmetic or bitwise operation with
// metamethods; op is as for the package function Arith.
func (t *Thread) Arith(op string, a, b Value) (Value, error) {
	ev, ok := arithOps[op]
	if !ok {
		return Nil, Errorf("invalid arithmetic operator '%s'", op)
	}
	if v, ok := arithRaw(ev, a, b); ok {
		return v, nil
	}
	if ev == tmMod || ev == tmIDiv {
		if a.p == pInt && b.p == pInt && b.n == 0 {
			if ev == tmMod {
				return Nil, t.runtimeError("attempt to perform 'n%0'")
			}
			return Nil, t.runtimeError("attempt to divide by zero")
		}
	}
	tm := t.state.tmOf(a, ev)
	if tm.p == nil {
		tm = t.state.tmOf(b, ev)
	}
	if tm.p == nil {
		switch ev {
		case tmBand, tmBor, tmBxor, tmShl, tmShr, tmBnot:
			if a.IsNumber() && b.IsNumber() {
				return Nil, t.toIntError(a, b, -1, -1)
			}
			return Nil, t.opError(a, b, -1, -1, "perform bitwise operation on")
		}
		return Nil, t.opError(a, b, -1, -1, "perform arithmetic on")
	}
	return t.call1(tm, a, b)
}

// Concat joins values as the .. operator does (__concat included).
func (t *Thread) Concat(vs ...Value) (Value, error) {
	if len(vs) == 0 {
		return String(""), nil
	}
	acc := vs[len(vs)-1]
	for i := len(vs) - 2; i >= 0; i-- {
		x := vs[i]
		if (x.IsString() || x.IsNumber()) && (acc.IsString() || acc.IsNumber()) {
			xs, _ := x.ToStringCoerce()
			as, _ := acc.ToStringCoerce()
			acc = String(xs + as)
			continue
		}
		tm := t.state.tmOf(x, tmConcat)
		if tm.p == nil {
			tm = t.state.tmOf(acc, tmConcat)
		}
		if tm.p == nil {
			return Nil, t.concatError(x, acc, -1, -1)
		}
		r, err := t.call1(tm, x, acc)
		if err != nil {
			return Nil, err
		}
		acc = r
	}
	return acc, nil
}

// Tick charges n units of the instruction budget from Go code that does
// long work per call (pattern matching, sorting); it fails when the budget
// is exhausted or the state was cancelled.
func (t *Thread) Tick(n int64) error {
	s := t.state
	s.stepBudget -= n
	if s.stepBudget <= 0 {
		return t.budgetCheck()
	}
	return nil
}

// budgetCheck runs when the instruction budget counter reaches zero: the
// safe point where pending finalizers run. With no limit configured the
// counter starts over.
func (t *Thread) budgetCheck() error {
	s := t.state
	err := t.checkLimits(s.checkInterval - s.stepBudget)
	// Short intervals at first, so that the loop is re-entered early (see
	// errRestart), then longer ones.
	s.checkInterval = s.nextInterval(min(2*s.checkInterval, gcCheckInterval))
	s.stepBudget = s.checkInterval
	if err != nil {
		return err
	}
	s.gc.safePoint(t)
	return nil
}

// Charge charges an estimated allocation of n bytes against the memory
// budget before it is made; it fails when the budget would be exceeded.
func (t *Thread) Charge(n int64) error {
	s := t.state
	s.gc.allocated += n
	if s.gc.allocated > s.gc.threshold && s.stepBudget > 0 {
		s.lim.unused += s.stepBudget
		s.stepBudget = 0
	}
	if n > maxStringSize {
		return Errorf("not enough memory")
	}
	if s.lim.memory > 0 {
		return t.chargeMemory(n)
	}
	return nil
}

// maxStringSize bounds a single allocation requested through Charge.
const maxStringSize = math.MaxInt32

// TypeNameOf returns the type name of v for messages, honouring __name.
func (s *State) TypeNameOf(v Value) string { return s.objTypeName(v) }

// RawLen returns the raw length of a table or string (rawlen).
func RawLen(v Value) (int64, bool) {
	switch v.kind() {
	case kindTable:
		return (*Table)(v.p).Len(), true
	case kindString:
		return int64(len(v.str())), true
	}
	return 0, false
}

// primitiveOrder compares a and b without metamethods (ev is tmLt or
// tmLe): numbers by mathematical value, strings bytewise. ok is false when
// the pair needs a metamethod.
func primitiveOrder(a, b Value, ev tmEvent) (result, ok bool) {
	if a.IsNumber() && b.IsNumber() {
		if ev == tmLt {
			return numLess(a, b), true
		}
		return numLessEq(a, b), true
	}
	if x, isStr := a.AsString(); isStr {
		if y, isStr := b.AsString(); isStr {
			if ev == tmLt {
				return x < y, true
			}
			return x <= y, true
		}
	}
	return false, false
}
