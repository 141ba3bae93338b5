package syntax

import (
	"errors"
	"testing"
)

// errorTests pairs sources with the message the reference's load gives
// them under the chunk name "=src" (confirmed with lua5.4; see
// TestErrorsMatchReference).
var errorTests = []struct{ src, want string }{
	{"x = ", "src:1: unexpected symbol near <eof>"},
	{"x = }", "src:1: unexpected symbol near '}'"},
	{"x = @", "src:1: unexpected symbol near '@'"},
	{"x = !", "src:1: unexpected symbol near '!'"},
	{"x = $", "src:1: unexpected symbol near '$'"},
	{"x = `", "src:1: unexpected symbol near '`'"},
	{"x = ?", "src:1: unexpected symbol near '?'"},
	{"x = \x00", "src:1: unexpected symbol"},
	{"x = \x01", "src:1: unexpected symbol near '<\\1>'"},
	{"x = \x80", "src:1: unexpected symbol near '<\\128>'"},
	{"x = \xff", "src:1: unexpected symbol near '<\\255>'"},
	{"end", "src:1: <eof> expected near 'end'"},
	{"else", "src:1: <eof> expected near 'else'"},
	{"until", "src:1: <eof> expected near 'until'"},
	{"x = 1 end", "src:1: <eof> expected near 'end'"},
	{"return 1 2", "src:1: <eof> expected near '2'"},
	{"return return", "src:1: unexpected symbol near 'return'"},
	{"local 1", "src:1: <name> expected near '1'"},
	{"local function 1", "src:1: <name> expected near '1'"},
	{"local function f", "src:1: '(' expected near <eof>"},
	{"goto 1", "src:1: <name> expected near '1'"},
	{"::a", "src:1: '::' expected near <eof>"},
	{"::1::", "src:1: <name> expected near '1'"},
	{"a", "src:1: syntax error near <eof>"},
	{"a.b", "src:1: syntax error near <eof>"},
	{"a[1]", "src:1: syntax error near <eof>"},
	{"(a)", "src:1: syntax error near <eof>"},
	{"(a) = 1", "src:1: syntax error near '='"},
	{"f() = 1", "src:1: syntax error near '='"},
	{"a:m() = 1", "src:1: syntax error near '='"},
	{"a, f() = 1", "src:1: syntax error near '='"},
	{"a, (b) = 1", "src:1: syntax error near '='"},
	{"a.b:c = 1", "src:1: function arguments expected near '='"},
	{"a:b c", "src:1: function arguments expected near 'c'"},
	{"a:b", "src:1: function arguments expected near <eof>"},
	{"f(", "src:1: unexpected symbol near <eof>"},
	{"f(1,", "src:1: unexpected symbol near <eof>"},
	{"f(1 2)", "src:1: ')' expected near '2'"},
	{"x = {a b}", "src:1: '}' expected near 'b'"},
	{"x = {[1] 2}", "src:1: '=' expected near '2'"},
	{"x = {[1] = }", "src:1: unexpected symbol near '}'"},
	{"x = {a = }", "src:1: unexpected symbol near '}'"},
	{"x = {,}", "src:1: unexpected symbol near ','"},
	{"x = {1,,2}", "src:1: unexpected symbol near ','"},
	{"x = (1", "src:1: ')' expected near <eof>"},
	{"x = (1,2)", "src:1: ')' expected near ','"},
	{"x = a[1", "src:1: ']' expected near <eof>"},
	{"for a b", "src:1: '=' or 'in' expected near 'b'"},
	{"for a", "src:1: '=' or 'in' expected near <eof>"},
	{"for 1", "src:1: <name> expected near '1'"},
	{"for i = 1 do end", "src:1: ',' expected near 'do'"},
	{"for i = 1, 2 end", "src:1: 'do' expected near 'end'"},
	{"for i = 1, 2, 3, 4 do end", "src:1: 'do' expected near ','"},
	{"for a, b = 1, 2 do end", "src:1: 'in' expected near '='"},
	{"for a, 1 in x do end", "src:1: <name> expected near '1'"},
	{"for a in do end", "src:1: unexpected symbol near 'do'"},
	{"while true do", "src:1: 'end' expected near <eof>"},
	{"while true end", "src:1: 'do' expected near 'end'"},
	{"while do end", "src:1: unexpected symbol near 'do'"},
	{"repeat until", "src:1: unexpected symbol near <eof>"},
	{"repeat x = 1", "src:1: 'until' expected near <eof>"},
	{"repeat x = 1 until", "src:1: unexpected symbol near <eof>"},
	{"if x", "src:1: 'then' expected near <eof>"},
	{"if x then", "src:1: 'end' expected near <eof>"},
	{"if x then else", "src:1: 'end' expected near <eof>"},
	{"if x then elseif", "src:1: unexpected symbol near <eof>"},
	{"if x then else elseif y then end", "src:1: 'end' expected near 'elseif'"},
	{"if then end", "src:1: unexpected symbol near 'then'"},
	{"do", "src:1: 'end' expected near <eof>"},
	{"do end end", "src:1: <eof> expected near 'end'"},
	{"function", "src:1: <name> expected near <eof>"},
	{"function f", "src:1: '(' expected near <eof>"},
	{"function f(", "src:1: <name> or '...' expected near <eof>"},
	{"function f(a", "src:1: ')' expected near <eof>"},
	{"function f(a,", "src:1: <name> or '...' expected near <eof>"},
	{"function f(a b", "src:1: ')' expected near 'b'"},
	{"function f(1) end", "src:1: <name> or '...' expected near '1'"},
	{"function f(..., a) end", "src:1: ')' expected near ','"},
	{"function f(a,) end", "src:1: <name> or '...' expected near ')'"},
	{"function f.1() end", "src:1: '(' expected near '.1'"},
	{"function f:1() end", "src:1: <name> expected near '1'"},
	{"function f:a.b() end", "src:1: '(' expected near '.'"},
	{"function f:a:b() end", "src:1: '(' expected near ':'"},
	{"function f() return ... end", "src:1: cannot use '...' outside a vararg function near '...'"},
	{"function f(...) return function() return ... end end", "src:1: cannot use '...' outside a vararg function near '...'"},
	{"x = function", "src:1: '(' expected near <eof>"},
	{"x = function(", "src:1: <name> or '...' expected near <eof>"},
	{"x = function() ", "src:1: 'end' expected near <eof>"},
	{"local x <foo> = 1", "src:1: unknown attribute 'foo'"},
	{"local x <const", "src:1: '>' expected near <eof>"},
	{"local x <> = 1", "src:1: <name> expected near '>'"},
	{"local x <1> = 1", "src:1: <name> expected near '1'"},
	{"local x <close>, y <close> = 1", "src:1: multiple to-be-closed variables in local list"},
	{"local x <const>, y <close>, z <close> = 1", "src:1: multiple to-be-closed variables in local list"},
	{"local x <foo", "src:1: '>' expected near <eof>"},
	{"local x = ", "src:1: unexpected symbol near <eof>"},
	{"local x, = 1", "src:1: <name> expected near '='"},
	{"local x, y = 1,", "src:1: unexpected symbol near <eof>"},
	{"x = 1 + ", "src:1: unexpected symbol near <eof>"},
	{"x = 1 +* 2", "src:1: unexpected symbol near '*'"},
	{"x = - ", "src:1: unexpected symbol near <eof>"},
	{"x = not", "src:1: unexpected symbol near <eof>"},
	{"x = #", "src:1: unexpected symbol near <eof>"},
	{"x = a..b..", "src:1: unexpected symbol near <eof>"},
	{"x = 1 == == 2", "src:1: unexpected symbol near '=='"},
	{"x = 1 < > 2", "src:1: unexpected symbol near '>'"},
	{"x = a.", "src:1: <name> expected near <eof>"},
	{"x = a.1", "src:1: unexpected symbol near '.1'"},
	{"x = a:", "src:1: <name> expected near <eof>"},
	{"x = a:1", "src:1: <name> expected near '1'"},
	{"x = a::b", "src:1: '::' expected near <eof>"},
	{"x = 'abc", "src:1: unfinished string near <eof>"},
	{"x = \"abc", "src:1: unfinished string near <eof>"},
	{"x = 'abc\ndef'", "src:1: unfinished string near ''abc'"},
	{"x = 'abc\rdef'", "src:1: unfinished string near ''abc'"},
	{"x = 'a\\q'", "src:1: invalid escape sequence near ''a\\q'"},
	{"x = 'a\\x'", "src:1: hexadecimal digit expected near ''a\\x''"},
	{"x = 'a\\xg'", "src:1: hexadecimal digit expected near ''a\\xg'"},
	{"x = 'a\\x5'", "src:1: hexadecimal digit expected near ''a\\x5''"},
	{"x = 'a\\x5g'", "src:1: hexadecimal digit expected near ''a\\x5g'"},
	{"x = 'a\\u'", "src:1: missing '{' near ''a\\u''"},
	{"x = 'a\\ux'", "src:1: missing '{' near ''a\\ux'"},
	{"x = 'a\\u{'", "src:1: hexadecimal digit expected near ''a\\u{''"},
	{"x = 'a\\u{x}'", "src:1: hexadecimal digit expected near ''a\\u{x'"},
	{"x = 'a\\u{}'", "src:1: hexadecimal digit expected near ''a\\u{}'"},
	{"x = 'a\\u{41'", "src:1: missing '}' near ''a\\u{41''"},
	{"x = 'a\\u{41x}'", "src:1: missing '}' near ''a\\u{41x'"},
	{"x = 'a\\u{7FFFFFFF}' y", "src:1: syntax error near <eof>"},
	{"x = 'a\\u{80000000}'", "src:1: UTF-8 value too large near ''a\\u{80000000'"},
	{"x = 'a\\u{000000000000041}' y", "src:1: syntax error near <eof>"},
	{"x = '\\256'", "src:1: decimal escape too large near ''\\256''"},
	{"x = '\\300'", "src:1: decimal escape too large near ''\\300''"},
	{"x = '\\999'", "src:1: decimal escape too large near ''\\999''"},
	{"x = '\\", "src:1: unfinished string near <eof>"},
	{"x = '\\0\\q'", "src:1: invalid escape sequence near '''"},
	{"x = 'a\\0b\\q'", "src:1: invalid escape sequence near ''a'"},
	{"x = '\\z  \n", "src:2: unfinished string near <eof>"},
	{"x = [[abc", "src:1: unfinished long string (starting at line 1) near <eof>"},
	{"x = [==[abc]=]", "src:1: unfinished long string (starting at line 1) near <eof>"},
	{"x = [=x", "src:1: invalid long string delimiter near '[='"},
	{"x = [==", "src:1: invalid long string delimiter near '[=='"},
	{"--[[ unfinished", "src:1: unfinished long comment (starting at line 1) near <eof>"},
	{"--[==[ unfinished ]=]", "src:1: unfinished long comment (starting at line 1) near <eof>"},
	{"x = 3x", "src:1: malformed number near '3x'"},
	{"x = 3..2", "src:1: malformed number near '3..2'"},
	{"x = 3.4.5", "src:1: malformed number near '3.4.5'"},
	{"x = 0x", "src:1: malformed number near '0x'"},
	{"x = 0xg", "src:1: malformed number near '0xg'"},
	{"x = 0x1p", "src:1: malformed number near '0x1p'"},
	{"x = 0x1p+", "src:1: malformed number near '0x1p+'"},
	{"x = 1e", "src:1: malformed number near '1e'"},
	{"x = 1e+", "src:1: malformed number near '1e+'"},
	{"x = 1e+x", "src:1: malformed number near '1e+x'"},
	{"x = 1ee5", "src:1: malformed number near '1ee5'"},
	{"x = .5x", "src:1: malformed number near '.5x'"},
	{"x = 3_", "src:1: malformed number near '3_'"},
	{"x = 3abc", "src:1: malformed number near '3abc'"},
	{"x = 0x1.8p1.5", "src:1: malformed number near '0x1.8p1.5'"},
	{"x = 1..2", "src:1: malformed number near '1..2'"},
	{"x = 1 .. 2 y", "src:1: syntax error near <eof>"},
	{"x = 0x.p1", "src:1: malformed number near '0x.p1'"},
	{"x = 0x1P4 y", "src:1: syntax error near <eof>"},
	{"x = 12345678901234567890123 y", "src:1: syntax error near <eof>"},
	{"local 'abc'", "src:1: <name> expected near ''abc''"},
	{"local \"a\\0b\"", "src:1: <name> expected near '\"a'"},
	{"local [[a\\0b]]", "src:1: <name> expected near '[[a\\0b]]'"},
	{"local [==[\nline]==]", "src:2: <name> expected near '[==[line]==]'"},
	{"local 3.5", "src:1: <name> expected near '3.5'"},
	{"local 0x10", "src:1: <name> expected near '0x10'"},
	{"local 1e10", "src:1: <name> expected near '1e10'"},
	{"local 12345678901234567890", "src:1: <name> expected near '12345678901234567890'"},
	{"local \"\\65\\066\\x43\\u{44}\"", "src:1: <name> expected near '\"ABCD\"'"},
	{"local 'it''s'", "src:1: <name> expected near ''it''"},
	{"local [=[a]]b]=]", "src:1: <name> expected near '[=[a]]b]=]'"},
	{"local [[a]=]b]]", "src:1: <name> expected near '[[a]=]b]]'"},
	{"local \"\"", "src:1: <name> expected near '\"\"'"},
	{"local ''", "src:1: <name> expected near ''''"},
	{"local [[]]", "src:1: <name> expected near '[[]]'"},
	{"a b c", "src:1: syntax error near 'b'"},
	{"x = y z", "src:1: syntax error near <eof>"},
	{"x = 1\ny", "src:2: syntax error near <eof>"},
	{"return 1;;", "src:1: <eof> expected near ';'"},
	{"return 1 ; x = 1", "src:1: <eof> expected near 'x'"},
	{"break x", "src:1: syntax error near <eof>"},
	{"goto", "src:1: <name> expected near <eof>"},
	// Lines: the error is reported where the scanner is.
	{"x = 1\n\n  + ", "src:3: unexpected symbol near <eof>"},
	{"f(1,\n2\n", "src:3: ')' expected (to close '(' at line 1) near <eof>"},
	{"f(1,\n2 3)", "src:2: ')' expected (to close '(' at line 1) near '3'"},
	{"x = f\n(1,\n2 3)", "src:3: ')' expected (to close '(' at line 1) near '3'"},
	{"x = a.b\n:c(1 2)", "src:2: ')' expected (to close '(' at line 1) near '2'"},
	{"x = (a)\n.b(1,\n2 3)", "src:3: ')' expected (to close '(' at line 1) near '3'"},
	{"x = {\n1,\n2", "src:3: '}' expected (to close '{' at line 1) near <eof>"},
	{"if x then\n\nelse", "src:3: 'end' expected (to close 'if' at line 1) near <eof>"},
	{"while x do\nend end", "src:2: <eof> expected near 'end'"},
	{"function f()\n\n", "src:3: 'end' expected (to close 'function' at line 1) near <eof>"},
	{"x = function\n\n(a", "src:3: ')' expected near <eof>"},
	{"x = function\n(a)\n", "src:3: 'end' expected (to close 'function' at line 2) near <eof>"},
	{"local function\nf\n()\n", "src:4: 'end' expected (to close 'function' at line 3) near <eof>"},
	{"for i = 1, 2 do\n", "src:2: 'end' expected (to close 'for' at line 1) near <eof>"},
	{"repeat\n\nuntil", "src:3: unexpected symbol near <eof>"},
	{"repeat\nx()\n", "src:3: 'until' expected (to close 'repeat' at line 1) near <eof>"},
	{"do\nx()", "src:2: 'end' expected (to close 'do' at line 1) near <eof>"},
	{"x = (\n1", "src:2: ')' expected (to close '(' at line 1) near <eof>"},
	{"x = [[\n\n\nabc", "src:4: unfinished long string (starting at line 1) near <eof>"},
	{"\n--[==[\n\n", "src:4: unfinished long comment (starting at line 2) near <eof>"},
	{"x = [[a\r\nb\n\rc\r\rd]] y", "src:5: syntax error near <eof>"},
	{"x = 'a\\\nb\\\r\nc\\z\n\n  d' y", "src:5: syntax error near <eof>"},
	{"x = 'a\\\r\n\\q'", "src:2: invalid escape sequence near ''a\n\\q'"},
	{"local [==[\r\na\rb]==]", "src:3: <name> expected near '[==[a\nb]==]'"},
	{"x = 'a\\z\n\n", "src:3: unfinished string near <eof>"},
	{"local x <foo>\n= 1", "src:2: unknown attribute 'foo'"},
	// The NUL byte is a token the reference cannot name.
	{"x = 'a'\x00", "src:1: unexpected symbol"},
	{"return 1 \x00", "src:1: <eof> expected"},
}

