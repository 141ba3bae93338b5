package syntax

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// sexpr renders a node as an S-expression, which makes the tree's shape
// (precedence, associativity, nesting) explicit.
func sexpr(n any) string {
	var b strings.Builder
	writeNode(&b, n)
	return b.String()
}

func writeNode(b *strings.Builder, n any) {
	list := func(head string, items ...any) {
		b.WriteString("(" + head)
		for i, item := range items {
			if i > 0 || head != "" {
				b.WriteByte(' ')
			}
			writeNode(b, item)
		}
		b.WriteByte(')')
	}
	exprs := func(es []Expr) []any {
		items := make([]any, len(es))
		for i, e := range es {
			items[i] = e
		}
		return items
	}
	switch n := n.(type) {
	case string: // a name
		b.WriteString(n)
	case []string:
		b.WriteString("(" + strings.Join(n, " ") + ")")
	case []Expr:
		list("", exprs(n)...)
	case *Block:
		list("block", stmtItems(n.Stmts)...)
	case *NilExpr:
		b.WriteString("nil")
	case *TrueExpr:
		b.WriteString("true")
	case *FalseExpr:
		b.WriteString("false")
	case *VarargExpr:
		b.WriteString("...")
	case *NumberExpr:
		if n.IsInt {
			b.WriteString(strconv.FormatInt(n.Int, 10))
		} else {
			s := strconv.FormatFloat(n.Float, 'g', -1, 64)
			if !strings.ContainsAny(s, ".eIN") {
				s += ".0"
			}
			b.WriteString(s)
		}
	case *StringExpr:
		b.WriteString(strconv.Quote(n.Value))
	case *NameExpr:
		b.WriteString(n.Name)
	case *IndexExpr:
		list("index", n.Obj, n.Key)
	case *CallExpr:
		list("call", append([]any{n.Fn}, exprs(n.Args)...)...)
	case *MethodCallExpr:
		list("method", append([]any{n.Obj, n.Name}, exprs(n.Args)...)...)
	case *ParenExpr:
		list("paren", n.X)
	case *FunctionExpr:
		params := n.Params
		if n.IsVararg {
			params = append(params[:len(params):len(params)], "...")
		}
		head := "function"
		if n.IsMethod {
			head = "method-function"
		}
		list(head, params, n.Body)
	case *TableExpr:
		var fields []any
		for _, f := range n.Fields {
			switch {
			case f.Key == nil:
				fields = append(fields, f.Value)
			case f.Named:
				fields = append(fields, sexprItem("=", f.Key.(*StringExpr).Value, f.Value))
			default:
				fields = append(fields, sexprItem("[]", f.Key, f.Value))
			}
		}
		list("table", fields...)
	case sexprList:
		list(n.head, n.items...)
	case *BinaryExpr:
		list(n.Op.String(), n.L, n.R)
	case *UnaryExpr:
		list(n.Op.String(), n.X)
	case *LocalStmt:
		names := make([]string, len(n.Names))
		for i, name := range n.Names {
			names[i] = name + [...]string{"", "<const>", "<close>"}[n.Attribs[i]]
		}
		list("local", append([]any{names}, exprs(n.Exprs)...)...)
	case *AssignStmt:
		list("=", n.Targets, n.Exprs)
	case *CallStmt:
		writeNode(b, n.Call)
	case *DoStmt:
		list("do", n.Body)
	case *WhileStmt:
		list("while", n.Cond, n.Body)
	case *RepeatStmt:
		list("repeat", n.Body, n.Cond)
	case *IfStmt:
		var items []any
		for i, c := range n.Conds {
			items = append(items, c, n.Blocks[i])
		}
		if n.Else != nil {
			items = append(items, n.Else)
		}
		list("if", items...)
	case *NumericForStmt:
		items := []any{n.Var, n.Start, n.Limit}
		if n.Step != nil {
			items = append(items, n.Step)
		}
		list("fornum", append(items, n.Body)...)
	case *GenericForStmt:
		list("forin", n.Names, n.Exprs, n.Body)
	case *FunctionStmt:
		list("function-stmt", n.Target, n.Func)
	case *LocalFunctionStmt:
		list("local-function", n.Name, n.Func)
	case *ReturnStmt:
		list("return", exprs(n.Exprs)...)
	case *BreakStmt:
		b.WriteString("(break)")
	case *GotoStmt:
		list("goto", n.Label)
	case *LabelStmt:
		list("label", n.Name)
	default:
		panic(fmt.Sprintf("sexpr: unexpected node %T", n))
	}
}

