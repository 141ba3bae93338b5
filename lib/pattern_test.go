package lib_test

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/luawasm/luawasm/lua"
)

// gmatchAll calls string.gmatch and joins what the iterator returns, as the
// reference prelude's string.gmatchall does: "a,b" for the first two values
// of each step, steps separated by ';'.
func gmatchAll(th *lua.Thread, strlib *lua.Table, args []lua.Value) ([]lua.Value, error) {
	res, err := strlib.GetStr("gmatch").AsGoFunction().Fn(th, args)
	if err != nil {
		return nil, err
	}
	iter := res[0].AsGoFunction()
	var steps []string
	for range 10000 {
		vals, err := iter.Fn(th, nil)
		if err != nil {
			return nil, err
		}
		if len(vals) == 0 || vals[0].IsNil() {
			break
		}
		second := lua.Nil
		if len(vals) > 1 {
			second = vals[1]
		}
		steps = append(steps, text(vals[0])+","+text(second))
	}
	return []lua.Value{lua.String(strings.Join(steps, ";"))}, nil
}

// text is tostring for the values captures can be.
func text(v lua.Value) string {
	if s, ok := v.ToStringCoerce(); ok {
		return s
	}
	return v.TypeName()
}

// upperFn and friends are replacement functions known to both sides.
var (
	upperFn = luaFunction("function(s) return s:upper() end", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		s, _ := args[0].ToStringCoerce()
		return t.Ret(lua.String(strings.ToUpper(s)))
	})
	joinFn = luaFunction("function(a, b) return tostring(a) .. '|' .. tostring(b) end", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return t.Ret(lua.String(text(lua.Arg(args, 1)) + "|" + text(lua.Arg(args, 2))))
	})
	nilFn = luaFunction("function() return nil end", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return t.Ret(lua.Nil)
	})
	falseFn = luaFunction("function() return false end", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return t.Ret(lua.False)
	})
	numberFn = luaFunction("function() return 42 end", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return t.Ret(lua.Int(42))
	})
	floatFn = luaFunction("function() return 1.5 end", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return t.Ret(lua.Float(1.5))
	})
	tableFn = luaFunction("function() return {} end", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return t.Ret(lua.NewTable(0, 0).Value())
	})
	noResultFn = luaFunction("function() end", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		return t.Ret()
	})
)

func table(kv ...lua.Value) lua.Value {
	tb := lua.NewTable(0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		tb.Set(kv[i], kv[i+1])
	}
	return tb.Value()
}

func TestFind(t *testing.T) {
	runCallTests(t, []callTest{
		{c("find", S("hello world"), S("wor")), outcome(I(7), I(9))},
		{c("find", S("hello world"), S("o"), I(6)), outcome(I(8), I(8))},
		{c("find", S("hello"), S("")), outcome(I(1), I(0))},
		{c("find", S("hello"), S(""), I(10)), outcome(nilV)},
		{c("find", S("hello"), S(""), I(6)), outcome(I(6), I(5))},
		{c("find", S("hello"), S("l"), I(-2)), outcome(I(4), I(4))},
		{c("find", S("a.b"), S("."), I(1), lua.True), outcome(I(2), I(2))},
		{c("find", S("a+b"), S("+"), I(1), lua.True), outcome(I(2), I(2))},
		{c("find", S("a\x00b"), S("\x00")), outcome(I(2), I(2))},
		{c("find", S("hello"), S("(l)(l)")), outcome(I(3), I(4), S("l"), S("l"))},
		{c("find", S("hello"), S("()ll()")), outcome(I(3), I(4), I(3), I(5))},
		{c("find", S("hello"), S("^h")), outcome(I(1), I(1))},
		{c("find", S("hello"), S("^e")), outcome(nilV)},
		{c("find", S("hello"), S("o$")), outcome(I(5), I(5))},
		{c("find", S("a$b"), S("$b")), outcome(I(2), I(3))},
		{c("find", S("hello"), S("xyz")), outcome(nilV)},
		{c("find", S(" x"), S("%s")), outcome(I(1), I(1))},
		{c("find", S("a"), S("(")), failure("unfinished capture")},
		{c("find", S("a"), S("%")), failure("malformed pattern (ends with '%')")},
		{c("find", S("a"), S("[a")), failure("malformed pattern (missing ']')")},
		{c("find", S("a"), S("[]")), failure("malformed pattern (missing ']')")},
		{c("find", S("a"), S("[^]")), failure("malformed pattern (missing ']')")},
		{c("find", S("a"), S("a)")), outcome(nilV)}, // ')' is not special: a plain search
		{c("match", S("a"), S("a)")), failure("invalid pattern capture")},
		{c("find", S("a"), S("%1")), failure("invalid capture index %1")},
		{c("find", S("aa"), S("(a)%2")), failure("invalid capture index %2")},
		{c("find", S("aa"), S("(a%1)")), failure("invalid capture index %1")},
		{c("find", S("a"), S("%b")), failure("malformed pattern (missing arguments to '%b')")},
		{c("find", S("a"), S("%ba")), failure("malformed pattern (missing arguments to '%b')")},
		{c("find", S("a"), S("%f")), failure("missing '[' after '%f' in pattern")},
		{c("find", S("a"), S("%fa")), failure("missing '[' after '%f' in pattern")},
		{c("find", S("a"), S(strings.Repeat("()", 33))), failure("too many captures")},
		{c("find", S(strings.Repeat("a", 300)), S(strings.Repeat("a?", 300))), failure("pattern too complex")},
		{c("find", nilV, S("a")), failure("bad argument #1 (string expected, got nil)")},
		{c("find", S("a"), nilV), failure("bad argument #2 (string expected, got nil)")},
		{c("find", S("a"), S("a"), S("x")), failure("bad argument #3 (number expected, got string)")},
		{c("find", I(123), I(2)), outcome(I(2), I(2))},
	})
}

