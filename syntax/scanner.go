package syntax

import (
	"strconv"
	"strings"
)

// A token is a token kind. Single-byte tokens ('+', '{', ...; any other
// byte the scanner does not recognize) are their byte value; reserved words
// and multi-byte symbols follow, in the reference's order, so that a
// token's printed form comes straight from tokenNames.
type token int32

const (
	tkAnd token = 256 + iota
	tkBreak
	tkDo
	tkElse
	tkElseif
	tkEnd
	tkFalse
	tkFor
	tkFunction
	tkGoto
	tkIf
	tkIn
	tkLocal
	tkNil
	tkNot
	tkOr
	tkRepeat
	tkReturn
	tkThen
	tkTrue
	tkUntil
	tkWhile
	tkIDiv
	tkConcat
	tkDots
	tkEq
	tkGe
	tkLe
	tkNe
	tkShl
	tkShr
	tkDbColon
	tkEOF
	tkFloat
	tkInt
	tkName
	tkString
	numTokens
)

var tokenNames = [...]string{
	"and", "break", "do", "else", "elseif", "end", "false", "for", "function",
	"goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
	"true", "until", "while", "//", "..", "...", "==", ">=", "<=", "~=", "<<",
	">>", "::", "<eof>", "<number>", "<integer>", "<name>", "<string>",
}

// String renders a token kind as the reference's luaX_token2str does:
// symbols and reserved words quoted, the classes <eof>, <name>, ... bare.
func (t token) String() string {
	if t < tkAnd {
		if isPrint(byte(t)) {
			return "'" + string(rune(t)) + "'"
		}
		return `'<\` + strconv.Itoa(int(t)) + `>'`
	}
	if t < tkEOF {
		return "'" + tokenNames[t-tkAnd] + "'"
	}
	return tokenNames[t-tkAnd]
}

// reserved maps a name to its reserved-word token, if it is one.
func reserved(name string) (token, bool) {
	switch name {
	case "and":
		return tkAnd, true
	case "break":
		return tkBreak, true
	case "do":
		return tkDo, true
	case "else":
		return tkElse, true
	case "elseif":
		return tkElseif, true
	case "end":
		return tkEnd, true
	case "false":
		return tkFalse, true
	case "for":
		return tkFor, true
	case "function":
		return tkFunction, true
	case "goto":
		return tkGoto, true
	case "if":
		return tkIf, true
	case "in":
		return tkIn, true
	case "local":
		return tkLocal, true
	case "nil":
		return tkNil, true
	case "not":
		return tkNot, true
	case "or":
		return tkOr, true
	case "repeat":
		return tkRepeat, true
	case "return":
		return tkReturn, true
	case "then":
		return tkThen, true
	case "true":
		return tkTrue, true
	case "until":
		return tkUntil, true
	case "while":
		return tkWhile, true
	}
	return 0, false
}

// A lexeme is one scanned token with its value.
type lexeme struct {
	kind       token
	line       int    // the scanner's line just after the token (the reference's linenumber)
	start, end int    // source offsets of the token's text
	s          string // name, or string literal with escapes decoded
	i          int64  // tkInt value
	f          float64
}

// A scanner turns source text into lexemes on demand, one at a time, as
// the reference's llex does: the parser asks for the next token only when
// it needs it, so a lexical error further on never hides a syntax error
// before it.
type scanner struct {
	src   string
	pos   int // offset of the current character
	line  int
	chunk string // chunk id for error messages
	buf   []byte // decoded text of strings with escapes

	// names interns identifiers, so that the tree holds one copy of
	// each and none of them keeps the source text alive.
	names map[string]string
}

// errorNear stops scanning with a lexical error at the current line, near
// the given text (the part of the token read so far).
func (sc *scanner) errorNear(msg, text string) {
	sc.errorAt(msg, quoteText(text))
}

// errorAt stops scanning with a lexical error near the already rendered
// token near ("<eof>").
func (sc *scanner) errorAt(msg, near string) {
	panic(&Error{Chunk: sc.chunk, Line: sc.line, Msg: msg + " near " + near})
}

// quoteText renders token text for a message. The reference formats it
// with %s, so an embedded NUL ends it.
func quoteText(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return "'" + s + "'"
}

