package store

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestRoomyGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	gcPercent := func() int { p := debug.SetGCPercent(0); debug.SetGCPercent(p); return p }
	limit := func() int64 { return debug.SetMemoryLimit(-1) }

	report := RoomyGC(200)
	if got := gcPercent(); got != 200 {
		t.Fatalf("during a report GOGC = %d, want 200", got)
	}
	imp := RoomyGC(ImportGCPercent) // an import beside it
	if got := gcPercent(); got != ImportGCPercent {
		t.Fatalf("during an import and a report GOGC = %d, want %d", got, ImportGCPercent)
	}
	if got := limit(); got != roomyMemoryLimit {
		t.Fatalf("the memory limit is %d, want %d", got, roomyMemoryLimit)
	}
	imp()
	imp() // ending twice is harmless
	if got := gcPercent(); got != 200 {
		t.Fatalf("with the report still running GOGC = %d, want 200", got)
	}
	report()
	if got := gcPercent(); got != 100 {
		t.Fatalf("after both GOGC = %d, want 100 again", got)
	}
	if got := limit(); got != math.MaxInt64 {
		t.Fatalf("after both the memory limit is %d, want none again", got)
	}

	for _, p := range []int{-1, 1000} { // off (start-up) or already roomier: left as it is
		debug.SetGCPercent(p)
		restore := RoomyGC(ImportGCPercent)
		if got := gcPercent(); got != p {
			t.Errorf("GOGC %d before the import became %d during it", p, got)
		}
		restore()
		if got := gcPercent(); got != p {
			t.Errorf("GOGC %d before the import became %d after it", p, got)
		}
	}
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(1 << 30) // a limit set by someone else stays
	RoomyGC(ImportGCPercent)()
	if got := limit(); got != 1<<30 {
		t.Errorf("a memory limit set before became %d", got)
	}
	debug.SetMemoryLimit(math.MaxInt64)
}
