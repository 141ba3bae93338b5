package lib

// Lua patterns (manual §6.4.1) are compiled into items (patcompile.go) and
// matched by a backtracking matcher with the structure of lstrlib.c's:
// match walks the items, recursing for captures and for each repetition it
// may have to undo, and loops instead of recursing where the C code uses
// goto. The recursion depth is bounded (200 calls, "pattern too complex")
// so Go's stack never grows without limit, and the work done is reported
// with Thread.Tick so that exponential patterns stop at the instruction
// budget.
//
// The matcher skips work whose outcome it knows, never a call that could
// raise an error: scanning tries only the positions where the first item
// can match, a failed leading repetition is not retried from inside its
// run, and backtracking calls match only where the item that follows can
// start. The depth, the errors and the results stay the reference's.
//
// Errors inside the matcher panic with a patternError, which the library
// function that started the match recovers and returns; nothing else is
// recovered.

import (
	"strconv"
	"strings"

	"github.com/luawasm/luawasm/lua"
)

const (
	maxCaptures   = 32   // LUA_MAXCAPTURES
	maxMatchDepth = 200  // MAXCCALLS
	tickEvery     = 4096 // matcher steps between calls of Thread.Tick

	capUnfinished = -1 // capture length of an open capture
	capPosition   = -2 // capture length of a position capture "()"

	patternSpecials = "^$*+?.([%-"
)

// isPatternSpecial marks the bytes of patternSpecials.
var isPatternSpecial = func() (set [256]bool) {
	for i := range len(patternSpecials) {
		set[patternSpecials[i]] = true
	}
	return
}()

// plainPattern reports whether p holds no special byte, so that find can
// search for it as plain text (lstrlib's nospecials).
func plainPattern(p string) bool {
	for i := 0; i < len(p); i++ {
		if isPatternSpecial[p[i]] {
			return false
		}
	}
	return true
}

// patternError carries an error out of the matcher's recursion.
type patternError struct{ err error }

// recoverPattern turns a matcher panic into the function's error result.
func recoverPattern(err *error) {
	if r := recover(); r != nil {
		pe, ok := r.(patternError)
		if !ok {
			panic(r)
		}
		*err = pe.err
	}
}

// A matcher holds the state of one compiled pattern against one subject.
// Positions are byte offsets; -1 means "no match".
type matcher struct {
	t       *lua.Thread
	src     string
	items   []patItem
	level   int   // captures opened so far
	depth   int   // match calls still allowed on the Go stack
	steps   int64 // work not yet reported with Tick
	capture [maxCaptures]struct{ init, len int }
	args    []lua.Value // gsub: the captures passed to a function
}

func (m *matcher) init(t *lua.Thread, src string, prog *patProgram) {
	m.t, m.src, m.items, m.depth = t, src, prog.items, maxMatchDepth
}

func (m *matcher) fail(format string, args ...any) {
	panic(patternError{lua.Errorf(format, args...)})
}

// reset prepares for a match attempt at a new position.
func (m *matcher) reset() {
	m.level = 0
	m.depth = maxMatchDepth
}

// flushTicks reports the work done so far to the instruction budget.
func (m *matcher) flushTicks() {
	n := m.steps
	m.steps = 0
	if err := m.t.Tick(n); err != nil {
		panic(patternError{err})
	}
}

// nextStart returns the first position from pos where a match of prog may
// start in src, or len(src)+1 when there is none.
func (prog *patProgram) nextStart(src string, pos int) int {
	if pos > len(src) {
		return pos
	}
	switch {
	case prog.startsWithByte:
		if i := strings.IndexByte(src[pos:], prog.startByte); i >= 0 {
			return pos + i
		}
		return len(src) + 1
	case prog.startSet != nil:
		set := prog.startSet
		rest := src[pos:]
		for i := 0; i < len(rest); i++ {
			if set[rest[i]] {
				return pos + i
			}
		}
		if prog.startAtEnd {
			return len(src)
		}
		return len(src) + 1
	}
	return pos
}

// skipFailed returns the position after start where the next attempt
// should begin, given that the attempt at start failed. When the pattern
// begins with a repetition of a class (%a+, [%w_]*, .-), the attempt at
// start tried the rest of the pattern after every length of the run of
// class bytes from start, and an attempt from inside the run would try a
// subset of those ends: without back-references, what the rest matches
// does not depend on where the match started, so these attempts fail too.
func (prog *patProgram) skipFailed(m *matcher, start int) int {
	if prog.startRun != nil {
		if n := m.span(start, prog.startRun); n > 0 {
			return start + n
		}
	}
	return start + 1
}

