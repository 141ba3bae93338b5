package compile

import (
	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/syntax"
)

// Limits of the reference implementation.
const (
	maxVars   = 200 // local variables per function
	maxUpvals = 255 // upvalues per function
)

// A vardesc is an active local variable (lparser.h's Vardesc).
type vardesc struct {
	name string
	kind VarKind
	ridx int      // register holding the variable
	pidx int      // index of its LocVar in the Proto
	k    Constant // value of a compile-time constant
}

// A labeldesc is a label or a pending goto (lparser.h's Labeldesc).
type labeldesc struct {
	name    string
	pc      int
	line    int
	nactvar int  // number of active variables at that position
	close   bool // goto that escapes upvalues
}

// A blockCnt is an active block (lparser.c's BlockCnt).
type blockCnt struct {
	previous   *blockCnt
	firstLabel int  // index of the first label of this block
	firstGoto  int  // index of the first pending goto of this block
	nactvar    int  // active locals outside the block
	upval      bool // some variable of the block is an upvalue
	isLoop     bool
	insideTBC  bool // inside the scope of a to-be-closed variable
}

// A funcState is the state of a function being compiled (lparser.h's
// FuncState).
type funcState struct {
	f          *Proto
	prev       *funcState
	c          *compiler
	bl         *blockCnt
	lastTarget int // pc of the last jump target
	freeReg    int // first free register
	nactvar    int // number of active local variables
	firstLocal int // index of the first local of this function in c.actvar
	firstLabel int // index of the first label of this function in c.labels
	needClose  bool
}

// localVar returns the descriptor of variable vidx. Like the reference,
// moveGotosOut reads descriptors of variables that just went out of scope,
// which are still there beyond the slice's length.
func (fs *funcState) localVar(vidx int) *vardesc {
	return &fs.c.actvar[:cap(fs.c.actvar)][fs.firstLocal+vidx]
}

// regLevel is the number of registers used by the first nvar variables
// (compile-time constants use none).
func (fs *funcState) regLevel(nvar int) int {
	for nvar > 0 {
		nvar--
		if vd := fs.localVar(nvar); vd.kind != VarCompileTime {
			return vd.ridx + 1
		}
	}
	return 0
}

// nvarstack is the number of registers used by active variables.
func (fs *funcState) nvarstack() int { return fs.regLevel(fs.nactvar) }

func (fs *funcState) localDebugInfo(vidx int) *LocVar {
	vd := fs.localVar(vidx)
	if vd.kind == VarCompileTime {
		return nil
	}
	return &fs.f.LocVars[vd.pidx]
}

// errorLimit raises "too many <what>" for a function.
func (fs *funcState) errorLimit(limit int, what, near string) {
	where := "main function"
	if line := fs.f.LineDefined; line != 0 {
		where = printf.Sprintf("function at line %d", line)
	}
	fs.c.syntaxError(printf.Sprintf("too many %s (limit is %d) in %s", what, limit, where), near)
}

// newLocalVar declares a variable that is not active yet; it returns its
// index among the function's variables. near is the token after the name,
// quoted in the error about too many variables.
func (fs *funcState) newLocalVar(name, near string) int {
	c := fs.c
	if len(c.actvar)+1-fs.firstLocal > maxVars {
		fs.errorLimit(maxVars, "local variables", near)
	}
	c.actvar = append(c.actvar, vardesc{name: name, kind: VarRegular})
	return len(c.actvar) - 1 - fs.firstLocal
}

// adjustLocalVars activates the last nvars declared variables.
func (fs *funcState) adjustLocalVars(nvars int) {
	reglevel := fs.nvarstack()
	for range nvars {
		vidx := fs.nactvar
		fs.nactvar++
		v := fs.localVar(vidx)
		v.ridx = reglevel
		reglevel++
		fs.f.LocVars = append(fs.f.LocVars, LocVar{Name: v.name, StartPC: fs.pc()})
		v.pidx = len(fs.f.LocVars) - 1
	}
}

// removeVars ends the scope of the variables above level tolevel.
func (fs *funcState) removeVars(tolevel int) {
	n := fs.nactvar - tolevel
	for fs.nactvar > tolevel {
		fs.nactvar--
		if v := fs.localDebugInfo(fs.nactvar); v != nil {
			v.EndPC = fs.pc()
		}
	}
	fs.c.actvar = fs.c.actvar[:len(fs.c.actvar)-n]
}

