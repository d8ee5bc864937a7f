package booking

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// handClocks are a wall clock and a monotonic clock moved by hand.
type handClocks struct {
	mu   sync.Mutex
	wall time.Time
	mono time.Duration
}

func (h *handClocks) Wall() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.wall
}

func (h *handClocks) Mono() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.mono
}

// tick moves both clocks by d, as time passing does.
func (h *handClocks) tick(d time.Duration) {
	h.mu.Lock()
	h.wall, h.mono = h.wall.Add(d), h.mono+d
	h.mu.Unlock()
}

// step moves the wall clock alone, as a glitch or a clock being set does.
func (h *handClocks) step(d time.Duration) {
	h.mu.Lock()
	h.wall = h.wall.Add(d)
	h.mu.Unlock()
}

func TestClockGuard(t *testing.T) {
	t0 := time.Date(2026, time.November, 1, 9, 0, 0, 0, time.UTC)
	h := &handClocks{wall: t0}
	c := newClock(&Options{Now: h.Wall, Monotonic: h.Mono, ClockJumpHold: time.Minute})
	at := func() time.Time { return time.Unix(0, c.now()).UTC() }

	require.Equal(t, t0, at())
	h.tick(time.Hour)
	require.Equal(t, t0.Add(time.Hour), at(), "time passing is believed")
	h.step(clockSlack) // NTP slewing: within the slack
	require.Equal(t, t0.Add(time.Hour+clockSlack), at())
	h.step(-clockSlack)
	require.Equal(t, t0.Add(time.Hour+clockSlack), at(), "never backwards, even within the slack")

	// A glitch ten years ahead, for less than the hold: not believed.
	h.step(10 * 365 * 24 * time.Hour)
	require.Equal(t, t0.Add(time.Hour+clockSlack), at(), "the monotonic clock has not moved")
	h.tick(200 * time.Millisecond)
	require.Equal(t, t0.Add(time.Hour+clockSlack), at(), "never backwards: expected time is behind the last reading")
	h.tick(10 * time.Second)
	require.Equal(t, t0.Add(time.Hour+10200*time.Millisecond), at(), "the engine runs at the monotonic clock's pace")
	h.step(-10 * 365 * 24 * time.Hour) // the glitch ends
	h.tick(time.Second)
	require.Equal(t, t0.Add(time.Hour+11200*time.Millisecond), at())

	// A clock set an hour ahead, for good: believed once it has held.
	h.step(time.Hour)
	before := at()
	require.Less(t, before.Sub(t0), 2*time.Hour)
	h.tick(59 * time.Second)
	require.Less(t, at().Sub(t0), 2*time.Hour, "not yet: the hold is a minute")
	h.tick(time.Second)
	require.Equal(t, h.Wall().UTC(), at(), "held a minute: believed")

	// A clock set back an hour: the engine's time runs on at the
	// monotonic pace until the step has held, then waits for the wall
	// clock to catch up rather than go back.
	h.step(-time.Hour)
	stuck := at()
	h.tick(30 * time.Second)
	require.Equal(t, stuck.Add(30*time.Second), at(), "runs on the monotonic clock while the step is not believed")
	late := at()
	h.tick(40 * time.Second) // the step has held: believed, but never backwards
	require.Equal(t, late, at())
	h.tick(time.Hour)
	require.Equal(t, h.Wall().UTC(), at(), "the wall clock has caught up")
}

// NTP slewing a clock at its fastest, half a millisecond a second, for a
// day: never mistaken for a jump, however long it goes on.
func TestClockFollowsSlewing(t *testing.T) {
	t0 := time.Date(2026, time.November, 1, 9, 0, 0, 0, time.UTC)
	h := &handClocks{wall: t0}
	c := newClock(&Options{Now: h.Wall, Monotonic: h.Mono, ClockJumpHold: time.Hour})
	for range 24 * 60 {
		h.tick(time.Minute)
		h.step(30 * time.Millisecond) // 500 ppm
		require.Equal(t, h.Wall().UnixNano(), c.now(), "the slewed wall clock is believed at once")
	}
	require.Equal(t, t0.Add(24*time.Hour+24*60*30*time.Millisecond), h.Wall().UTC(), "43 s of slewing, against a slack of 2")
}

func TestClockWithoutMonotonicIsTakenAsItIs(t *testing.T) {
	t0 := time.Date(2026, time.November, 1, 9, 0, 0, 0, time.UTC)
	h := &handClocks{wall: t0}
	c := newClock(&Options{Now: h.Wall, ClockJumpHold: time.Minute})
	h.step(10 * 365 * 24 * time.Hour)
	require.Equal(t, h.Wall().UnixNano(), c.now())
	h.step(-20 * 365 * 24 * time.Hour)
	require.Equal(t, h.Wall().UnixNano(), c.now(), "a test's clock may go back")
}

func TestClockOptions(t *testing.T) {
	o, err := (&Options{}).resolve()
	require.NoError(t, err)
	require.NotNil(t, o.Monotonic, "the real clock is guarded by the real monotonic clock")
	require.False(t, o.realSince.IsZero(), "the real clock is read in one time.Now")
	again, err := o.resolve()
	require.NoError(t, err)
	require.True(t, again.realSince.IsZero(), "resolved options passed again have a Now of their own")
	require.Equal(t, DefaultClockJumpHold, o.ClockJumpHold)
	for _, bad := range []time.Duration{-time.Second, ClockJumpHoldMax + 1} {
		_, err := (&Options{ClockJumpHold: bad}).resolve()
		require.ErrorIs(t, err, ErrBadOptions)
	}
}

// TestRealClockReadsBothClocksAtOnce checks the real clock's reading, which
// takes the wall and the monotonic clock from one time.Now: each reading
// lies between two of time.Now around it, and readings never go back.
func TestRealClockReadsBothClocksAtOnce(t *testing.T) {
	o, err := (&Options{}).resolve()
	require.NoError(t, err)
	c := newClock(&o)
	last := int64(0)
	for range 1000 {
		before := time.Now().UnixNano()
		got := c.now()
		after := time.Now().UnixNano()
		require.GreaterOrEqual(t, got, last, "never backwards")
		// The guard may hold the engine's time at the last reading it
		// handed out, never beyond the wall clock's.
		require.LessOrEqual(t, got, after)
		require.GreaterOrEqual(t, got, min(before, last))
		last = got
	}
	// The monotonic reading is the one the guard's anchor was taken
	// with: a reading agrees with the anchor's prediction.
	a := c.anchor.Load()
	now := time.Now()
	predicted := a.wallNs + int64(now.Sub(o.realSince)) - a.monoNs
	require.InDelta(t, float64(now.UnixNano()), float64(predicted), float64(clockSlack/1000), "wall and monotonic clocks measured from the same start")
}

// BenchmarkClockNow compares a reading of the real clock, both clocks from
// one time.Now, with the same clocks given as Options.Now and
// Options.Monotonic, each read by itself.
func BenchmarkClockNow(b *testing.B) {
	real, err := (&Options{}).resolve()
	require.NoError(b, err)
	start := time.Now()
	apart := Options{Now: time.Now, Monotonic: func() time.Duration { return time.Since(start) }, ClockJumpHold: DefaultClockJumpHold}
	for _, bc := range []struct {
		name string
		o    *Options
	}{{"real", &real}, {"apart", &apart}} {
		b.Run(bc.name, func(b *testing.B) {
			c := newClock(bc.o)
			for b.Loop() {
				c.now()
			}
		})
	}
}
