package compile

import (
	"github.com/luawasm/luawasm/syntax"
)

// A compiler holds the state shared by the functions of one chunk
// (lparser.c's LexState and Dyndata).
type compiler struct {
	source string      // chunk name
	kcache map[any]int // constant -> index in the function that added it last
	actvar []vardesc   // active local variables of all open functions
	gotos  []labeldesc // pending gotos
	labels []labeldesc // active labels
	fs     *funcState  // function being compiled

	// Emulation of the reference parser's position, for line information
	// and error messages.
	lastLine  int    // line of the last token consumed
	curLine   int    // line of the current token, where errors are reported
	nextLine  int    // line of the token following the current statement
	nextToken string // that token as messages quote it, if known
	regToken  string // token current while an expression list places a value, if known
	regLine   int    // its line
}

// Compile compiles a parsed chunk into its main function: a vararg
// function with the single upvalue _ENV.
func Compile(chunk *syntax.Chunk) (p *Proto, err error) {
	c := &compiler{source: chunk.Name, kcache: make(map[any]int), lastLine: 1}
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			p, err = nil, ce.err
		}
	}()
	fs := &funcState{f: &Proto{Source: chunk.Name}}
	var bl blockCnt
	c.openFunc(fs, &bl)
	fs.setVararg(0)
	env := fs.allocUpvalue()
	*env = UpvalueDesc{Name: "_ENV", InStack: true, Index: 0, Kind: VarRegular}
	fs.statList(chunk.Body, chunk.Body.Stmts, "<eof>")
	c.curLine = chunk.EndLine
	c.closeFunc()
	return fs.f, nil
}

func (c *compiler) openFunc(fs *funcState, bl *blockCnt) {
	fs.prev = c.fs
	fs.c = c
	c.fs = fs
	fs.firstLocal = len(c.actvar)
	fs.firstLabel = len(c.labels)
	fs.f.MaxStackSize = 2 // registers 0/1 are always valid
	fs.enterBlock(bl, false)
}

func (c *compiler) closeFunc() {
	fs := c.fs
	fs.ret(fs.nvarstack(), 0) // final return
	fs.leaveBlock()
	fs.finish()
	c.fs = fs.prev
}

// syntaxError raises an error at the current token, quoting it as near
// when it is known (luaX_syntaxerror).
func (c *compiler) syntaxError(msg, near string) {
	if near != "" {
		msg += " near " + near
	}
	c.raise(max(c.curLine, c.lastLine), msg)
}

// semError raises a semantic error, which does not quote a token
// (luaK_semerror).
func (c *compiler) semError(msg string) { c.raise(max(c.curLine, c.lastLine), msg) }

func (c *compiler) raise(line int, msg string) {
	panic(compileError{&syntax.Error{Chunk: syntax.ChunkID(c.source), Line: line, Msg: msg}})
}
