package booking_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// AppendMonth and AppendMonthIn show every day as Month and MonthIn do —
// before the release, after it, with a slot sold out, on the day itself —
// and allocate nothing once their slice holds a month.
func TestAppendMonthAgreesWithMonth(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	var states []quota.DayState
	check := func(when string) {
		t.Helper()
		all, err := e.Month(bg, kt.Office, 2026, time.December)
		require.NoError(t, err)
		states, err = e.AppendMonth(bg, states[:0], kt.Office, 2026, time.December)
		require.NoError(t, err)
		require.Len(t, states, len(all))
		for i, d := range all {
			require.Equal(t, d.Date, states[i].Date, when)
			require.Equal(t, d.State, states[i].State, "%s: %s, all pools", when, d.Date)
		}
		for _, pool := range []string{kt.Online, kt.WalkIn} {
			one, err := e.MonthIn(bg, kt.Office, pool, 2026, time.December)
			require.NoError(t, err)
			states, err = e.AppendMonthIn(bg, states[:0], kt.Office, pool, 2026, time.December)
			require.NoError(t, err)
			for i, d := range one {
				require.Equal(t, d.State, states[i].State, "%s: %s, pool %s", when, d.Date, pool)
			}
		}
	}
	clk.Set(kt.T1.Add(-2 * time.Hour)) // before December's release
	check("before the release")
	clk.Set(kt.T1)
	check("released")
	for acc := 1; acc <= 2; acc++ { // the walk-in pool of Dec 10 08:00 sold out
		r := kt.HoldRequest(t, acc)
		r.Pool = kt.WalkIn
		_, err := e.Hold(bg, r)
		require.NoError(t, err)
	}
	require.NoError(t, e.CloseDay(bg, kt.Office, kt.Dec11, "rapat"))
	check("a pool sold out, a day closed")
	clk.Set(time.Date(2026, time.December, 10, 8, 30, 0, 0, kt.WIB))
	check("on the day, slot 0 started")

	allocs := testing.AllocsPerRun(100, func() {
		states, _ = e.AppendMonthIn(bg, states[:0], kt.Office, kt.Online, 2026, time.December)
	})
	require.Zero(t, allocs)

	_, err := e.AppendMonth(bg, nil, "NOPE", 2026, time.December)
	require.ErrorIs(t, err, ErrUnknownOffice)
	_, err = e.AppendMonthIn(bg, nil, kt.Office, "vip", 2026, time.December)
	require.ErrorIs(t, err, ErrUnknownPool)
}

// BenchmarkEngineMonth: one op is one office's month as the engine shows
// it: Month (seat counts, every cell read) against AppendMonthIn (states,
// a few words a day).
func BenchmarkEngineMonth(b *testing.B) {
	e := benchEngine(b, 1, 10, nil)
	b.Run("Month", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Month(bg, "OFC0", 2026, time.December); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AppendMonthIn", func(b *testing.B) {
		var states []quota.DayState
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if states, err = e.AppendMonthIn(bg, states[:0], "OFC0", kt.Online, 2026, time.December); err != nil {
				b.Fatal(err)
			}
		}
	})
}