type sexprList struct {
	head  string
	items []any
}

func sexprItem(head string, items ...any) sexprList { return sexprList{head, items} }

func stmtItems(stmts []Stmt) []any {
	items := make([]any, len(stmts))
	for i, s := range stmts {
		items[i] = s
	}
	return items
}

// parseTests give sources and the S-expression of their main block.
var parseTests = []struct{ src, want string }{
	// Precedence, lowest to highest: or, and, comparison, |, ~, &, shift,
	// .., + -, * / // %, unary, ^.
	{"return a or b and c", "(block (return (or a (and b c))))"},
	{"return a and b or c and d", "(block (return (or (and a b) (and c d))))"},
	{"return a < b or c == d", "(block (return (or (< a b) (== c d))))"},
	{"return a | b < c", "(block (return (< (| a b) c)))"},
	{"return a | b ~ c & d", "(block (return (| a (~ b (& c d)))))"},
	{"return a & b << c", "(block (return (& a (<< b c))))"},
	{"return a << b .. c", "(block (return (<< a (.. b c))))"},
	{"return a .. b + c", "(block (return (.. a (+ b c))))"},
	{"return a + b * c", "(block (return (+ a (* b c))))"},
	{"return a * b // c % d / e", "(block (return (/ (% (// (* a b) c) d) e)))"},
	{"return -a * b", "(block (return (* (- a) b)))"},
	{"return -a ^ b", "(block (return (- (^ a b))))"},
	{"return not a == b", "(block (return (== (not a) b)))"},
	{"return #a .. b", "(block (return (.. (# a) b)))"},
	{"return ~a ~ b", "(block (return (~ (~ a) b)))"},
	{"return a ^ -b", "(block (return (^ a (- b))))"},
	{"return 2 ^ - - 3 ^ 4", "(block (return (^ 2 (- (- (^ 3 4))))))"},
	// Associativity: '..' and '^' to the right, the rest to the left.
	{"return a .. b .. c", "(block (return (.. a (.. b c))))"},
	{"return a ^ b ^ c", "(block (return (^ a (^ b c))))"},
	{"return a - b - c", "(block (return (- (- a b) c)))"},
	{"return a < b < c", "(block (return (< (< a b) c)))"},
	{"return a >> b >> c", "(block (return (>> (>> a b) c)))"},
	{"return a or b or c", "(block (return (or (or a b) c)))"},
	{"return a .. b ^ c .. d", "(block (return (.. a (.. (^ b c) d))))"},
	{"return a ~= b, a >= b, a <= b, a > b", "(block (return (~= a b) (>= a b) (<= a b) (> a b)))"},
	{"return (a + b) * c", "(block (return (* (paren (+ a b)) c)))"},
	{"return ((a))", "(block (return (paren (paren a))))"},
	// Suffixes.
	{"return a.b.c", `(block (return (index (index a "b") "c")))`},
	{"return a[b][c]", "(block (return (index (index a b) c)))"},
	{"return a.b(c)[d]:e(f)", `(block (return (method (index (call (index a "b") c) d) e f)))`},
	{`f"s" g{1} h[[l]] k()`, `(block (call f "s") (call g (table 1)) (call h "l") (call k))`},
	{"f{}{}''", `(block (call (call (call f (table)) (table)) ""))`},
	{"(f)()", "(block (call (paren f)))"},
	// Literals.
	{"return nil, true, false, ...", "(block (return nil true false ...))"},
	{"return 1, 1.0, 0x10, 0xA.8p1, 1e2, .5, 3.", "(block (return 1 1.0 16 21.0 100.0 0.5 3.0))"},
	{"return 9223372036854775807, 9223372036854775808, 0xffffffffffffffff", "(block (return 9223372036854775807 9.223372036854776e+18 -1))"},
	{`return "a\tb", 'c\'d', [[e]], [==[f]]g]==]`, `(block (return "a\tb" "c'd" "e" "f]]g"))`},
	{"return [[\nline]], [[\r\nline]], [[a\r\nb\n\rc\rd]]", `(block (return "line" "line" "a\nb\nc\nd"))`},
	// Table constructors.
	{"return {1, 2; 3,}", "(block (return (table 1 2 3)))"},
	{"return {a = 1, [b] = 2, c, d = e.f}", `(block (return (table (= a 1) ([] b 2) c (= d (index e "f")))))`},
	{"return {a}, {a.b}, {a == b}", `(block (return (table a) (table (index a "b")) (table (== a b))))`},
	{"return {f()}, {...}", "(block (return (table (call f)) (table ...)))"},
	// Functions.
	{"return function() end", "(block (return (function () (block))))"},
	{"return function(a, b, ...) return ... end", "(block (return (function (a b ...) (block (return ...)))))"},
	{"function f.g:h(x) end", `(block (function-stmt (index (index f "g") "h") (method-function (self x) (block))))`},
	{"function f(...) end", "(block (function-stmt f (function (...) (block))))"},
	{"local function f() return f end", "(block (local-function f (function () (block (return f)))))"},
	// Statements.
	{"local a, b <const>, c <close> = 1, 2", "(block (local (a b<const> c<close>) 1 2))"},
	{"local a", "(block (local (a)))"},
	{"a, b.c, d[e] = 1, 2, 3", `(block (= (a (index b "c") (index d e)) (1 2 3)))`},
	{"a.b:c(1)", `(block (method (index a "b") c 1))`},
	{"do local a end", "(block (do (block (local (a)))))"},
	{"while a do break end", "(block (while a (block (break))))"},
	{"repeat local x until x", "(block (repeat (block (local (x))) x))"},
	{"if a then b() elseif c then d() else e() end", "(block (if a (block (call b)) c (block (call d)) (block (call e))))"},
	{"if a then elseif c then end", "(block (if a (block) c (block)))"},
	{"while a do if b then break end end", "(block (while a (block (if b (block (break))))))"},
	{"while a do if b then break; ; x() end end", "(block (while a (block (if b (block (break) (call x))))))"},
	{"for i = 1, 2 do end", "(block (fornum i 1 2 (block)))"},
	{"for i = 1, 2, 3 do end", "(block (fornum i 1 2 3 (block)))"},
	{"for k, v in pairs(t), 1 do end", "(block (forin (k v) ((call pairs t) 1) (block)))"},
	{"for k in f do end", "(block (forin (k) (f) (block)))"},
	{"goto a; ::a:: ::b::", "(block (goto a) (label a) (label b))"},
	{"return", "(block (return))"},
	{"return;", "(block (return))"},
	{";;; return 1;", "(block (return 1))"},
	{"", "(block)"},
}

