//go:build !js

package lib_test

import (
	"testing"

	"github.com/luawasm/luawasm/luatest"
)

// TestScripts runs the libraries' Lua test scripts in testdata/. Their
// expected outputs come from the reference interpreter, edited by hand
// where Lua 5.4.7 differs from the installed 5.4.4 (table.remove's
// argument number), so the comparison is not differential.
func TestScripts(t *testing.T) {
	luatest.RunDir(t, "testdata", luatest.Options{})
}
