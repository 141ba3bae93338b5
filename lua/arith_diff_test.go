package lua_test

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestArithDifferential evaluates random arithmetic, bitwise, comparison
// and concatenation expressions over integers, floats, numeric strings
// and edge values, with operands in locals, upvalues and constants (so
// that every instruction form runs), and compares the results, errors
// included, with the reference interpreter.
func TestArithDifferential(t *testing.T) {
	ref, err := exec.LookPath("lua5.4")
	if err != nil {
		t.Skip("lua5.4 not installed")
	}
	rng := rand.New(rand.NewSource(7))
	operands := []string{
		"0", "1", "-1", "2", "3", "7", "-7", "255", "math.maxinteger", "math.mininteger",
		"0.0", "-0.0", "0.5", "1.5", "-2.5", "2.0", "1e300", "-1e300", "math.huge", "-math.huge",
		"2^53", "2^63", "'10'", "'0x10'", "' 3 '", "'1e2'", "'abc'", "true", "nil", "{}",
	}
	binops := []string{"+", "-", "*", "/", "//", "%", "^", "&", "|", "~", "<<", ">>", "..", "==", "~=", "<", "<=", ">", ">="}
	var b strings.Builder
	b.WriteString(`local function show(ok, v)
  if not ok then v = tostring(v):gsub("^[^:]*:%d+: ", "") return "error: " .. v end
  if math.type(v) == "float" then
    if v ~= v then return "nan" end
    return string.format("%.17g", v)
  end
  return tostring(v)
end
`)
	for i := 0; i < 600; i++ {
		x := operands[rng.Intn(len(operands))]
		y := operands[rng.Intn(len(operands))]
		op := binops[rng.Intn(len(binops))]
		switch rng.Intn(4) {
		case 0: // locals
			fmt.Fprintf(&b, "do local a, b = %s, %s print(%d, show(pcall(function() return a %s b end))) end\n", x, y, i, op)
		case 1: // upvalues
			fmt.Fprintf(&b, "do local a, b = %s, %s local f = function() return a %s b end print(%d, show(pcall(f))) end\n", x, y, op, i)
		case 2: // constant right operand
			fmt.Fprintf(&b, "do local a = %s print(%d, show(pcall(function() return a %s %s end))) end\n", x, i, op, y)
		default: // immediate-sized integer or unary
			imm := rng.Intn(20) - 10
			un := []string{"-", "~", "not ", "#"}[rng.Intn(4)]
			fmt.Fprintf(&b, "do local a = %s print(%d, show(pcall(function() return a %s %d end)), show(pcall(function() return %sa end))) end\n", x, i, op, imm, un)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "arith.lua")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := exec.Command(ref, path).CombinedOutput()
	if err != nil {
		t.Fatalf("lua5.4: %v\n%s", err, want)
	}
	got := runScript("arith.lua", b.String())
	if got != string(want) {
		t.Errorf("differs from lua5.4:\n%s", firstDiff(string(want), got))
	}
}
