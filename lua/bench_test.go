package lua_test

import (
	"os"
	"path/filepath"
	"testing"
)

// Micro-benchmarks of the exec loop: each runs a small program whose work
// is dominated by one kind of operation.
var benchPrograms = []struct{ name, src string }{
	{"fib", `local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
		return fib(24)`},
	{"loop", `local s = 0 for i = 1, 1000000 do s = s + i % 7 end return s`},
	{"floatloop", `local s = 0.0 for i = 1, 1000000 do s = s + i * 0.5 end return s`},
	{"tableArray", `local t = {} for i = 1, 100000 do t[i] = i end
		local s = 0 for r = 1, 5 do for i = 1, #t do s = s + t[i] end end return s`},
	{"tableField", `local p = {x = 1, y = 2} local s = 0
		for i = 1, 500000 do p.x = p.x + p.y s = s + p.x end return s`},
	{"methodCall", `local C = {} C.__index = C
		function C.new(v) return setmetatable({v = v}, C) end
		function C:get() return self.v end
		local o, s = C.new(3), 0
		for i = 1, 300000 do s = s + o:get() end return s`},
	{"closure", `local function mk(a) return function(b) return a + b end end
		local s = 0 for i = 1, 200000 do s = s + mk(i)(1) end return s`},
	{"concat", `local t = {} for i = 1, 50000 do t[#t+1] = "x" .. i end return #t`},
	{"coroutine", `local co = coroutine.wrap(function() while true do coroutine.yield(1) end end)
		local s = 0 for i = 1, 100000 do s = s + co() end return s`},
	{"pcall", `local f = function(x) return x end local s = 0
		for i = 1, 200000 do local ok, v = pcall(f, i) s = s + v end return s`},
}

func BenchmarkVM(b *testing.B) {
	for _, p := range benchPrograms {
		b.Run(p.name, func(b *testing.B) {
			s, _ := newState()
			fn, err := s.Load(p.src, "="+p.name, "t")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := s.Call(fn); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkShared runs the shared benchmark programs with small inputs
// (for profiling: go test -bench Shared -cpuprofile cpu.out ./lua).
func BenchmarkShared(b *testing.B) {
	files, _ := filepath.Glob("../../shared/bench/*.lua")
	if len(files) == 0 {
		b.Skip("shared benchmarks not found")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(f), func(b *testing.B) {
			s, _ := newState()
			fn, err := s.Load(string(src), "@"+filepath.Base(f), "t")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := s.Call(fn); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
