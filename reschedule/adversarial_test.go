package reschedule

// Adversarial input for every exported function and method of package
// reschedule: out-of-range policies are refused with ErrBadPolicy, and the
// window functions answer for any date, instant and zone (the zero Date,
// years 1 and 9999, a nil *time.Location, instants centuries away)
// without panicking, with a *WindowError that matches exactly one
// sentinel, the right one.
//
// Nothing here is skipped: Default, Validate, every window method,
// Action.String and WindowError's Error and Is are all called below.

import (
	"errors"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

var advSentinels = []error{ErrRescheduleClosed, ErrRescheduleLimit, ErrCancelClosed, ErrCheckInEarly, ErrCheckInLate, ErrReapplyTooSoon}

// requireOneSentinel fails unless err is a *WindowError matching want and
// no other sentinel.
func requireOneSentinel(t *testing.T, err, want error) {
	t.Helper()
	var we *WindowError
	require.ErrorAs(t, err, &we)
	for _, s := range advSentinels {
		require.Equal(t, s == want, errors.Is(err, s), "%v matches %v", err, s)
	}
	require.NotPanics(t, func() { _ = err.Error() })
}

func TestAdversarialPolicyValidate(t *testing.T) {
	tests := []struct {
		name string
		give func(p *Policy)
	}{
		{"negative reschedules", func(p *Policy) { p.ReschedulesMax = -1 }},
		{"too many reschedules", func(p *Policy) { p.ReschedulesMax = ReschedulesMaxLimit + 1 }},
		{"MaxInt reschedules", func(p *Policy) { p.ReschedulesMax = math.MaxInt }},
		{"MinInt reschedules", func(p *Policy) { p.ReschedulesMax = math.MinInt }},
		{"negative reschedule days", func(p *Policy) { p.RescheduleUntil = -1 }},
		{"reschedule days over the limit", func(p *Policy) { p.RescheduleUntil = DaysBeforeMax + 1 }},
		{"MaxInt reschedule days", func(p *Policy) { p.RescheduleUntil = math.MaxInt }},
		{"MinInt reschedule days", func(p *Policy) { p.RescheduleUntil = math.MinInt }},
		{"negative cancel days", func(p *Policy) { p.CancelUntil = -1 }},
		{"cancel days over the limit", func(p *Policy) { p.CancelUntil = DaysBeforeMax + 1 }},
		{"MaxInt cancel days", func(p *Policy) { p.CancelUntil = math.MaxInt }},
		{"MinInt cancel days", func(p *Policy) { p.CancelUntil = math.MinInt }},
		{"negative check-in lead", func(p *Policy) { p.CheckInEarly = -time.Nanosecond }},
		{"check-in lead over the limit", func(p *Policy) { p.CheckInEarly = CheckInEarlyMax + time.Nanosecond }},
		{"MaxInt64 check-in lead", func(p *Policy) { p.CheckInEarly = math.MaxInt64 }},
		{"MinInt64 check-in lead", func(p *Policy) { p.CheckInEarly = math.MinInt64 }},
		{"negative re-apply months", func(p *Policy) { p.ReapplyAfterMonths = -1 }},
		{"re-apply months over the limit", func(p *Policy) { p.ReapplyAfterMonths = ReapplyAfterMonthsMax + 1 }},
		{"MaxInt re-apply months", func(p *Policy) { p.ReapplyAfterMonths = math.MaxInt }},
		{"MinInt re-apply months", func(p *Policy) { p.ReapplyAfterMonths = math.MinInt }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Default()
			tt.give(&p)
			require.ErrorIs(t, p.Validate(), ErrBadPolicy)
		})
	}
	require.NoError(t, Policy{}.Validate(), "the zero Policy is valid")
	require.NoError(t, Default().Validate())
	require.NoError(t, Policy{ReschedulesMax: ReschedulesMaxLimit, RescheduleUntil: DaysBeforeMax, CancelUntil: DaysBeforeMax,
		CheckInEarly: CheckInEarlyMax, ReapplyAfterMonths: ReapplyAfterMonthsMax}.Validate(), "every limit itself is allowed")
}