func TestMatch(t *testing.T) {
	runCallTests(t, []callTest{
		{c("match", S("hello world"), S("%w+")), outcome(S("hello"))},
		{c("match", S("key = value"), S("(%w+)%s*=%s*(%w+)")), outcome(S("key"), S("value"))},
		{c("match", S("hello"), S("()ll()")), outcome(I(3), I(5))},
		{c("match", S("hello"), S("xyz")), outcome(nilV)},
		{c("match", S("  trim  "), S("^%s*(.-)%s*$")), outcome(S("trim"))},
		{c("match", S("THE (quick) fox"), S("%((%a+)%)")), outcome(S("quick"))},
		{c("match", S("f(a(b)c)d"), S("%b()")), outcome(S("(a(b)c)"))},
		{c("match", S("f(a(b c)d"), S("%b()")), outcome(S("(b c)"))},
		{c("match", S("f(a(b c d"), S("%b()")), outcome(nilV)},
		{c("match", S("THE (quick) fox"), S("%f[%a]%a+")), outcome(S("THE"))},
		{c("match", S("hello world"), S("%f[%w]%w+$")), outcome(S("world"))},
		{c("match", S("abcabc"), S("(abc)%1")), outcome(S("abc"))},
		{c("match", S("say 'hi' now"), S("(['\"])(.-)%1")), outcome(S("'"), S("hi"))},
		{c("match", S("x = 10"), S("()=()")), outcome(I(3), I(4))},
		{c("match", S("aaa"), S("a-b")), outcome(nilV)},
		{c("match", S("aaab"), S("a-b")), outcome(S("aaab"))},
		{c("match", S("aaa"), S("^a-$")), outcome(S("aaa"))},
		{c("match", S("[]"), S("[]]")), outcome(S("]"))},
		{c("match", S("a-z"), S("[a%-z]+")), outcome(S("a-z"))},
		{c("match", S("--x"), S("[-x]+")), outcome(S("--x"))},
		{c("match", S("x-"), S("[x-]+")), outcome(S("x-"))},
		{c("match", S("^a"), S("[%^]")), outcome(S("^"))},
		{c("match", S("b^"), S("[b^]+")), outcome(S("b^"))},
		{c("match", S("A1_b"), S("[%u%d_]+")), outcome(S("A1_"))},
		{c("match", S("abc123"), S("[^%a]+")), outcome(S("123"))},
		{c("match", S("\x00x"), S("%z")), outcome(S("\x00"))},
		{c("match", S("a\x00b"), S("[%z]")), outcome(S("\x00"))},
		{c("match", S("a.b"), S("%.")), outcome(S("."))},
		{c("match", S("hello"), S(".-(l+)")), outcome(S("ll"))},
		{c("match", S("hello"), S("^(h?)(e?)x?")), outcome(S("h"), S("e"))},
		{c("match", S("hello"), S("(h)(e)(l)(l)(o)")), outcome(S("h"), S("e"), S("l"), S("l"), S("o"))},
		{c("match", S("hello"), S("l"), I(-1)), outcome(nilV)},
		{c("match", S("hello"), S("l"), I(-2)), outcome(S("l"))},
		{c("match", S("hello"), S("^l"), I(3)), outcome(S("l"))},
		{c("match", S("hello"), S(".*"), I(100)), outcome(nilV)},
		{c("match", S("hello"), S("()"), I(6)), outcome(I(6))},
		{c("match", S("a"), S("(()")), failure("unfinished capture")},
		{c("match", S("ab"), S("^(a)(%2)")), failure("invalid capture index %2")},
		{c("match", S("\xff\x80"), S("[\x80-\xff]+")), outcome(S("\xff\x80"))},
		{c("match", S("x\xffy"), S("%A")), outcome(S("\xff"))},
		{c("match", S("éa"), S("%a")), outcome(S("a"))},
	})
}

