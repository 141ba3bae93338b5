package lib

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/syntax"
)

// utf8Cases are calls of the utf8 library compared with the reference.
var utf8Cases = []struct {
	fn   string
	args []lua.Value
}{
	{"char", ints(65, 0xE9, 0x20AC, 0x1F600)},
	{"char", ints(0x7FFFFFFF, 0x10FFFF, 0x110000, 0xD800)},
	{"char", ints(0x80000000)},
	{"char", ints(-1)},
	{"char", nil},
	{"char", strs("65")},
	{"len", strs("h\u00e9llo")},
	{"len", strs("")},
	{"len", []lua.Value{lua.String("h\u00e9llo"), lua.Int(3)}},
	{"len", []lua.Value{lua.String("h\u00e9llo"), lua.Int(-2)}},
	{"len", []lua.Value{lua.String("abc"), lua.Int(4)}},
	{"len", []lua.Value{lua.String("abc"), lua.Int(5)}},
	{"len", []lua.Value{lua.String("abc"), lua.Int(0)}},
	{"len", []lua.Value{lua.String("abc"), lua.Int(1), lua.Int(4)}},
	{"len", []lua.Value{lua.String("abc"), lua.Int(-10)}},
	{"len", strs("abc\xffdef")},
	{"len", strs("\xc3")},
	{"len", strs("\xed\xa0\x80")},
	{"len", []lua.Value{lua.String("\xed\xa0\x80"), lua.Int(1), lua.Int(-1), lua.True}},
	{"len", strs("\xc0\x80")},
	{"len", strs("\xf4\x90\x80\x80")},
	{"len", []lua.Value{lua.String("\xf4\x90\x80\x80"), lua.Int(1), lua.Int(-1), lua.True}},
	{"len", []lua.Value{lua.String("\xfd\xbf\xbf\xbf\xbf\xbf"), lua.Int(1), lua.Int(-1), lua.True}},
	{"len", []lua.Value{lua.String("\xfe\xbf\xbf\xbf\xbf\xbf\xbf"), lua.Int(1), lua.Int(-1), lua.True}},
	{"len", []lua.Value{lua.String("\xf8\x88\x80\x80\x80"), lua.Int(1), lua.Int(-1), lua.True}},
	{"len", strs("\xa9abc")},
	{"codepoint", strs("A\u00e9\U0001F600")},
	{"codepoint", []lua.Value{lua.String("A\u00e9\U0001F600"), lua.Int(1), lua.Int(-1)}},
	{"codepoint", []lua.Value{lua.String("abc"), lua.Int(-1)}},
	{"codepoint", []lua.Value{lua.String("abc"), lua.Int(2), lua.Int(1)}},
	{"codepoint", []lua.Value{lua.String("abc"), lua.Int(4)}},
	{"codepoint", []lua.Value{lua.String("abc"), lua.Int(0)}},
	{"codepoint", []lua.Value{lua.String("abc"), lua.Int(1), lua.Int(4)}},
	{"codepoint", strs("\xff")},
	{"codepoint", strs("\xed\xa0\x80")},
	{"codepoint", []lua.Value{lua.String("\xed\xa0\x80"), lua.Int(1), lua.Int(1), lua.True}},
	{"codepoint", []lua.Value{lua.String("\u00e9"), lua.Int(2)}},
	{"codepoint", []lua.Value{lua.String("\xe2\x82"), lua.Int(1)}},
	{"offset", []lua.Value{lua.String("a\u00e9\u20ac\U0001F600z"), lua.Int(3)}},
	{"offset", []lua.Value{lua.String("a\u00e9\u20ac\U0001F600z"), lua.Int(6)}},
	{"offset", []lua.Value{lua.String("a\u00e9\u20ac\U0001F600z"), lua.Int(7)}},
	{"offset", []lua.Value{lua.String("a\u00e9\u20ac\U0001F600z"), lua.Int(-1)}},
	{"offset", []lua.Value{lua.String("a\u00e9\u20ac\U0001F600z"), lua.Int(-6)}},
	{"offset", []lua.Value{lua.String("a\u00e9\u20ac\U0001F600z"), lua.Int(0), lua.Int(5)}},
	{"offset", []lua.Value{lua.String("a\u00e9\u20ac\U0001F600z"), lua.Int(1), lua.Int(3)}},
	{"offset", []lua.Value{lua.String("a\u00e9\u20ac\U0001F600z"), lua.Int(-1), lua.Int(4)}},
	{"offset", []lua.Value{lua.String("abc"), lua.Int(1), lua.Int(5)}},
	{"offset", []lua.Value{lua.String(""), lua.Int(1)}},
	{"offset", []lua.Value{lua.String(""), lua.Int(-1)}},
	{"offset", []lua.Value{lua.String("\x80\x80"), lua.Int(0), lua.Int(2)}},
}