// mayStart reports whether matching from item i may succeed at s; false
// only when calling match(s, i) would fail without raising an error: the
// item leading the rest cannot match at s, and the capture brackets before
// it (a call each) neither fail nor run out of depth.
func (m *matcher) mayStart(s, i int) bool {
	j := m.items[i].lead
	if j < 0 || j == len(m.items) || m.depth <= j-i {
		return true
	}
	it := &m.items[j]
	switch it.op {
	case opLiteral:
		return s < len(m.src) && m.src[s] == it.lit[0]
	case opSingle:
		if it.rep == 0 || it.rep == '+' {
			return s < len(m.src) && it.set[m.src[s]]
		}
	}
	return true
}

// leadLiteral returns the bytes that matching from item i must start with
// when mayStart can tell, or "".
func (m *matcher) leadLiteral(i int) string {
	if i == len(m.items) {
		return ""
	}
	j := m.items[i].lead
	if j < 0 || j == len(m.items) || m.depth <= j-i || m.items[j].op != opLiteral {
		return ""
	}
	return m.items[j].lit
}

// matchBalance matches %bxy at s.
func (m *matcher) matchBalance(s int, open, close byte) int {
	src := m.src
	if s >= len(src) || src[s] != open {
		return -1
	}
	depth := 1
	for i := s + 1; i < len(src); i++ {
		switch src[i] {
		case close:
			if depth--; depth == 0 {
				m.steps += int64(i - s)
				return i + 1
			}
		case open:
			depth++
		}
	}
	m.steps += int64(len(src) - s)
	return -1
}

// span returns how many bytes from s belong to the class of item it.
func (m *matcher) span(s int, it *patItem) int {
	rest := m.src[s:]
	if it.any {
		return len(rest)
	}
	set := it.set
	_ = set[0] // one nil check, out of the loop
	for i := 0; i < len(rest); i++ {
		if !set[rest[i]] {
			return i
		}
	}
	return len(rest)
}

// maxExpand matches as many repetitions of item i as possible from s, then
// gives them back one at a time until the rest of the pattern matches.
// While the depth allows a call, ends where the rest cannot start are
// skipped without one, and at the end of the pattern the longest wins.
func (m *matcher) maxExpand(s, i int) int {
	n := m.span(s, &m.items[i])
	m.steps += int64(n)
	next := i + 1
	prune := m.depth > 0
	if prune && next == len(m.items) {
		return s + n
	}
	for ; n >= 0; n-- {
		if prune && !m.mayStart(s+n, next) {
			continue
		}
		if res := m.match(s+n, next); res != -1 {
			return res
		}
	}
	return -1
}

// minExpand tries the rest of the pattern after as few repetitions of
// item i as possible.
func (m *matcher) minExpand(s, i int) int {
	it := &m.items[i]
	next := i + 1
	prune := m.depth > 0 && next < len(m.items)
	if lit := m.leadLiteral(next); prune && it.any && lit != "" {
		// ".-" followed by literal bytes (captures between): only where
		// they occur.
		for {
			j := strings.Index(m.src[s:], lit)
			if j < 0 {
				m.steps += int64(len(m.src) - s)
				return -1
			}
			m.steps += int64(j)
			s += j
			if res := m.match(s, next); res != -1 {
				return res
			}
			s++
		}
	}
	for {
		if !prune || m.mayStart(s, next) {
			if res := m.match(s, next); res != -1 {
				return res
			}
		}
		if s >= len(m.src) || !it.set[m.src[s]] {
			return -1
		}
		s++
		m.steps++
	}
}

func (m *matcher) startCapture(s, i, what int) int {
	if m.level >= maxCaptures {
		m.fail("too many captures")
	}
	m.capture[m.level].init = s
	m.capture[m.level].len = what
	m.level++
	res := m.match(s, i)
	if res == -1 {
		m.level-- // undo the capture
	}
	return res
}

func (m *matcher) endCapture(s, i int) int {
	l := m.captureToClose()
	m.capture[l].len = s - m.capture[l].init
	res := m.match(s, i)
	if res == -1 {
		m.capture[l].len = capUnfinished // undo the close
	}
	return res
}

func (m *matcher) captureToClose() int {
	for l := m.level - 1; l >= 0; l-- {
		if m.capture[l].len == capUnfinished {
			return l
		}
	}
	m.fail("invalid pattern capture")
	return 0
}

