// Package syntax turns Lua 5.4 source text into an abstract syntax tree.
//
// The scanner and the recursive-descent parser follow the reference
// implementation (llex.c, lparser.c) closely enough to reproduce its
// observable behaviour: the same numerals, escapes and long brackets, the
// same error messages with the same "near" token, the same line numbers,
// and the same order in which errors are found, because tokens are scanned
// one at a time as the grammar asks for them. Checks that need scopes
// (goto and label resolution, break outside a loop, assignment to a const
// variable, register and upvalue limits) are left to the compiler.
package syntax

import (
	"slices"
	"strings"

	"github.com/luawasm/luawasm/internal/printf"
)

// maxCCalls is the reference's LUAI_MAXCCALLS. The reference counts the
// parser's recursion (statements, expressions, assignment targets) in the
// same budget as nested C calls and fails with "C stack overflow" when it
// is exhausted.
const maxCCalls = 200

// loadDepth is the number of C levels in use when a script file is loaded
// by the reference's lua and luac (its main function runs in a protected
// call).
const loadDepth = 1

// Parse parses the chunk src, named chunkname ("=stdin", "@file.lua", or
// the source itself for strings), as a file loaded by the standalone
// interpreter. Errors are *Error.
func Parse(chunkname, src string) (*Chunk, error) {
	return ParseDepth(chunkname, src, loadDepth)
}

// ParseDepth is Parse for a chunk loaded while depth C levels are in use
// (the reference's nCcalls: load called from a main chunk sees 2, from a
// function called by pcall 3, ...). The reference's parser shares that
// budget of 200 levels, so the depth decides how deeply src may nest.
func ParseDepth(chunkname, src string, depth int) (chunk *Chunk, err error) {
	p := &parser{depth: depth, vararg: true}
	p.sc = scanner{src: src, line: 1, chunk: ChunkID(chunkname)}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			chunk, err = nil, e
		}
	}()
	p.lastLine = 1
	p.next()
	body := p.block()
	p.check(tkEOF)
	return &Chunk{Name: chunkName(chunkname), Body: body, EndLine: p.tok.line}, nil
}

// TrimFileHeader returns the contents of a source file as the reference's
// luaL_loadfilex passes them to the parser: without a UTF-8 byte order
// mark, and with a first line starting with '#' (a Unix "#!" line) reduced
// to its line break so that line numbers stay right (dropped entirely when
// a binary chunk follows). load does neither.
func TrimFileHeader(src string) string {
	// Like the reference, a partial mark loses the bytes that were read to
	// check it, but its first byte stays.
	if strings.HasPrefix(src, "\xEF") {
		switch {
		case strings.HasPrefix(src, "\xEF\xBB\xBF"):
			src = src[3:]
		case strings.HasPrefix(src, "\xEF\xBB"):
			src = "\xEF" + src[min(3, len(src)):]
		default:
			src = "\xEF" + src[min(2, len(src)):]
		}
	}
	if strings.HasPrefix(src, "#") {
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			if strings.HasPrefix(src[i+1:], "\x1b") {
				return src[i+1:] // a binary chunk: no line numbers to keep
			}
			return src[i:]
		}
		return "\n"
	}
	return src
}

// A parser builds the tree while reading tokens from its scanner.
type parser struct {
	sc       scanner
	tok      lexeme // the current token
	ahead    lexeme // a token read ahead, if hasAhead
	hasAhead bool
	lastLine int  // the scanner's line when the current token was taken (the reference's lastline)
	depth    int  // C levels in use, as the reference counts them
	vararg   bool // the function being parsed is vararg

	// Lists under construction, nested ones above the ones that contain
	// them: each list is copied out at its final size when complete.
	stmts  []Stmt
	exprs  []Expr
	fields []TableField
}

// next advances to the next token.
func (p *parser) next() {
	p.lastLine = p.sc.line
	if p.hasAhead {
		p.tok, p.hasAhead = p.ahead, false
		return
	}
	p.sc.scan(&p.tok)
}

// lookahead scans the token after the current one without advancing.
func (p *parser) lookahead() token {
	p.sc.scan(&p.ahead)
	p.hasAhead = true
	return p.ahead.kind
}

