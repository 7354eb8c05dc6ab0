package exchange

import (
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

var importGC struct {
	sync.Mutex
	depth int // imports running
	saved int // the target before the first of them
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
	}
	importGC.depth++
	return sync.OnceFunc(func() {
		importGC.Lock()
		defer importGC.Unlock()
		if importGC.depth--; importGC.depth == 0 {
			debug.SetGCPercent(importGC.saved)
		}
	})
}
