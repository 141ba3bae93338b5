//go:build !js

package lua

import "runtime/metrics"

var allocMetric = []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}

// processAllocated returns the bytes the process has allocated so far
// (runtime/metrics: no stop of the world, which threads would feel).
func processAllocated() uint64 {
	metrics.Read(allocMetric)
	if allocMetric[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return allocMetric[0].Value.Uint64()
}