// matchCapture matches a back-reference to capture i.
func (m *matcher) matchCapture(s, i int) int {
	if i < 0 || i >= m.level || m.capture[i].len == capUnfinished {
		m.fail("invalid capture index %%%d", i+1)
	}
	init, n := m.capture[i].init, m.capture[i].len
	// A position capture has a negative length and never matches.
	if n >= 0 && len(m.src)-s >= n && m.src[s:s+n] == m.src[init:init+n] {
		m.steps += int64(n)
		return s + n
	}
	return -1
}

// match matches the items from i against the subject from s and returns
// the end of the match, or -1. It recurses where lstrlib's match does, so
// that "pattern too complex" comes at the same depth.
func (m *matcher) match(s, i int) int {
	if m.depth == 0 {
		m.fail("pattern too complex")
	}
	m.depth--
	if m.steps++; m.steps >= tickEvery {
		m.flushTicks()
	}
	items, src := m.items, m.src
loop:
	for i < len(items) {
		it := &items[i]
		switch it.op {
		case opLiteral:
			lit := it.lit
			if len(src)-s < len(lit) || src[s] != lit[0] || (len(lit) > 1 && src[s+1:s+len(lit)] != lit[1:]) {
				s = -1
				break loop
			}
			s += len(lit)
			i++
		case opSingle:
			if s >= len(src) || !it.set[src[s]] {
				if it.rep == '*' || it.rep == '?' || it.rep == '-' {
					i++ // the empty repetition
					continue
				}
				s = -1
				break loop
			}
			switch it.rep {
			case 0:
				s++
				i++
			case '?':
				if res := m.match(s+1, i+1); res != -1 {
					s = res
					break loop
				}
				i++
			case '+':
				s = m.maxExpand(s+1, i)
				break loop
			case '*':
				s = m.maxExpand(s, i)
				break loop
			case '-':
				s = m.minExpand(s, i)
				break loop
			}
		case opOpen:
			s = m.startCapture(s, i+1, capUnfinished)
			break loop
		case opPosition:
			s = m.startCapture(s, i+1, capPosition)
			break loop
		case opClose:
			s = m.endCapture(s, i+1)
			break loop
		case opEndAnchor:
			if s != len(src) {
				s = -1
			}
			break loop
		case opBalance:
			if s = m.matchBalance(s, it.open, it.close); s == -1 {
				break loop
			}
			i++
		case opFrontier:
			var prev, cur byte // C's terminator at either end
			if s > 0 {
				prev = src[s-1]
			}
			if s < len(src) {
				cur = src[s]
			}
			if it.set[prev] || !it.set[cur] {
				s = -1
				break loop
			}
			i++
		case opBackref:
			if s = m.matchCapture(s, it.index); s == -1 {
				break loop
			}
			i++
		case opMalformed:
			m.fail("%s", it.lit)
		}
	}
	m.depth++
	return s
}

// getCapture returns capture i of a match spanning s..e: its text, or its
// position when it is a position capture. With no captures, "capture 1" is
// the whole match.
func (m *matcher) getCapture(i, s, e int) (text string, pos int64, isPos bool) {
	if i >= m.level {
		if i != 0 {
			m.fail("invalid capture index %%%d", i+1)
		}
		return m.src[s:e], 0, false
	}
	c := m.capture[i]
	switch c.len {
	case capUnfinished:
		m.fail("unfinished capture")
	case capPosition:
		return "", int64(c.init) + 1, true
	}
	return m.src[c.init : c.init+c.len], 0, false
}

func (m *matcher) captureValue(i, s, e int) lua.Value {
	text, pos, isPos := m.getCapture(i, s, e)
	if isPos {
		return lua.Int(pos)
	}
	return lua.String(text)
}

// appendCaptures appends all captures of the match s..e to vals; with no
// captures, it appends the whole match unless s is -1 (find's case).
func (m *matcher) appendCaptures(vals []lua.Value, s, e int) []lua.Value {
	n := m.level
	if n == 0 && s >= 0 {
		n = 1
	}
	for i := range n {
		vals = append(vals, m.captureValue(i, s, e))
	}
	return vals
}

func strFind(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	return findOrMatch(t, args, true)
}

func strMatch(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	return findOrMatch(t, args, false)
}