func TestGmatch(t *testing.T) {
	runCallTests(t, []callTest{
		{c("gmatchall", S("one two  three"), S("%a+")), outcome(S("one,nil;two,nil;three,nil"))},
		{c("gmatchall", S("a=1, b=2"), S("(%w+)=(%w+)")), outcome(S("a,1;b,2"))},
		{c("gmatchall", S("abc"), S("")), outcome(S(",nil;,nil;,nil;,nil"))},
		{c("gmatchall", S("abc"), S("()")), outcome(S("1,nil;2,nil;3,nil;4,nil"))},
		{c("gmatchall", S("hello"), S("l*")), outcome(S(",nil;,nil;ll,nil;,nil"))},
		{c("gmatchall", S("^a^a"), S("^a")), outcome(S("^a,nil;^a,nil"))},
		{c("gmatchall", S("one two three"), S("%a+"), I(5)), outcome(S("two,nil;three,nil"))},
		{c("gmatchall", S("one two three"), S("%a+"), I(-5)), outcome(S("three,nil"))},
		{c("gmatchall", S("abc"), S("."), I(10)), outcome(S(""))},
		{c("gmatchall", S("abc"), S("%")), failure("malformed pattern (ends with '%')")},
		{c("gmatch", nilV, S("x")), failure("bad argument #1 (string expected, got nil)")},
	})
}

