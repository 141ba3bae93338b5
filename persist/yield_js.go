//go:build js

package persist

import "runtime"

// WebAssembly has one thread and Go runs no sysmon there: a collector's
// mark phase that begins during a load or a commit, which run inside one
// call from the host and never block, could only advance when that call
// ends, and meanwhile every pointer store pays the write barrier. Yielding
// every few hundred records lets the mark worker run and the phase end (as
// lua's safe points do for the exec loop). Measured in node (CPU time,
// median of 5 alternated runs): restoring 10,000 records and querying
// them all 131 -> 105 ms, writing them in one batch 195 -> 181 ms.

// yieldEvery is how many records pass between yields.
const yieldEvery = 512

// yieldToCollector lets the collector's goroutines run.
func yieldToCollector() { runtime.Gosched() }
