package lua

// Metamethod events, in the reference's order (ltm.h): the MMBIN
// instructions name their event by this number.
type tmEvent uint8

const (
	tmIndex tmEvent = iota
	tmNewindex
	tmGC
	tmMode
	tmLen
	tmEq // last event cached in Table.flags
	tmAdd
	tmSub
	tmMul
	tmMod
	tmPow
	tmDiv
	tmIDiv
	tmBand
	tmBor
	tmBxor
	tmShl
	tmShr
	tmUnm
	tmBnot
	tmLt
	tmLe
	tmConcat
	tmCall
	tmClose
	tmN
)

var tmNameStrings = [tmN]string{
	"__index", "__newindex", "__gc", "__mode", "__len", "__eq",
	"__add", "__sub", "__mul", "__mod", "__pow", "__div", "__idiv",
	"__band", "__bor", "__bxor", "__shl", "__shr", "__unm", "__bnot",
	"__lt", "__le", "__concat", "__call", "__close",
}

// tmNames holds the event names as string values whose hashes are computed once.
var tmNames [tmN]Value

// tmIndexKey is "__index", looked up by the exec loop's method-call fast path.
var tmIndexKey *stringObject

var (
	nameKey      Value // "__name"
	metatableKey Value // "__metatable"
	tostringKey  Value // "__tostring"
	pairsKey     Value // "__pairs"
)

func init() {
	for i, s := range tmNameStrings {
		tmNames[i] = String(s)
		stringHash((*stringObject)(tmNames[i].p))
	}
	nameKey = String("__name")
	metatableKey = String("__metatable")
	tostringKey = String("__tostring")
	pairsKey = String("__pairs")
	for _, v := range []Value{nameKey, metatableKey, tostringKey, pairsKey} {
		stringHash((*stringObject)(v.p))
	}
	tmIndexKey = (*stringObject)(tmNames[tmIndex].p)
}

// wellKnownStrings are shared with the constants of loaded chunks, so that
// metamethod lookups match table keys by identity.
func wellKnownStrings() []Value {
	return append(tmNames[:], nameKey, metatableKey, tostringKey, pairsKey)
}

// fastTM returns the metamethod for event e (one of the first six) in mt,
// remembering its absence in mt.flags.
func fastTM(mt *Table, e tmEvent) Value {
	if mt == nil || mt.flags&(1<<e) != 0 {
		return Nil
	}
	v := mt.getStr((*stringObject)(tmNames[e].p))
	if v.p == nil {
		mt.flags |= 1 << e
	}
	return v
}

// metaOf returns v's metatable, or nil.
func (s *State) metaOf(v Value) *Table {
	if v.p == nil {
		return s.typeMetas[TypeNil]
	}
	switch *(*kind)(v.p) {
	case kindTable:
		return (*Table)(v.p).meta
	case kindUserdata:
		return (*Userdata)(v.p).meta
	}
	return s.typeMetas[v.Type()]
}

// tmOf returns v's metamethod for event e, or Nil.
func (s *State) tmOf(v Value, e tmEvent) Value {
	mt := s.metaOf(v)
	if mt == nil {
		return Nil
	}
	if e <= tmEq {
		return fastTM(mt, e)
	}
	return mt.getStr((*stringObject)(tmNames[e].p))
}

// objTypeName returns the type name used in error messages: the __name
// field of v's metatable when it is a string, else the basic type name.
func (s *State) objTypeName(v Value) string {
	if mt := s.metaOf(v); mt != nil && (v.kind() == kindTable || v.kind() == kindUserdata) {
		if n, ok := mt.getStr((*stringObject)(nameKey.p)).AsString(); ok {
			return n
		}
	}
	return v.TypeName()
}
