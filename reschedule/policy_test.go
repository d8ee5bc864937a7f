package reschedule

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

var zones = []struct {
	name string
	loc  *time.Location
	off  time.Duration // offset from UTC
}{
	{"WIB", calendar.Jakarta(), 7 * time.Hour},
	{"WITA", calendar.Makassar(), 8 * time.Hour},
	{"WIT", calendar.Jayapura(), 9 * time.Hour},
}

// arrival is a Thursday; its H-1 is Wednesday the 9th, H-2 Tuesday the 8th.
var arrival = calendar.NewDate(2026, time.December, 10)

// local returns the instant of a wall-clock time in zone z, computed from
// UTC so the test does not trust the code under test to find it.
func local(z int, day, hour, minute int) time.Time {
	return time.Date(2026, time.December, day, hour, minute, 0, 0, time.UTC).Add(-zones[z].off)
}

// The example in DESIGN.md, spelled out.
func TestDesignExample(t *testing.T) {
	p := Default()
	jkt := calendar.Jakarta()
	reschedule := time.Date(2026, 12, 10, 0, 0, 0, 0, time.FixedZone("+07", 7*3600))
	cancel := time.Date(2026, 12, 9, 0, 0, 0, 0, time.FixedZone("+07", 7*3600))
	require.True(t, p.RescheduleDeadline(arrival, jkt).Equal(reschedule))
	require.True(t, p.CancelDeadline(arrival, jkt).Equal(cancel))
	require.NoError(t, p.CanReschedule(reschedule.Add(-time.Nanosecond), arrival, 0, jkt))
	require.ErrorIs(t, p.CanReschedule(reschedule, arrival, 0, jkt), ErrRescheduleClosed)
	require.NoError(t, p.CanCancel(cancel.Add(-time.Nanosecond), arrival, jkt))
	require.ErrorIs(t, p.CanCancel(cancel, arrival, jkt), ErrCancelClosed)
}

func TestWindowsAtTheirEdges(t *testing.T) {
	p := Default()
	slotStart, slotEnd := 9*time.Hour, 10*time.Hour
	for z, zone := range zones {
		loc := zone.loc
		tests := []struct {
			name  string
			check func(now time.Time) error
			edge  time.Time // first instant on the other side
			want  error     // at the edge (before it: nil); open windows flip the other way
			opens bool      // true when the edge opens the window
		}{
			{name: "reschedule", check: func(now time.Time) error { return p.CanReschedule(now, arrival, 0, loc) }, edge: local(z, 10, 0, 0), want: ErrRescheduleClosed},
			{name: "cancel", check: func(now time.Time) error { return p.CanCancel(now, arrival, loc) }, edge: local(z, 9, 0, 0), want: ErrCancelClosed},
			{name: "check-in opens", check: func(now time.Time) error { return p.CanCheckIn(now, arrival, slotStart, slotEnd, loc) }, edge: local(z, 10, 8, 0), want: ErrCheckInEarly, opens: true},
			{name: "check-in closes", check: func(now time.Time) error { return p.CanCheckIn(now, arrival, slotStart, slotEnd, loc) }, edge: local(z, 10, 10, 0), want: ErrCheckInLate},
			{name: "re-apply", check: func(now time.Time) error { return p.CanReapply(now, calendar.NewDate(2026, time.November, 10), loc) }, edge: local(z, 10, 0, 0), want: ErrReapplyTooSoon, opens: true},
		}
		for _, tt := range tests {
			t.Run(zone.name+"/"+tt.name, func(t *testing.T) {
				before, at := tt.check(tt.edge.Add(-time.Nanosecond)), tt.check(tt.edge)
				if tt.opens {
					before, at = at, before
				}
				require.NoError(t, before)
				require.ErrorIs(t, at, tt.want)
				var we *WindowError
				require.True(t, errors.As(at, &we))
				instant := we.Closes
				if tt.opens {
					instant = we.Opens
				}
				require.True(t, instant.Equal(tt.edge), "error names %v, want %v", instant, tt.edge)
			})
		}
	}
}

func TestRescheduleLimit(t *testing.T) {
	p := Default()
	early := local(0, 1, 0, 0)
	require.NoError(t, p.CanReschedule(early, arrival, 0, zones[0].loc))
	err := p.CanReschedule(early, arrival, 1, zones[0].loc)
	require.ErrorIs(t, err, ErrRescheduleLimit)
	require.NotErrorIs(t, err, ErrRescheduleClosed)
	require.EqualError(t, err, "reschedule: already rescheduled: 1 of 1 allowed")

	// A second reschedule once H-1 has ended: the window is checked
	// first, so the refusal says the window closed, not the count.
	late := p.RescheduleDeadline(arrival, zones[0].loc)
	err = p.CanReschedule(late, arrival, 1, zones[0].loc)
	require.ErrorIs(t, err, ErrRescheduleClosed)
	require.NotErrorIs(t, err, ErrRescheduleLimit)

	p.ReschedulesMax = 2
	require.NoError(t, p.CanReschedule(early, arrival, 1, zones[0].loc))
	require.False(t, Default().ReapplyAfterUnreached, "M-Paspor lets a NIK book again at once after a booking that never reached its date")
}

