package store

import (
	"math"
	"runtime/debug"
	"slices"
	"sync"
)

// Garbage collector targets for the heavy operations: an import
// (exchange) and a report read with LatestResults allocate far more than
// they keep (rows read, decoded, rendered, written), and at Go's default
// GOGC of 100 the collector runs dozens of times per operation
// (docs/PERFORMANCE.md: § Merging round 6, the Excel findings).
const (
	// ImportGCPercent: ~170 MB allocated per 1,000 inspections imported,
	// tens of MB kept; −10 % CPU at 400.
	ImportGCPercent = 400
	// reportGCPercent: the 汇总表 keeps ~80 MB of heap; at 400 its RSS
	// passed 300 MB, at 200 it is ~6 % less CPU for ~50 % more heap.
	reportGCPercent = 200
	// roomyMemoryLimit bounds what a larger target lets the heap grow to
	// (a soft limit: past it the collector runs as often as it must), when
	// no limit was set before.
	roomyMemoryLimit = 512 << 20
)

var roomy struct {
	sync.Mutex
	active     []int // the targets asked for by the operations running
	saved      int   // the target before the first of them
	savedLimit int64 // the memory limit before the first of them
}

// RoomyGC raises the collector's target to percent (unless it is off or
// already higher) for an operation, and returns the function that ends
// the request: the target is then the highest still asked for, or the one
// before the first request when none is left. Operations may overlap (an
// import and a report in the app, tests in parallel).
func RoomyGC(percent int) (restore func()) {
	roomy.Lock()
	defer roomy.Unlock()
	if len(roomy.active) == 0 {
		roomy.saved = debug.SetGCPercent(-1)
		debug.SetGCPercent(roomy.saved)
		roomy.savedLimit = debug.SetMemoryLimit(-1) // -1 reads it
		if roomy.savedLimit == math.MaxInt64 {
			debug.SetMemoryLimit(roomyMemoryLimit)
		}
	}
	roomy.active = append(roomy.active, percent)
	applyRoomyGC()
	return sync.OnceFunc(func() {
		roomy.Lock()
		defer roomy.Unlock()
		i := slices.Index(roomy.active, percent)
		roomy.active = slices.Delete(roomy.active, i, i+1)
		if len(roomy.active) == 0 {
			debug.SetGCPercent(roomy.saved)
			debug.SetMemoryLimit(roomy.savedLimit)
			return
		}
		applyRoomyGC()
	})
}

// applyRoomyGC sets the target to the highest asked for, leaving an
// earlier one that is off or higher alone.
func applyRoomyGC() {
	want := slices.Max(roomy.active)
	if roomy.saved < 0 || roomy.saved >= want {
		want = roomy.saved
	}
	debug.SetGCPercent(want)
}
