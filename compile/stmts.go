package compile

import (
	"github.com/luawasm/luawasm/syntax"
)

// statList compiles stmts, the statements of block b or their tail;
// closer is the token that closes the block as messages quote it. In a
// block closed by "until" a label at the end is not the last statement.
func (fs *funcState) statList(b *syntax.Block, stmts []syntax.Stmt, closer string) {
	c := fs.c
	endLine := b.EndLine
	inRepeat := closer == "'until'"
	for i := 0; i < len(stmts); i++ {
		if _, ok := stmts[i].(*syntax.LabelStmt); ok {
			// The reference handles a run of labels innermost first.
			j := i
			for j+1 < len(stmts) {
				if _, ok := stmts[j+1].(*syntax.LabelStmt); !ok {
					break
				}
				j++
			}
			c.nextLine = followingLine(stmts, j, endLine)
			c.nextToken = followingToken(stmts, j, closer)
			last := j == len(stmts)-1 && !inRepeat
			c.lastLine = stmts[j].(*syntax.LabelStmt).Line
			c.curLine = c.nextLine
			for k := j; k >= i; k-- {
				fs.labelStat(stmts[k].(*syntax.LabelStmt), last)
			}
			fs.freeReg = fs.nvarstack()
			i = j
			continue
		}
		c.nextLine = followingLine(stmts, i, endLine)
		c.nextToken = followingToken(stmts, i, closer)
		fs.statement(stmts[i])
	}
	c.lastLine = b.LastLine
}

// followingLine is the line of the token after statement i.
func followingLine(stmts []syntax.Stmt, i, endLine int) int {
	if i+1 < len(stmts) {
		return stmtStartLine(stmts[i+1])
	}
	return endLine
}

// followingToken is the token after statement i as messages quote it, when
// the tree tells it (it does not record semicolons).
func followingToken(stmts []syntax.Stmt, i int, closer string) string {
	if i+1 >= len(stmts) {
		return closer
	}
	switch s := stmts[i+1].(type) {
	case *syntax.LocalStmt, *syntax.LocalFunctionStmt:
		return "'local'"
	case *syntax.DoStmt:
		return "'do'"
	case *syntax.WhileStmt:
		return "'while'"
	case *syntax.RepeatStmt:
		return "'repeat'"
	case *syntax.IfStmt:
		return "'if'"
	case *syntax.NumericForStmt, *syntax.GenericForStmt:
		return "'for'"
	case *syntax.FunctionStmt:
		return "'function'"
	case *syntax.ReturnStmt:
		return "'return'"
	case *syntax.BreakStmt:
		return "'break'"
	case *syntax.GotoStmt:
		return "'goto'"
	case *syntax.LabelStmt:
		return "'::'"
	case *syntax.AssignStmt:
		return firstToken(s.Targets[0])
	case *syntax.CallStmt:
		return firstToken(s.Call)
	}
	return ""
}

// firstToken is the first token of a statement's prefix expression.
func firstToken(x syntax.Expr) string {
	for {
		switch e := x.(type) {
		case *syntax.NameExpr:
			return "'" + e.Name + "'"
		case *syntax.ParenExpr:
			return "'('"
		case *syntax.IndexExpr:
			x = e.Obj
		case *syntax.CallExpr:
			x = e.Fn
		case *syntax.MethodCallExpr:
			x = e.Obj
		default:
			return ""
		}
	}
}

// block compiles a nested block (lparser.c's block); closer is the token
// that ends it.
func (fs *funcState) block(b *syntax.Block, closer string) {
	var bl blockCnt
	fs.enterBlock(&bl, false)
	fs.statList(b, b.Stmts, closer)
	fs.leaveBlock()
}