// enter and leave count a level of recursion, as the reference's
// luaE_incCstack does.
func (p *parser) enter() {
	p.depth++
	switch {
	case p.depth == maxCCalls:
		p.errorNoPosition("C stack overflow")
	case p.depth >= maxCCalls/10*11:
		p.errorNoPosition("error in error handling") // overflow while handling an overflow
	}
}

func (p *parser) leave() { p.depth-- }

// syntaxError stops parsing with msg about the current token.
func (p *parser) syntaxError(msg string) {
	// The reference omits the token for the NUL byte, which it cannot
	// distinguish from "no token".
	if p.tok.kind != 0 {
		msg += " near " + p.tokenText()
	}
	p.errorWithoutToken(msg)
}

// errorWithoutToken stops parsing with msg at the current line, without
// naming a token (the reference's luaK_semerror).
func (p *parser) errorWithoutToken(msg string) {
	panic(&Error{Chunk: p.sc.chunk, Line: p.sc.line, Msg: msg})
}

// errorNoPosition stops parsing with an error the reference raises as a
// runtime error outside any Lua function, so its message has no position.
func (p *parser) errorNoPosition(msg string) {
	panic(&Error{Chunk: p.sc.chunk, Msg: msg})
}

// tokenText renders the current token for "near": names, strings and
// numerals as they were read, everything else by kind.
func (p *parser) tokenText() string {
	t := &p.tok
	src := p.sc.src
	switch t.kind {
	case tkName:
		return quoteText(t.s)
	case tkInt, tkFloat:
		return quoteText(src[t.start:t.end])
	case tkString:
		// The reference shows its buffer: the delimiters around the
		// decoded contents.
		open := src[t.start : t.start+1]
		if open == "[" {
			level := 0
			for src[t.start+1+level] == '=' {
				level++
			}
			open = src[t.start : t.start+level+2]
			return quoteText(open + t.s + "]" + open[1:level+1] + "]")
		}
		return quoteText(open + t.s + open)
	}
	return t.kind.String()
}

func (p *parser) errorExpected(t token) {
	p.syntaxError(t.String() + " expected")
}

// check requires the current token to be t.
func (p *parser) check(t token) {
	if p.tok.kind != t {
		p.errorExpected(t)
	}
}

// checkNext requires the current token to be t and skips it.
func (p *parser) checkNext(t token) {
	p.check(t)
	p.next()
}

// testNext skips the current token if it is t.
func (p *parser) testNext(t token) bool {
	if p.tok.kind == t {
		p.next()
		return true
	}
	return false
}

// checkMatch skips the token what that closes the construct who opened at
// line where.
func (p *parser) checkMatch(what, who token, where int) {
	if p.testNext(what) {
		return
	}
	if where == p.sc.line {
		p.errorExpected(what)
	}
	p.syntaxError(printf.Sprintf("%v expected (to close %v at line %d)", what, who, where))
}

// checkName reads a name.
func (p *parser) checkName() string {
	p.check(tkName)
	name := p.tok.s
	p.next()
	return name
}

// blockFollow reports whether the current token ends a block; "until"
// ends the syntactic block of a repeat loop but not its scope.
func (p *parser) blockFollow(withUntil bool) bool {
	switch p.tok.kind {
	case tkElse, tkElseif, tkEnd, tkEOF:
		return true
	case tkUntil:
		return withUntil
	}
	return false
}

// ---- statements ----

// block parses a statement list up to the token that closes it.
func (p *parser) block() *Block { return p.blockFrom(len(p.stmts)) }

// blockFrom parses a statement list that continues the statements on the
// stack from base.
func (p *parser) blockFrom(base int) *Block {
	for !p.blockFollow(true) {
		if p.tok.kind == tkReturn {
			p.statement()
			break // 'return' must be the last statement
		}
		p.statement()
	}
	b := &Block{EndLine: p.tok.line, LastLine: p.lastLine}
	if len(p.stmts) > base {
		b.Stmts = slices.Clone(p.stmts[base:])
		clear(p.stmts[base:])
		p.stmts = p.stmts[:base]
	}
	return b
}

