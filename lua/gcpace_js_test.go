//go:build js

package lua_test

import (
	"runtime"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// TestCollectorFinishesWhileLuaRuns alternates phases that allocate
// (starting collections) with phases that only compute, and counts the
// collections that finish during the computing phases. In WebAssembly
// the collector's mark worker runs only when the goroutine running Lua
// yields (gcpace_js.go): without the yields at safe points a collection
// that an allocation started finishes only when a later allocation does
// the marking for it, never while Lua computes, and meanwhile every
// pointer store pays the write barrier. (With threads the collector
// runs beside Lua, at the mercy of the machine's load: no test there.)
func TestCollectorFinishesWhileLuaRuns(t *testing.T) {
	s, _ := newState()
	s.Register("collections", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return t.Ret(lua.Int(int64(ms.NumGC)))
	})
	_, err := s.DoString(`
		local finished = 0
		local sink = {}
		for round = 1, 20 do
			for i = 1, 20000 do sink[i % 100 + 1] = {i, i} end
			local before = collections()
			local x = 0
			for i = 1, 100000 do x = x + i % 7 end
			finished = finished + collections() - before
		end
		assert(finished >= 1, "no collection finished while Lua computed")
	`, "=pace")
	if err != nil {
		t.Fatal(err)
	}
}
