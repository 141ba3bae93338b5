//go:build js

package lua

import "runtime"

// WebAssembly has one thread and Go runs no sysmon there, so nothing
// preempts the goroutine running Lua: the collector's background mark
// worker runs only when that goroutine yields. Without yields a mark
// phase, which begins when the heap reaches its goal, lasts until the
// program next blocks, often to its end (table_ops 60000: one cycle of
// 2.2 s clock holding 18 ms of marking), and all that time every pointer
// store pays the write barrier and its buffer flushes (55% of the CPU
// profile). Yielding at each safe point ends mark phases an order of
// magnitude sooner. Measured in node (CPU time with start-up, median of 5
// alternated runs, GOGC 400 as cmd/luaw / 200 as js/runtime.js):
// table_ops 60000 3.71 -> 2.00 s / 2.32 -> 1.65 s, closures 1e6 2.34 ->
// 2.27 / 4.19 -> 2.24, oop_methods 5e5 3.23 -> 2.87 / 3.57 -> 3.15,
// binary_trees 13 2.27 -> 1.77 / 1.81 -> 1.91, nbody (no garbage)
// unchanged. An interval of 1<<16 steps gained less, 1<<12 no more; a
// yield with nothing else to run costs under a microsecond.

// gcCheckInterval is how many back-jumps, calls and ticks pass between
// safe points.
const gcCheckInterval = 1 << 14

// YieldToCollector lets the collector's goroutines run. Host code that
// runs long without Lua (persist's load and commit loops) calls it too.
func YieldToCollector() { runtime.Gosched() }
