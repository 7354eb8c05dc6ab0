package main

import (
	"runtime/debug"
	"sync"
	"time"
)

// pauseGC turns the garbage collector off for the start-up and returns the
// function that turns it back on (once; main calls it after the window's
// first frame, and it runs by itself after gcPauseMax in any case). Until
// the first frame the program mostly allocates what stays: the CJK font
// parsed for each text style (about 19 MB each) and the widgets; collecting
// while the heap grows from nothing to that size took about 25 ms of the
// ~210 ms to the first frame (docs/PERFORMANCE.md, start-up).
func pauseGC() (resume func()) {
	percent := debug.SetGCPercent(-1)
	resume = sync.OnceFunc(func() { debug.SetGCPercent(percent) })
	time.AfterFunc(gcPauseMax, resume)
	return resume
}

// gcPauseMax bounds the pause if no frame is ever drawn (a start-up error
// dialog, a window that stays hidden).
const gcPauseMax = 5 * time.Second
