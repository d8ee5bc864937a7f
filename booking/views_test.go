package booking_test

// The calendar views (Month, MonthIn, Day, DayIn, DayBookings): their
// refusals, and the zone the instants they show are in.

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// Instants come back in the office's time zone, whatever the host's.
func TestInstantsInOfficeZone(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	require.Equal(t, kt.WIB, b.PayBy.Location())
	require.Equal(t, kt.WIB, b.Created.Location())
	require.Equal(t, kt.WIB, b.History[0].At.Location())
	day, err := e.Day(bg, kt.Office, kt.Jan04)
	require.NoError(t, err)
	require.Equal(t, kt.WIB, day.Opens.Location())
	require.Equal(t, "2026-12-01 08:00 WIB", day.Opens.Format("2006-01-02 15:04 MST"))
}

func TestViewRefusals(t *testing.T) { runRefusals(t, advViewCalls()) }

// advViewCalls are refusals of Month, MonthIn, Day, DayIn and DayBookings.
func advViewCalls() []advCall {
	var calls []advCall
	add := func(name string, want error, call func(ctx context.Context, f *advFixture) error) {
		calls = append(calls, advCall{name: name, want: want, index: -1, call: call})
	}
	for _, code := range []string{"", "NOPE", advMiB} {
		name := fmt.Sprintf("%.8q", code)
		add("month, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { _, err := f.e.Month(ctx, code, 2026, 12); return err })
		add("day, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { _, err := f.e.Day(ctx, code, kt.Dec10); return err })
		add("day bookings, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error {
			_, err := f.e.DayBookings(ctx, code, kt.Dec10)
			return err
		})
		add("month in, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error {
			_, err := f.e.MonthIn(ctx, code, kt.Online, 2026, 12)
			return err
		})
		add("day in, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error {
			_, err := f.e.DayIn(ctx, code, kt.Online, kt.Dec10)
			return err
		})
	}
	for _, pool := range []string{"", "ONLINE", "online\n", "accelerated", advMiB} {
		name := fmt.Sprintf("%.8q", pool)
		add("month in, pool "+name, ErrUnknownPool, func(ctx context.Context, f *advFixture) error {
			_, err := f.e.MonthIn(ctx, kt.Office, pool, 2026, 12)
			return err
		})
		add("day in, pool "+name, ErrUnknownPool, func(ctx context.Context, f *advFixture) error {
			_, err := f.e.DayIn(ctx, kt.Office, pool, kt.Dec10)
			return err
		})
	}
	add("day in, zero date", calendar.ErrBadDate, func(ctx context.Context, f *advFixture) error {
		_, err := f.e.DayIn(ctx, kt.Office, kt.Online, calendar.Date{})
		return err
	})
	add("day, zero date", calendar.ErrBadDate, func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Day(ctx, kt.Office, calendar.Date{})
		return err
	})
	add("day bookings, zero date", calendar.ErrBadDate, func(ctx context.Context, f *advFixture) error {
		_, err := f.e.DayBookings(ctx, kt.Office, calendar.Date{})
		return err
	})
	for _, ym := range [][2]int{{0, 12}, {-1, 1}, {10000, 1}, {math.MaxInt, 1}, {math.MinInt, 1}, {2026, 0}, {2026, 13},
		{2026, -1}, {2026, math.MaxInt}, {2026, math.MinInt}, {calendar.YearMax, 13}, {calendar.YearMin, 0}} {
		add(fmt.Sprintf("month %d-%d", ym[0], ym[1]), calendar.ErrBadDate, func(ctx context.Context, f *advFixture) error {
			days, err := f.e.Month(ctx, kt.Office, ym[0], time.Month(ym[1]))
			if days != nil {
				return fmt.Errorf("a refused month returned %d days", len(days))
			}
			return err
		})
		add(fmt.Sprintf("month in %d-%d", ym[0], ym[1]), calendar.ErrBadDate, func(ctx context.Context, f *advFixture) error {
			days, err := f.e.MonthIn(ctx, kt.Office, kt.WalkIn, ym[0], time.Month(ym[1]))
			if days != nil {
				return fmt.Errorf("a refused month returned %d days", len(days))
			}
			return err
		})
	}
	return calls
}