func (fs *funcState) statement(s syntax.Stmt) {
	c := fs.c
	c.curLine = stmtStartLine(s)
	switch s := s.(type) {
	case *syntax.LocalStmt:
		fs.localStat(s)
	case *syntax.AssignStmt:
		fs.assignStat(s)
	case *syntax.CallStmt:
		var v expdesc
		fs.suffixedExp(s.Call, &v)
		setC(fs.instruction(&v), 1) // a call statement uses no results
	case *syntax.DoStmt:
		c.lastLine = s.Line
		fs.block(s.Body, "'end'")
		c.lastLine = s.Body.EndLine
	case *syntax.WhileStmt:
		fs.whileStat(s)
	case *syntax.RepeatStmt:
		fs.repeatStat(s)
	case *syntax.IfStmt:
		fs.ifStat(s)
	case *syntax.NumericForStmt:
		fs.forNum(s)
	case *syntax.GenericForStmt:
		fs.forList(s)
	case *syntax.FunctionStmt:
		fs.funcStat(s)
	case *syntax.LocalFunctionStmt:
		fs.localFunc(s)
	case *syntax.ReturnStmt:
		fs.retStat(s)
	case *syntax.BreakStmt:
		c.lastLine = s.Line
		fs.newGotoEntry("break", s.Line, fs.jump())
	case *syntax.GotoStmt:
		fs.gotoStat(s)
	}
	fs.freeReg = fs.nvarstack()
}

func (fs *funcState) localStat(s *syntax.LocalStmt) {
	c := fs.c
	c.lastLine = s.Line
	toClose := -1
	var vidx int
	for i, name := range s.Names {
		attrib := syntax.AttribNone
		if i < len(s.Attribs) {
			attrib = s.Attribs[i]
		}
		near := c.nextToken
		c.curLine = s.Line
		switch {
		case attrib != syntax.AttribNone:
			near = "'<'"
		case i < len(s.Names)-1:
			near = "','"
		case len(s.Exprs) > 0:
			near = "'='"
		default:
			c.curLine = c.nextLine
		}
		vidx = fs.newLocalVar(name, near)
		switch attrib {
		case syntax.AttribConst:
			fs.localVar(vidx).kind = VarConst
		case syntax.AttribClose:
			fs.localVar(vidx).kind = VarToBeClosed
			if toClose != -1 {
				c.semError("multiple to-be-closed variables in local list")
			}
			toClose = fs.nactvar + i
		}
	}
	nvars := len(s.Names)
	var e expdesc
	nexps := 0
	if len(s.Exprs) > 0 {
		nexps = fs.explist(s.Exprs, &e)
	} else {
		e = newExp(vVoid, 0)
	}
	last := fs.localVar(vidx)
	if nvars == nexps && last.kind == VarConst {
		if k, ok := fs.toConst(&e); ok {
			last.kind = VarCompileTime
			last.k = k
			fs.adjustLocalVars(nvars - 1)
			fs.nactvar++ // counts the constant too
			fs.checkToClose(toClose)
			return
		}
	}
	fs.adjustAssign(nvars, nexps, &e)
	fs.adjustLocalVars(nvars)
	fs.checkToClose(toClose)
}

func (fs *funcState) checkToClose(level int) {
	if level != -1 {
		fs.markToBeClosed()
		fs.codeABC(OP_TBC, fs.regLevel(level), 0, 0)
	}
}

// adjustAssign makes nexps values fill nvars registers.
func (fs *funcState) adjustAssign(nvars, nexps int, e *expdesc) {
	needed := nvars - nexps
	if e.k.multRet() {
		fs.setReturns(e, max(needed+1, 0))
	} else {
		if e.k != vVoid {
			fs.exp2nextreg(e)
		}
		if needed > 0 {
			fs.loadNil(fs.freeReg, needed)
		}
	}
	if needed > 0 {
		fs.reserveRegs(needed)
	} else {
		fs.freeReg += needed // removes extra values
	}
}

func (fs *funcState) assignStat(s *syntax.AssignStmt) {
	c := fs.c
	lhs := make([]expdesc, len(s.Targets))
	for i, t := range s.Targets {
		fs.suffixedExp(t, &lhs[i])
		if i > 0 && !lhs[i].k.isIndexed() {
			fs.checkConflict(lhs[:i], &lhs[i])
		}
		c.curLine = s.Line
		if i < len(s.Targets)-1 {
			c.curLine = c.lastLine
		}
		fs.checkReadonly(&lhs[i])
	}
	c.lastLine = s.Line // '=' consumed
	var e expdesc
	nexps := fs.explist(s.Exprs, &e)
	last := len(lhs) - 1
	if nexps != len(lhs) {
		fs.adjustAssign(len(lhs), nexps, &e)
		e = newExp(vNonReloc, fs.freeReg-1)
		fs.storeVar(&lhs[last], &e)
	} else {
		fs.setOneRet(&e)
		fs.storeVar(&lhs[last], &e)
	}
	for i := last - 1; i >= 0; i-- {
		e = newExp(vNonReloc, fs.freeReg-1)
		fs.storeVar(&lhs[i], &e)
	}
}

