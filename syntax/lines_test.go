package syntax

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// walk calls visit for n and every node below it, in source order.
func walk(n any, visit func(any)) {
	walkPrune(n, func(n any) bool { visit(n); return true }, func(any) {})
}

// walkPrune calls pre for n and, if it returns true, walks the nodes below
// n before calling post for n.
func walkPrune(n any, pre func(any) bool, post func(any)) {
	if n == nil || !pre(n) {
		return
	}
	defer post(n)
	walk := func(n any, _ func(any)) { walkPrune(n, pre, post) }
	visit := func(any) {}
	exprs := func(es []Expr) {
		for _, e := range es {
			walk(e, visit)
		}
	}
	switch n := n.(type) {
	case *Block:
		for _, s := range n.Stmts {
			walk(s, visit)
		}
	case *IndexExpr:
		walk(n.Obj, visit)
		walk(n.Key, visit)
	case *CallExpr:
		walk(n.Fn, visit)
		exprs(n.Args)
	case *MethodCallExpr:
		walk(n.Obj, visit)
		exprs(n.Args)
	case *ParenExpr:
		walk(n.X, visit)
	case *FunctionExpr:
		walk(n.Body, visit)
	case *TableExpr:
		for _, f := range n.Fields {
			if f.Key != nil {
				walk(f.Key, visit)
			}
			walk(f.Value, visit)
		}
	case *BinaryExpr:
		walk(n.L, visit)
		walk(n.R, visit)
	case *UnaryExpr:
		walk(n.X, visit)
	case *LocalStmt:
		exprs(n.Exprs)
	case *AssignStmt:
		exprs(n.Targets)
		exprs(n.Exprs)
	case *CallStmt:
		walk(n.Call, visit)
	case *DoStmt:
		walk(n.Body, visit)
	case *WhileStmt:
		walk(n.Cond, visit)
		walk(n.Body, visit)
	case *RepeatStmt:
		walk(n.Body, visit)
		walk(n.Cond, visit)
	case *IfStmt:
		for i, c := range n.Conds {
			walk(c, visit)
			walk(n.Blocks[i], visit)
		}
		if n.Else != nil {
			walk(n.Else, visit)
		}
	case *NumericForStmt:
		walk(n.Start, visit)
		walk(n.Limit, visit)
		if n.Step != nil {
			walk(n.Step, visit)
		}
		walk(n.Body, visit)
	case *GenericForStmt:
		exprs(n.Exprs)
		walk(n.Body, visit)
	case *FunctionStmt:
		walk(n.Target, visit)
		walk(n.Func, visit)
	case *LocalFunctionStmt:
		walk(n.Func, visit)
	case *ReturnStmt:
		exprs(n.Exprs)
	}
}

// find returns the nodes of type T below n, in source order.
func find[T any](n any) []T {
	var found []T
	walk(n, func(n any) {
		if t, ok := n.(T); ok {
			found = append(found, t)
		}
	})
	return found
}

const linesProgram = `local t = {   -- 1
  a = 1,
  [f(x)] = g
  (y),                                   -- 4
}
local s = obj:method
  "arg"                                  -- 7
local u = a
  + b                                    -- 9
  .. c
local v = (
  w)                                     -- 12
local function lf
  ()                                     -- 14
end
x = function
( a )                                    -- 17
  return a end
while cond do                            -- 19
  if a then
    b()
  end                                    -- 22
end
for k, v in
  pairs(t)                               -- 25
  do end
for i = 1,
  2                                      -- 28
do goto
  done                                   -- 30
end
::done:: return t
  [k]                                    -- 33
`

func TestLines(t *testing.T) {
	chunk, err := Parse("=lines", linesProgram)
	if err != nil {
		t.Fatal(err)
	}
	type check struct {
		what      string
		got, want int
	}
	tables := find[*TableExpr](chunk.Body)
	calls := find[*CallExpr](chunk.Body)
	methods := find[*MethodCallExpr](chunk.Body)
	binaries := find[*BinaryExpr](chunk.Body)
	parens := find[*ParenExpr](chunk.Body)
	funcs := find[*FunctionExpr](chunk.Body)
	whiles := find[*WhileStmt](chunk.Body)
	ifs := find[*IfStmt](chunk.Body)
	genFors := find[*GenericForStmt](chunk.Body)
	numFors := find[*NumericForStmt](chunk.Body)
	gotos := find[*GotoStmt](chunk.Body)
	labels := find[*LabelStmt](chunk.Body)
	indexes := find[*IndexExpr](chunk.Body)
	assigns := find[*AssignStmt](chunk.Body)
	checks := []check{
		{"table line", tables[0].Line, 1},
		{"table end line", tables[0].EndLine, 5},
		{"f(x) line", calls[0].Line, 3},
		{"g (y) line", calls[1].Line, 4},
		{"g (y) end line", calls[1].EndLine, 4},
		{"method line", methods[0].Line, 7},
		{"method name line", methods[0].NameLine, 6},
		{"method end line", methods[0].EndLine, 7},
		{"'..' line", binaries[0].Line, 10},
		{"'+' line", binaries[1].Line, 9},
		{"LastLine(a + b .. c)", LastLine(binaries[0]), 10},
		{"paren line", parens[0].Line, 11},
		{"paren end line", parens[0].EndLine, 12},
		{"local function linedefined", funcs[0].Line, 14},
		{"local function lastlinedefined", funcs[0].EndLine, 15},
		{"function expression linedefined", funcs[1].Line, 17},
		{"function expression lastlinedefined", funcs[1].EndLine, 18},
		{"function body end line", funcs[1].Body.EndLine, 18},
		{"function body last line", funcs[1].Body.LastLine, 18},
		{"while body end line", whiles[0].Body.EndLine, 23},
		{"while body last line", whiles[0].Body.LastLine, 22},
		{"if block last line", ifs[0].Blocks[0].LastLine, 21},
		{"generic for expression line", genFors[0].ExprLine, 25},
		{"generic for do line", genFors[0].DoLine, 26},
		{"generic for empty body last line", genFors[0].Body.LastLine, 26},
		{"numeric for do line", numFors[0].DoLine, 29},
		{"goto line", gotos[0].Line, 30},
		{"label line", labels[0].Line, 32},
		{"index line", indexes[len(indexes)-1].Line, 33},
		{"index end line", indexes[len(indexes)-1].EndLine, 33},
		{"assignment line", assigns[0].Line, 16},
		{"main block end line", chunk.Body.EndLine, 34},
		{"main block last line", chunk.Body.LastLine, 33},
		{"chunk end line", chunk.EndLine, 34},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.what, c.got, c.want)
		}
	}
}