// Every window function answers for any arrival, instant and zone, and
// every refusal is a *WindowError for the right action.
func TestAdversarialWindowsAnswerAnything(t *testing.T) {
	arrivals := []calendar.Date{{}, calendar.NewDate(calendar.YearMin, 1, 1), calendar.NewDate(calendar.YearMin, 1, 2),
		arrival, calendar.NewDate(calendar.YearMax, 12, 31)}
	zones := []*time.Location{nil, time.UTC, calendar.Jakarta(), calendar.Jayapura(), time.FixedZone("-12", -12*3600)}
	instants := []time.Time{{}, time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), time.Unix(math.MaxInt64/4, 0), time.Unix(math.MinInt64/4, 0)}
	offsets := []time.Duration{math.MinInt64, -time.Hour, 0, 8 * time.Hour, 24 * time.Hour, math.MaxInt64}
	policies := []Policy{{}, Default(), {ReschedulesMax: ReschedulesMaxLimit, RescheduleUntil: DaysBeforeMax, CancelUntil: DaysBeforeMax,
		CheckInEarly: CheckInEarlyMax, ReapplyAfterMonths: ReapplyAfterMonthsMax}}

	for _, p := range policies {
		for _, a := range arrivals {
			for _, loc := range zones {
				for _, now := range instants {
					if err := p.CanCancel(now, a, loc); err != nil {
						requireOneSentinel(t, err, ErrCancelClosed)
					}
					if err := p.CanReapply(now, a, loc); err != nil {
						requireOneSentinel(t, err, ErrReapplyTooSoon)
					}
					for _, done := range []int{math.MinInt, 0, p.ReschedulesMax, math.MaxInt} {
						// The documented order: the window, then the count.
						err := p.CanReschedule(now, a, done, loc)
						switch {
						case !now.Before(p.RescheduleDeadline(a, loc)):
							requireOneSentinel(t, err, ErrRescheduleClosed)
						case done >= p.ReschedulesMax:
							requireOneSentinel(t, err, ErrRescheduleLimit)
						case err != nil:
							var we *WindowError
							require.ErrorAs(t, err, &we)
							require.Equal(t, Reschedule, we.Action)
						}
					}
					for _, start := range offsets {
						for _, end := range offsets {
							if err := p.CanCheckIn(now, a, start, end, loc); err != nil {
								var we *WindowError
								require.ErrorAs(t, err, &we)
								require.Equal(t, CheckIn, we.Action)
								require.True(t, errors.Is(err, ErrCheckInEarly) != errors.Is(err, ErrCheckInLate), "early or late: %v", err)
							}
							p.CheckInWindow(a, start, end, loc)
							p.NoShowAt(a, end, loc)
						}
					}
				}
				p.RescheduleDeadline(a, loc)
				p.CancelDeadline(a, loc)
				p.ReapplyFrom(a, loc)
			}
		}
	}
}

// The deadline of an arrival on the first representable day is the zero
// instant itself; a refusal against it must still say the window closed,
// not that the booking was rescheduled too often.
func TestAdversarialRescheduleDeadlineAtTheZeroInstant(t *testing.T) {
	p := Default()
	for _, a := range []calendar.Date{calendar.NewDate(calendar.YearMin, 1, 1), {}} {
		err := p.CanReschedule(time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC), a, 0, time.UTC)
		requireOneSentinel(t, err, ErrRescheduleClosed)
	}
}

// A previous arrival late in year 9999 opens its re-apply window after
// the last Date, but still in the future: the window is not open now.
func TestAdversarialReapplyBeyondTheLastDate(t *testing.T) {
	p := Default()
	last := calendar.NewDate(calendar.YearMax, time.December, 10)
	from := p.ReapplyFrom(last, time.UTC)
	require.True(t, from.After(time.Date(calendar.YearMax, time.December, 31, 0, 0, 0, 0, time.UTC)), "re-apply from %v", from)
	requireOneSentinel(t, p.CanReapply(time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), last, time.UTC), ErrReapplyTooSoon)
}

// Past the last Date the window still clamps to the end of a shorter
// month, as its documentation promises: 31 December plus two months is
// 29 February of the (leap) year after, not 2 March.
func TestAdversarialReapplyBeyondTheLastDateClamps(t *testing.T) {
	p := Default()
	p.ReapplyAfterMonths = 2
	from := p.ReapplyFrom(calendar.NewDate(calendar.YearMax, time.December, 31), time.UTC)
	require.Equal(t, time.Date(calendar.YearMax+1, time.February, 29, 0, 0, 0, 0, time.UTC), from)
}

// A check-in window never opens after it closes when the slot starts
// before it ends, however far from midnight the offsets lie.
func TestAdversarialCheckInWindowOrder(t *testing.T) {
	p := Default()
	for _, tt := range []struct {
		name       string
		start, end time.Duration
	}{
		{name: "ordinary slot", start: 8 * time.Hour, end: 9 * time.Hour},
		{name: "slot at midnight", start: 0, end: time.Hour},
		{name: "negative start", start: -48 * time.Hour, end: time.Hour},
		{name: "huge end", start: 0, end: math.MaxInt64},
		{name: "MinInt64 start", start: math.MinInt64, end: 9 * time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opens, closes := p.CheckInWindow(arrival, tt.start, tt.end, calendar.Jakarta())
			require.False(t, opens.After(closes), "opens %v, closes %v", opens, closes)
		})
	}
}

func TestAdversarialErrorValues(t *testing.T) {
	for _, a := range []Action{0, Reapply + 1, 255} {
		require.Equal(t, "Action("+strconv.Itoa(int(a))+")", a.String())
		we := &WindowError{Action: a}
		require.NotPanics(t, func() { _ = we.Error() })
		for _, s := range advSentinels {
			require.False(t, errors.Is(we, s), "an unknown action matches no sentinel")
		}
	}
	var zero WindowError
	require.NotPanics(t, func() { _ = zero.Error() })
	for _, s := range append(advSentinels, ErrBadPolicy) {
		require.False(t, errors.Is(&zero, s), "the zero WindowError matches nothing")
	}
}
