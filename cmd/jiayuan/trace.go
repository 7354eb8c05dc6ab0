package main

import (
	"fmt"
	"time"
)

// tracePhase prints "startup: PHASE WALL CPU" for --trace-startup: the wall
// clock in ms since the epoch (scripts/startup_bench.sh subtracts the time
// it started the program) and the CPU time the process has used so far, in
// ms (user + system, all threads), which the machine's load changes less.
func tracePhase(phase string) {
	fmt.Printf("startup: %s %d %d\n", phase, time.Now().UnixMilli(), cpuMillis())
	if traceHook != nil {
		traceHook(phase)
	}
}

// traceHook, if set, is called after each phase is printed (a local
// profiling hook; nil in the program).
var traceHook func(phase string)
