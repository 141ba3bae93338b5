package syntax

// The abstract syntax tree of a Lua 5.4 chunk.
//
// Every node records the source lines the compiler needs to reproduce the
// reference implementation's line attribution: error messages and line hooks
// report the line of the token that the reference's single-pass compiler had
// just read when it emitted the instruction.

// A Chunk is a parsed source file: the body of the main function, which is
// always vararg and has the single upvalue _ENV.
type Chunk struct {
	Name    string // chunk name as given to load ("=stdin", "@file.lua", ...), up to any NUL
	Body    *Block
	EndLine int // line of the end of the stream
}

// A Block is a sequence of statements.
type Block struct {
	Stmts   []Stmt
	EndLine int // line of the token that closes the block ("end", "until", "else", EOF, ...)
	// LastLine is the line of the last token before the closing one (the
	// reference's lastline when the block ends: a while loop's jump back,
	// the jump over an else part and a function's final return get it).
	// For an empty block it is the line of the token that opened it.
	LastLine int
}

// Expr is an expression node.
type Expr interface{ exprNode() }

// Stmt is a statement node.
type Stmt interface{ stmtNode() }

// ---- expressions ----

type (
	// NilExpr is the literal nil.
	NilExpr struct{ Line int }
	// TrueExpr is the literal true.
	TrueExpr struct{ Line int }
	// FalseExpr is the literal false.
	FalseExpr struct{ Line int }
	// VarargExpr is "...".
	VarargExpr struct{ Line int }

	// NumberExpr is a numeric literal, already converted: IsInt selects Int or Float.
	NumberExpr struct {
		Line  int
		IsInt bool
		Int   int64
		Float float64
	}

	// StringExpr is a string literal with escapes already decoded.
	StringExpr struct {
		Line  int
		Value string
	}

	// NameExpr is a variable reference; the compiler resolves it to a local,
	// an upvalue or a field of _ENV.
	NameExpr struct {
		Line int
		Name string
	}

	// IndexExpr is Obj[Key]; obj.name is an IndexExpr with a StringExpr key.
	IndexExpr struct {
		Line    int // line of the '[' or '.'
		Obj     Expr
		Key     Expr
		EndLine int // line of the ']' or the name
	}

	// CallExpr is Fn(Args).
	// The reference gives the call instruction the line where the chain
	// of suffixes starts (the line of a in a.b(c)(d)), not Line.
	CallExpr struct {
		Line    int // line of the '(' / '{' / string that starts the arguments
		Fn      Expr
		Args    []Expr
		EndLine int // line of the ')' / '}' / string that ends the arguments
	}

	// MethodCallExpr is Obj:Name(Args).
	MethodCallExpr struct {
		Line     int // line of the '(' / '{' / string that starts the arguments
		NameLine int // line of the method name
		Obj      Expr
		Name     string
		Args     []Expr
		EndLine  int // line of the ')' / '}' / string that ends the arguments
	}

	// ParenExpr is (X): it truncates multiple results to one.
	ParenExpr struct {
		Line    int // line of the '('
		X       Expr
		EndLine int // line of the ')'
	}

	// FunctionExpr is a function body: "function (params) body end".
	FunctionExpr struct {
		// Line is linedefined as the reference sets it: the line of the
		// "function" keyword in a function statement, otherwise the line of
		// the '(' that opens the parameters.
		Line     int
		EndLine  int // line of the closing "end" (lastlinedefined)
		Params   []string
		IsVararg bool
		IsMethod bool // declared with ':'; Params[0] is "self"
		Body     *Block
	}

	// TableExpr is a table constructor.
	TableExpr struct {
		Line    int // line of '{'
		EndLine int // line of '}'
		Fields  []TableField
	}

	// BinaryExpr is L Op R. Line is the line of the operator.
	BinaryExpr struct {
		Line int
		Op   BinOp
		L, R Expr
	}

	// UnaryExpr is Op X. Line is the line of the operator.
	UnaryExpr struct {
		Line int
		Op   UnOp
		X    Expr
	}
)

// A TableField is one entry of a table constructor: positional when Key is nil,
// "name = v" when Key is a StringExpr and Named is set, "[k] = v" otherwise.
type TableField struct {
	Key   Expr
	Named bool
	Value Expr
}

// BinOp enumerates binary operators.
type BinOp uint8

const (
	OpAdd BinOp = iota
	OpSub
	OpMul
	OpMod
	OpPow
	OpDiv
	OpIDiv
	OpBAnd
	OpBOr
	OpBXor
	OpShl
	OpShr
	OpConcat
	OpEq
	OpLt
	OpLe
	OpNe
	OpGt
	OpGe
	OpAnd
	OpOr
)

var binOpNames = [...]string{"+", "-", "*", "%", "^", "/", "//", "&", "|", "~", "<<", ">>", "..", "==", "<", "<=", "~=", ">", ">=", "and", "or"}

func (op BinOp) String() string { return binOpNames[op] }

// UnOp enumerates unary operators.
type UnOp uint8

const (
	OpNeg  UnOp = iota // -
	OpBNot             // ~
	OpNot              // not
	OpLen              // #
)

var unOpNames = [...]string{"-", "~", "not", "#"}

func (op UnOp) String() string { return unOpNames[op] }

// ---- statements ----