// statement parses one statement onto the statement stack (nothing for an
// empty one).
func (p *parser) statement() {
	line := p.tok.line
	p.enter()
	var s Stmt
	switch p.tok.kind {
	case ';':
		p.next()
	case tkIf:
		s = p.ifStat(line)
	case tkWhile:
		p.next()
		cond := p.expr()
		p.checkNext(tkDo)
		body := p.block()
		p.checkMatch(tkEnd, tkWhile, line)
		s = &WhileStmt{Line: line, Cond: cond, Body: body}
	case tkDo:
		p.next()
		body := p.block()
		p.checkMatch(tkEnd, tkDo, line)
		s = &DoStmt{Line: line, Body: body}
	case tkFor:
		s = p.forStat(line)
	case tkRepeat:
		p.next()
		body := p.block()
		p.checkMatch(tkUntil, tkRepeat, line)
		s = &RepeatStmt{Line: line, Body: body, Cond: p.expr()}
	case tkFunction:
		p.next()
		target, isMethod := p.funcName()
		s = &FunctionStmt{Line: line, Target: target, Func: p.body(isMethod, line)}
	case tkLocal:
		p.next()
		if p.testNext(tkFunction) {
			name := p.checkName()
			s = &LocalFunctionStmt{Line: line, Name: name, Func: p.body(false, p.tok.line)}
		} else {
			s = p.localStat(line)
		}
	case tkDbColon:
		p.next()
		p.labelStat(p.checkName(), line)
	case tkReturn:
		p.next()
		s = p.retStat(line)
	case tkBreak:
		p.next()
		s = &BreakStmt{Line: line}
	case tkGoto:
		p.next()
		nameLine := p.tok.line // read before checkName moves on
		s = &GotoStmt{Line: nameLine, Label: p.checkName()}
	default:
		s = p.exprStat(line)
	}
	if s != nil {
		p.stmts = append(p.stmts, s)
	}
	p.leave()
}

// ifStat parses "if cond then block {elseif cond then block} [else block] end".
func (p *parser) ifStat(line int) *IfStmt {
	s := &IfStmt{Line: line}
	p.testThenBlock(s)
	for p.tok.kind == tkElseif {
		p.testThenBlock(s)
	}
	if p.testNext(tkElse) {
		s.Else = p.block()
	}
	p.checkMatch(tkEnd, tkIf, line)
	return s
}

// testThenBlock parses "[if | elseif] cond then block" onto s.
func (p *parser) testThenBlock(s *IfStmt) {
	p.next()
	s.Conds = append(s.Conds, p.expr())
	p.checkNext(tkThen)
	base := len(p.stmts)
	if p.tok.kind == tkBreak {
		// The reference compiles "if cond then break" as a conditional
		// jump out of the loop, reading the break outside statement()
		// and so outside its recursion count.
		p.stmts = append(p.stmts, &BreakStmt{Line: p.tok.line})
		p.next()
		for p.testNext(';') {
		}
	}
	s.Blocks = append(s.Blocks, p.blockFrom(base))
}

// forStat parses a numeric or generic for loop.
func (p *parser) forStat(line int) Stmt {
	p.next()
	name := p.checkName()
	switch p.tok.kind {
	case '=':
		p.next()
		s := &NumericForStmt{Line: line, Var: name}
		s.Start = p.expr()
		p.checkNext(',')
		s.Limit = p.expr()
		if p.testNext(',') {
			s.Step = p.expr()
		}
		s.DoLine, s.Body = p.forBody()
		p.checkMatch(tkEnd, tkFor, line)
		return s
	case ',', tkIn:
		s := &GenericForStmt{Line: line, Names: []string{name}}
		for p.testNext(',') {
			s.Names = append(s.Names, p.checkName())
		}
		p.checkNext(tkIn)
		s.ExprLine = p.tok.line
		s.Exprs = p.exprList()
		s.DoLine, s.Body = p.forBody()
		p.checkMatch(tkEnd, tkFor, line)
		return s
	}
	p.syntaxError("'=' or 'in' expected")
	return nil
}

// forBody parses "do block", returning the line of "do" and the block.
func (p *parser) forBody() (int, *Block) {
	doLine := p.tok.line
	p.checkNext(tkDo)
	return doLine, p.block()
}

// funcName parses "name {'.' name} [':' name]".
func (p *parser) funcName() (Expr, bool) {
	line := p.tok.line
	var target Expr = &NameExpr{Line: line, Name: p.checkName()}
	for p.tok.kind == '.' {
		target = p.fieldSel(target)
	}
	if p.tok.kind == ':' {
		return p.fieldSel(target), true
	}
	return target, false
}

