package persist

import (
	"strconv"

	"github.com/luawasm/luawasm/lua"
)

// Paths name where a value sits in the graph, for error messages:
// "Memory.ui.onClick", "Memory.list[3]", "Memory.counter<upvalue count>".
// They are computed only when something goes wrong: a commit remembers
// from which object it reached each new object (the step from one to the
// other is looked up again then), and a breadth-first search from the
// root finds the rest.

// An objRef is an object of the graph: a value, or an upvalue cell.
type objRef struct {
	v    lua.Value
	cell *lua.UpVal
}

// any returns the object as the search below keys it.
func (o objRef) any() any {
	if o.cell != nil {
		return o.cell
	}
	return o.v
}

// A link says how an object was reached: from parent by step.
type link struct {
	parent objRef
	step   step
}

// A newObj is an object that became persistent in a commit, and the
// object from which the commit reached it. (Its step is left out: a
// 10,000-record batch would keep 480 KB more for error messages.)
type newObj struct {
	obj, parent objRef
}

type stepKind uint8

const (
	stepSelf      stepKind = iota // the parent itself
	stepKey                       // a table key (the key object)
	stepValue                     // a table entry's value
	stepMeta                      // a metatable
	stepUpvalue                   // a closure's upvalue cell
	stepCell                      // a cell's value
	stepWrapped                   // a wrap function's coroutine
	stepBody                      // a coroutine's main function
	stepSlot                      // a coroutine's stack slot
	stepFrame                     // a coroutine's active call
	stepHandler                   // a coroutine's message handler
	stepDeath                     // the error that killed a coroutine
	stepUserValue                 // a userdata's user value
)

type step struct {
	kind  stepKind
	key   lua.Value
	name  string
	index int
}

// render appends the step to a path.
func (s step) render(path string) string {
	switch s.kind {
	case stepSelf, stepCell:
		return path
	case stepKey:
		return path + "[key " + keyString(s.key) + "]"
	case stepValue:
		if name, ok := s.key.AsString(); ok && isIdentifier(name) {
			if path == "" {
				return name
			}
			return path + "." + name
		}
		return path + "[" + keyString(s.key) + "]"
	case stepMeta:
		return path + "<metatable>"
	case stepUpvalue:
		if s.name == "" {
			return path + "<upvalue>"
		}
		return path + "<upvalue " + s.name + ">"
	case stepWrapped:
		return path + "<coroutine>"
	case stepBody:
		return path + "<coroutine body>"
	case stepSlot:
		return path + "<stack slot " + strconv.Itoa(s.index) + ">"
	case stepFrame:
		return path + "<call " + strconv.Itoa(s.index) + ">"
	case stepHandler:
		return path + "<message handler>"
	case stepDeath:
		return path + "<error>"
	case stepUserValue:
		return path + "<user value>"
	}
	return path
}

// keyString renders a table key as in a Lua subscript.
func keyString(k lua.Value) string {
	switch k.Type() {
	case lua.TypeString:
		s, _ := k.AsString()
		return strconv.Quote(s)
	case lua.TypeNumber, lua.TypeBoolean:
		s, _ := k.ToStringCoerce()
		if k.Type() == lua.TypeBoolean {
			s = strconv.FormatBool(k.Truthy())
		}
		return s
	}
	return k.TypeName()
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	switch s {
	case "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
		"in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while":
		return false
	}
	return true
}

// unpersistable returns the error for a value reached by from.
func (c *committer) unpersistable(from link, reason string) error {
	return &UnpersistableError{Path: c.path(from), Reason: reason}
}

// path renders the path of what from reaches: up the new objects' links
// to an object that was persistent before, then from the root to it.
func (c *committer) path(from link) string {
	parents := make(map[objRef]objRef, len(c.newObjs))
	for _, n := range c.newObjs {
		parents[n.obj] = n.parent
	}
	var steps []step
	obj := from.parent
	steps = append(steps, from.step)
	for {
		parent, ok := parents[obj]
		if !ok {
			break
		}
		steps = append(steps, stepTo(parent, obj))
		obj = parent
	}
	path, ok := c.db.pathTo(obj.any())
	if !ok {
		path = "(unreachable " + describeObject(obj.any()) + ")"
	}
	for i := len(steps) - 1; i >= 0; i-- {
		path = steps[i].render(path)
	}
	return path
}

