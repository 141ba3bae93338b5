//go:build !js

package lua

// gcCheckInterval is how many back-jumps, calls and ticks pass between
// safe points. With threads the runtime preempts the goroutine running
// Lua for the collector by itself, so safe points only run finalizers.
const gcCheckInterval = 1 << 20

// YieldToCollector does nothing: the collector runs on other threads.
func YieldToCollector() {}
