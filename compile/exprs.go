package compile

import (
	"strconv"

	"github.com/luawasm/luawasm/syntax"
)

// expr compiles expression x into v (lparser.c's expr/subexpr). On return
// c.lastLine is the line of x's last token.
func (fs *funcState) expr(x syntax.Expr, v *expdesc) {
	c := fs.c
	switch x := x.(type) {
	case *syntax.NilExpr:
		*v = newExp(vNil, 0)
		c.lastLine = x.Line
	case *syntax.TrueExpr:
		*v = newExp(vTrue, 0)
		c.lastLine = x.Line
	case *syntax.FalseExpr:
		*v = newExp(vFalse, 0)
		c.lastLine = x.Line
	case *syntax.NumberExpr:
		if x.IsInt {
			*v = newExp(vKInt, 0)
			v.ival = x.Int
		} else {
			*v = newExp(vKFlt, 0)
			v.nval = x.Float
		}
		c.lastLine = x.Line
	case *syntax.StringExpr:
		*v = newExp(vKStr, 0)
		v.strval = x.Value
		c.lastLine = x.Line
	case *syntax.VarargExpr:
		if !fs.f.IsVararg {
			c.curLine = x.Line
			c.syntaxError("cannot use '...' outside a vararg function", "'...'")
		}
		// emitted before the reference consumes '...'
		*v = newExp(vVararg, fs.codeABC(OP_VARARG, 0, 0, 1))
		c.lastLine = x.Line
	case *syntax.FunctionExpr:
		fs.body(x, v, x.EndLine)
	case *syntax.TableExpr:
		fs.constructor(x, v)
	case *syntax.BinaryExpr:
		fs.expr(x.L, v)
		c.lastLine = x.Line // operator consumed
		fs.infix(x.Op, v)
		var v2 expdesc
		fs.expr(x.R, &v2)
		fs.posfix(x.Op, v, &v2, x.Line)
	case *syntax.UnaryExpr:
		c.lastLine = x.Line
		fs.expr(x.X, v)
		fs.prefix(x.Op, v, x.Line)
	default:
		fs.suffixedExp(x, v)
	}
}

// suffixedExp compiles a primary expression with its suffixes: a name, a
// parenthesized expression, a field or index access, or a call.
func (fs *funcState) suffixedExp(x syntax.Expr, v *expdesc) {
	c := fs.c
	switch x := x.(type) {
	case *syntax.NameExpr:
		c.lastLine = x.Line
		fs.singleVar(x.Name, v)
	case *syntax.ParenExpr:
		c.lastLine = x.Line
		fs.expr(x.X, v)
		c.lastLine = x.EndLine
		fs.dischargeVars(v)
	case *syntax.IndexExpr:
		fs.suffixedExp(x.Obj, v)
		fs.exp2anyregup(v)
		c.lastLine = x.Line // '.' or '[' consumed
		var k expdesc
		fs.expr(x.Key, &k)
		fs.exp2val(&k)
		c.lastLine = x.EndLine
		fs.indexed(v, &k)
	case *syntax.CallExpr:
		fs.suffixedExp(x.Fn, v)
		fs.exp2nextreg(v)
		fs.funcArgs(v, x.Args, x.Line, x.EndLine, startLine(x))
	case *syntax.MethodCallExpr:
		fs.suffixedExp(x.Obj, v)
		c.lastLine = x.NameLine
		key := newExp(vKStr, 0)
		key.strval = x.Name
		fs.self(v, &key)
		fs.funcArgs(v, x.Args, x.Line, x.EndLine, startLine(x))
	default:
		fs.expr(x, v)
	}
}

// singleVar resolves a variable name; a global becomes _ENV[name].
func (fs *funcState) singleVar(name string, v *expdesc) {
	singleVarAux(fs, name, v, true)
	if v.k == vVoid {
		singleVarAux(fs, "_ENV", v, true)
		fs.exp2anyregup(v)
		key := newExp(vKStr, 0)
		key.strval = name
		fs.indexed(v, &key)
	}
}