// Attrib is a local variable attribute.
type Attrib uint8

const (
	AttribNone  Attrib = iota
	AttribConst        // <const>
	AttribClose        // <close>
)

type (
	// LocalStmt is "local n1 <a1>, n2 = exprs".
	LocalStmt struct {
		Line    int
		Names   []string
		Attribs []Attrib
		Exprs   []Expr
	}

	// AssignStmt is "targets = exprs"; each target is a NameExpr or IndexExpr.
	AssignStmt struct {
		Line    int // line of the '='
		Targets []Expr
		Exprs   []Expr
	}

	// CallStmt is a function call used as a statement (*CallExpr or *MethodCallExpr).
	CallStmt struct {
		Line int
		Call Expr
	}

	// DoStmt is "do body end".
	DoStmt struct {
		Line int
		Body *Block
	}

	// WhileStmt is "while cond do body end".
	WhileStmt struct {
		Line int
		Cond Expr
		Body *Block
	}

	// RepeatStmt is "repeat body until cond"; cond sees the body's locals.
	RepeatStmt struct {
		Line int
		Body *Block
		Cond Expr
	}

	// IfStmt is "if c1 then b1 elseif c2 then b2 ... else e end".
	IfStmt struct {
		Line   int
		Conds  []Expr
		Blocks []*Block
		Else   *Block // nil when absent
	}

	// NumericForStmt is "for v = start, limit, step do body end"; Step may be nil.
	NumericForStmt struct {
		Line               int // line of "for" (the loop instructions')
		Var                string
		Start, Limit, Step Expr
		Body               *Block
		DoLine             int // line of "do" (the reference's FORPREP line)
	}

	// GenericForStmt is "for n1, n2 in exprs do body end".
	GenericForStmt struct {
		Line     int // line of "for"
		Names    []string
		Exprs    []Expr
		Body     *Block
		DoLine   int // line of "do" (the reference's TFORPREP line)
		ExprLine int // line of the first token after "in" (TFORCALL's and TFORLOOP's)
	}

	// FunctionStmt is "function a.b.c:m() ... end". Target is the NameExpr or
	// IndexExpr assigned to; for a method Func.IsMethod is set.
	FunctionStmt struct {
		Line   int
		Target Expr
		Func   *FunctionExpr
	}

	// LocalFunctionStmt is "local function name() ... end".
	LocalFunctionStmt struct {
		Line int
		Name string
		Func *FunctionExpr
	}

	// ReturnStmt is "return exprs".
	ReturnStmt struct {
		Line  int
		Exprs []Expr
	}

	// BreakStmt is "break".
	BreakStmt struct{ Line int }

	// GotoStmt is "goto label".
	GotoStmt struct {
		Line  int // line of the label name (the reference's line for the goto)
		Label string
	}

	// LabelStmt is "::name::".
	LabelStmt struct {
		Line int // line of the first "::"
		Name string
	}
)

func (*NilExpr) exprNode()        {}
func (*TrueExpr) exprNode()       {}
func (*FalseExpr) exprNode()      {}
func (*VarargExpr) exprNode()     {}
func (*NumberExpr) exprNode()     {}
func (*StringExpr) exprNode()     {}
func (*NameExpr) exprNode()       {}
func (*IndexExpr) exprNode()      {}
func (*CallExpr) exprNode()       {}
func (*MethodCallExpr) exprNode() {}
func (*ParenExpr) exprNode()      {}
func (*FunctionExpr) exprNode()   {}
func (*TableExpr) exprNode()      {}
func (*BinaryExpr) exprNode()     {}
func (*UnaryExpr) exprNode()      {}

func (*LocalStmt) stmtNode()         {}
func (*AssignStmt) stmtNode()        {}
func (*CallStmt) stmtNode()          {}
func (*DoStmt) stmtNode()            {}
func (*WhileStmt) stmtNode()         {}
func (*RepeatStmt) stmtNode()        {}
func (*IfStmt) stmtNode()            {}
func (*NumericForStmt) stmtNode()    {}
func (*GenericForStmt) stmtNode()    {}
func (*FunctionStmt) stmtNode()      {}
func (*LocalFunctionStmt) stmtNode() {}
func (*ReturnStmt) stmtNode()        {}
func (*BreakStmt) stmtNode()         {}
func (*GotoStmt) stmtNode()          {}
func (*LabelStmt) stmtNode()         {}

// LastLine returns the line of the last token of e: the reference's
// lastline when it emits the code that completes e.
func LastLine(e Expr) int {
	switch e := e.(type) {
	case *NilExpr:
		return e.Line
	case *TrueExpr:
		return e.Line
	case *FalseExpr:
		return e.Line
	case *VarargExpr:
		return e.Line
	case *NumberExpr:
		return e.Line
	case *StringExpr:
		return e.Line
	case *NameExpr:
		return e.Line
	case *IndexExpr:
		return e.EndLine
	case *CallExpr:
		return e.EndLine
	case *MethodCallExpr:
		return e.EndLine
	case *ParenExpr:
		return e.EndLine
	case *FunctionExpr:
		return e.EndLine
	case *TableExpr:
		return e.EndLine
	case *BinaryExpr:
		return LastLine(e.R)
	case *UnaryExpr:
		return LastLine(e.X)
	}
	panic("syntax: unknown expression type")
}
