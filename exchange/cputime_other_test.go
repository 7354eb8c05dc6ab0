//go:build !unix

package exchange

import "time"

// cpuTime is not measured here: the benchmark's CPU figures read 0.
func cpuTime() time.Duration { return 0 }
