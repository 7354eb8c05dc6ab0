package demo

import (
	"sync"
	"time"
)

// Clock is a store clock (pass its Now as store.Options.Now) that lets
// Populate date the demo records over the weeks before Options.Now, so
// lists show inspections spread over August and September rather than all
// made in the same second. Outside Populate it follows the wall clock.
//
// The zero value is not usable; make one with NewClock.
type Clock struct {
	mu      sync.Mutex
	t       time.Time
	running bool // true while Populate drives it
}

// clockStep is how far the demo clock moves on each reading, so that every
// change Populate makes has its own time.
const clockStep = time.Second

// NewClock returns a clock that follows the wall clock until Populate
// takes it over.
func NewClock() *Clock { return &Clock{} }

// Now is the clock's time: the demo time while Populate runs (one second
// later on each reading), the wall clock otherwise.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		return time.Now()
	}
	c.t = c.t.Add(clockStep)
	return c.t
}

// advance moves the demo time forward to t (never backwards, so versions
// and audit times keep their order) and puts the clock in demo mode.
func (c *Clock) advance(t time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running || t.After(c.t) {
		c.t = t
	}
	c.running = true
}

// behind returns how far t is behind the demo time (0 when it is not, or
// when the clock is not in demo mode).
func (c *Clock) behind(t time.Time) time.Duration {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running || !c.t.After(t) {
		return 0
	}
	return c.t.Sub(t)
}

// release hands the clock back to the wall clock.
func (c *Clock) release() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.running = false
	c.mu.Unlock()
}
