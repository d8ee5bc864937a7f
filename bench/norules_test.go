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

// newNoRulesOffice returns a rule-less engine with the rush office
// registered and the clock at its release.
func newNoRulesOffice(t *testing.T) (*noRulesEngine, *Clock, booking.OfficeConfig) {
	t.Helper()
	clk := new(Clock)
	e := newNoRulesEngine(clk)
	office := rushOffice("JKT", calendar.Jakarta())
	require.NoError(t, e.Register(office))
	clk.Set(rushRelease.ReleaseAt(calendar.NewDate(rushYear, rushMonth, 1), calendar.Jakarta()))
	return e, clk, office
}

func holdFor(account string, d calendar.Date, slot int, niks ...booking.NIK) booking.HoldRequest {
	req := booking.HoldRequest{Account: account, Office: "JKT", Date: d, Slot: rushSlot(slot), Pool: rushPool}
	for _, n := range niks {
		req.Applicants = append(req.Applicants, booking.Applicant{NIK: n})
	}
	return req
}

// requireBalanced fails unless every cell's seats taken are its live
// bookings' and within its capacity.
func requireBalanced(t *testing.T, sys System) Audit {
	t.Helper()
	a, err := sys.Audit()
	require.NoError(t, err)
	require.Zero(t, a.Violations)
	require.Equal(t, a.Capacity, a.Taken+a.Left)
	return a
}

// The rule-less engine answers yes where the mutex-and-map baseline, with
// kuota's rules, says no: it keeps none of them.
func TestNoRulesKeepsNoRules(t *testing.T) {
	day := calendar.NewDate(rushYear, rushMonth, 1)
	tests := []struct {
		name     string
		give     func(clk *Clock, hold func(booking.HoldRequest) error) error // the last hold's answer
		wantRule error                                                        // the mutex-and-map baseline's
	}{
		{"a NIK booked twice", func(_ *Clock, hold func(booking.HoldRequest) error) error {
			require.NoError(t, hold(holdFor("a", day, 0, kt.NIK(t, 1))))
			return hold(holdFor("b", day, 1, kt.NIK(t, 1)))
		}, booking.ErrNIKBooked},
		{"an account over its hold limit", func(_ *Clock, hold func(booking.HoldRequest) error) error {
			require.NoError(t, hold(holdFor("a", day, 0, kt.NIK(t, 1))))
			return hold(holdFor("a", day, 0, kt.NIK(t, 2)))
		}, booking.ErrTooManyHolds},
		{"before the release", func(clk *Clock, hold func(booking.HoldRequest) error) error {
			clk.Set(rushRelease.ReleaseAt(day, calendar.Jakarta()).Add(-1))
			return hold(holdFor("a", day, 0, kt.NIK(t, 1)))
		}, quota.ErrNotOpened},
		{"a slot that has started", func(clk *Clock, hold func(booking.HoldRequest) error) error {
			clk.Set(day.Start(calendar.Jakarta()).Add(12 * time.Hour))
			return hold(holdFor("a", day, 0, kt.NIK(t, 1)))
		}, quota.ErrPast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, kind := range []string{MutexNoRules, MutexMap} {
				clk := new(Clock)
				clk.Set(rushRelease.ReleaseAt(day, calendar.Jakarta()))
				sys, err := NewSystem(kind, clk, t.TempDir(), 1, true)
				require.NoError(t, err)
				require.NoError(t, sys.Register(rushOffice("JKT", calendar.Jakarta())))
				err = tt.give(clk, func(req booking.HoldRequest) error { _, err := sys.Hold(req); return err })
				if kind == MutexNoRules {
					require.NoError(t, err, kind)
				} else {
					require.ErrorIs(t, err, tt.wantRule, kind)
				}
				requireBalanced(t, sys)
			}
		})
	}
}