// subjectPatternInit reads the (s, pattern [, init]) arguments of find,
// match and gmatch; init is 0-based and may lie past the end of s.
func subjectPatternInit(args []lua.Value) (s, p string, init int64, err error) {
	if s, err = lua.CheckString(args, 1); err != nil {
		return
	}
	if p, err = lua.CheckString(args, 2); err != nil {
		return
	}
	i, err := lua.OptInt(args, 3, 1)
	if err != nil {
		return
	}
	return s, p, posRelative(i, len(s)) - 1, nil
}

// findOrMatch is string.find (find) or string.match (!find).
func findOrMatch(t *lua.Thread, args []lua.Value, find bool) (ret []lua.Value, err error) {
	s, p, init, err := subjectPatternInit(args)
	if err != nil {
		return nil, err
	}
	if init > int64(len(s)) {
		return t.Ret(lua.Nil)
	}
	if find && (lua.Arg(args, 4).Truthy() || plainPattern(p)) {
		if j := memFind(s[init:], p); j >= 0 {
			start := init + int64(j)
			return t.Ret(lua.Int(start+1), lua.Int(start+int64(len(p))))
		}
		return t.Ret(lua.Nil)
	}
	anchor := p != "" && p[0] == '^'
	if anchor {
		p = p[1:]
	}
	prog, err := compilePattern(t, p)
	if err != nil {
		return nil, err
	}
	var m matcher
	m.init(t, s, prog)
	defer recoverPattern(&err)
	// The first position is always tried (see patProgram.nextStart).
	for start := int(init); start <= len(s); start = prog.nextStart(s, prog.skipFailed(&m, start)) {
		m.reset()
		if e := m.match(start, 0); e != -1 {
			m.flushTicks()
			var buf [4]lua.Value // most matches have few captures
			if find {
				vals := append(buf[:0], lua.Int(int64(start)+1), lua.Int(int64(e)))
				return t.Ret(m.appendCaptures(vals, -1, 0)...)
			}
			return t.Ret(m.appendCaptures(buf[:0], start, e)...)
		}
		if anchor {
			break
		}
	}
	m.flushTicks()
	return t.Ret(lua.Nil)
}

// memFind returns the index of the first p in s, or -1. Searching for the
// first byte with IndexByte and comparing the rest beats strings.Index on
// the short, frequent partial matches of text.
func memFind(s, p string) int {
	if p == "" {
		return 0
	}
	first, rest := p[0], p[1:]
	for i := 0; i+len(p) <= len(s); i++ {
		j := strings.IndexByte(s[i:len(s)-len(rest)], first)
		if j < 0 {
			return -1
		}
		i += j
		if s[i+1:i+len(p)] == rest {
			return i
		}
	}
	return -1
}

// A gmatchState is the state of one string.gmatch iterator.
type gmatchState struct {
	src       string
	prog      *patProgram
	pos       int // where the next search starts
	lastMatch int // end of the last match, -1 before the first
}

func strGmatch(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	s, p, init, err := subjectPatternInit(args)
	if err != nil {
		return nil, err
	}
	if init > int64(len(s)) {
		init = int64(len(s)) + 1
	}
	prog, err := compilePattern(t, p)
	if err != nil {
		return nil, err
	}
	g := &gmatchState{src: s, prog: prog, pos: int(init), lastMatch: -1}
	return t.Ret(lua.NewGoFunction("gmatch_aux", g.next).Value())
}

// next finds the next match; the pattern is not anchored by a '^' here.
func (g *gmatchState) next(t *lua.Thread, _ []lua.Value) (ret []lua.Value, err error) {
	var m matcher
	m.init(t, g.src, g.prog)
	defer recoverPattern(&err)
	src := g.pos
	if g.lastMatch != -1 { // only the first position ever tried is not filtered
		src = g.prog.nextStart(g.src, src)
	}
	for src <= len(g.src) {
		m.reset()
		e := m.match(src, 0)
		if e != -1 && e != g.lastMatch {
			g.pos, g.lastMatch = e, e
			m.flushTicks()
			var buf [4]lua.Value // most matches have few captures
			return t.Ret(m.appendCaptures(buf[:0], src, e)...)
		}
		if e == -1 {
			src = g.prog.skipFailed(&m, src)
		} else {
			src++ // an empty match where the last one ended
		}
		src = g.prog.nextStart(g.src, src)
	}
	g.pos = len(g.src) + 1 // later calls find nothing either
	m.flushTicks()
	return t.Ret()
}