func TestNoShowAndReapply(t *testing.T) {
	p := Default()
	jkt := zones[0].loc
	require.True(t, p.NoShowAt(arrival, 10*time.Hour, jkt).Equal(local(0, 10, 10, 0)))
	// One calendar month, clamped: from 2026-01-31 to 2026-02-28.
	from := p.ReapplyFrom(calendar.NewDate(2026, time.January, 31), jkt)
	require.Equal(t, "2026-02-28 00:00", from.In(jkt).Format("2006-01-02 15:04"))
	p.ReapplyAfterMonths = 0
	require.NoError(t, p.CanReapply(local(0, 10, 0, 0), arrival, jkt))
}

func TestWindowErrorText(t *testing.T) {
	p := Default()
	err := p.CanCancel(local(0, 9, 12, 0), arrival, zones[0].loc)
	require.EqualError(t, err, "reschedule: too late to cancel: closed 2026-12-09 00:00 WIB")
	err = p.CanCheckIn(local(2, 10, 7, 0), arrival, 9*time.Hour, 10*time.Hour, zones[2].loc)
	require.EqualError(t, err, "reschedule: too early to check in: opens 2026-12-10 08:00 WIT")
	require.Equal(t, "check in", CheckIn.String())
	require.Equal(t, "Action(9)", Action(9).String())
}

func TestValidate(t *testing.T) {
	require.NoError(t, Default().Validate())
	require.NoError(t, Policy{}.Validate())
	for _, bad := range []Policy{
		{ReschedulesMax: -1},
		{ReschedulesMax: ReschedulesMaxLimit + 1},
		{RescheduleUntil: -1},
		{CancelUntil: DaysBeforeMax + 1},
		{CheckInEarly: -time.Minute},
		{CheckInEarly: CheckInEarlyMax + 1},
		{ReapplyAfterMonths: -1},
		{ReapplyAfterMonths: ReapplyAfterMonthsMax + 1},
	} {
		require.ErrorIs(t, bad.Validate(), ErrBadPolicy, "%+v", bad)
	}
}

// TestWindowsOfAgreesWithEachWindow checks WindowsOf against the functions
// that give one window at a time: policies with every H-n (1 shares the
// arrival's midnight), zones with and without daylight saving, dates on
// and around its changes, the first and last dates and the zero Date, and
// slot offsets up to the extremes a Duration holds.
func TestWindowsOfAgreesWithEachWindow(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	policies := []Policy{{}, Default(), {RescheduleUntil: 1, CancelUntil: 1}, {RescheduleUntil: 3, CancelUntil: 0, CheckInEarly: CheckInEarlyMax},
		{RescheduleUntil: DaysBeforeMax, CancelUntil: DaysBeforeMax, CheckInEarly: time.Minute}}
	dates := []calendar.Date{{}, calendar.NewDate(calendar.YearMin, 1, 1), arrival, calendar.NewDate(calendar.YearMax, 12, 31),
		calendar.NewDate(2026, time.March, 8), calendar.NewDate(2026, time.March, 9), calendar.NewDate(2026, time.March, 10),
		calendar.NewDate(2026, time.November, 1), calendar.NewDate(2026, time.November, 2), calendar.NewDate(2026, time.November, 3)}
	locs := []*time.Location{nil, time.UTC, calendar.Jakarta(), calendar.Jayapura(), newYork}
	slots := [][2]time.Duration{{8 * time.Hour, 9 * time.Hour}, {0, 30 * time.Minute}, {23 * time.Hour, 24 * time.Hour},
		{-time.Hour, 0}, {math.MinInt64, math.MaxInt64}}
	for _, p := range policies {
		for _, d := range dates {
			for _, loc := range locs {
				for _, sl := range slots {
					w := p.WindowsOf(d, sl[0], sl[1], loc)
					opens, closes := p.CheckInWindow(d, sl[0], sl[1], loc)
					at := fmt.Sprintf("%+v, %s, %v, %v", p, d, loc, sl)
					require.True(t, d.Start(loc).Equal(w.Arrival), at)
					require.True(t, p.RescheduleDeadline(d, loc).Equal(w.RescheduleBy), at)
					require.True(t, p.CancelDeadline(d, loc).Equal(w.CancelBy), at)
					require.True(t, opens.Equal(w.CheckInOpens), at)
					require.True(t, closes.Equal(w.CheckInCloses), at)
					require.True(t, p.NoShowAt(d, sl[1], loc).Equal(w.CheckInCloses), at)
				}
			}
		}
	}
}
