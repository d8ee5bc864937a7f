package booking

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/internal/unixns"
)

// clockSlack is how far the wall clock may drift from the monotonic clock,
// since the last reading the engine trusted, before a difference counts as
// a jump: far less than any deadline the engine keeps, and far more than
// clockReanchor lets NTP's slewing add up to.
const clockSlack = 2 * time.Second

// clockReanchor is how often a trusted reading becomes the one the next
// are checked against: NTP slews a clock by at most half a millisecond a
// second, 30 ms a minute, so slewing never adds up to clockSlack.
const clockReanchor = time.Minute

// clock is the engine's time: Options.Now, guarded when the engine knows a
// monotonic clock to check it against (Options.Monotonic, or the real one
// when Options.Now is nil). Every reading of the engine — the instant a
// change records, the deadlines it checks, the sweeps — comes from here.
// Guarded:
//
//   - It never goes backwards: a reading earlier than one already handed
//     out is taken as that one, so a booking's history stays in order.
//   - A jump of the wall clock that the monotonic clock does not confirm —
//     forwards or back, by more than clockSlack — is not believed at once:
//     the engine's time goes on at the monotonic clock's pace from the
//     last reading it trusted, and takes the wall clock's only once the
//     difference has held for Options.ClockJumpHold. A clock glitching ten
//     years ahead for a moment therefore expires nothing and marks no one
//     as a no-show.
//
// Without a monotonic clock (a custom Now alone: a test's, moved by hand
// forwards and back) the engine takes Now as it is.
//
// It is lock-free: a reading is a few atomic loads and one
// compare-and-swap.
type clock struct {
	wall func() time.Time
	mono func() time.Duration // nil: no monotonic clock, no guard against jumps
	hold time.Duration
	// since, when not zero, is the real clock's (Options.realSince): a
	// reading takes the wall and the monotonic clock from one time.Now,
	// as the Time it returns carries both — 52 ns a reading on the
	// benchmarks' VM, where calling wall and then mono took 75
	// (BenchmarkClockNow).
	since time.Time

	last      atomic.Int64           // the latest instant handed out, Unix ns
	anchor    atomic.Pointer[anchor] // the last wall reading the monotonic clock confirmed
	jumpSince atomic.Int64           // monotonic ns when the current jump was first seen; noJump when none
}

// anchor pairs a trusted wall reading with the monotonic clock's at the
// same moment: from it, wall + (mono now − mono) is what the wall clock
// should read now.
type anchor struct {
	wallNs, monoNs int64
}

const noJump = math.MinInt64

func newClock(o *Options) *clock {
	c := &clock{wall: o.Now, mono: o.Monotonic, hold: o.ClockJumpHold, since: o.realSince}
	c.last.Store(math.MinInt64)
	c.jumpSince.Store(noJump)
	if c.mono != nil {
		c.anchor.Store(&anchor{wallNs: unixns.Of(c.wall()), monoNs: int64(c.mono())})
	}
	return c
}

// now returns the engine's time, Unix ns.
func (c *clock) now() int64 {
	var t, m int64
	switch {
	case !c.since.IsZero():
		now := time.Now()
		t, m = unixns.Of(now), int64(now.Sub(c.since)) // Sub of two readings with the monotonic clock is its difference
	case c.mono == nil:
		return unixns.Of(c.wall())
	default:
		t, m = unixns.Of(c.wall()), int64(c.mono())
	}
	t = c.guard(t, m)
	for {
		last := c.last.Load()
		if t <= last {
			return last
		}
		if c.last.CompareAndSwap(last, t) {
			return t
		}
	}
}

// guard returns wall reading w, or, while a jump of it has not held for
// c.hold, the time the monotonic clock m confirms.
func (c *clock) guard(w, m int64) int64 {
	a := c.anchor.Load()
	expected := unixns.Add(a.wallNs, time.Duration(m-a.monoNs))
	if d := w - expected; d <= int64(clockSlack) && d >= -int64(clockSlack) {
		if c.jumpSince.Load() != noJump {
			c.jumpSince.Store(noJump) // a glitch that ended
		}
		if m-a.monoNs >= int64(clockReanchor) {
			c.anchor.CompareAndSwap(a, &anchor{wallNs: w, monoNs: m})
		}
		return w
	}
	since := c.jumpSince.Load()
	if since == noJump {
		c.jumpSince.CompareAndSwap(noJump, m)
		since = c.jumpSince.Load()
	}
	if since == noJump || m-since < int64(c.hold) {
		return expected
	}
	// The jump has held: it is the clock being set, not a glitch.
	c.anchor.Store(&anchor{wallNs: w, monoNs: m})
	c.jumpSince.Store(noJump)
	return w
}