func strGsub(t *lua.Thread, args []lua.Value) (ret []lua.Value, err error) {
	src, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	p, err := lua.CheckString(args, 2)
	if err != nil {
		return nil, err
	}
	repl := lua.Arg(args, 3)
	maxN, err := lua.OptInt(args, 4, int64(len(src))+1)
	if err != nil {
		return nil, err
	}
	var replText string
	switch repl.Type() {
	case lua.TypeString, lua.TypeNumber:
		replText, _ = repl.ToStringCoerce()
	case lua.TypeFunction, lua.TypeTable:
	default:
		return nil, lua.TypeError(3, "string/function/table", args)
	}
	original := args[0] // args is not valid after calling back into Lua
	anchor := p != "" && p[0] == '^'
	if anchor {
		p = p[1:]
	}
	prog, err := compilePattern(t, p)
	if err != nil {
		return nil, err
	}
	var m matcher
	m.init(t, src, prog)
	defer recoverPattern(&err)
	b := builder{t: t}
	copied := 0 // src[copied:pos] is kept unchanged, not yet written to b
	pos := 0
	lastMatch := -1
	n := int64(0)
	changed := false
	for n < maxN && pos <= len(src) {
		m.reset()
		if e := m.match(pos, 0); e != -1 && e != lastMatch {
			n++
			b.add(src[copied:pos])
			c, err := m.addReplacement(&b, pos, e, repl, replText)
			if err != nil {
				return nil, err
			}
			changed = changed || c
			pos, lastMatch, copied = e, e, e
		} else if pos < len(src) {
			if e == -1 {
				pos = prog.skipFailed(&m, pos)
			} else {
				pos++ // an empty match where the last one ended
			}
		} else {
			break
		}
		if b.err != nil {
			return nil, b.err
		}
		if anchor {
			break
		}
		pos = prog.nextStart(src, pos) // the first position was not filtered
	}
	m.flushTicks()
	if !changed {
		if !original.IsString() {
			original = lua.String(src)
		}
		return t.Ret(original, lua.Int(n))
	}
	b.add(src[copied:])
	if b.err != nil {
		return nil, b.err
	}
	return t.Ret(lua.String(b.String()), lua.Int(n))
}

// addReplacement writes the replacement of the match s..e and reports
// whether it changed the text (a nil or false from a table or function
// keeps the match as it is).
func (m *matcher) addReplacement(b *builder, s, e int, repl lua.Value, replText string) (bool, error) {
	var v lua.Value
	switch repl.Type() {
	case lua.TypeFunction:
		m.args = m.appendCaptures(m.args[:0], s, e)
		var err error
		if v, err = m.t.Call1(repl, m.args...); err != nil {
			return false, err
		}
	case lua.TypeTable:
		if tbl := repl.AsTable(); tbl.Metatable() == nil {
			// No metamethod can see the key: look its text up as it is.
			text, pos, isPos := m.getCapture(0, s, e)
			if isPos {
				v = tbl.GetInt(pos)
			} else {
				v = tbl.GetStr(text)
			}
			break
		}
		var err error
		if v, err = m.t.Index(repl, m.captureValue(0, s, e)); err != nil {
			return false, err
		}
	default:
		m.addTemplate(b, s, e, replText)
		return true, nil
	}
	if !v.Truthy() {
		b.add(m.src[s:e])
		return false, nil
	}
	if n, ok := v.AsInt(); ok { // written without making its string
		if b.room(20) {
			b.buf = strconv.AppendInt(b.buf, n, 10)
		}
		return true, nil
	}
	text, ok := v.ToStringCoerce()
	if !ok {
		return false, lua.Errorf("invalid replacement value (a %s)", v.TypeName())
	}
	b.add(text)
	return true, nil
}

// addTemplate writes a replacement string, expanding %0-%9 and %%.
func (m *matcher) addTemplate(b *builder, s, e int, tmpl string) {
	for {
		i := strings.IndexByte(tmpl, '%')
		if i < 0 {
			break
		}
		b.add(tmpl[:i])
		i++
		var c byte // C's terminator after a final '%'
		if i < len(tmpl) {
			c = tmpl[i]
		}
		switch {
		case c == '%':
			b.addByte('%')
		case c == '0':
			b.add(m.src[s:e])
		case c >= '1' && c <= '9':
			text, pos, isPos := m.getCapture(int(c-'1'), s, e)
			if isPos {
				var digits [20]byte
				b.addBytes(strconv.AppendInt(digits[:0], pos, 10))
			} else {
				b.add(text)
			}
		default:
			m.fail("invalid use of '%%' in replacement string")
		}
		tmpl = tmpl[i+1:]
	}
	b.add(tmpl)
}