// checkConflict handles a multiple assignment where a later target is a
// local or upvalue that an earlier target uses as table or key: the earlier
// target must use a copy of its old value.
func (fs *funcState) checkConflict(prev []expdesc, v *expdesc) {
	extra := fs.freeReg
	conflict := false
	for i := range prev {
		lh := &prev[i]
		if !lh.k.isIndexed() {
			continue
		}
		if lh.k == vIndexUp {
			if v.k == vUpval && lh.indT == v.info {
				conflict = true
				lh.k = vIndexStr
				lh.indT = extra
			}
			continue
		}
		if v.k == vLocal && lh.indT == v.ridx {
			conflict = true
			lh.indT = extra
		}
		if lh.k == vIndexed && v.k == vLocal && lh.indIdx == v.ridx {
			conflict = true
			lh.indIdx = extra
		}
	}
	if conflict {
		if v.k == vLocal {
			fs.codeABC(OP_MOVE, extra, v.ridx, 0)
		} else {
			fs.codeABC(OP_GETUPVAL, extra, v.info, 0)
		}
		fs.reserveRegs(1)
	}
}

// cond compiles a loop or if condition; it returns the jumps taken when it
// is false.
func (fs *funcState) cond(x syntax.Expr) int {
	var v expdesc
	fs.expr(x, &v)
	if v.k == vNil {
		v.k = vFalse // all falses are equal here
	}
	fs.goIfTrue(&v)
	return v.f
}

func (fs *funcState) whileStat(s *syntax.WhileStmt) {
	c := fs.c
	c.lastLine = s.Line
	whileInit := fs.getLabel()
	condExit := fs.cond(s.Cond)
	var bl blockCnt
	fs.enterBlock(&bl, true)
	fs.block(s.Body, "'end'")
	fs.jumpTo(whileInit)
	c.lastLine = s.Body.EndLine
	fs.leaveBlock()
	fs.patchToHere(condExit)
}

func (fs *funcState) repeatStat(s *syntax.RepeatStmt) {
	c := fs.c
	c.lastLine = s.Line
	repeatInit := fs.getLabel()
	var bl1, bl2 blockCnt
	fs.enterBlock(&bl1, true)  // loop block
	fs.enterBlock(&bl2, false) // scope block
	fs.statList(s.Body, s.Body.Stmts, "'until'")
	c.lastLine = s.Body.EndLine // "until" consumed
	c.nextLine = s.Body.EndLine
	condExit := fs.cond(s.Cond)
	fs.leaveBlock() // finish scope
	if bl2.upval {  // the repetition must close upvalues
		exit := fs.jump()
		fs.patchToHere(condExit)
		fs.codeABC(OP_CLOSE, fs.regLevel(bl2.nactvar), 0, 0)
		condExit = fs.jump()
		fs.patchToHere(exit)
	}
	fs.patchList(condExit, repeatInit)
	fs.leaveBlock() // finish loop
}

func (fs *funcState) ifStat(s *syntax.IfStmt) {
	c := fs.c
	escape := noJump
	for i, cond := range s.Conds {
		if i == 0 {
			c.lastLine = s.Line
		} else {
			c.lastLine = s.Blocks[i-1].EndLine // "elseif" consumed
		}
		closer := "'end'"
		switch {
		case i < len(s.Conds)-1:
			closer = "'elseif'"
		case s.Else != nil:
			closer = "'else'"
		}
		fs.testThenBlock(cond, s.Blocks[i], closer, &escape)
	}
	end := s.Blocks[len(s.Blocks)-1].EndLine
	if s.Else != nil {
		c.lastLine = end // "else" consumed
		fs.block(s.Else, "'end'")
		end = s.Else.EndLine
	}
	c.lastLine = end
	fs.patchToHere(escape)
}

