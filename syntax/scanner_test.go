package syntax

import (
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
)

// scanAll returns the tokens of src rendered as "kind@line", names,
// strings and numbers with their values.
func scanAll(src string) (tokens []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(*Error)
		}
	}()
	sc := scanner{src: src, line: 1, chunk: "src"}
	for {
		var t lexeme
		sc.scan(&t)
		s := t.kind.String()
		switch t.kind {
		case tkName, tkString:
			s += "(" + t.s + ")"
		case tkInt, tkFloat:
			s += "(" + src[t.start:t.end] + ")"
		}
		tokens = append(tokens, s+"@"+strconv.Itoa(t.line))
		if t.kind == tkEOF {
			return tokens, nil
		}
	}
}

var scanTests = []struct{ src, want string }{
	{"a.b..c...d", "<name>(a)@1 '.'@1 <name>(b)@1 '..'@1 <name>(c)@1 '...'@1 <name>(d)@1 <eof>@1"},
	{"== = ~= ~ <= << < >= >> > // / :: :", "'=='@1 '='@1 '~='@1 '~'@1 '<='@1 '<<'@1 '<'@1 '>='@1 '>>'@1 '>'@1 '//'@1 '/'@1 '::'@1 ':'@1 <eof>@1"},
	{"and break do else elseif end false for function goto if in local nil not or repeat return then true until while",
		"'and'@1 'break'@1 'do'@1 'else'@1 'elseif'@1 'end'@1 'false'@1 'for'@1 'function'@1 'goto'@1 'if'@1 'in'@1 'local'@1 'nil'@1 'not'@1 'or'@1 'repeat'@1 'return'@1 'then'@1 'true'@1 'until'@1 'while'@1 <eof>@1"},
	{"_x1 And nil_ _", "<name>(_x1)@1 <name>(And)@1 <name>(nil_)@1 <name>(_)@1 <eof>@1"},
	{"1 .5 3. 0x1p4 1e5 0xA", "<integer>(1)@1 <number>(.5)@1 <number>(3.)@1 <number>(0x1p4)@1 <number>(1e5)@1 <integer>(0xA)@1 <eof>@1"},
	{"3-4 0xe+1 1e+1", "<integer>(3)@1 '-'@1 <integer>(4)@1 <integer>(0xe)@1 '+'@1 <integer>(1)@1 <number>(1e+1)@1 <eof>@1"},
	{"a\nb\rc\r\nd\n\re\n\nf\r\rg", "<name>(a)@1 <name>(b)@2 <name>(c)@3 <name>(d)@4 <name>(e)@5 <name>(f)@7 <name>(g)@9 <eof>@9"},
	{"a -- comment\nb --[[ long\ncomment ]] c --[==[\n]] ]==] d", "<name>(a)@1 <name>(b)@2 <name>(c)@3 <name>(d)@4 <eof>@4"},
	{"--[ not long\na --[=x\nb", "<name>(a)@2 <name>(b)@3 <eof>@3"},
	{"[ [= x", "error: src:1: invalid long string delimiter near '[='"},
	{"[a]", "'['@1 <name>(a)@1 ']'@1 <eof>@1"},
	{"x = [[\nfirst\nsecond]] y", "<name>(x)@1 '='@1 <string>(first\nsecond)@3 <name>(y)@3 <eof>@3"},
	{"@ $ ! ? `", "'@'@1 '$'@1 '!'@1 '?'@1 '`'@1 <eof>@1"},
	{"\x01\x7f\x80", `'<\1>'@1 '<\127>'@1 '<\128>'@1 <eof>@1`},
}

func TestScan(t *testing.T) {
	for _, test := range scanTests {
		tokens, err := scanAll(test.src)
		got := strings.Join(tokens, " ")
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != test.want {
			t.Errorf("scan(%q):\n got  %s\n want %s", test.src, got, test.want)
		}
	}
}

// stringTests give string literals and their values.
var stringTests = []struct{ lit, want string }{
	{`"plain"`, "plain"},
	{`'single'`, "single"},
	{`"it's"`, "it's"},
	{`'say "hi"'`, `say "hi"`},
	{`"\a\b\f\n\r\t\v\\\"\'"`, "\a\b\f\n\r\t\v\\\"'"},
	{`"\x41\x4a\x4A\xff\x00"`, "AJJ\xff\x00"},
	{`"\65\066\0677\0\255\2555"`, "AB\x437\x00\xff\xff5"},
	{`"\u{41}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"`, "A\u07ff\u0800\uffff\U00010000\U0010ffff"},
	{`"\u{110000}\u{7FFFFFFF}\u{0000000041}"`, "\xf4\x90\x80\x80\xfd\xbf\xbf\xbf\xbf\xbfA"},
	{`"\u{D800}"`, "\xed\xa0\x80"},
	{"\"a\\z  \n\t b\"", "ab"},
	{"\"a\\\nb\\\r\nc\"", "a\nb\nc"},
	{"[[\nfirst line]]", "first line"},
	{"[[\r\nfirst line]]", "first line"},
	{"[[\n\nsecond]]", "\nsecond"},
	{"[==[a]]b]=]c]==]", "a]]b]=]c"},
	{"[=[a\r\nb\n\rc\r\rd\n\ne]=]", "a\nb\nc\n\nd\n\ne"},
	{"[[a\\nb]]", `a\nb`},
	{"[[]]", ""},
	{`""`, ""},
}

func TestStrings(t *testing.T) {
	for _, test := range stringTests {
		chunk, err := Parse("=test", "return "+test.lit)
		if err != nil {
			t.Errorf("%s: %v", test.lit, err)
			continue
		}
		got := chunk.Body.Stmts[0].(*ReturnStmt).Exprs[0].(*StringExpr).Value
		if got != test.want {
			t.Errorf("%s = %q, want %q", test.lit, got, test.want)
		}
	}
}

// TestStringsMatchReference compares the values of string literals with the
// reference's.
func TestStringsMatchReference(t *testing.T) {
	var sources []string
	for _, test := range stringTests {
		sources = append(sources, "return "+test.lit)
	}
	script := "for _, src in ipairs{\n" + luaList(sources) + "} do\n" +
		"  local s = load(src)()\n" +
		"  io.write((s:gsub('.', function(c) return string.format('%02x', c:byte()) end)), '\\n')\n" +
		"end\n"
	out := strings.Split(runReference(t, script), "\n")
	for i, test := range stringTests {
		if got := hex.EncodeToString([]byte(test.want)); got != out[i] {
			t.Errorf("%s: want %s, reference %s", test.lit, got, out[i])
		}
	}
}
