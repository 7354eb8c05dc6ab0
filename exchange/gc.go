package exchange

import (
	"math"
	"runtime/debug"
	"sync"
)

// importGCPercent is the garbage collector's target (GOGC) while packages
// are imported. An import allocates about 170 MB per 1,000 inspections
// (rows read from the package, checked, decoded for scores and rendered
// for the audit log), nearly all of it garbage within milliseconds, while
// little stays live (tens of MB); at Go's default of 100 the collector
// ran dozens of times per import. docs/PERFORMANCE.md (§ Merging, round 6)
// has the figures.
const importGCPercent = 400

// importMemoryLimit bounds what the larger target lets the heap grow to
// (a soft limit: past it the collector runs as often as it must), for
// packages far larger than a district's, when no limit was set before.
const importMemoryLimit = 512 << 20

var importGC struct {
	sync.Mutex
	depth      int   // imports running
	saved      int   // the target before the first of them
	savedLimit int64 // the memory limit before the first of them
}

// roomyGC raises the collector's target for an import and returns the
// function that puts it back when the last running import ends (imports
// may overlap: the app's import screen and jiayuanctl run one at a time,
// tests run several).
func roomyGC() (restore func()) {
	importGC.Lock()
	defer importGC.Unlock()
	if importGC.depth == 0 {
		importGC.saved = debug.SetGCPercent(importGCPercent)
		if importGC.saved < 0 || importGC.saved > importGCPercent { // off, or already higher: leave it
			debug.SetGCPercent(importGC.saved)
		}
		importGC.savedLimit = debug.SetMemoryLimit(-1) // -1 reads it
		if importGC.savedLimit == math.MaxInt64 {
			debug.SetMemoryLimit(importMemoryLimit)
		}
	}
	importGC.depth++
	return sync.OnceFunc(func() {
		importGC.Lock()
		defer importGC.Unlock()
		if importGC.depth--; importGC.depth == 0 {
			debug.SetGCPercent(importGC.saved)
			debug.SetMemoryLimit(importGC.savedLimit)
		}
	})
}
