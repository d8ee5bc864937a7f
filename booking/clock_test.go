package booking_test

import (
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// The scene that once destroyed bookings: the wall clock glitches ten
// years ahead for 200 ms while the sweeper runs and callers keep calling.
// With the engine checking its clock against the monotonic one, nothing
// expires, no paid booking becomes a no-show, a payment made during the
// glitch is accepted, no seat is resold, and the file reopens the same.
func TestAClockGlitchDestroysNothing(t *testing.T) {
	const glitchFor = 200 * time.Millisecond
	start := time.Now()
	var glitch atomic.Int64 // added to the wall clock, ns
	wall := func() time.Time { return kt.T1.Add(time.Since(start) + time.Duration(glitch.Load())) }
	mono := func() time.Duration { return time.Since(start) } // the real monotonic clock
	path := filepath.Join(t.TempDir(), "kuota.db")
	opts := &Options{Now: wall, Monotonic: mono}
	e, err := Open(path, opts) // the sweeper runs
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))

	var paid, held []Booking
	for i := range 5 {
		b, err := e.Hold(bg, kt.HoldRequest(t, i))
		require.NoError(t, err)
		b, err = e.Pay(bg, b.BillingCode, "ref")
		require.NoError(t, err)
		paid = append(paid, b)
	}
	for i := 10; i < 12; i++ {
		req := kt.HoldRequest(t, i)
		req.Slot = kt.Slot1 // slot 0's five online seats are paid for
		b, err := e.Hold(bg, req)
		require.NoError(t, err)
		held = append(held, b)
	}
	before, err := e.Day(bg, kt.Office, kt.Dec10)
	require.NoError(t, err)

	glitch.Store(int64(10 * 365 * 24 * time.Hour))
	end := time.Now().Add(glitchFor)
	var paidDuring Booking
	for i := 0; time.Now().Before(end) && i < 1000; i++ {
		n, err := e.ExpireDue(bg)
		require.NoError(t, err)
		require.Zero(t, n, "an expiry during the glitch")
		n, err = e.MarkNoShows(bg)
		require.NoError(t, err)
		require.Zero(t, n, "a no-show during the glitch")
		for _, b := range append(paid, held...) {
			got, err := e.Get(bg, b.Code)
			require.NoError(t, err)
			require.Contains(t, []State{Held, Paid}, got.State, "read during the glitch")
		}
		if i == 0 {
			paidDuring, err = e.Pay(bg, held[0].BillingCode, "ref-during")
			require.NoError(t, err, "a real payment during the glitch")
		}
		time.Sleep(10 * time.Millisecond)
	}
	glitch.Store(0)
	time.Sleep(20 * time.Millisecond)

	require.Equal(t, Paid, paidDuring.State)
	require.Less(t, paidDuring.History[1].At.Sub(kt.T1), time.Hour, "recorded on the engine's time, not the glitch's")
	for _, b := range paid {
		got, err := e.Get(bg, b.Code)
		require.NoError(t, err)
		require.Equal(t, Paid, got.State)
	}
	got, err := e.Get(bg, held[1].Code)
	require.NoError(t, err)
	require.Equal(t, Held, got.State)
	after, err := e.Day(bg, kt.Office, kt.Dec10)
	require.NoError(t, err)
	require.Equal(t, before.Slots, after.Slots, "no seat resold")
	require.Equal(t, map[State]int{Held: 1, Paid: 6}, nonZero(e.Stats().Bookings))
	kt.RequireConsistent(t, e)

	require.NoError(t, e.Close())
	e2 := kt.OpenEngine(t, path, kt.NewClock(wall()), nil)
	require.Equal(t, map[State]int{Held: 1, Paid: 6}, nonZero(e2.Stats().Bookings), "nothing of the glitch on disk")
}

// A clock set back is not followed back: histories stay in order.
func TestAClockSetBackKeepsHistoriesInOrder(t *testing.T) {
	start := time.Now()
	var back atomic.Int64
	wall := func() time.Time { return kt.T1.Add(time.Since(start) - time.Duration(back.Load())) }
	e, err := New(&Options{Now: wall, Monotonic: func() time.Duration { return time.Since(start) }, NoSweeper: true})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	back.Store(int64(30 * time.Minute))
	b, err = e.Pay(bg, b.BillingCode, "ref")
	require.NoError(t, err)
	require.False(t, b.History[1].At.Before(b.History[0].At), "paid before it was held: %v", b.History)
}

// nonZero drops the zero counts of a count by state.
func nonZero(m map[State]int) map[State]int {
	out := map[State]int{}
	for s, n := range m {
		if n != 0 {
			out[s] = n
		}
	}
	return out
}