// utf8CodesCases are strings iterated with utf8.codes (strict and lax).
// (5.4.7 also rejects a continuation byte after a character and at the
// start; lua5.4 5.4.4 does not, so those cases are in TestUTF8Codes.)
var utf8CodesCases = []string{
	"a\u00e9\u20ac\U0001F600z", "ab\xffcd", "\xed\xa0\x80x", "", "\xf4\x90\x80\x80", "abc\xc3",
}

// iterateCodes runs utf8.codes over str and renders "pos:code" pairs and
// the error that stopped the iteration, if any.
func iterateCodes(t *testing.T, s *lua.State, str string, lax bool) (pairs string, err error) {
	th := s.MainThread()
	var out []string
	res, err := th.Call(libFunc(t, s, "utf8", "codes"), lua.String(str), lua.Bool(lax))
	for err == nil {
		var step []lua.Value
		if step, err = th.Call(res[0], res[1], res[2]); err != nil || len(step) == 0 || step[0].IsNil() {
			break
		}
		out = append(out, showValue(step[0])+":"+showValue(step[1]))
		res[2] = step[0]
	}
	return strings.Join(out, " "), err
}

func TestUTF8Codes(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want string
	}{
		{"\u00e9\x80", " error: invalid UTF-8 code"},
		{"\x80abc", " error: bad argument #1 (invalid UTF-8 code)"},
		{"a\u00e9", "1:97 2:233"},
	} {
		pairs, err := iterateCodes(t, newTestState(), tc.s, false)
		got := pairs
		if err != nil {
			got += " error: " + normalizeArgErrors(err.Error())
		}
		if got != tc.want {
			t.Errorf("codes(%q): got %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestUTF8Differential(t *testing.T) {
	var src strings.Builder
	for _, c := range utf8Cases {
		fmt.Fprintf(&src, "print(pcall(utf8.%s%s))\n", c.fn, luaArgs(c.args))
	}
	for _, s := range utf8CodesCases {
		for _, lax := range []string{"false", "true"} {
			fmt.Fprintf(&src, `do local out = {}
local ok, err = pcall(function() for p, c in utf8.codes(%s, %s) do out[#out+1] = p .. ':' .. c end end)
print(table.concat(out, ' '), ok, err and (err:gsub('^[^:]*:%%d+: ', '')))
end
`, luaLiteral(lua.String(s)), lax)
		}
	}
	want := referenceLua(t, src.String())

	s := newTestState()
	th := s.MainThread()
	var got strings.Builder
	for _, c := range utf8Cases {
		res, err := th.Call(libFunc(t, s, "utf8", c.fn), c.args...)
		got.WriteString(pcallText(res, err) + "\n")
	}
	for _, str := range utf8CodesCases {
		for _, lax := range []bool{false, true} {
			pairs, err := iterateCodes(t, s, str, lax)
			ok, errText := "true", "nil"
			if err != nil {
				ok, errText = "false", err.Error()
			}
			fmt.Fprintf(&got, "%s\t%s\t%s\n", pairs, ok, errText)
		}
	}
	gotLines, wantLines := strings.Split(got.String(), "\n"), strings.Split(normalizeArgErrors(want), "\n")
	for i := range max(len(gotLines), len(wantLines)) {
		g, w := lineAt(gotLines, i), lineAt(wantLines, i)
		if g != w {
			t.Errorf("line %d: got %q, want %q", i+1, g, w)
		}
	}
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<none>"
}

func normalizeArgErrors(s string) string {
	return argErrorName.ReplaceAllString(s, "bad argument #$1 (")
}

func TestUTF8Encoding(t *testing.T) {
	// syntax.AppendUTF8 agrees with Go's encoder on every Unicode scalar value
	// class boundary, and decodeUTF8 inverts it up to maxUTF.
	for _, r := range []uint32{0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF, 0x110000, 0x1FFFFF, 0x200000, 0x3FFFFFF, 0x4000000, math.MaxInt32} {
		enc := string(syntax.AppendUTF8(nil, r))
		if r <= 0x10FFFF && enc != string(rune(r)) {
			t.Errorf("AppendUTF8(%#x) = %q, want %q", r, enc, string(rune(r)))
		}
		code, next, ok := decodeUTF8(enc, 0, false)
		if !ok || code != r || next != int64(len(enc)) {
			t.Errorf("decodeUTF8(%q) = %#x, %d, %v", enc, code, next, ok)
		}
	}
}