func TestErrors(t *testing.T) {
	for _, test := range errorTests {
		_, err := Parse("=src", test.src)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want *Error %q", test.src, err, test.want)
			continue
		}
		if got := err.Error(); got != test.want {
			t.Errorf("Parse(%q):\n got  %q\n want %q", test.src, got, test.want)
		}
	}
}

// validPrograms parse without error, here and in the reference.
var validPrograms = []string{
	"",
	"\n\n",
	"-- only a comment",
	"--[==[ long\ncomment ]==] x = 1",
	"local function f(...) return ... end return ...",
	"x = ...",
	"x = 1;;;",
	";;;",
	"return;",
	"return 1;",
	"x = a.b.c.d:e(f)[g]",
	"x = function(...) local a <const> = ... end",
	"local x <close> = nil",
	"local a <const>, b, c <close> = 1, 2, 3",
	"local function f() end f()",
	"f{} f'' f\"\"f[[]]",
	"x = 1 // 2 & 3 | 4 ~ 5 << 6 >> 7",
	"x = ~1 - -2 + not 3",
	"x = 2^-3^4",
	"x = a and b or c",
	"x = {f(), ...; [1] = 2, a = 3,}",
	"x = \"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\'\\z\n    ok\"",
	"x = '\\u{7FFFFFFF}\\u{0}\\x00\\0\\2555'",
	"x = 0xep+1 + 08 + 0x.8 + 0x8. + .5 + 5. + 1e-2 + 3E+4",
	"x = 12345678901234567890123 + 0xffffffffffffffffffff",
	"::a:: ::b:: ; ::c:: goto a",
	"while true do break end repeat local x until x",
	"for i = 1, 2 do end for i = 1, 2, 3 do end for k, v in pairs(t) do end",
	"if a then elseif b then else end",
	"while a do if a then break end end",
	"function a.b.c:d(x, y, ...) return self end",
	"a, b.c, d[e] = 1, 2",
	"a.b:c'x' {y} (z)",
	"x = #t + -t + ~t",
	"x = 'a' .. 'b' .. 'c'",
	"x = a < b == (c >= d) ~= (e > f) == (g <= h)",
	"return function() end, function(a) end, function(a, ...) end",
}

