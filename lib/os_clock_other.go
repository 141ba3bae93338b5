//go:build !unix

package lib

import "time"

// processCPUTime approximates the CPU time used with the time elapsed
// since the program started, where the system does not report CPU time.
func processCPUTime() time.Duration { return time.Since(processStart) }
