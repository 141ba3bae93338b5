package lib

// A pattern is compiled once into a list of items, each one a piece the
// matcher (pattern.go) takes in one step: a run of literal bytes, a
// character class with its repetition suffix as a 256-entry table, a
// capture bracket, %b, %f, a back-reference, the final '$'. Matching then
// costs one table load per subject byte instead of re-parsing the class
// text at every byte, and programs are cached by pattern text, since
// patterns are usually constants.
//
// Compilation never fails: the reference reports a malformed piece only
// when the matcher reaches it (string.find("abc", "x[") is nil, not an
// error), so a malformed piece compiles to an item that raises the
// reference's message when it is reached, and ends the program.

import (
	"sync/atomic"
	"unsafe"

	"github.com/luawasm/luawasm/lua"
)

type patOp uint8

const (
	opLiteral   patOp = iota // lit must follow
	opSingle                 // one byte in set, repeated as rep says
	opOpen                   // '(': a capture starts
	opPosition               // "()": a position capture
	opClose                  // ')': the innermost open capture ends
	opBalance                // %bxy
	opFrontier               // %f[set]
	opBackref                // %1-%9: the text of capture index must follow
	opEndAnchor              // '$' at the end of the pattern
	opMalformed              // raises msg when reached
)

// A patItem is one step of a compiled pattern.
type patItem struct {
	op    patOp
	rep   byte // opSingle: 0 (exactly once), '*', '+', '-' or '?'
	any   bool // opSingle: the class is '.', every byte matches
	open  byte // opBalance: x of %bxy
	close byte // opBalance: y of %bxy
	index int  // opBackref: the capture index, 0-based
	// lead is the first item from this one that is not a capture bracket,
	// or -1 when a bracket on the way raises an error: matching from here
	// fails at once where that item cannot start (see matcher.mayStart).
	lead int
	set  *[256]bool // opSingle, opFrontier: the class
	lit  string     // opLiteral: the bytes; opMalformed: the message
}

// A patProgram is a compiled pattern.
type patProgram struct {
	pat   string // the source, '^' anchor excluded
	items []patItem

	// Where a match may start when scanning (see nextStart); the first
	// position scanned is always tried, so that errors raised before the
	// first byte is consumed ("too many captures") are reported as the
	// reference reports them.
	startsWithByte bool // a match starts with startByte
	startByte      byte
	startSet       *[256]bool // the byte at a match's start is in this set
	// startAtEnd: the end of the subject may start a match even though
	// startSet is set (a frontier whose set holds '\0').
	startAtEnd bool
	// startRun, when not nil, is the first item, a repetition of a class;
	// see skipFailed.
	startRun *patItem
}

// anySet is the class '.'.
var anySet = func() *[256]bool {
	var s [256]bool
	for i := range s {
		s[i] = true
	}
	return &s
}()

// programCache holds recently compiled programs, indexed by a hash of
// their text. Programs are immutable and hold no Lua values, so states
// running in different goroutines share them. Long patterns, rarely
// constants, are not kept.
var programCache [128]atomic.Pointer[patProgram]

const maxCachedPattern = 256

// compilePattern returns the program of pat ('^' already removed by the
// caller when it anchors). Compiling charges the memory budget first.
func compilePattern(t *lua.Thread, pat string) (*patProgram, error) {
	var slot *atomic.Pointer[patProgram]
	if len(pat) <= maxCachedPattern {
		h := uint32(len(pat))
		for i := 0; i < len(pat); i++ {
			h = h*31 + uint32(pat[i])
		}
		slot = &programCache[(h^h>>7)%uint32(len(programCache))]
		if p := slot.Load(); p != nil && p.pat == pat {
			return p, nil
		}
	}
	if err := t.Charge(programSizeBound(pat)); err != nil {
		return nil, err
	}
	p := newProgram(pat)
	if slot != nil {
		slot.Store(p)
	}
	return p, nil
}

// programSizeBound bounds the bytes newProgram allocates for pat: every
// item but a literal run holds a special byte and at most one class table,
// and literal runs lie between them.
func programSizeBound(pat string) int64 {
	specials := int64(0)
	for i := 0; i < len(pat); i++ {
		if isPatternSpecial[pat[i]] || pat[i] == ')' {
			specials++
		}
	}
	itemSize := int64(unsafe.Sizeof(patItem{}))
	return int64(len(pat)) + specials*(256+2*itemSize) + itemSize
}