func (fs *funcState) searchUpvalue(name string) int {
	for i, up := range fs.f.Upvalues {
		if up.Name == name {
			return i
		}
	}
	return -1
}

func (fs *funcState) allocUpvalue() *UpvalueDesc {
	if len(fs.f.Upvalues)+1 > maxUpvals {
		fs.errorLimit(maxUpvals, "upvalues", "")
	}
	fs.f.Upvalues = append(fs.f.Upvalues, UpvalueDesc{})
	return &fs.f.Upvalues[len(fs.f.Upvalues)-1]
}

// newUpvalue creates an upvalue for v, a variable of the enclosing function.
func (fs *funcState) newUpvalue(name string, v *expdesc) int {
	up := fs.allocUpvalue()
	prev := fs.prev
	if v.k == vLocal {
		up.InStack = true
		up.Index = v.ridx
		up.Kind = prev.localVar(v.vidx).kind
	} else {
		up.InStack = false
		up.Index = v.info
		up.Kind = prev.f.Upvalues[v.info].Kind
	}
	up.Name = name
	return len(fs.f.Upvalues) - 1
}

// searchVar looks for an active local variable named n.
func (fs *funcState) searchVar(n string, v *expdesc) (expKind, bool) {
	for i := fs.nactvar - 1; i >= 0; i-- {
		vd := fs.localVar(i)
		if vd.name == n {
			if vd.kind == VarCompileTime {
				*v = newExp(vConst, fs.firstLocal+i)
			} else {
				*v = newExp(vLocal, 0)
				v.vidx = i
				v.ridx = vd.ridx
			}
			return v.k, true
		}
	}
	return 0, false
}

// markUpval marks the block where variable level was defined as having an
// upvalue (so it must be closed).
func (fs *funcState) markUpval(level int) {
	bl := fs.bl
	for bl.nactvar > level {
		bl = bl.previous
	}
	bl.upval = true
	fs.needClose = true
}

func (fs *funcState) markToBeClosed() {
	bl := fs.bl
	bl.upval = true
	bl.insideTBC = true
	fs.needClose = true
}

// singleVarAux resolves name n in fs and its enclosing functions; a global
// is left as vVoid.
func singleVarAux(fs *funcState, n string, v *expdesc, base bool) {
	if fs == nil {
		*v = newExp(vVoid, 0)
		return
	}
	if k, ok := fs.searchVar(n, v); ok {
		if k == vLocal && !base {
			fs.markUpval(v.vidx)
		}
		return
	}
	idx := fs.searchUpvalue(n)
	if idx < 0 {
		singleVarAux(fs.prev, n, v, false)
		if v.k != vLocal && v.k != vUpval {
			return // a global or a compile-time constant
		}
		idx = fs.newUpvalue(n, v)
	}
	*v = newExp(vUpval, idx)
}

// ---- blocks ----

func (fs *funcState) enterBlock(bl *blockCnt, isLoop bool) {
	c := fs.c
	*bl = blockCnt{
		isLoop:     isLoop,
		nactvar:    fs.nactvar,
		firstLabel: len(c.labels),
		firstGoto:  len(c.gotos),
		insideTBC:  fs.bl != nil && fs.bl.insideTBC,
		previous:   fs.bl,
	}
	fs.bl = bl
}

// leaveBlock closes the current block: its variables go out of scope,
// pending breaks are resolved, and its gotos move to the enclosing block.
func (fs *funcState) leaveBlock() {
	bl := fs.bl
	c := fs.c
	hasClose := false
	stklevel := fs.regLevel(bl.nactvar)
	fs.removeVars(bl.nactvar)
	if bl.isLoop {
		hasClose = fs.createLabel("break", 0, false)
	}
	if !hasClose && bl.previous != nil && bl.upval {
		fs.codeABC(OP_CLOSE, stklevel, 0, 0)
	}
	fs.freeReg = stklevel
	c.labels = c.labels[:bl.firstLabel]
	fs.bl = bl.previous
	if bl.previous != nil {
		fs.moveGotosOut(bl)
	} else if bl.firstGoto < len(c.gotos) {
		fs.undefGoto(&c.gotos[bl.firstGoto])
	}
}