// funcArgs compiles a call's arguments and the CALL; argsLine and endLine
// are the lines of the tokens opening and closing the arguments, line the
// line the call is attributed to (where its prefix expression starts).
func (fs *funcState) funcArgs(f *expdesc, args []syntax.Expr, argsLine, endLine, line int) {
	c := fs.c
	var a expdesc
	if len(args) == 0 {
		c.lastLine = argsLine
		a = newExp(vVoid, 0)
	} else {
		if _, isTable := args[0].(*syntax.TableExpr); !isTable || len(args) > 1 {
			c.lastLine = argsLine // '(' consumed; a table argument starts right away
		}
		fs.explist(args, &a)
		if a.k.multRet() {
			fs.setMultRet(&a)
		}
	}
	c.lastLine = endLine
	base := f.info
	var nparams int
	if a.k.multRet() {
		nparams = multRet
	} else {
		if a.k != vVoid {
			fs.exp2nextreg(&a)
		}
		nparams = fs.freeReg - (base + 1)
	}
	*f = newExp(vCall, fs.codeABC(OP_CALL, base, nparams+1, 2))
	fs.fixLine(line)
	fs.freeReg = base + 1
}

// explist compiles a list of expressions, leaving all but the last in
// consecutive registers and the last in v; it returns their number.
func (fs *funcState) explist(list []syntax.Expr, v *expdesc) int {
	c := fs.c
	fs.expr(list[0], v)
	for _, x := range list[1:] {
		// the reference reads the next expression's first token before
		// placing the previous value: errors quote that token
		c.regToken, c.regLine = tokenText(x), startLine(x)
		fs.exp2nextreg(v)
		c.regToken = ""
		fs.expr(x, v)
	}
	return len(list)
}

// tokenText returns the first token of x as messages quote it, when the
// tree tells it (a string or float literal's spelling is not recorded).
func tokenText(x syntax.Expr) string {
	switch x := x.(type) {
	case *syntax.NilExpr:
		return "'nil'"
	case *syntax.TrueExpr:
		return "'true'"
	case *syntax.FalseExpr:
		return "'false'"
	case *syntax.VarargExpr:
		return "'...'"
	case *syntax.NumberExpr:
		if x.IsInt && x.Int >= 0 {
			return "'" + strconv.FormatInt(x.Int, 10) + "'"
		}
	case *syntax.FunctionExpr:
		return "'function'"
	case *syntax.TableExpr:
		return "'{'"
	case *syntax.UnaryExpr:
		return "'" + x.Op.String() + "'"
	case *syntax.BinaryExpr:
		return tokenText(x.L)
	case *syntax.NameExpr, *syntax.ParenExpr, *syntax.IndexExpr, *syntax.CallExpr, *syntax.MethodCallExpr:
		return firstToken(x)
	}
	return ""
}

// consControl is the state of a table constructor being compiled.
type consControl struct {
	v       expdesc  // last list item read
	t       *expdesc // table descriptor
	nh      int      // number of record elements
	na      int      // number of array elements already stored
	toStore int      // number of array elements pending
}

func (fs *funcState) constructor(x *syntax.TableExpr, t *expdesc) {
	c := fs.c
	pc := fs.codeABC(OP_NEWTABLE, 0, 0, 0)
	fs.code(0) // space for the EXTRAARG
	cc := consControl{t: t}
	*t = newExp(vNonReloc, fs.freeReg)
	fs.reserveRegs(1)
	cc.v = newExp(vVoid, 0)
	c.lastLine = x.Line
	for _, field := range x.Fields {
		fs.closeListField(&cc)
		if field.Key == nil {
			fs.expr(field.Value, &cc.v)
			cc.toStore++
			continue
		}
		reg := fs.freeReg
		var key expdesc
		fs.expr(field.Key, &key)
		if !field.Named {
			fs.exp2val(&key)
		}
		cc.nh++
		tab := *cc.t
		fs.indexed(&tab, &key)
		var val expdesc
		fs.expr(field.Value, &val)
		fs.storeVar(&tab, &val)
		fs.freeReg = reg
	}
	c.lastLine = x.EndLine
	fs.lastListField(&cc)
	fs.setTableSize(pc, t.info, cc.na, cc.nh)
}