// testThenBlock compiles "cond then block" of an if statement; closer is
// the token that ends the block ("else" and "elseif" need a jump over what
// follows).
func (fs *funcState) testThenBlock(cond syntax.Expr, b *syntax.Block, closer string, escape *int) {
	c := fs.c
	var v expdesc
	var bl blockCnt
	var jf int
	fs.expr(cond, &v)
	stmts := b.Stmts
	if brk, ok := firstBreak(stmts); ok { // "if cond then break"
		fs.goIfFalse(&v)
		c.lastLine = brk.Line
		fs.enterBlock(&bl, false)
		fs.newGotoEntry("break", brk.Line, v.t)
		if len(stmts) == 1 { // the jump is the whole block
			fs.leaveBlock()
			return
		}
		jf = fs.jump()
		stmts = stmts[1:]
	} else {
		fs.goIfTrue(&v)
		fs.enterBlock(&bl, false)
		jf = v.f
	}
	fs.statList(b, stmts, closer)
	fs.leaveBlock()
	if closer != "'end'" {
		fs.concatJumps(escape, fs.jump())
	}
	fs.patchToHere(jf)
}

func firstBreak(stmts []syntax.Stmt) (*syntax.BreakStmt, bool) {
	if len(stmts) == 0 {
		return nil, false
	}
	b, ok := stmts[0].(*syntax.BreakStmt)
	return b, ok
}

func (fs *funcState) forNum(s *syntax.NumericForStmt) {
	c := fs.c
	c.lastLine = s.Line
	var bl blockCnt
	fs.enterBlock(&bl, true)
	base := fs.freeReg
	c.curLine = s.Line
	for range 3 {
		fs.newLocalVar("(for state)", "'='")
	}
	fs.newLocalVar(s.Var, "'='")
	fs.exp1(s.Start)
	fs.exp1(s.Limit)
	if s.Step != nil {
		fs.exp1(s.Step)
	} else {
		fs.loadInt(fs.freeReg, 1)
		fs.reserveRegs(1)
	}
	fs.adjustLocalVars(3)
	c.lastLine = s.DoLine
	fs.forBody(base, s.Line, 1, false, s.Body)
	c.lastLine = s.Body.EndLine
	fs.leaveBlock()
}

func (fs *funcState) exp1(x syntax.Expr) {
	var e expdesc
	fs.expr(x, &e)
	fs.exp2nextreg(&e)
}

func (fs *funcState) forList(s *syntax.GenericForStmt) {
	c := fs.c
	c.lastLine = s.Line
	var bl blockCnt
	fs.enterBlock(&bl, true)
	base := fs.freeReg
	c.curLine = s.Line
	near := "','"
	if len(s.Names) == 1 {
		near = "'in'"
	}
	for range 4 {
		fs.newLocalVar("(for state)", near)
	}
	for i, name := range s.Names {
		if i == len(s.Names)-1 {
			near = "'in'"
		}
		fs.newLocalVar(name, near)
	}
	line := s.ExprLine
	var e expdesc
	nexps := fs.explist(s.Exprs, &e)
	fs.adjustAssign(4, nexps, &e)
	fs.adjustLocalVars(4)
	fs.markToBeClosed() // the last control variable must be closed
	fs.checkStack(3)    // extra space to call the generator
	c.lastLine = s.DoLine
	fs.forBody(base, line, len(s.Names), true, s.Body)
	c.lastLine = s.Body.EndLine
	fs.leaveBlock()
}

func (fs *funcState) forBody(base, line, nvars int, generic bool, body *syntax.Block) {
	prepOp, loopOp := OP_FORPREP, OP_FORLOOP
	if generic {
		prepOp, loopOp = OP_TFORPREP, OP_TFORLOOP
	}
	prep := fs.codeABx(prepOp, base, 0)
	var bl blockCnt
	fs.enterBlock(&bl, false) // scope for the declared variables
	fs.adjustLocalVars(nvars)
	fs.reserveRegs(nvars)
	fs.block(body, "'end'")
	fs.leaveBlock()
	fs.fixForJump(prep, fs.getLabel(), false)
	if generic {
		fs.codeABC(OP_TFORCALL, base, 0, nvars)
		fs.fixLine(line)
	}
	endFor := fs.codeABx(loopOp, base, 0)
	fs.fixForJump(endFor, prep+1, true)
	fs.fixLine(line)
}