// ---- labels and gotos ----

func (fs *funcState) undefGoto(gt *labeldesc) {
	var msg string
	if gt.name == "break" {
		msg = printf.Sprintf("break outside loop at line %d", gt.line)
	} else {
		msg = printf.Sprintf("no visible label '%s' for <goto> at line %d", gt.name, gt.line)
	}
	fs.c.semError(msg)
}

func (fs *funcState) findLabel(name string) *labeldesc {
	c := fs.c
	for i := fs.firstLabel; i < len(c.labels); i++ {
		if c.labels[i].name == name {
			return &c.labels[i]
		}
	}
	return nil
}

func (fs *funcState) newGotoEntry(name string, line, pc int) {
	fs.c.gotos = append(fs.c.gotos, labeldesc{name: name, line: line, pc: pc, nactvar: fs.nactvar})
}

// solveGotos resolves the pending gotos of the current block to label lb;
// it reports whether some of them need to close upvalues.
func (fs *funcState) solveGotos(lb *labeldesc) bool {
	c := fs.c
	needsClose := false
	for i := fs.bl.firstGoto; i < len(c.gotos); {
		if c.gotos[i].name == lb.name {
			needsClose = needsClose || c.gotos[i].close
			fs.solveGoto(i, lb)
		} else {
			i++
		}
	}
	return needsClose
}

func (fs *funcState) solveGoto(g int, lb *labeldesc) {
	c := fs.c
	gt := &c.gotos[g]
	if gt.nactvar < lb.nactvar { // enters the scope of a variable
		name := fs.localVar(gt.nactvar).name
		c.semError(printf.Sprintf("<goto %s> at line %d jumps into the scope of local '%s'", gt.name, gt.line, name))
	}
	fs.patchList(gt.pc, lb.pc)
	c.gotos = append(c.gotos[:g], c.gotos[g+1:]...)
}

// createLabel declares a label at the current pc; last says it is the last
// statement of its block, so the block's locals are already out of scope.
// It reports whether a CLOSE was emitted for gotos that need it.
func (fs *funcState) createLabel(name string, line int, last bool) bool {
	c := fs.c
	c.labels = append(c.labels, labeldesc{name: name, line: line, pc: fs.getLabel(), nactvar: fs.nactvar})
	l := len(c.labels) - 1
	if last {
		c.labels[l].nactvar = fs.bl.nactvar
	}
	lb := c.labels[l]
	if fs.solveGotos(&lb) {
		fs.codeABC(OP_CLOSE, fs.nvarstack(), 0, 0)
		return true
	}
	return false
}

// moveGotosOut moves the pending gotos of a closed block to the enclosing
// one, noting those that leave the scope of a captured variable.
func (fs *funcState) moveGotosOut(bl *blockCnt) {
	c := fs.c
	for i := bl.firstGoto; i < len(c.gotos); i++ {
		gt := &c.gotos[i]
		if fs.regLevel(gt.nactvar) > fs.regLevel(bl.nactvar) {
			gt.close = gt.close || bl.upval
		}
		gt.nactvar = bl.nactvar
	}
}

// checkRepeated rejects a label already visible in the function.
func (fs *funcState) checkRepeated(name string) {
	if lb := fs.findLabel(name); lb != nil {
		fs.c.semError(printf.Sprintf("label '%s' already defined on line %d", name, lb.line))
	}
}

// checkReadonly rejects an assignment to a const or to-be-closed variable.
func (fs *funcState) checkReadonly(e *expdesc) {
	var name string
	switch e.k {
	case vConst:
		name = fs.c.actvar[e.info].name
	case vLocal:
		if vd := fs.localVar(e.vidx); vd.kind != VarRegular {
			name = vd.name
		}
	case vUpval:
		if up := fs.f.Upvalues[e.info]; up.Kind != VarRegular {
			name = up.Name
		}
	default:
		return
	}
	if name != "" {
		fs.c.semError(printf.Sprintf("attempt to assign to const variable '%s'", name))
	}
}

// A compileError carries a compile-time error through panics up to Compile.
type compileError struct{ err *syntax.Error }
