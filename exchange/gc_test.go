package exchange

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestRoomyGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	gcPercent := func() int { p := debug.SetGCPercent(0); debug.SetGCPercent(p); return p }

	first := roomyGC()
	if got := gcPercent(); got != importGCPercent {
		t.Fatalf("during an import GOGC = %d, want %d", got, importGCPercent)
	}
	second := roomyGC() // a second import overlapping the first
	first()
	first() // restoring twice is harmless
	if got := gcPercent(); got != importGCPercent {
		t.Fatalf("with one import still running GOGC = %d, want %d", got, importGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != importMemoryLimit {
		t.Fatalf("during an import the memory limit is %d, want %d", got, importMemoryLimit)
	}
	second()
	if got := gcPercent(); got != 100 {
		t.Fatalf("after the imports GOGC = %d, want 100 again", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("after the imports the memory limit is %d, want none again", got)
	}
	debug.SetMemoryLimit(1 << 30) // a limit set by someone else stays
	roomyGC()()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("a memory limit set before the import became %d", got)
	}
	debug.SetMemoryLimit(math.MaxInt64)

	for _, p := range []int{-1, 1000} { // off (start-up) or already roomier: left as it is
		debug.SetGCPercent(p)
		restore := roomyGC()
		if got := gcPercent(); got != p {
			t.Errorf("GOGC %d before the import became %d during it", p, got)
		}
		restore()
		if got := gcPercent(); got != p {
			t.Errorf("GOGC %d before the import became %d after it", p, got)
		}
	}
}