func TestGsub(t *testing.T) {
	runCallTests(t, []callTest{
		{c("gsub", S("hello world"), S("o"), S("0")), outcome(S("hell0 w0rld"), I(2))},
		{c("gsub", S("hello world"), S("o"), S("0"), I(1)), outcome(S("hell0 world"), I(1))},
		{c("gsub", S("hello world"), S("o"), S("0"), I(0)), outcome(S("hello world"), I(0))},
		{c("gsub", S("hello world"), S("o"), S("0"), I(-1)), outcome(S("hello world"), I(0))},
		{c("gsub", S("hello"), S(""), S("-")), outcome(S("-h-e-l-l-o-"), I(6))},
		{c("gsub", S("abc"), S("%w"), S("%0%0")), outcome(S("aabbcc"), I(3))},
		{c("gsub", S("abc"), S("%w"), S("%1")), outcome(S("abc"), I(3))},
		{c("gsub", S("hello world"), S("(%w+) (%w+)"), S("%2 %1")), outcome(S("world hello"), I(1))},
		{c("gsub", S("abc"), S("()b()"), S("[%1,%2]")), outcome(S("a[2,3]c"), I(1))},
		{c("gsub", S("50"), S("%d+"), S("%%%0%%")), outcome(S("%50%"), I(1))},
		{c("gsub", S("abc"), S("b"), S("%2")), failure("invalid capture index %2")},
		{c("gsub", S("abc"), S("b"), S("%")), failure("invalid use of '%' in replacement string")},
		{c("gsub", S("abc"), S("b"), S("%x")), failure("invalid use of '%' in replacement string")},
		{c("gsub", S("abc"), S("(b"), S("x")), outcome(S("axc"), I(1))},
		{c("gsub", S("abc"), S("(b"), S("%1")), failure("unfinished capture")},
		{c("gsub", S("abc"), S("x"), S("%")), outcome(S("abc"), I(0))},
		{c("gsub", S("abc"), S("b"), I(7)), outcome(S("a7c"), I(1))},
		{c("gsub", S("abc"), S("b"), F(1.5)), outcome(S("a1.5c"), I(1))},
		{c("gsub", S("hello world"), S("%w+"), upperFn), outcome(S("HELLO WORLD"), I(2))},
		{c("gsub", S("k=v"), S("(%w)=(%w)"), joinFn), outcome(S("k|v"), I(1))},
		{c("gsub", S("abc"), S("()b()"), joinFn), outcome(S("a2|3c"), I(1))},
		{c("gsub", S("abc"), S("%w"), nilFn), outcome(S("abc"), I(3))},
		{c("gsub", S("abc"), S("%w"), falseFn), outcome(S("abc"), I(3))},
		{c("gsub", S("abc"), S("%w"), noResultFn), outcome(S("abc"), I(3))},
		{c("gsub", S("abc"), S("b"), numberFn), outcome(S("a42c"), I(1))},
		{c("gsub", S("abc"), S("b"), floatFn), outcome(S("a1.5c"), I(1))},
		{c("gsub", S("abc"), S("b"), tableFn), failure("invalid replacement value (a table)")},
		{c("gsub", S("$x $y $z"), S("%$(%w+)"), table(S("x"), S("1"), S("y"), lua.False, S("z"), I(3))), outcome(S("1 $y 3"), I(3))},
		{c("gsub", S("abc"), S("%w"), table(S("b"), lua.True)), failure("invalid replacement value (a boolean)")},
		{c("gsub", S("abc"), S("%w"), table()), outcome(S("abc"), I(3))},
		{c("gsub", S("hello"), S("^h"), S("H")), outcome(S("Hello"), I(1))},
		{c("gsub", S("hhh"), S("^h"), S("H")), outcome(S("Hhh"), I(1))},
		{c("gsub", S("hello"), S("^x"), S("H")), outcome(S("hello"), I(0))},
		{c("gsub", S("abc"), S(".-"), S("-")), outcome(S("-a-b-c-"), I(4))},
		{c("gsub", S("a b"), S("%s*"), S("_")), outcome(S("_a_b_"), I(3))},
		{c("gsub", S("abc"), S("b*"), S("X")), outcome(S("XaXcX"), I(3))},
		{c("gsub", S("abc"), S("b"), nilV), failure("bad argument #3 (string/function/table expected, got nil)")},
		{c("gsub", S("abc"), S("b")), failure("bad argument #3 (string/function/table expected, got no value)")},
		{c("gsub", S("abc"), S("b"), lua.True), failure("bad argument #3 (string/function/table expected, got boolean)")},
		{c("gsub", S("abc"), S("b"), nilV, S("x")), failure("bad argument #4 (number expected, got string)")},
		{c("gsub", I(12321), S("2"), S("x")), outcome(S("1x3x1"), I(2))},
		{c("gsub", I(123), S("x"), S("y")), outcome(S("123"), I(0))},
	})
}

// TestGsubLinear checks that gsub's time grows linearly with the number of
// matches (a rebuild of the result per match would take minutes here).
func TestGsubLinear(t *testing.T) {
	th, strlib := newThread()
	subject := strings.Repeat("ab", 500000)
	start := time.Now()
	res, err := strlib.GetStr("gsub").AsGoFunction().Fn(th, []lua.Value{S(subject), S("a"), S("xyz")})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res[1].AsInt(); n != 500000 {
		t.Errorf("gsub made %d replacements, want 500000", n)
	}
	if s, _ := res[0].AsString(); len(s) != 2000000 {
		t.Errorf("gsub result has %d bytes, want 2000000", len(s))
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gsub with 5e5 matches took %v", d)
	}
}

