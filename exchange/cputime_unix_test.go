//go:build unix

package exchange

import (
	"syscall"
	"time"
)

// cpuTime is the process's user + system CPU time so far (all threads),
// for the benchmark's CPU figures.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
