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
	require.Equal(t, DefaultClockJumpHold, o.ClockJumpHold)
	for _, bad := range []time.Duration{-time.Second, ClockJumpHoldMax + 1} {
		_, err := (&Options{ClockJumpHold: bad}).resolve()
		require.ErrorIs(t, err, ErrBadOptions)
	}
}