// newProgram compiles pat, walking it as lstrlib's match does.
func newProgram(pat string) *patProgram {
	prog := &patProgram{pat: pat}
	c := patCompiler{pat: pat}
	var lit []byte // a pending run of literal bytes
	flush := func() {
		if len(lit) > 0 {
			c.items = append(c.items, patItem{op: opLiteral, lit: string(lit)})
			lit = lit[:0]
		}
	}
	for p := 0; p < len(pat); {
		item, next, ok := c.special(p)
		if !ok {
			var single patItem
			single, next = c.single(p)
			if single.op == opLiteral {
				lit = append(lit, single.lit...)
				p = next
				continue
			}
			item = single
		}
		flush()
		c.items = append(c.items, item)
		if item.op == opMalformed {
			break
		}
		p = next
	}
	flush()
	prog.items = c.items
	prog.setLeads()
	prog.setStart()
	return prog
}

// setLeads sets the items' lead. Which captures are open at an item does
// not depend on the subject (every path to it goes through the items
// before it), so the brackets that would raise "too many captures" or
// "invalid pattern capture" are known here.
func (prog *patProgram) setLeads() {
	items := prog.items
	failing := make([]bool, len(items))
	var open []int // the levels of the unfinished captures
	level := 0
	broken := false // an earlier bracket failed: matching never gets further
	for i, it := range items {
		switch it.op {
		case opOpen, opPosition:
			if level >= maxCaptures {
				broken = true
			}
			if it.op == opOpen {
				open = append(open, level)
			}
			level++
		case opClose:
			if len(open) == 0 {
				broken = true
			} else {
				open = open[:len(open)-1]
			}
		}
		failing[i] = broken
	}
	lead := len(items)
	for i := len(items) - 1; i >= 0; i-- {
		switch items[i].op {
		case opOpen, opPosition, opClose:
			if failing[i] {
				lead = -1
			}
		default:
			lead = i
		}
		items[i].lead = lead
	}
}

type patCompiler struct {
	pat   string
	items []patItem
}

// at returns the pattern byte at i, or 0 past the end (C's terminator).
func (c *patCompiler) at(i int) byte {
	if i < len(c.pat) {
		return c.pat[i]
	}
	return 0
}

func malformed(msg string) patItem { return patItem{op: opMalformed, lit: msg} }

// special compiles the item at p if it is not a single-character class,
// and returns where the next item starts.
func (c *patCompiler) special(p int) (patItem, int, bool) {
	pat := c.pat
	switch pat[p] {
	case '(':
		if c.at(p+1) == ')' {
			return patItem{op: opPosition}, p + 2, true
		}
		return patItem{op: opOpen}, p + 1, true
	case ')':
		return patItem{op: opClose}, p + 1, true
	case '$':
		if p+1 == len(pat) {
			return patItem{op: opEndAnchor}, p + 1, true
		}
	case '%':
		switch d := c.at(p + 1); d {
		case 'b':
			if p+3 >= len(pat) {
				return malformed("malformed pattern (missing arguments to '%b')"), 0, true
			}
			return patItem{op: opBalance, open: pat[p+2], close: pat[p+3]}, p + 4, true
		case 'f':
			p += 2
			if c.at(p) != '[' {
				return malformed("missing '[' after '%f' in pattern"), 0, true
			}
			ep, msg := c.classEnd(p)
			if msg != "" {
				return malformed(msg), 0, true
			}
			return patItem{op: opFrontier, set: c.classSet(p, ep)}, ep, true
		case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			return patItem{op: opBackref, index: int(d) - '1'}, p + 2, true
		}
	}
	return patItem{}, 0, false
}

// single compiles the single-character class at p with its suffix: a
// literal byte without a suffix becomes opLiteral.
func (c *patCompiler) single(p int) (patItem, int) {
	ep, msg := c.classEnd(p)
	if msg != "" {
		return malformed(msg), 0
	}
	rep := c.at(ep)
	next := ep + 1
	switch rep {
	case '*', '+', '-', '?':
	default:
		rep, next = 0, ep
	}
	switch {
	case c.pat[p] == '.':
		return patItem{op: opSingle, rep: rep, any: true, set: anySet}, next
	case rep == 0 && ep-p == 1 && c.pat[p] != '[':
		return patItem{op: opLiteral, lit: c.pat[p:ep]}, next
	case rep == 0 && ep-p == 2 && c.pat[p] == '%' && classMask[c.pat[p+1]].bits == 0:
		return patItem{op: opLiteral, lit: c.pat[p+1 : ep]}, next // an escaped byte
	}
	return patItem{op: opSingle, rep: rep, set: c.classSet(p, ep)}, next
}

// classEnd returns the index just after the single-character class at p,
// or the reference's message when it is malformed.
func (c *patCompiler) classEnd(p int) (int, string) {
	pat := c.pat
	ch := pat[p]
	p++
	switch ch {
	case '%':
		if p >= len(pat) {
			return 0, "malformed pattern (ends with '%')"
		}
		return p + 1, ""
	case '[':
		if p < len(pat) && pat[p] == '^' {
			p++
		}
		for { // look for the closing ']'; the first character is never it
			if p >= len(pat) {
				return 0, "malformed pattern (missing ']')"
			}
			ch := pat[p]
			p++
			if ch == '%' && p < len(pat) {
				p++ // skip escapes such as '%]'
			}
			if p < len(pat) && pat[p] == ']' {
				return p + 1, ""
			}
		}
	}
	return p, ""
}

