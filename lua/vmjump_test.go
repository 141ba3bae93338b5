package lua_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// A comparison or test executes the JMP that follows it itself; a backward
// one (repeat-until) must still be charged to the instruction budget.
func TestBackwardConditionalJumpBudget(t *testing.T) {
	tests := []struct{ name, src string }{
		{"LT", "local a, b = 1, 2 repeat until a > b"},
		{"LE float", "local a, b = 1.5, 2.5 repeat until a >= b"},
		{"EQ", "local a, b = {}, {} repeat until a == b"},
		{"EQK", "local a = 'x' repeat until a == 'y'"},
		{"EQI", "local a = 1 repeat until a == 2"},
		{"LTI", "local a = 5 repeat until a < 0"},
		{"GEI", "local a = 5 repeat until a >= 10"},
		{"TEST", "local a repeat until a"},
		{"TESTSET", "local a, b repeat b = a or b until b"},
		{"__lt in Lua", "local a = setmetatable({}, {__lt = function() return false end}) repeat until a < a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sandbox(t)
			s.SetInstructionLimit(100_000)
			_, err := s.DoString(tt.src, "=loop")
			if !errors.Is(err, lua.ErrInstructionLimit) || !strings.Contains(err.Error(), "loop:1: instruction budget exhausted") {
				t.Fatalf("got %v, want the instruction budget exhausted at loop:1", err)
			}
		})
	}
}
