package compile

// A Proto is a compiled function prototype: the unit the VM executes and
// string.dump serializes. It is plain data with no reference to the VM.
type Proto struct {
	Source          string // chunk name ("@file.lua", "=stdin", or the source text); "" when stripped
	LineDefined     int
	LastLineDefined int
	NumParams       int
	IsVararg        bool
	MaxStackSize    int

	Code      []Instruction
	Constants []Constant
	Upvalues  []UpvalueDesc
	Protos    []*Proto

	// Debug information (absent in stripped dumps).
	LineInfo []int32  // source line of each instruction; nil when stripped
	LocVars  []LocVar // local variables in order of declaration
}

// A Constant is nil, bool, int64, float64 or string.
type Constant = any

// UpvalueDesc describes how a closure obtains an upvalue when it is created.
type UpvalueDesc struct {
	Name    string // "" when stripped
	InStack bool   // captured from the enclosing function's register Index...
	Index   int    // ...or from its upvalue Index
	Kind    VarKind
}

// VarKind is the kind of a local variable or upvalue.
type VarKind uint8

const (
	VarRegular     VarKind = iota // regular variable
	VarConst                      // <const> (not a compile-time constant)
	VarToBeClosed                 // <close>
	VarCompileTime                // compile-time constant, no register
)

// A LocVar is a local variable's name and the pc range where it is active:
// [StartPC, EndPC).
type LocVar struct {
	Name    string
	StartPC int
	EndPC   int
}

// Line returns the source line of instruction pc, or -1 without debug information.
func (p *Proto) Line(pc int) int {
	if pc < 0 || pc >= len(p.LineInfo) {
		return -1
	}
	return int(p.LineInfo[pc])
}

// LocalName returns the name of the n-th (1-based) local variable active at
// pc, or "" (luaF_getlocalname).
func (p *Proto) LocalName(n, pc int) string {
	for _, v := range p.LocVars {
		if v.StartPC > pc {
			break
		}
		if pc < v.EndPC {
			n--
			if n == 0 {
				return v.Name
			}
		}
	}
	return ""
}