// localStat parses "local name attrib {',' name attrib} ['=' exprs]".
func (p *parser) localStat(line int) *LocalStmt {
	s := &LocalStmt{Line: line}
	toClose := false
	for {
		s.Names = append(s.Names, p.checkName())
		attrib := p.attrib()
		if attrib == AttribClose {
			if toClose {
				p.errorWithoutToken("multiple to-be-closed variables in local list")
			}
			toClose = true
		}
		s.Attribs = append(s.Attribs, attrib)
		if !p.testNext(',') {
			break
		}
	}
	if p.testNext('=') {
		s.Exprs = p.exprList()
	}
	return s
}

// attrib parses an optional "<name>" variable attribute.
func (p *parser) attrib() Attrib {
	if !p.testNext('<') {
		return AttribNone
	}
	name := p.checkName()
	p.checkNext('>')
	switch name {
	case "const":
		return AttribConst
	case "close":
		return AttribClose
	}
	p.errorWithoutToken("unknown attribute '" + name + "'")
	return AttribNone
}

// labelStat parses the rest of "::name::". Like the reference it reads
// the empty statements and labels that follow as part of the label.
func (p *parser) labelStat(name string, line int) {
	p.checkNext(tkDbColon)
	p.stmts = append(p.stmts, &LabelStmt{Line: line, Name: name})
	for p.tok.kind == ';' || p.tok.kind == tkDbColon {
		p.statement()
	}
}

// retStat parses "return [exprs] [';']" after the "return".
func (p *parser) retStat(line int) *ReturnStmt {
	s := &ReturnStmt{Line: line}
	if !p.blockFollow(true) && p.tok.kind != ';' {
		s.Exprs = p.exprList()
	}
	p.testNext(';')
	return s
}

// exprStat parses a call statement or an assignment.
func (p *parser) exprStat(line int) Stmt {
	e := p.suffixedExp()
	if p.tok.kind != '=' && p.tok.kind != ',' {
		switch e.(type) {
		case *CallExpr, *MethodCallExpr:
			return &CallStmt{Line: line, Call: e}
		}
		p.syntaxError("syntax error")
	}
	targets := []Expr{e}
	levels := 0
	for {
		switch e.(type) {
		case *NameExpr, *IndexExpr:
		default:
			p.syntaxError("syntax error")
		}
		if !p.testNext(',') {
			break
		}
		e = p.suffixedExp()
		targets = append(targets, e)
		p.enter() // the reference recurses for each further target
		levels++
	}
	eqLine := p.tok.line
	p.checkNext('=')
	s := &AssignStmt{Line: eqLine, Targets: targets, Exprs: p.exprList()}
	p.depth -= levels
	return s
}

// ---- expressions ----

// exprList parses "expr {',' expr}".
func (p *parser) exprList() []Expr {
	base := len(p.exprs)
	for {
		e := p.expr()
		p.exprs = append(p.exprs, e)
		if !p.testNext(',') {
			break
		}
	}
	list := slices.Clone(p.exprs[base:])
	clear(p.exprs[base:])
	p.exprs = p.exprs[:base]
	return list
}

func (p *parser) expr() Expr { return p.subExpr(0) }

// Binary operator priorities, indexed by BinOp: left binds the operator to
// what precedes it, right to what follows; right < left makes an operator
// right associative.
var priority = [...]struct{ left, right uint8 }{
	OpAdd:    {10, 10},
	OpSub:    {10, 10},
	OpMul:    {11, 11},
	OpMod:    {11, 11},
	OpPow:    {14, 13},
	OpDiv:    {11, 11},
	OpIDiv:   {11, 11},
	OpBAnd:   {6, 6},
	OpBOr:    {4, 4},
	OpBXor:   {5, 5},
	OpShl:    {7, 7},
	OpShr:    {7, 7},
	OpConcat: {9, 8},
	OpEq:     {3, 3},
	OpLt:     {3, 3},
	OpLe:     {3, 3},
	OpNe:     {3, 3},
	OpGt:     {3, 3},
	OpGe:     {3, 3},
	OpAnd:    {2, 2},
	OpOr:     {1, 1},
}

