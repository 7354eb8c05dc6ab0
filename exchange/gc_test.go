package exchange

import (
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
	second()
	if got := gcPercent(); got != 100 {
		t.Fatalf("after the imports GOGC = %d, want 100 again", got)
	}

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