// patternPieces are the items random patterns are made of, malformed ones
// included.
var patternPieces = []string{
	"a", "b", "a", "b", " ", ".", "%a", "%d", "%s", "%w", "%p", "%A", "%S", "%%", "%.", "%(",
	"[ab]", "[^a]", "[a-c]", "[%d_]", "[]a]", "[^%s]", "[a-]",
	"*", "+", "-", "?", "*", "+", "-", "?",
	"(", ")", "(", ")", "()", "%1", "%2", "%b()", "%bab", "%f[%w]", "%f[%s]", "%f[^a]",
	"$", "^", "%", "[", "%f", "%9", "%b",
}

// randomPattern builds a pattern of up to n pieces.
func randomPattern(r *rand.Rand, n int) string {
	var b strings.Builder
	if r.IntN(4) == 0 {
		b.WriteByte('^')
	}
	for range r.IntN(n + 1) {
		b.WriteString(patternPieces[r.IntN(len(patternPieces))])
	}
	return b.String()
}

func randomSubject(r *rand.Rand, n int) string {
	const alphabet = "ab1 (_)ab%."
	b := make([]byte, r.IntN(n+1))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func TestPatternsAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var calls []call
	for range 3000 {
		s := S(randomSubject(r, 12))
		p := S(randomPattern(r, 6))
		init := I(int64(r.IntN(8) - 3))
		calls = append(calls,
			c("find", s, p),
			c("find", s, p, init),
			c("match", s, p),
			c("match", s, p, init),
			c("gmatchall", s, p),
			c("gsub", s, p, S("<%0>")),
			c("gsub", s, p, S("%1"), I(2)),
			c("gsub", s, p, joinFn),
			c("gsub", s, p, table(S("a"), S("A"), S(""), S("E"))),
		)
	}
	// Longer subjects, where scanning skips positions: start filters and
	// failed runs of a leading repetition.
	for range 1000 {
		s := S(randomSubject(r, 80))
		p := S(randomPattern(r, 4))
		calls = append(calls,
			c("find", s, p),
			c("match", s, p, I(int64(r.IntN(20)))),
			c("gmatchall", s, p),
			c("gsub", s, p, S("<%0>")),
		)
	}
	compareWithReference(t, calls)
}

// FuzzPattern runs find, match, gmatch and gsub on arbitrary subjects and
// patterns: they must never panic, and an instruction budget stops
// exponential backtracking.
func FuzzPattern(f *testing.F) {
	f.Add("hello world", "(%w+) (%w+)", "%2 %1")
	f.Add("f(a(b)c)d [x]", "%b()%s*%[(.-)%]", "<%0>")
	f.Add("THE (quick) fox", "%f[%a]%a+()", "%1")
	f.Add("aaa", "^(a-)(a*)$", "%%")
	f.Add(strings.Repeat("a", 200), strings.Repeat("a*", 50)+"b", "")
	th, strlib := newThread()
	s := th.State()
	s.SetInstructionLimit(1 << 16)
	call := func(t *testing.T, fn lua.Value, args ...lua.Value) []lua.Value {
		res, err := s.Call(fn, args...)
		if err != nil && strings.Contains(err.Error(), "Go panic") {
			t.Fatal(err)
		}
		return res
	}
	f.Fuzz(func(t *testing.T, subject, pattern, repl string) {
		if len(subject) > 1000 || len(pattern) > 200 {
			return
		}
		args := []lua.Value{S(subject), S(pattern)}
		call(t, strlib.GetStr("find"), args...)
		call(t, strlib.GetStr("match"), args...)
		if res := call(t, strlib.GetStr("gmatch"), args...); len(res) > 0 {
			for range len(subject) + 2 {
				if vals := call(t, res[0]); len(vals) == 0 || vals[0].IsNil() {
					break
				}
			}
		}
		call(t, strlib.GetStr("gsub"), S(subject), S(pattern), S(repl))
	})
}

func benchmarkCall(b *testing.B, fn string, args ...lua.Value) {
	th, strlib := newThread()
	f := strlib.GetStr(fn).AsGoFunction()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Fn(th, args); err != nil {
			b.Fatal(err)
		}
	}
}

var benchText = S(strings.Repeat("The quick brown fox jumps over the lazy dog. ", 200))