// unaryPriority binds unary operators tighter than everything but '^'.
const unaryPriority = 12

// binaryOps maps a token to its binary operator plus one (0: none).
var binaryOps = [numTokens]uint8{
	'+':      uint8(OpAdd) + 1,
	'-':      uint8(OpSub) + 1,
	'*':      uint8(OpMul) + 1,
	'%':      uint8(OpMod) + 1,
	'^':      uint8(OpPow) + 1,
	'/':      uint8(OpDiv) + 1,
	tkIDiv:   uint8(OpIDiv) + 1,
	'&':      uint8(OpBAnd) + 1,
	'|':      uint8(OpBOr) + 1,
	'~':      uint8(OpBXor) + 1,
	tkShl:    uint8(OpShl) + 1,
	tkShr:    uint8(OpShr) + 1,
	tkConcat: uint8(OpConcat) + 1,
	tkEq:     uint8(OpEq) + 1,
	'<':      uint8(OpLt) + 1,
	tkLe:     uint8(OpLe) + 1,
	tkNe:     uint8(OpNe) + 1,
	'>':      uint8(OpGt) + 1,
	tkGe:     uint8(OpGe) + 1,
	tkAnd:    uint8(OpAnd) + 1,
	tkOr:     uint8(OpOr) + 1,
}

// subExpr parses "(simpleexp | unop subexpr) {binop subexpr}" for the
// binary operators that bind tighter than limit.
func (p *parser) subExpr(limit uint8) Expr {
	p.enter()
	var e Expr
	if op, ok := unaryOp(p.tok.kind); ok {
		line := p.tok.line
		p.next()
		e = &UnaryExpr{Line: line, Op: op, X: p.subExpr(unaryPriority)}
	} else {
		e = p.simpleExp()
	}
	for {
		b := binaryOps[p.tok.kind]
		if b == 0 || priority[b-1].left <= limit {
			break
		}
		op := BinOp(b - 1)
		line := p.tok.line
		p.next()
		e = &BinaryExpr{Line: line, Op: op, L: e, R: p.subExpr(priority[op].right)}
	}
	p.leave()
	return e
}

func unaryOp(t token) (UnOp, bool) {
	switch t {
	case '-':
		return OpNeg, true
	case '~':
		return OpBNot, true
	case tkNot:
		return OpNot, true
	case '#':
		return OpLen, true
	}
	return 0, false
}

// simpleExp parses a literal, a constructor, a function or a suffixed expression.
func (p *parser) simpleExp() Expr {
	line := p.tok.line
	var e Expr
	switch p.tok.kind {
	case tkFloat:
		e = &NumberExpr{Line: line, Float: p.tok.f}
	case tkInt:
		e = &NumberExpr{Line: line, IsInt: true, Int: p.tok.i}
	case tkString:
		e = &StringExpr{Line: line, Value: p.tok.s}
	case tkNil:
		e = &NilExpr{Line: line}
	case tkTrue:
		e = &TrueExpr{Line: line}
	case tkFalse:
		e = &FalseExpr{Line: line}
	case tkDots:
		if !p.vararg {
			p.syntaxError("cannot use '...' outside a vararg function")
		}
		e = &VarargExpr{Line: line}
	case '{':
		return p.constructor()
	case tkFunction:
		p.next()
		return p.body(false, p.tok.line)
	default:
		return p.suffixedExp()
	}
	p.next()
	return e
}

// primaryExp parses a name or a parenthesized expression.
func (p *parser) primaryExp() Expr {
	line := p.tok.line
	switch p.tok.kind {
	case '(':
		p.next()
		x := p.expr()
		endLine := p.tok.line
		p.checkMatch(')', '(', line)
		return &ParenExpr{Line: line, X: x, EndLine: endLine}
	case tkName:
		return &NameExpr{Line: line, Name: p.checkName()}
	}
	p.syntaxError("unexpected symbol")
	return nil
}

