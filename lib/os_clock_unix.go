//go:build unix

package lib

import (
	"syscall"
	"time"
)

// processCPUTime returns the CPU time the process has used, as C's clock.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return time.Since(processStart)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
