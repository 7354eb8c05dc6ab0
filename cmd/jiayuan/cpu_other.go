//go:build !unix

package main

// cpuMillis is not measured here (-1).
func cpuMillis() int64 { return -1 }