// newline skips a line break at pos: "\n", "\r", "\n\r" or "\r\n".
func (sc *scanner) newline() {
	old := sc.src[sc.pos]
	sc.pos++
	if sc.pos < len(sc.src) {
		if c := sc.src[sc.pos]; (c == '\n' || c == '\r') && c != old {
			sc.pos++
		}
	}
	sc.line++
}

// scan reads the next token into t.
func (sc *scanner) scan(t *lexeme) {
	src := sc.src
	for {
		if sc.pos >= len(src) {
			t.kind, t.start, t.end = tkEOF, sc.pos, sc.pos
			t.line = sc.line
			return
		}
		start := sc.pos
		c := src[start]
		kind := token(c)
		switch c {
		case '\n', '\r':
			sc.newline()
			continue
		case ' ', '\t', '\f', '\v':
			sc.pos++
			continue
		case '-':
			if start+1 >= len(src) || src[start+1] != '-' {
				sc.pos++
				break
			}
			sc.skipComment()
			continue
		case '[':
			level := sc.skipSep()
			if level >= 0 {
				t.s = strings.Clone(sc.readLong(level, "string"))
				kind = tkString
			} else if level == -2 {
				sc.errorNear("invalid long string delimiter", src[start:sc.pos])
			}
		case '=':
			sc.pos++
			kind = sc.twoChar('=', '=', tkEq)
		case '<':
			sc.pos++
			if kind = sc.twoChar('<', '=', tkLe); kind == '<' {
				kind = sc.twoChar('<', '<', tkShl)
			}
		case '>':
			sc.pos++
			if kind = sc.twoChar('>', '=', tkGe); kind == '>' {
				kind = sc.twoChar('>', '>', tkShr)
			}
		case '/':
			sc.pos++
			kind = sc.twoChar('/', '/', tkIDiv)
		case '~':
			sc.pos++
			kind = sc.twoChar('~', '=', tkNe)
		case ':':
			sc.pos++
			kind = sc.twoChar(':', ':', tkDbColon)
		case '"', '\'':
			t.s = sc.readString(c)
			kind = tkString
		case '.':
			sc.pos++
			if sc.pos < len(src) && src[sc.pos] == '.' {
				sc.pos++
				kind = sc.twoChar(tkConcat, '.', tkDots)
			} else if sc.pos < len(src) && isDigit(src[sc.pos]) {
				kind = sc.readNumeral(t, start)
			}
		case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			kind = sc.readNumeral(t, start)
		default:
			if isAlpha(c) {
				end := start + 1
				for end < len(src) && isAlnum(src[end]) {
					end++
				}
				sc.pos = end
				name := src[start:end]
				if r, ok := reserved(name); ok {
					kind = r
				} else {
					kind, t.s = tkName, sc.intern(name)
				}
			} else {
				sc.pos++
			}
		}
		t.kind, t.start, t.end, t.line = kind, start, sc.pos, sc.line
		return
	}
}

// intern returns the interned copy of name.
func (sc *scanner) intern(name string) string {
	if s, ok := sc.names[name]; ok {
		return s
	}
	if sc.names == nil {
		sc.names = make(map[string]string)
	}
	s := strings.Clone(name)
	sc.names[s] = s
	return s
}

// twoChar returns long if the current character is c, consuming it, and
// short otherwise.
func (sc *scanner) twoChar(short token, c byte, long token) token {
	if sc.pos < len(sc.src) && sc.src[sc.pos] == c {
		sc.pos++
		return long
	}
	return short
}

// skipComment skips a comment starting at "--".
func (sc *scanner) skipComment() {
	src := sc.src
	sc.pos += 2
	if sc.pos < len(src) && src[sc.pos] == '[' {
		if level := sc.skipSep(); level >= 0 {
			sc.readLong(level, "comment")
			return
		}
		// Not a long bracket: what was read belongs to a short comment.
	}
	for sc.pos < len(src) && src[sc.pos] != '\n' && src[sc.pos] != '\r' {
		sc.pos++
	}
}