func (fs *funcState) closeListField(cc *consControl) {
	if cc.v.k == vVoid {
		return
	}
	fs.exp2nextreg(&cc.v)
	cc.v.k = vVoid
	if cc.toStore == FieldsPerFlush {
		fs.setList(cc.t.info, cc.na, cc.toStore)
		cc.na += cc.toStore
		cc.toStore = 0
	}
}

func (fs *funcState) lastListField(cc *consControl) {
	if cc.toStore == 0 {
		return
	}
	if cc.v.k.multRet() {
		fs.setMultRet(&cc.v)
		fs.setList(cc.t.info, cc.na, multRet)
		cc.na-- // the last item does not count: its size is unknown
	} else {
		if cc.v.k != vVoid {
			fs.exp2nextreg(&cc.v)
		}
		fs.setList(cc.t.info, cc.na, cc.toStore)
	}
	cc.na += cc.toStore
}

// body compiles a function body into a new prototype and emits the CLOSURE
// in fs (lparser.c's body). followLine is the line of the token after the
// body's "end", where errors found on closing the function are reported.
func (fs *funcState) body(x *syntax.FunctionExpr, v *expdesc, followLine int) {
	c := fs.c
	child := &funcState{f: &Proto{Source: c.source, LineDefined: x.Line}}
	fs.f.Protos = append(fs.f.Protos, child.f)
	var bl blockCnt
	c.openFunc(child, &bl)
	c.curLine = x.Line
	for i, name := range x.Params {
		near := "')'"
		if i < len(x.Params)-1 || x.IsVararg {
			near = "','"
		}
		child.newLocalVar(name, near)
	}
	child.adjustLocalVars(len(x.Params))
	child.f.NumParams = child.nactvar
	if x.IsVararg {
		child.setVararg(child.f.NumParams)
	}
	child.reserveRegs(child.nactvar)
	child.statList(x.Body, x.Body.Stmts, "'end'")
	child.f.LastLineDefined = x.EndLine
	c.lastLine = x.EndLine
	*v = newExp(vReloc, fs.codeABx(OP_CLOSURE, 0, len(fs.f.Protos)-1))
	fs.exp2nextreg(v)
	c.curLine = followLine
	c.closeFunc()
}

func (fs *funcState) setVararg(nparams int) {
	fs.f.IsVararg = true
	fs.codeABC(OP_VARARGPREP, nparams, 0, 0)
}

// startLine returns the line of an expression's first token.
func startLine(x syntax.Expr) int {
	switch x := x.(type) {
	case *syntax.NilExpr:
		return x.Line
	case *syntax.TrueExpr:
		return x.Line
	case *syntax.FalseExpr:
		return x.Line
	case *syntax.VarargExpr:
		return x.Line
	case *syntax.NumberExpr:
		return x.Line
	case *syntax.StringExpr:
		return x.Line
	case *syntax.NameExpr:
		return x.Line
	case *syntax.IndexExpr:
		return startLine(x.Obj)
	case *syntax.CallExpr:
		return startLine(x.Fn)
	case *syntax.MethodCallExpr:
		return startLine(x.Obj)
	case *syntax.ParenExpr:
		return x.Line
	case *syntax.FunctionExpr:
		return x.Line
	case *syntax.TableExpr:
		return x.Line
	case *syntax.BinaryExpr:
		return startLine(x.L)
	case *syntax.UnaryExpr:
		return x.Line
	}
	return 0
}