func BenchmarkFindPlain(b *testing.B) { benchmarkCall(b, "find", benchText, S("lazy cat")) }
func BenchmarkFindClass(b *testing.B) { benchmarkCall(b, "find", benchText, S("%d+")) }
func BenchmarkMatchCaptures(b *testing.B) {
	benchmarkCall(b, "match", S("key_name = some value # comment"), S("^(%w+)%s*=%s*([^#]-)%s*#"))
}
func BenchmarkGsubWords(b *testing.B) { benchmarkCall(b, "gsub", benchText, S("%w+"), S("<%0>")) }
func BenchmarkGsubLiteral(b *testing.B) {
	benchmarkCall(b, "gsub", benchText, S("fox"), S("cat"))
}

// benchLines are lines like those of ../shared/bench/pattern_match.lua.
var benchLines = func() string {
	var b strings.Builder
	words := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"}
	for i := 1; i <= 200; i++ {
		w1, w2 := words[i%10], words[(i*7)%10]
		b.WriteString(w1 + "=" + strconv.Itoa(i*3) + "; " + w2 + "=" + strconv.Itoa(i) + "." + strconv.Itoa(i%10) +
			" (id:" + strconv.Itoa(1000+i) + ") [tag" + strconv.Itoa(i%5) + "] " + w1 + "@example.com\n")
	}
	return b.String()
}()

// benchmarkIterate calls fn with args, then the iterator it returns until
// it ends.
func benchmarkIterate(b *testing.B, fn string, args ...lua.Value) {
	th, strlib := newThread()
	f := strlib.GetStr(fn).AsGoFunction()
	b.ReportAllocs()
	for b.Loop() {
		res, err := f.Fn(th, args)
		if err != nil {
			b.Fatal(err)
		}
		iter := res[0].AsGoFunction()
		for {
			vals, err := iter.Fn(th, nil)
			if err != nil {
				b.Fatal(err)
			}
			if len(vals) == 0 || vals[0].IsNil() {
				break
			}
		}
	}
}

func BenchmarkFindAnchored(b *testing.B) {
	benchmarkCall(b, "find", S("gamma=27; theta=9.9 (id:1009) [tag4] gamma@example.com"), S("^%a+=%d+"))
}
func BenchmarkFindFrontier(b *testing.B) {
	benchmarkCall(b, "find", S("gamma=27; theta=9.9 (id:1009) [tag4] gamma@example.com"), S("%f[%d]%d+%.%d"))
}
func BenchmarkMatchLazy(b *testing.B) {
	benchmarkCall(b, "match", S("gamma=27; theta=9.9 (id:1009) [tag4] gamma@example.com"), S("%[(.-)%]"))
}
func BenchmarkGmatchPairs(b *testing.B) {
	benchmarkIterate(b, "gmatch", S(benchLines), S("(%a+)=(%d+)"))
}
func BenchmarkGmatchEmails(b *testing.B) {
	benchmarkIterate(b, "gmatch", S(benchLines), S("([%w%.]+)@[%w%.]+%.com"))
}
func BenchmarkGsubTable(b *testing.B) {
	benchmarkCall(b, "gsub", S(benchLines), S("%a+"), table(S("alpha"), S("A"), S("beta"), S("B")))
}
func BenchmarkGsubBalance(b *testing.B) { benchmarkCall(b, "gsub", S(benchLines), S("%b[]"), S("")) }

// TestPatternMemoryLimit checks that compiling a pattern charges the
// memory budget: each class of a long pattern costs a 256-entry table.
func TestPatternMemoryLimit(t *testing.T) {
	th, strlib := newThread()
	s := th.State()
	s.SetMemoryLimit(8 << 20)
	pattern := S(strings.Repeat("[ab]", 200000)) // 800 KB of text, 50 MB of tables
	for _, fn := range []string{"find", "match", "gmatch", "gsub"} {
		args := []lua.Value{S("abc"), pattern}
		if fn == "gsub" {
			args = append(args, S(""))
		}
		_, err := s.Call(strlib.GetStr(fn), args...)
		if err == nil || !strings.Contains(err.Error(), "not enough memory") {
			t.Errorf("%s: got %v, want a memory error", fn, err)
		}
	}
	s.SetMemoryLimit(0)
	if res, err := s.Call(strlib.GetStr("find"), S("abc"), S(strings.Repeat("[ab]", 2000))); err != nil || !res[0].IsNil() {
		t.Errorf("find without a limit: %v, %v", res, err)
	}
}