// skipSep reads the '[' at pos and the '='s after it. If another '['
// follows, it consumes it too and returns the number of '='s (the level of
// a long bracket). Otherwise it returns -1 for a lone '[' and -2 for '['
// with '='s (an invalid delimiter where a string was expected).
func (sc *scanner) skipSep() int {
	src := sc.src
	sc.pos++
	level := 0
	for sc.pos < len(src) && src[sc.pos] == '=' {
		sc.pos++
		level++
	}
	switch {
	case sc.pos < len(src) && src[sc.pos] == '[':
		sc.pos++
		return level
	case level == 0:
		return -1
	}
	return -2
}

// readLong reads a long string or comment after its opening bracket of
// the given level and returns its contents. A first line break is
// dropped; every line break becomes "\n".
func (sc *scanner) readLong(level int, what string) string {
	src := sc.src
	startLine := sc.line
	if sc.pos < len(src) && (src[sc.pos] == '\n' || src[sc.pos] == '\r') {
		sc.newline()
	}
	closing := "]]"
	if level > 0 {
		closing = "]" + strings.Repeat("=", level) + "]"
	}
	n := strings.Index(src[sc.pos:], closing)
	if n < 0 {
		sc.countLines(len(src))
		sc.errorAt("unfinished long "+what+" (starting at line "+strconv.Itoa(startLine)+")", "<eof>")
	}
	end := sc.pos + n
	s := sc.countLines(end)
	sc.pos = end + len(closing)
	return s
}

// countLines moves pos to end, counting line breaks, and returns the text
// passed over with each line break turned into "\n".
func (sc *scanner) countLines(end int) string {
	text := sc.src[sc.pos:end]
	if strings.IndexByte(text, '\r') < 0 {
		sc.line += strings.Count(text, "\n")
		sc.pos = end
		return text
	}
	buf := sc.buf[:0]
	for sc.pos < end {
		c := sc.src[sc.pos]
		if c == '\n' || c == '\r' {
			sc.newline()
			buf = append(buf, '\n')
		} else {
			buf = append(buf, c)
			sc.pos++
		}
	}
	sc.buf = buf
	return string(buf)
}

// readString reads a short string literal delimited by del and returns its
// value with escapes decoded.
func (sc *scanner) readString(del byte) string {
	src := sc.src
	sc.pos++
	start := sc.pos
	end := start
	for end < len(src) {
		c := src[end]
		if c == del || c == '\\' || c == '\n' || c == '\r' {
			break
		}
		end++
	}
	if end < len(src) && src[end] == del {
		sc.pos = end + 1
		return strings.Clone(src[start:end]) // not to keep the source alive
	}
	// Escapes or an error: decode into the buffer.
	buf := append(sc.buf[:0], src[start:end]...)
	sc.pos = end
	for {
		if sc.pos >= len(src) {
			sc.errorAt("unfinished string", "<eof>")
		}
		c := src[sc.pos]
		switch c {
		case del:
			sc.pos++
			sc.buf = buf
			return string(buf)
		case '\n', '\r':
			sc.errorNear("unfinished string", string(del)+string(buf))
		case '\\':
			buf = sc.readEscape(del, buf)
		default:
			buf = append(buf, c)
			sc.pos++
		}
	}
}