// suffixedExp parses a primary expression followed by field selections,
// indexing, calls and method calls.
func (p *parser) suffixedExp() Expr {
	// The reference reports a missing ')' of any call in the chain
	// against the line where the chain starts.
	line := p.tok.line
	e := p.primaryExp()
	for {
		switch p.tok.kind {
		case '.':
			e = p.fieldSel(e)
		case '[':
			line := p.tok.line
			p.next()
			key := p.expr()
			endLine := p.tok.line
			p.checkNext(']')
			e = &IndexExpr{Line: line, Obj: e, Key: key, EndLine: endLine}
		case ':':
			p.next()
			nameLine := p.tok.line
			name := p.checkName()
			argsLine := p.tok.line
			args, endLine := p.funcArgs(line)
			e = &MethodCallExpr{Line: argsLine, NameLine: nameLine, Obj: e, Name: name, Args: args, EndLine: endLine}
		case '(', tkString, '{':
			argsLine := p.tok.line
			args, endLine := p.funcArgs(line)
			e = &CallExpr{Line: argsLine, Fn: e, Args: args, EndLine: endLine}
		default:
			return e
		}
	}
}

// fieldSel parses "('.' | ':') name" after obj.
func (p *parser) fieldSel(obj Expr) Expr {
	line := p.tok.line
	p.next()
	nameLine := p.tok.line
	key := &StringExpr{Line: nameLine, Value: p.checkName()}
	return &IndexExpr{Line: line, Obj: obj, Key: key, EndLine: nameLine}
}

// funcArgs parses call arguments: "(exprs)", a constructor or a string,
// for a call whose chain of suffixes starts at line. It returns them with
// the line of their last token.
func (p *parser) funcArgs(line int) ([]Expr, int) {
	switch p.tok.kind {
	case '(':
		p.next()
		var args []Expr
		if p.tok.kind != ')' {
			args = p.exprList()
		}
		endLine := p.tok.line
		p.checkMatch(')', '(', line)
		return args, endLine
	case '{':
		t := p.constructor()
		return []Expr{t}, t.EndLine
	case tkString:
		s := &StringExpr{Line: p.tok.line, Value: p.tok.s}
		p.next()
		return []Expr{s}, s.Line
	}
	p.syntaxError("function arguments expected")
	return nil, 0
}

// constructor parses "{ [field {sep field} [sep]] }".
func (p *parser) constructor() *TableExpr {
	t := &TableExpr{Line: p.tok.line}
	p.checkNext('{')
	base := len(p.fields)
	for p.tok.kind != '}' {
		f := p.field()
		p.fields = append(p.fields, f)
		if !p.testNext(',') && !p.testNext(';') {
			break
		}
	}
	if len(p.fields) > base {
		t.Fields = slices.Clone(p.fields[base:])
		clear(p.fields[base:])
		p.fields = p.fields[:base]
	}
	t.EndLine = p.tok.line
	p.checkMatch('}', '{', t.Line)
	return t
}

// field parses one constructor field: "name = expr", "[expr] = expr" or "expr".
func (p *parser) field() TableField {
	switch p.tok.kind {
	case tkName:
		if p.lookahead() != '=' {
			return TableField{Value: p.expr()}
		}
		key := &StringExpr{Line: p.tok.line, Value: p.tok.s}
		p.next()
		p.checkNext('=')
		return TableField{Key: key, Named: true, Value: p.expr()}
	case '[':
		p.next()
		key := p.expr()
		p.checkNext(']')
		p.checkNext('=')
		return TableField{Key: key, Value: p.expr()}
	}
	return TableField{Value: p.expr()}
}

// body parses "(params) block end" of a function whose linedefined is line.
func (p *parser) body(isMethod bool, line int) *FunctionExpr {
	f := &FunctionExpr{Line: line, IsMethod: isMethod}
	p.checkNext('(')
	if isMethod {
		f.Params = append(f.Params, "self")
	}
	if p.tok.kind != ')' {
		for {
			if p.tok.kind == tkDots {
				p.next()
				f.IsVararg = true
				break
			}
			if p.tok.kind != tkName {
				p.syntaxError("<name> or '...' expected")
			}
			f.Params = append(f.Params, p.checkName())
			if !p.testNext(',') {
				break
			}
		}
	}
	p.checkNext(')')
	outer := p.vararg
	p.vararg = f.IsVararg
	f.Body = p.block()
	f.EndLine = p.tok.line
	p.checkMatch(tkEnd, tkFunction, line)
	p.vararg = outer
	return f
}