// TestFunctionLinesMatchReference compares linedefined and lastlinedefined
// of every function with the reference compiler's listing.
func TestFunctionLinesMatchReference(t *testing.T) {
	luac, err := exec.LookPath("luac5.4")
	if err != nil {
		t.Skip("luac5.4 is not installed")
	}
	files, _ := filepath.Glob("/work/shared/conformance/*.lua")
	bench, _ := filepath.Glob("/work/shared/bench/*.lua")
	files = append(files, bench...)
	dir := t.TempDir()
	own := filepath.Join(dir, "lines.lua")
	if err := os.WriteFile(own, []byte(linesProgram), 0o666); err != nil {
		t.Fatal(err)
	}
	files = append(files, own)
	header := regexp.MustCompile(`(?m)^function <[^>]*:(\d+),(\d+)>`)
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(luac, "-l", "-o", os.DevNull, file).Output()
		if err != nil {
			t.Errorf("%s %s: %v", luac, file, err)
			continue
		}
		var want []string
		for _, m := range header.FindAllStringSubmatch(string(out), -1) {
			want = append(want, m[1]+","+m[2])
		}
		chunk, err := Parse("@"+file, TrimFileHeader(string(src)))
		if err != nil {
			t.Errorf("Parse(%s): %v", file, err)
			continue
		}
		var got []string
		for _, f := range find[*FunctionExpr](chunk.Body) {
			got = append(got, fmt.Sprintf("%d,%d", f.Line, f.EndLine))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: function lines\n got  %v\n want %v", file, got, want)
		}
	}
}

// chainLine returns the line where the chain of suffixes ending in e
// starts: the reference's line for a call.
func chainLine(e Expr) int {
	switch e := e.(type) {
	case *CallExpr:
		return chainLine(e.Fn)
	case *MethodCallExpr:
		return chainLine(e.Obj)
	case *IndexExpr:
		return chainLine(e.Obj)
	case *NameExpr:
		return e.Line
	case *ParenExpr:
		return e.Line
	}
	panic(fmt.Sprintf("chainLine: unexpected %T", e))
}

// TestCallLinesMatchReference checks that the call lines the reference
// compiler gives its CALL and TAILCALL instructions can be found from the
// tree.
func TestCallLinesMatchReference(t *testing.T) {
	luac, err := exec.LookPath("luac5.4")
	if err != nil {
		t.Skip("luac5.4 is not installed")
	}
	files, _ := filepath.Glob("/work/shared/conformance/*.lua")
	dir := t.TempDir()
	own := filepath.Join(dir, "lines.lua")
	if err := os.WriteFile(own, []byte(linesProgram), 0o666); err != nil {
		t.Fatal(err)
	}
	files = append(files, own)
	header := regexp.MustCompile(`^(main|function) <`)
	call := regexp.MustCompile(`^\s+\d+\s+\[(\d+)\]\s+(CALL|TAILCALL)\b`)
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(luac, "-l", "-o", os.DevNull, file).Output()
		if err != nil {
			t.Errorf("%s %s: %v", luac, file, err)
			continue
		}
		var want []string // per function, the lines of its calls
		for _, line := range strings.Split(string(out), "\n") {
			if header.MatchString(line) {
				want = append(want, "")
			} else if m := call.FindStringSubmatch(line); m != nil {
				want[len(want)-1] += m[1] + " "
			}
		}
		chunk, err := Parse("@"+file, TrimFileHeader(string(src)))
		if err != nil {
			t.Errorf("Parse(%s): %v", file, err)
			continue
		}
		var got []string
		functionCalls := func(body *Block) {
			lines := ""
			walkPrune(body, func(n any) bool {
				_, isFunc := n.(*FunctionExpr)
				return !isFunc
			}, func(n any) {
				switch n.(type) {
				case *CallExpr, *MethodCallExpr:
					lines += fmt.Sprint(chainLine(n.(Expr)), " ")
				}
			})
			got = append(got, lines)
		}
		functionCalls(chunk.Body)
		for _, f := range find[*FunctionExpr](chunk.Body) {
			functionCalls(f.Body)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: call lines\n got  %q\n want %q", file, got, want)
		}
	}
}