// readEscape decodes the escape sequence at pos (a backslash) onto buf.
// On error the reference shows the string so far followed by the raw
// escape up to and including the offending character.
func (sc *scanner) readEscape(del byte, buf []byte) []byte {
	src := sc.src
	esc := sc.pos
	fail := func(msg string, at int) {
		if at < len(src) {
			at++
		}
		sc.errorNear(msg, string(del)+string(buf)+src[esc:at])
	}
	if esc+1 >= len(src) {
		sc.pos++ // the loop then reports the unfinished string
		return buf
	}
	c := src[esc+1]
	switch c {
	case 'a':
		c = '\a'
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'v':
		c = '\v'
	case '\\', '"', '\'':
	case '\n', '\r':
		sc.pos = esc + 1
		sc.newline()
		return append(buf, '\n')
	case 'x':
		p := esc + 2
		h, ok := hexValue(byteAt(src, p))
		if !ok {
			fail("hexadecimal digit expected", p)
		}
		l, ok := hexValue(byteAt(src, p+1))
		if !ok {
			fail("hexadecimal digit expected", p+1)
		}
		sc.pos = p + 2
		return append(buf, byte(h<<4|l))
	case 'z':
		sc.pos = esc + 2
		for sc.pos < len(src) && isSpace(src[sc.pos]) {
			if c := src[sc.pos]; c == '\n' || c == '\r' {
				sc.newline()
			} else {
				sc.pos++
			}
		}
		return buf
	case 'u':
		p := esc + 2
		if byteAt(src, p) != '{' {
			fail("missing '{'", p)
		}
		p++
		d, ok := hexValue(byteAt(src, p))
		if !ok {
			fail("hexadecimal digit expected", p)
		}
		r := uint32(d)
		for p++; ; p++ {
			d, ok := hexValue(byteAt(src, p))
			if !ok {
				break
			}
			if r > 0x7FFFFFFF>>4 {
				fail("UTF-8 value too large", p)
			}
			r = r<<4 | uint32(d)
		}
		if byteAt(src, p) != '}' {
			fail("missing '}'", p)
		}
		sc.pos = p + 1
		return AppendUTF8(buf, r)
	default:
		if !isDigit(c) {
			fail("invalid escape sequence", esc+1)
		}
		p, r := esc+1, 0
		for ; p < esc+4 && p < len(src) && isDigit(src[p]); p++ {
			r = r*10 + int(src[p]-'0')
		}
		if r > 0xFF {
			fail("decimal escape too large", p)
		}
		sc.pos = p
		return append(buf, byte(r))
	}
	sc.pos = esc + 2
	return append(buf, c)
}

// byteAt returns src[i], or 0 past the end (never a valid escape character).
func byteAt(src string, i int) byte {
	if i < len(src) {
		return src[i]
	}
	return 0
}

// AppendUTF8 appends x in the extended UTF-8 of the reference's
// luaO_utf8esc, which encodes values up to 2^31 in as many as six bytes
// (string escapes and utf8.char both use it).
func AppendUTF8(buf []byte, x uint32) []byte {
	if x < 0x80 {
		return append(buf, byte(x))
	}
	var tmp [6]byte
	n := len(tmp)
	limit := uint32(0x3f) // largest value that fits in the first byte
	for {
		n--
		tmp[n] = byte(0x80 | x&0x3f)
		x >>= 6
		limit >>= 1
		if x <= limit {
			break
		}
	}
	n--
	tmp[n] = byte(^limit<<1 | x)
	return append(buf, tmp[n:]...)
}

// readNumeral reads a numeral whose text starts at start (a digit, or a
// '.' already consumed before the digit at pos). Like the reference it
// takes in every character that may continue a numeral, plus one touching
// letter, and lets the conversion reject malformed text.
func (sc *scanner) readNumeral(t *lexeme, start int) token {
	src := sc.src
	first := src[sc.pos]
	sc.pos++
	exp := byte('e')
	if first == '0' && sc.pos < len(src) && src[sc.pos]|0x20 == 'x' {
		sc.pos++
		exp = 'p'
	}
	for sc.pos < len(src) {
		c := src[sc.pos]
		if c|0x20 == exp {
			sc.pos++
			if sc.pos < len(src) && (src[sc.pos] == '+' || src[sc.pos] == '-') {
				sc.pos++
			}
		} else if isHexDigit(c) || c == '.' {
			sc.pos++
		} else {
			break
		}
	}
	if sc.pos < len(src) && isAlpha(src[sc.pos]) {
		sc.pos++
	}
	text := src[start:sc.pos]
	if v, ok := smallDecimal(text); ok {
		t.i = v
		return tkInt
	}
	isInt, i, f, ok := convertNumeral(text)
	switch {
	case !ok:
		sc.errorNear("malformed number", text)
	case isInt:
		t.i = i
		return tkInt
	}
	t.f = f
	return tkFloat
}

// smallDecimal converts the common numeral: up to 18 decimal digits.
func smallDecimal(s string) (int64, bool) {
	if len(s) > 18 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// Character classes of the reference's lctype for the C locale: bytes
// outside ASCII are neither letters nor printable.

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isHexDigit(c byte) bool { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }
func isAlpha(c byte) bool    { return 'a' <= c|0x20 && c|0x20 <= 'z' || c == '_' }
func isAlnum(c byte) bool    { return isAlpha(c) || isDigit(c) }
func isPrint(c byte) bool    { return 0x20 <= c && c < 0x7f }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
