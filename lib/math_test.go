package lib

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

var negZero = math.Copysign(0, -1)

func TestMathFunctions(t *testing.T) {
	f := lua.Float
	i := lua.Int
	tests := []struct {
		fn   string
		args []lua.Value
		want string // results, each followed by its math.type
	}{
		{"floor", []lua.Value{f(3.7)}, "3:integer"},
		{"floor", []lua.Value{f(-3.7)}, "-4:integer"},
		{"floor", []lua.Value{i(5)}, "5:integer"},
		{"floor", []lua.Value{f(1e100)}, "1e+100:float"},
		{"floor", []lua.Value{lua.String("2.5")}, "2:integer"},
		{"floor", []lua.Value{f(negZero)}, "0:integer"},
		{"ceil", []lua.Value{f(3.2)}, "4:integer"},
		{"ceil", []lua.Value{f(-0.5)}, "0:integer"},
		{"ceil", []lua.Value{f(math.Inf(-1))}, "-inf:float"},
		{"floor", []lua.Value{lua.String("x")}, "error: bad argument #1 (number expected, got string)"},
		{"abs", []lua.Value{i(math.MinInt64)}, "-9223372036854775808:integer"},
		{"abs", []lua.Value{f(negZero)}, "0.0:float"},
		{"abs", []lua.Value{lua.String("-3")}, "3.0:float"},
		{"fmod", []lua.Value{i(-7), i(3)}, "-1:integer"},
		{"fmod", []lua.Value{i(7), i(-3)}, "1:integer"},
		{"fmod", []lua.Value{i(math.MinInt64), i(-1)}, "0:integer"},
		{"fmod", []lua.Value{i(1), i(0)}, "error: bad argument #2 (zero)"},
		{"fmod", []lua.Value{f(1), i(0)}, "-nan:float"}, // x86 default NaN, as the reference prints it
		{"fmod", []lua.Value{f(-7.5), i(2)}, "-1.5:float"},
		{"fmod", []lua.Value{i(1), f(math.Inf(1))}, "1.0:float"},
		{"modf", []lua.Value{f(3.7)}, "3:integer 0.7:float"},
		{"modf", []lua.Value{f(-3.7)}, "-3:integer -0.7:float"},
		{"modf", []lua.Value{f(math.Inf(-1))}, "-inf:float 0.0:float"},
		{"modf", []lua.Value{i(5)}, "5:integer 0.0:float"},
		{"log", []lua.Value{f(8), i(2)}, "3.0:float"},
		{"log", []lua.Value{i(1000), i(10)}, "3.0:float"},
		{"log", []lua.Value{i(0)}, "-inf:float"},
		{"exp", []lua.Value{i(0)}, "1.0:float"},
		{"sqrt", []lua.Value{i(16)}, "4.0:float"},
		{"atan", []lua.Value{i(1), i(-1)}, "2.3561944901923:float"},
		{"deg", []lua.Value{f(math.Pi)}, "180.0:float"},
		{"tointeger", []lua.Value{f(5)}, "5:integer"},
		{"tointeger", []lua.Value{f(5.5)}, "nil:nil"},
		{"tointeger", []lua.Value{lua.String("7")}, "7:integer"},
		{"tointeger", nil, "error: bad argument #1 (value expected)"},
		{"type", []lua.Value{lua.String("1")}, "nil:nil"},
		{"type", []lua.Value{f(1)}, "float:string"},
		{"type", nil, "error: bad argument #1 (value expected)"},
		{"ult", []lua.Value{i(-1), i(2)}, "false:boolean"},
		{"ult", []lua.Value{f(1.5), i(2)}, "error: bad argument #1 (number has no integer representation)"},
		{"max", []lua.Value{i(1), i(5), i(3)}, "5:integer"},
		{"max", []lua.Value{i(2), f(2)}, "2:integer"},
		{"max", []lua.Value{f(2), i(2)}, "2.0:float"},
		{"max", []lua.Value{i(math.MinInt64), f(math.Inf(-1))}, "-9223372036854775808:integer"},
		{"max", []lua.Value{i(1<<53 + 1), f(1 << 53)}, "9007199254740993:integer"},
		{"min", []lua.Value{f(negZero), i(0)}, "-0.0:float"},
		{"min", nil, "error: bad argument #1 (value expected)"},
		{"max", []lua.Value{lua.String("a")}, "a:string"},
		{"max", []lua.Value{i(1), lua.String("a")}, "error: attempt to compare number with string"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.fn, tc.args), func(t *testing.T) {
			s := newTestState()
			res, err := s.MainThread().Call(libFunc(t, s, "math", tc.fn), tc.args...)
			var got string
			if err != nil {
				got = "error: " + argErrorName.ReplaceAllString(err.Error(), "bad argument #$1 (")
			} else {
				var parts []string
				for _, v := range res {
					ty := v.TypeName()
					if v.IsInt() {
						ty = "integer"
					} else if v.IsFloat() {
						ty = "float"
					}
					parts = append(parts, showValue(v)+":"+ty)
				}
				got = strings.Join(parts, " ")
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRandomDifferential checks that seeded sequences equal the
// reference's, for floats, ranges (including the projection's retries)
// and full integers.
func TestRandomDifferential(t *testing.T) {
	calls := []string{"", "100", "1, 6", "0", "-10, 10", "3, 3", "1, 1000000007", "math.mininteger, math.maxinteger", "7"}
	var src strings.Builder
	for _, seed := range []string{"42", "0", "-1", "123, 456", "math.maxinteger, 7"} {
		fmt.Fprintf(&src, "print(math.randomseed(%s))\n", seed)
		for _, c := range calls {
			fmt.Fprintf(&src, "for _ = 1, 5 do local r = math.random(%s); io.write(math.type(r) == 'float' and string.format('%%.17g', r) or r, ' ') end print()\n", c)
		}
	}
	want := referenceLua(t, src.String())

	s := newTestState()
	th := s.MainThread()
	random := libFunc(t, s, "math", "random")
	randomseed := libFunc(t, s, "math", "randomseed")
	var got strings.Builder
	for _, seed := range [][]lua.Value{ints(42), ints(0), ints(-1), ints(123, 456), ints(math.MaxInt64, 7)} {
		res, err := th.Call(randomseed, seed...)
		if err != nil {
			t.Fatal(err)
		}
		got.WriteString(show(res) + "\n")
		for _, c := range [][]lua.Value{nil, ints(100), ints(1, 6), ints(0), ints(-10, 10), ints(3, 3), ints(1, 1000000007), ints(math.MinInt64, math.MaxInt64), ints(7)} {
			for range 5 {
				res, err := th.Call(random, c...)
				if err != nil {
					t.Fatal(err)
				}
				if f, ok := res[0].AsFloat(); ok {
					fmt.Fprintf(&got, "%.17g ", f)
				} else {
					fmt.Fprintf(&got, "%s ", showValue(res[0]))
				}
			}
			got.WriteString("\n")
		}
	}
	if got.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", got.String(), want)
	}
}

func TestRandomErrors(t *testing.T) {
	s := newTestState()
	for _, tc := range []struct {
		args []lua.Value
		want string
	}{
		{ints(2, 1), "error: bad argument #1 (interval is empty)"},
		{ints(1, 2, 3), "error: wrong number of arguments"},
		{[]lua.Value{lua.Float(1.5)}, "error: bad argument #1 (number has no integer representation)"},
		{ints(3, 3), "3"},
	} {
		if got := callLib(t, s, "math", "random", tc.args...); got != tc.want {
			t.Errorf("random%v: got %q, want %q", tc.args, got, tc.want)
		}
	}
	if got := callLib(t, s, "math", "randomseed", lua.Float(1.5)); got != "error: bad argument #1 (number has no integer representation)" {
		t.Errorf("randomseed(1.5): got %q", got)
	}
	res, err := s.MainThread().Call(libFunc(t, s, "math", "randomseed"))
	if err != nil || len(res) != 2 || !res[0].IsInt() || !res[1].IsInt() {
		t.Errorf("randomseed(): got %v, %v; want two integers", show(res), err)
	}
}
