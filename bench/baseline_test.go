package bench

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// Rules answer as the baselines do: they are the baselines' own code,
// reached from outside the package.
func TestRules(t *testing.T) {
	bad := rushOffice("JKT", calendar.Jakarta())
	bad.Quota.Days = 0
	_, err := NewRules(bad)
	require.Error(t, err)

	var none *Rules // an office never registered
	_, _, err = none.CheckHold(&booking.HoldRequest{})
	require.ErrorIs(t, err, booking.ErrUnknownOffice)

	cfg := rushOffice("JKT", calendar.Jakarta())
	r, err := NewRules(cfg)
	require.NoError(t, err)
	clk := new(Clock)
	m := newMutexEngine(clk, 1)
	require.NoError(t, m.Register(cfg))
	day := calendar.NewDate(rushYear, rushMonth, 1)

	req := booking.HoldRequest{Account: "a", Office: "JKT", Date: day, Slot: rushSlot(2), Pool: rushPool,
		Applicants: []booking.Applicant{{NIK: kt.NIK(t, 1)}}}
	slot, pool, err := r.CheckHold(&req)
	require.NoError(t, err)
	require.Equal(t, [2]int{2, 0}, [2]int{slot, pool})
	require.ErrorIs(t, r.Gate(day, slot, clk.Now()), quota.ErrNotOpened, "the clock stands at 1970")

	clk.Set(rushRelease.ReleaseAt(day, calendar.Jakarta()))
	require.NoError(t, r.Gate(day, slot, clk.Now()))
	_, err = m.Hold(req)
	require.NoError(t, err)
	want, err := m.Day("JKT", day)
	require.NoError(t, err)
	got := r.DayView(day, clk.Now(), true, func(s, p int) (int, int) {
		capacity := cfg.Quota.Layout.Slots[s].Seats[p]
		if s == slot && p == pool {
			return capacity, 1
		}
		return capacity, 0
	})
	require.Equal(t, want, got)
	require.Equal(t, day.AddDays(1).Start(calendar.Jakarta()), r.DayEnd(day))
	require.Equal(t, day.Start(calendar.Jakarta()).Add(11*time.Hour), r.NoShowAt(day, slot), "slot 2 ends at 11:00")
}
