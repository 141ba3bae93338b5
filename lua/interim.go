package lua

// INTERIM: raw versions of the metamethod-aware operations, so that library
// code compiles and can be unit-tested before the VM exists. The VM work
// replaces this whole file (same signatures, full semantics).

import "errors"

// Call calls fn with args and returns all its results in a fresh slice.
func (t *Thread) Call(fn Value, args ...Value) ([]Value, error) {
	if g := fn.AsGoFunction(); g != nil {
		r, err := g.Fn(t, args)
		return append([]Value(nil), r...), err
	}
	return nil, errors.New("interim: cannot call Lua functions yet")
}

// Index returns obj[key] with __index metamethods.
func (t *Thread) Index(obj, key Value) (Value, error) {
	if tb := obj.AsTable(); tb != nil {
		return tb.Get(key), nil
	}
	return Nil, Errorf("attempt to index a %s value", obj.TypeName())
}

// SetIndex assigns obj[key] = val with __newindex metamethods.
func (t *Thread) SetIndex(obj, key, val Value) error {
	if tb := obj.AsTable(); tb != nil {
		if err := tb.Set(key, val); err != nil {
			return Errorf("%s", err.Error())
		}
		return nil
	}
	return Errorf("attempt to index a %s value", obj.TypeName())
}

// Len returns #v with __len.
func (t *Thread) Len(v Value) (Value, error) {
	if tb := v.AsTable(); tb != nil {
		return Int(tb.Len()), nil
	}
	if s, ok := v.AsString(); ok {
		return Int(int64(len(s))), nil
	}
	return Nil, Errorf("attempt to get length of a %s value", v.TypeName())
}

// ToString converts v to a string as tostring does (__tostring, __name).
func (t *Thread) ToString(v Value) (string, error) {
	if s, ok := v.ToStringCoerce(); ok {
		return s, nil
	}
	switch {
	case v.IsNil():
		return "nil", nil
	case v.Truthy() && v.Type() == TypeBoolean:
		return "true", nil
	case v.Type() == TypeBoolean:
		return "false", nil
	}
	return v.TypeName() + ": 0x0", nil
}

// LessThan returns a < b with __lt.
func (t *Thread) LessThan(a, b Value) (bool, error) {
	if a.IsNumber() && b.IsNumber() {
		x, _ := a.ToNumber()
		y, _ := b.ToNumber()
		return x < y, nil
	}
	if x, ok := a.AsString(); ok {
		if y, ok := b.AsString(); ok {
			return x < y, nil
		}
	}
	return false, Errorf("attempt to compare %s with %s", a.TypeName(), b.TypeName())
}

// Equal returns a == b with __eq.
func (t *Thread) Equal(a, b Value) (bool, error) { return RawEqual(a, b), nil }
