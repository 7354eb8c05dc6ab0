package store

import (
	"testing"
	"time"
)

func TestHLCCounterNeverOverflowsItsWidth(t *testing.T) {
	var h hlc
	now := time.UnixMilli(1_725_000_000_000)
	prev := h.next(now, "dev")
	for i := 0; i < maxCounter+10; i++ {
		v := h.next(now, "dev") // a frozen clock
		if v <= prev || len(v) != len(prev) {
			t.Fatalf("version %q after %q", v, prev)
		}
		prev = v
	}
	w, c, ok := parseVersion(prev)
	if !ok || w != now.UnixMilli()+1 || c != 9 {
		t.Errorf("after overflow: wall %d counter %d", w, c)
	}
	h.observe(formatVersion(now.UnixMilli()+50, 7, "other"))
	if v := h.next(now, "dev"); v != formatVersion(now.UnixMilli()+50, 8, "dev") {
		t.Errorf("after observing a later version: %s", v)
	}
}