// A booking's life on the rule-less engine: every step moves its seats as
// the audit expects, and a hold nobody pays lapses at the next sweep.
func TestNoRulesLifecycle(t *testing.T) {
	e, clk, _ := newNoRulesOffice(t)
	day, later := calendar.NewDate(rushYear, rushMonth, 1), calendar.NewDate(rushYear, rushMonth, 8)
	left := func(d calendar.Date, slot int) int {
		v, err := e.Day("JKT", d)
		require.NoError(t, err)
		return seatsLeft(v.Slots[slot].Pools, rushPool)
	}

	paid, err := e.Hold(holdFor("a", day, 0, kt.NIK(t, 1), kt.NIK(t, 2)))
	require.NoError(t, err)
	lapsing, err := e.Hold(holdFor("b", day, 1, kt.NIK(t, 3)))
	require.NoError(t, err)
	require.NoError(t, e.Pay(paid, "ref"))
	require.Equal(t, rushOnlineSeats[0]-2, left(day, 0))

	require.NoError(t, e.Reschedule(paid, later, rushSlot(3)))
	require.Equal(t, rushOnlineSeats[0], left(day, 0))
	require.Equal(t, rushOnlineSeats[3]-2, left(later, 3))
	require.ErrorIs(t, e.Reschedule(paid, later.AddDays(-2), rushSlot(3)), quota.ErrNoQuota, "a Sunday has no cells")
	require.Equal(t, 2, requireBalanced(t, e).LiveBookings)

	clk.Advance(holdTTL)
	require.NoError(t, e.Sweep())
	require.Equal(t, rushOnlineSeats[1], left(day, 1), "the unpaid hold lapsed")
	require.ErrorIs(t, e.Pay(lapsing, "ref"), booking.ErrNotFound)
	require.NoError(t, e.CheckIn(paid))
	var se *booking.StateError
	require.ErrorAs(t, e.Cancel(paid), &se, "checked in")
	require.Equal(t, 1, requireBalanced(t, e).LiveBookings)

	again, err := e.Hold(holdFor("c", day, 1, kt.NIK(t, 4)))
	require.NoError(t, err)
	require.NoError(t, e.Cancel(again))
	require.Equal(t, rushOnlineSeats[1], left(day, 1))
	require.ErrorIs(t, e.Cancel(again), booking.ErrNotFound)
	requireBalanced(t, e)
}

// The rule-less engine's month shows the days its office serves with
// their seats, and the others in their schedule's state, as the clients
// need to pick a day.
func TestNoRulesMonth(t *testing.T) {
	e, _, _ := newNoRulesOffice(t)
	_, err := e.Month("XXX", rushYear, rushMonth)
	require.ErrorIs(t, err, booking.ErrUnknownOffice)
	_, err = e.Hold(holdFor("a", calendar.NewDate(rushYear, rushMonth, 1), 0, kt.NIK(t, 1)))
	require.NoError(t, err)

	month, err := e.Month("JKT", rushYear, rushMonth)
	require.NoError(t, err)
	require.Len(t, month, 31)
	perDay := 0
	for _, s := range rushOnlineSeats {
		perDay += s
	}
	tests := []struct {
		give      int // day of December
		want      calendar.State
		wantLeft  int // online seats
		wantTotal int // online seats offered
	}{
		{1, calendar.Available, perDay - 1, perDay},
		{2, calendar.Available, perDay, perDay},
		{5, calendar.DayOff, 0, 0},
		{25, calendar.Holiday, 0, 0},
	}
	for _, tt := range tests {
		v := month[tt.give-1]
		require.Equal(t, calendar.NewDate(rushYear, rushMonth, tt.give), v.Date)
		require.Equal(t, tt.want, v.StateIn(rushPool), "day %d", tt.give)
		require.Equal(t, tt.wantLeft, seatsLeft(v.Pools, rushPool), "day %d", tt.give)
		require.Equal(t, tt.wantTotal, v.Pools[0].Capacity, "day %d", tt.give)
	}
	seats := 0
	for _, v := range month {
		seats += v.Pools[0].Capacity
	}
	require.Equal(t, 22*perDay, seats, "22 service days")
	january, err := e.Month("JKT", rushYear+1, 1)
	require.NoError(t, err)
	require.Equal(t, calendar.OutsideHorizon, january[3].StateIn(rushPool), "a Monday after the table")
}