func TestParse(t *testing.T) {
	for _, test := range parseTests {
		chunk, err := Parse("=test", test.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", test.src, err)
			continue
		}
		if got := sexpr(chunk.Body); got != test.want {
			t.Errorf("Parse(%q):\n got  %s\n want %s", test.src, got, test.want)
		}
	}
}

func TestParseNumberLiterals(t *testing.T) {
	chunk, err := Parse("=test", "return 0x7fffffffffffffff + 1e308 * 10 + 1e-400 + 0x1p-1074")
	if err != nil {
		t.Fatal(err)
	}
	got := sexpr(chunk.Body)
	want := "(block (return (+ (+ (+ 9223372036854775807 (* 1e+308 10)) 0.0) 5e-324)))"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestTrimFileHeader(t *testing.T) {
	tests := []struct{ src, want string }{
		{"x = 1", "x = 1"},
		{"#!/usr/bin/lua\nx = 1", "\nx = 1"},
		{"# comment only", "\n"},
		{"\xEF\xBB\xBFx = 1", "x = 1"},
		{"\xEF\xBB\xBF#!lua\r\nx = 1", "\nx = 1"},
		{"\xEF\xBBx = 1", "\xEF = 1"}, // the bytes read to check a partial mark are lost
		{"\xEFx = 1", "\xEF = 1"},
		{" #x", " #x"},
		{"#!/usr/bin/lua\n\x1bLua", "\x1bLua"}, // a binary chunk: the newline goes too
	}
	for _, test := range tests {
		if got := TrimFileHeader(test.src); got != test.want {
			t.Errorf("TrimFileHeader(%q) = %q, want %q", test.src, got, test.want)
		}
	}
	// Line numbers stay those of the file.
	_, err := Parse("@script.lua", TrimFileHeader("#!/usr/bin/env lua\nx ="))
	if err == nil || err.Error() != "script.lua:2: unexpected symbol near <eof>" {
		t.Errorf("error %v", err)
	}
}