func TestValidPrograms(t *testing.T) {
	for _, src := range validPrograms {
		if _, err := Parse("=src", src); err != nil {
			t.Errorf("Parse(%q): %v", src, err)
		}
	}
}

// TestErrorsMatchReference confirms the tables above with the reference
// and checks the parser against it, also under load's default chunk name
// (the source itself).
func TestErrorsMatchReference(t *testing.T) {
	var sources, wants []string
	for _, test := range errorTests {
		sources = append(sources, test.src)
		wants = append(wants, test.want)
	}
	for _, src := range validPrograms {
		sources = append(sources, src)
		wants = append(wants, "")
	}
	ref := referenceLoadErrors(t, "=src", sources)
	for i, src := range sources {
		if ref[i] != wants[i] {
			t.Errorf("reference on %q:\n got  %q\n want %q", src, ref[i], wants[i])
		}
	}
	for _, name := range []string{"@dir/file.lua", ""} {
		ref := referenceLoadErrors(t, name, sources)
		for i, src := range sources {
			chunkname := name
			if chunkname == "" {
				chunkname = src
			}
			got := ""
			if _, err := ParseDepth(chunkname, src, 2); err != nil {
				got = err.Error()
			}
			if got != ref[i] {
				t.Errorf("ParseDepth(%q, %q):\n got  %q\n want %q", chunkname, src, got, ref[i])
			}
		}
	}
}
