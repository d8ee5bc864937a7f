package simdisk

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Clock is simulated time: it stands still until the simulator, or a Slow
// step of a disk, moves it. Its Now fits booking.Options.Now.
//
// A Clock is safe for concurrent use.
type Clock struct {
	mu        sync.Mutex // guards now and deadlines
	now       time.Time
	deadlines []*deadlineCtx // contexts not yet ended, ended by Advance
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the simulated instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (a negative d is taken as 0: the
// simulated clock never goes back), ending every context whose deadline
// it reaches.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	c.deadlines = slices.DeleteFunc(c.deadlines, func(x *deadlineCtx) bool {
		if c.now.Before(x.deadline) {
			return false
		}
		x.end(context.DeadlineExceeded)
		return true
	})
}

// AdvanceTo moves the clock forward to t, if t is later than now.
func (c *Clock) AdvanceTo(t time.Time) {
	c.Advance(t.Sub(c.Now()))
}

// WithTimeout returns a context that ends with context.DeadlineExceeded
// once the clock has moved d past now, and with context.Canceled when
// cancel is called. Its Deadline is in simulated time. Call cancel when
// the call it bounds returns: the clock keeps every context it may still
// have to end until then.
func (c *Clock) WithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	x := &deadlineCtx{clock: c, deadline: c.now.Add(d), done: make(chan struct{})}
	if d <= 0 {
		x.end(context.DeadlineExceeded)
	} else {
		c.deadlines = append(c.deadlines, x)
	}
	return x, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if x.err == nil {
			x.end(context.Canceled)
			c.deadlines = slices.DeleteFunc(c.deadlines, func(y *deadlineCtx) bool { return y == x })
		}
	}
}

// deadlineCtx is a context.Context with a deadline in simulated time. Its
// state is guarded by its clock's mutex.
type deadlineCtx struct {
	clock    *Clock
	deadline time.Time
	done     chan struct{}
	err      error
}

// end ends the context with err; the clock's mutex is held.
func (x *deadlineCtx) end(err error) {
	x.err = err
	close(x.done)
}

func (x *deadlineCtx) Deadline() (time.Time, bool) { return x.deadline, true }
func (x *deadlineCtx) Done() <-chan struct{}       { return x.done }
func (x *deadlineCtx) Value(any) any               { return nil }

func (x *deadlineCtx) Err() error {
	x.clock.mu.Lock()
	defer x.clock.mu.Unlock()
	return x.err
}
