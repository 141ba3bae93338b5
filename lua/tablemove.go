package lua

// ShiftArray moves the elements t[lo..hi] one place without metamethods,
// as table.insert (dir > 0: t[i] = t[i-1] for i from hi down to lo+1) and
// table.remove (dir < 0: t[i] = t[i+1] for i from lo up to hi-1) do, with
// one bulk copy instead of a write (and journal test) per element. It
// reports false, changing nothing, unless the whole range lies in the array
// part of a table that is not persistent: the caller then moves the
// elements one at a time, which journals each write.
func (t *Table) ShiftArray(lo, hi int64, dir int) bool {
	if t.pers != nil || lo < 1 || lo > hi || hi > int64(len(t.arr)) {
		return false
	}
	a := t.arr[lo-1 : hi]
	if dir > 0 {
		copy(a[1:], a)
	} else {
		copy(a, a[1:])
	}
	return true
}