// classSet tabulates the class at p..ep.
func (c *patCompiler) classSet(p, ep int) *[256]bool {
	set := new([256]bool)
	for b := range 256 {
		set[b] = c.inClass(byte(b), p, ep)
	}
	return set
}

// inClass reports whether b belongs to the class at p..ep.
func (c *patCompiler) inClass(b byte, p, ep int) bool {
	switch c.pat[p] {
	case '.':
		return true
	case '%':
		return matchClass(b, c.pat[p+1])
	case '[':
		return c.inBracketClass(b, p, ep-1)
	}
	return c.pat[p] == b
}

// inBracketClass reports whether b is in the set [...] that starts at p
// and whose closing ']' is at ec.
func (c *patCompiler) inBracketClass(b byte, p, ec int) bool {
	pat := c.pat
	in := true
	if pat[p+1] == '^' {
		in = false
		p++
	}
	for p++; p < ec; p++ {
		switch {
		case pat[p] == '%':
			p++
			if matchClass(b, pat[p]) {
				return in
			}
		case pat[p+1] == '-' && p+2 < ec:
			p += 2
			if pat[p-2] <= b && b <= pat[p] {
				return in
			}
		case pat[p] == b:
			return in
		}
	}
	return !in
}

// setStart finds what the first item that consumes bytes says about the
// start of a match. Captures opened before it consume nothing.
func (prog *patProgram) setStart() {
	backrefs := false
	for _, it := range prog.items {
		backrefs = backrefs || it.op == opBackref
	}
	for k, it := range prog.items {
		switch it.op {
		case opOpen, opPosition:
			continue
		case opLiteral:
			prog.startsWithByte, prog.startByte = true, it.lit[0]
		case opSingle:
			if (it.rep == 0 || it.rep == '+') && !it.any {
				prog.startSet = it.set
			}
			if (it.rep == '+' || it.rep == '*' || it.rep == '-') && !backrefs {
				prog.startRun = &prog.items[k]
			}
		case opBalance:
			prog.startsWithByte, prog.startByte = true, it.open
		case opFrontier:
			// The byte at the start must be in the set; at the end of the
			// subject, C's terminating '\0' stands for it.
			prog.startSet = it.set
			prog.startAtEnd = it.set[0]
		}
		return
	}
}

// Character class bits, for the C locale.
const (
	ctAlpha = 1 << iota
	ctCntrl
	ctDigit
	ctGraph
	ctLower
	ctPunct
	ctSpace
	ctUpper
	ctXdigit
	ctZero
)

// ctype holds the class bits of every byte; classMask maps a class letter
// (%a, %A, ...) to its bits, with negated set for upper-case letters.
var (
	ctype     [256]uint16
	classMask [256]struct {
		bits    uint16
		negated bool
	}
)

func init() {
	for c := range 256 {
		var bits uint16
		switch {
		case c >= 'a' && c <= 'z':
			bits |= ctAlpha | ctLower
		case c >= 'A' && c <= 'Z':
			bits |= ctAlpha | ctUpper
		case c >= '0' && c <= '9':
			bits |= ctDigit
		}
		if c < 32 || c == 127 {
			bits |= ctCntrl
		}
		if c > 32 && c < 127 {
			bits |= ctGraph
			if bits&(ctAlpha|ctDigit) == 0 {
				bits |= ctPunct
			}
		}
		if c == ' ' || (c >= '\t' && c <= '\r') {
			bits |= ctSpace
		}
		if (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') {
			bits |= ctXdigit
		}
		if c == 0 {
			bits |= ctZero
		}
		ctype[c] = bits
	}
	for _, cl := range []struct {
		letter byte
		bits   uint16
	}{
		{'a', ctAlpha}, {'c', ctCntrl}, {'d', ctDigit}, {'g', ctGraph}, {'l', ctLower},
		{'p', ctPunct}, {'s', ctSpace}, {'u', ctUpper}, {'w', ctAlpha | ctDigit},
		{'x', ctXdigit}, {'z', ctZero}, // %z is deprecated but still accepted
	} {
		classMask[cl.letter].bits = cl.bits
		classMask[cl.letter-'a'+'A'].bits = cl.bits
		classMask[cl.letter-'a'+'A'].negated = true
	}
}

// matchClass reports whether c belongs to the class %cl; a non-letter cl
// stands for itself.
func matchClass(c, cl byte) bool {
	k := classMask[cl]
	if k.bits == 0 {
		return cl == c
	}
	return (ctype[c]&k.bits != 0) != k.negated
}
