package lib

// Lua patterns (manual §6.4.1) are matched by a backtracking matcher with
// the structure of lstrlib.c's: match walks the pattern, recursing for
// captures and for each repetition it may have to undo, and loops instead of
// recursing where the C code uses goto. The recursion depth is bounded (200
// calls, "pattern too complex") so Go's stack never grows without limit, and
// the work done is reported with Thread.Tick so that exponential patterns
// stop at the instruction budget.
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

// A matcher holds the state of one pattern against one subject. Positions
// are byte offsets; -1 means "no match".
type matcher struct {
	t       *lua.Thread
	src     string
	pat     string // without the anchor '^'
	level   int    // captures opened so far
	depth   int    // match calls still allowed on the Go stack
	steps   int64  // work not yet reported with Tick
	capture [maxCaptures]struct{ init, len int }
}

func (m *matcher) init(t *lua.Thread, src, pat string) {
	m.t, m.src, m.pat, m.depth = t, src, pat, maxMatchDepth
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

// patAt returns the pattern byte at i, or 0 past the end (C's terminator).
func (m *matcher) patAt(i int) byte {
	if i < len(m.pat) {
		return m.pat[i]
	}
	return 0
}

// A skipper finds the positions where a match may start, so that scanning
// loops do not try the others: when the pattern's first item is a single
// character class that must match once, only positions holding a byte of
// that class can start a match. The analysis waits for the first match
// attempt, which reports any error in that item as the reference would.
type skipper struct {
	state skipState
	lead  byte       // skipLead: the byte
	set   *[256]bool // skipSet: the class
}

type skipState uint8

const (
	skipFirst   skipState = iota // the first attempt is not filtered
	skipAnalyze                  // analyze before the next attempt
	skipNone                     // every position may start a match
	skipLead                     // only positions holding lead
	skipSet                      // only positions holding a byte in set
)

// minSetScan is the subject length below which building a class table
// costs more than it saves.
const minSetScan = 128

// next returns the first position from pos where a match may start, or
// len(src)+1 when there is none.
func (k *skipper) next(m *matcher, pos int) int {
	switch k.state {
	case skipFirst:
		k.state = skipAnalyze
		return pos
	case skipAnalyze:
		k.analyze(m, pos)
		return k.next(m, pos)
	case skipLead:
		if pos < len(m.src) {
			if i := strings.IndexByte(m.src[pos:], k.lead); i >= 0 {
				return pos + i
			}
		}
		return len(m.src) + 1
	case skipSet:
		for ; pos < len(m.src); pos++ {
			if k.set[m.src[pos]] {
				return pos
			}
		}
		return len(m.src) + 1
	}
	return pos
}

func (k *skipper) analyze(m *matcher, pos int) {
	k.state = skipNone
	pat := m.pat
	if pat == "" {
		return
	}
	switch pat[0] {
	case '(', ')', '.':
		return
	case '$':
		if len(pat) == 1 {
			return
		}
	case '%':
		if c := m.patAt(1); c == 'b' || c == 'f' || isDigit(c) {
			return
		}
	}
	ep := m.classEnd(0) // cannot fail: the first attempt went through it
	if suffix := m.patAt(ep); suffix == '*' || suffix == '?' || suffix == '-' {
		return
	}
	switch pat[0] {
	case '%', '[':
		if len(m.src)-pos < minSetScan {
			return
		}
		k.set = new([256]bool)
		for c := range 256 {
			k.set[c] = m.singleClass(byte(c), 0, ep)
		}
		k.state = skipSet
	default:
		k.lead = pat[0]
		k.state = skipLead
	}
}

// classEnd returns the index just after the single-character class at p.
func (m *matcher) classEnd(p int) int {
	pat := m.pat
	c := pat[p]
	p++
	switch c {
	case '%':
		if p >= len(pat) {
			m.fail("malformed pattern (ends with '%%')")
		}
		return p + 1
	case '[':
		if p < len(pat) && pat[p] == '^' {
			p++
		}
		for { // look for the closing ']'; the first character is never it
			if p >= len(pat) {
				m.fail("malformed pattern (missing ']')")
			}
			c := pat[p]
			p++
			if c == '%' && p < len(pat) {
				p++ // skip escapes such as '%]'
			}
			if p < len(pat) && pat[p] == ']' {
				return p + 1
			}
		}
	}
	return p
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

// matchBracketClass reports whether c is in the set [...] that starts at p
// and whose closing ']' is at ec.
func (m *matcher) matchBracketClass(c byte, p, ec int) bool {
	pat := m.pat
	in := true
	if pat[p+1] == '^' {
		in = false
		p++
	}
	for p++; p < ec; p++ {
		switch {
		case pat[p] == '%':
			p++
			if matchClass(c, pat[p]) {
				return in
			}
		case pat[p+1] == '-' && p+2 < ec:
			p += 2
			if pat[p-2] <= c && c <= pat[p] {
				return in
			}
		case pat[p] == c:
			return in
		}
	}
	return !in
}

// singleMatch reports whether the byte at s matches the class at p..ep.
func (m *matcher) singleMatch(s, p, ep int) bool {
	if s >= len(m.src) {
		return false
	}
	return m.singleClass(m.src[s], p, ep)
}

// singleClass reports whether c belongs to the class at p..ep.
func (m *matcher) singleClass(c byte, p, ep int) bool {
	switch m.pat[p] {
	case '.':
		return true
	case '%':
		return matchClass(c, m.pat[p+1])
	case '[':
		return m.matchBracketClass(c, p, ep-1)
	}
	return m.pat[p] == c
}

// matchBalance matches %bxy at s; p points at x.
func (m *matcher) matchBalance(s, p int) int {
	if p+1 >= len(m.pat) {
		m.fail("malformed pattern (missing arguments to '%%b')")
	}
	src := m.src
	if s >= len(src) || src[s] != m.pat[p] {
		return -1
	}
	open, close := m.pat[p], m.pat[p+1]
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

// maxExpand matches as many repetitions of the class at p..ep as possible,
// then gives them back one at a time until the rest of the pattern matches.
func (m *matcher) maxExpand(s, p, ep int) int {
	i := 0
	for m.singleMatch(s+i, p, ep) {
		i++
	}
	m.steps += int64(i)
	for ; i >= 0; i-- {
		if res := m.match(s+i, ep+1); res != -1 {
			return res
		}
	}
	return -1
}

// minExpand tries the rest of the pattern after as few repetitions as possible.
func (m *matcher) minExpand(s, p, ep int) int {
	for {
		if res := m.match(s, ep+1); res != -1 {
			return res
		}
		if !m.singleMatch(s, p, ep) {
			return -1
		}
		s++
	}
}

func (m *matcher) startCapture(s, p, what int) int {
	if m.level >= maxCaptures {
		m.fail("too many captures")
	}
	m.capture[m.level].init = s
	m.capture[m.level].len = what
	m.level++
	res := m.match(s, p)
	if res == -1 {
		m.level-- // undo the capture
	}
	return res
}

func (m *matcher) endCapture(s, p int) int {
	l := m.captureToClose()
	m.capture[l].len = s - m.capture[l].init
	res := m.match(s, p)
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

// matchCapture matches a back-reference %1-%9 to capture digit l.
func (m *matcher) matchCapture(s int, l byte) int {
	i := int(l) - '1'
	if i < 0 || i >= m.level || m.capture[i].len == capUnfinished {
		m.fail("invalid capture index %%%d", i+1)
	}
	c := m.capture[i]
	// A position capture has a negative length and never matches.
	if c.len >= 0 && len(m.src)-s >= c.len && m.src[s:s+c.len] == m.src[c.init:c.init+c.len] {
		m.steps += int64(c.len)
		return s + c.len
	}
	return -1
}

// match matches the pattern from p against the subject from s and returns
// the end of the match, or -1.
func (m *matcher) match(s, p int) int {
	if m.depth == 0 {
		m.fail("pattern too complex")
	}
	m.depth--
	if m.steps++; m.steps >= tickEvery {
		m.flushTicks()
	}
	pat := m.pat
loop:
	for p != len(pat) {
		switch pat[p] {
		case '(':
			if m.patAt(p+1) == ')' {
				s = m.startCapture(s, p+2, capPosition)
			} else {
				s = m.startCapture(s, p+1, capUnfinished)
			}
			break loop
		case ')':
			s = m.endCapture(s, p+1)
			break loop
		case '$':
			if p+1 == len(pat) {
				if s != len(m.src) {
					s = -1
				}
				break loop
			}
		case '%':
			switch m.patAt(p + 1) {
			case 'b':
				if s = m.matchBalance(s, p+2); s == -1 {
					break loop
				}
				p += 4
				continue
			case 'f':
				p += 2
				if m.patAt(p) != '[' {
					m.fail("missing '[' after '%%f' in pattern")
				}
				ep := m.classEnd(p)
				var prev, cur byte
				if s > 0 {
					prev = m.src[s-1]
				}
				if s < len(m.src) {
					cur = m.src[s]
				}
				if !m.matchBracketClass(prev, p, ep-1) && m.matchBracketClass(cur, p, ep-1) {
					p = ep
					continue
				}
				s = -1
				break loop
			case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
				if s = m.matchCapture(s, pat[p+1]); s == -1 {
					break loop
				}
				p += 2
				continue
			}
		}
		// A single-character class with an optional repetition suffix.
		ep := m.classEnd(p)
		suffix := m.patAt(ep)
		if !m.singleMatch(s, p, ep) {
			if suffix == '*' || suffix == '?' || suffix == '-' {
				p = ep + 1 // the empty repetition
				continue
			}
			s = -1
			break loop
		}
		switch suffix {
		case '?':
			if res := m.match(s+1, ep+1); res != -1 {
				s = res
				break loop
			}
			p = ep + 1
		case '+':
			s = m.maxExpand(s+1, p, ep)
			break loop
		case '*':
			s = m.maxExpand(s, p, ep)
			break loop
		case '-':
			s = m.minExpand(s, p, ep)
			break loop
		default:
			s++
			p = ep
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
	if find && (lua.Arg(args, 4).Truthy() || !strings.ContainsAny(p, patternSpecials)) {
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
	var m matcher
	m.init(t, s, p)
	defer recoverPattern(&err)
	var skip skipper
	for start := int(init); ; start++ {
		if start = skip.next(&m, start); start > len(s) {
			break
		}
		m.reset()
		if e := m.match(start, 0); e != -1 {
			m.flushTicks()
			var buf [maxCaptures + 2]lua.Value
			if find {
				vals := append(buf[:0], lua.Int(int64(start)+1), lua.Int(int64(e)))
				return t.Ret(m.appendCaptures(vals, -1, 0)...)
			}
			return t.Ret(m.appendCaptures(buf[:0], start, e)...)
		}
		if start >= len(s) || anchor {
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
	src, pat  string
	pos       int // where the next search starts
	lastMatch int // end of the last match, -1 before the first
	skip      skipper
}

func strGmatch(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	s, p, init, err := subjectPatternInit(args)
	if err != nil {
		return nil, err
	}
	if init > int64(len(s)) {
		init = int64(len(s)) + 1
	}
	g := &gmatchState{src: s, pat: p, pos: int(init), lastMatch: -1}
	return t.Ret(lua.NewGoFunction("gmatch_aux", g.next).Value())
}

// next finds the next match; the pattern is not anchored by a '^' here.
func (g *gmatchState) next(t *lua.Thread, _ []lua.Value) (ret []lua.Value, err error) {
	var m matcher
	m.init(t, g.src, g.pat)
	defer recoverPattern(&err)
	for src := g.pos; ; src++ {
		if src = g.skip.next(&m, src); src > len(g.src) {
			break
		}
		m.reset()
		if e := m.match(src, 0); e != -1 && e != g.lastMatch {
			g.pos, g.lastMatch = e, e
			m.flushTicks()
			var buf [maxCaptures]lua.Value
			return t.Ret(m.appendCaptures(buf[:0], src, e)...)
		}
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
	var m matcher
	m.init(t, src, p)
	defer recoverPattern(&err)
	var skip skipper
	b := builder{t: t}
	copied := 0 // src[copied:pos] is kept unchanged, not yet written to b
	pos := 0
	lastMatch := -1
	n := int64(0)
	changed := false
	for n < maxN {
		if pos = skip.next(&m, pos); pos > len(src) {
			break
		}
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
			pos++
		} else {
			break
		}
		if b.err != nil {
			return nil, b.err
		}
		if anchor {
			break
		}
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
		var buf [maxCaptures]lua.Value
		res, err := m.t.Call(repl, m.appendCaptures(buf[:0], s, e)...)
		if err != nil {
			return false, err
		}
		if len(res) > 0 {
			v = res[0]
		}
	case lua.TypeTable:
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