// stepTo returns the step by which parent refers to child (the first, if
// several do).
func stepTo(parent, child objRef) step {
	s := step{kind: stepSelf}
	target := child.any()
	children(parent.any(), func(c any, cs step) bool {
		if c != target {
			return true
		}
		s = cs
		return false
	})
	return s
}

func describeObject(obj any) string {
	if _, ok := obj.(*lua.UpVal); ok {
		return "upvalue"
	}
	return obj.(lua.Value).TypeName()
}

// pathTo finds the path of obj (a lua.Value or *lua.UpVal) from the root
// by a breadth-first search over the graph as it is now.
func (db *DB) pathTo(target any) (string, bool) {
	paths := db.pathsTo(map[any]bool{target: true})
	p, ok := paths[target]
	return p, ok
}

// pathsTo finds the paths of several objects in one search.
func (db *DB) pathsTo(targets map[any]bool) map[any]string {
	root := db.root.Value()
	found := make(map[any]string)
	if targets[root] {
		found[root] = ""
	}
	type node struct {
		obj  any
		path string
	}
	seen := map[any]bool{root: true}
	queue := []node{{root, ""}}
	for len(queue) > 0 && len(found) < len(targets) {
		n := queue[0]
		queue = queue[1:]
		children(n.obj, func(child any, s step) bool {
			if seen[child] {
				return true
			}
			seen[child] = true
			p := s.render(n.path)
			if targets[child] {
				found[child] = p
			}
			if _, isPerm := db.registry.Name(valueOf(child)); !isPerm {
				queue = append(queue, node{child, p})
			}
			return true
		})
	}
	return found
}

func valueOf(obj any) lua.Value {
	if v, ok := obj.(lua.Value); ok {
		return v
	}
	return lua.Nil
}

// children calls fn for each object obj refers to directly, until fn
// returns false. Scalars are not objects.
func children(obj any, fn func(child any, s step) bool) {
	visit := func(v lua.Value, s step) bool {
		switch v.Type() {
		case lua.TypeTable, lua.TypeFunction, lua.TypeThread, lua.TypeUserdata:
			return fn(v, s)
		}
		return true
	}
	if u, ok := obj.(*lua.UpVal); ok {
		visit(u.Get(), step{kind: stepCell})
		return
	}
	v := obj.(lua.Value)
	switch v.Type() {
	case lua.TypeTable:
		t := v.AsTable()
		if mt := t.Metatable(); mt != nil && !visit(mt.Value(), step{kind: stepMeta}) {
			return
		}
		for pos, key, val := t.Iter(0); pos != 0; pos, key, val = t.Iter(pos) {
			if !visit(key, step{kind: stepKey, key: key}) || !visit(val, step{kind: stepValue, key: key}) {
				return
			}
		}
	case lua.TypeFunction:
		if f := v.AsLuaFunction(); f != nil {
			for i := range f.NumUpvalues() {
				name := ""
				if ups := f.Proto().Upvalues; i < len(ups) {
					name = ups[i].Name
				}
				if !fn(f.Upvalue(i), step{kind: stepUpvalue, name: name}) {
					return
				}
			}
		} else if co := v.AsGoFunction().WrapThread(); co != nil {
			fn(co.Value(), step{kind: stepWrapped})
		}
	case lua.TypeThread:
		img, err := v.AsThread().Image()
		if err != nil {
			return
		}
		if !visit(img.Body, step{kind: stepBody}) {
			return
		}
		for i, sv := range img.Stack {
			if !visit(sv, step{kind: stepSlot, index: i}) {
				return
			}
		}
		for _, oc := range img.Open {
			if !fn(oc.Cell, step{kind: stepSlot, index: oc.Slot}) {
				return
			}
		}
		for i, f := range img.Frames {
			if !visit(f.Func, step{kind: stepFrame, index: i}) || !visit(f.Handler, step{kind: stepFrame, index: i}) {
				return
			}
		}
		if !visit(img.ErrFunc, step{kind: stepHandler}) {
			return
		}
		if img.Death != nil {
			visit(img.Death.Value, step{kind: stepDeath})
		}
	case lua.TypeUserdata:
		u := v.AsUserdata()
		if mt := u.Metatable(); mt != nil && !visit(mt.Value(), step{kind: stepMeta}) {
			return
		}
		visit(u.UserValue, step{kind: stepUserValue})
	}
}