func (fs *funcState) fixForJump(pc, dest int, back bool) {
	offset := dest - (pc + 1)
	if back {
		offset = -offset
	}
	if offset > MaxArgBx {
		fs.c.syntaxError("control structure too long", "")
	}
	setBx(&fs.f.Code[pc], offset)
}

func (fs *funcState) funcStat(s *syntax.FunctionStmt) {
	c := fs.c
	c.lastLine = s.Line
	var v, b expdesc
	fs.suffixedExp(s.Target, &v)
	fs.body(s.Func, &b, c.nextLine)
	c.curLine = c.nextLine
	fs.checkReadonly(&v)
	fs.storeVar(&v, &b)
	fs.fixLine(s.Line) // the definition "happens" in the first line
}

func (fs *funcState) localFunc(s *syntax.LocalFunctionStmt) {
	c := fs.c
	c.lastLine = s.Line
	fvar := fs.nactvar
	c.curLine = s.Line
	fs.newLocalVar(s.Name, "'('")
	fs.adjustLocalVars(1)
	var b expdesc
	fs.body(s.Func, &b, c.nextLine)
	// debug information only sees the variable after this point
	fs.localDebugInfo(fvar).StartPC = fs.pc()
}

func (fs *funcState) retStat(s *syntax.ReturnStmt) {
	c := fs.c
	c.lastLine = s.Line
	first := fs.nvarstack()
	nret := 0
	if len(s.Exprs) > 0 {
		var e expdesc
		nret = fs.explist(s.Exprs, &e)
		switch {
		case e.k.multRet():
			fs.setMultRet(&e)
			if e.k == vCall && nret == 1 && !fs.bl.insideTBC {
				setOp(fs.instruction(&e), OP_TAILCALL)
			}
			nret = multRet
		case nret == 1:
			first = fs.exp2anyreg(&e)
		default:
			fs.exp2nextreg(&e)
			first = fs.freeReg - nret
		}
	}
	fs.ret(first, nret)
}

func (fs *funcState) gotoStat(s *syntax.GotoStmt) {
	c := fs.c
	c.lastLine = s.Line
	lb := fs.findLabel(s.Label)
	if lb == nil { // forward jump, resolved when the label is declared
		fs.newGotoEntry(s.Label, s.Line, fs.jump())
		return
	}
	// backward jump, resolved here
	lblevel := fs.regLevel(lb.nactvar)
	if fs.nvarstack() > lblevel { // leaving the scope of a variable
		fs.codeABC(OP_CLOSE, lblevel, 0, 0)
	}
	fs.patchList(fs.jump(), lb.pc)
}

func (fs *funcState) labelStat(s *syntax.LabelStmt, last bool) {
	fs.checkRepeated(s.Name)
	fs.createLabel(s.Name, s.Line, last)
}

// stmtStartLine returns the line of a statement's first token.
func stmtStartLine(s syntax.Stmt) int {
	switch s := s.(type) {
	case *syntax.LocalStmt:
		return s.Line
	case *syntax.AssignStmt:
		return startLine(s.Targets[0])
	case *syntax.CallStmt:
		return startLine(s.Call)
	case *syntax.DoStmt:
		return s.Line
	case *syntax.WhileStmt:
		return s.Line
	case *syntax.RepeatStmt:
		return s.Line
	case *syntax.IfStmt:
		return s.Line
	case *syntax.NumericForStmt:
		return s.Line
	case *syntax.GenericForStmt:
		return s.Line
	case *syntax.FunctionStmt:
		return s.Line
	case *syntax.LocalFunctionStmt:
		return s.Line
	case *syntax.ReturnStmt:
		return s.Line
	case *syntax.BreakStmt:
		return s.Line
	case *syntax.GotoStmt:
		return s.Line
	case *syntax.LabelStmt:
		return s.Line
	}
	return 0
}
