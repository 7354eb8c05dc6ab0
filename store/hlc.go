package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// hlc is a hybrid logical clock. A version is the string
// "WWWWWWWWWWWWW-CCCCC-DEVICE": wall milliseconds (13 digits), a counter
// (5 digits) and the device id, so versions are totally ordered by plain
// string comparison and never repeat across devices.
type hlc struct {
	wall    int64
	counter int64
}

func (h *hlc) next(now time.Time, device string) string {
	ms := now.UnixMilli()
	if ms > h.wall {
		h.wall, h.counter = ms, 0
	} else {
		h.counter++
		if h.counter > maxCounter {
			// The counter has five digits; rather than overflow the fixed
			// width (which would break string ordering), run the logical
			// millisecond ahead of the wall clock.
			h.wall, h.counter = h.wall+1, 0
		}
	}
	return formatVersion(h.wall, h.counter, device)
}

// observe moves the clock past a version seen from elsewhere, so local
// edits made after an import order after what was imported.
func (h *hlc) observe(version string) {
	w, c, ok := parseVersion(version)
	if !ok {
		return
	}
	if w > h.wall || (w == h.wall && c > h.counter) {
		h.wall, h.counter = w, c
	}
}

const maxCounter = 99999

func formatVersion(wall, counter int64, device string) string {
	return fmt.Sprintf("%013d-%05d-%s", wall, counter, device)
}

func parseVersion(v string) (wall, counter int64, ok bool) {
	parts := strings.SplitN(v, "-", 3)
	if len(parts) != 3 {
		return 0, 0, false
	}
	w, err1 := strconv.ParseInt(parts[0], 10, 64)
	c, err2 := strconv.ParseInt(parts[1], 10, 64)
	return w, c, err1 == nil && err2 == nil
}

func (db *DB) loadClock(ctx context.Context) error {
	last, err := db.Setting(ctx, "hlc_last")
	if err != nil {
		return err
	}
	db.mu.Lock()
	db.hlc.observe(last)
	db.mu.Unlock()
	return nil
}

// ObserveVersion advances the clock past a version seen in an imported
// package.
func (db *DB) ObserveVersion(v string) {
	db.mu.Lock()
	db.hlc.observe(v)
	db.mu.Unlock()
}
