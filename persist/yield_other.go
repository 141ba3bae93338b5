//go:build !js

package persist

// yieldEvery is how many records pass between yields (see yield_js.go).
const yieldEvery = 1 << 30

// yieldToCollector does nothing: the collector runs on other threads.
func yieldToCollector() {}
