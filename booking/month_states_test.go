package booking_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
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

// BenchmarkEngineDay: one op is one day's slots in one pool as the engine
// shows them: DayIn (a DayView, three allocations) against AppendDayIn
// (states and seats into a kept slice).
func BenchmarkEngineDay(b *testing.B) {
	e := benchEngine(b, 1, 10, nil)
	b.Run("DayIn", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.DayIn(bg, "OFC0", kt.Online, benchFirst); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AppendDayIn", func(b *testing.B) {
		var slots []quota.SlotState
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if slots, err = e.AppendDayIn(bg, slots[:0], "OFC0", kt.Online, benchFirst); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// AppendDayIn shows each slot as DayIn does — seats left, a pool sold
// out, a slot closed, a day closed, a slot started — gives a lapsed
// hold's seat back as the other views do, and allocates nothing once its
// slice holds the day.
func TestAppendDayInAgreesWithDayIn(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	var slots []quota.SlotState
	check := func(when string, d calendar.Date) {
		t.Helper()
		for _, pool := range []string{kt.Online, kt.WalkIn} {
			view, err := e.DayIn(bg, kt.Office, pool, d)
			require.NoError(t, err)
			slots, err = e.AppendDayIn(bg, slots[:0], kt.Office, pool, d)
			require.NoError(t, err)
			require.Len(t, slots, len(view.Slots), "%s: %s, pool %s", when, d, pool)
			for i, s := range view.Slots {
				want := quota.SlotState{Slot: s.Slot, Start: s.Start, End: s.End, State: s.State, Reason: s.Reason, Left: s.Pools[0].Left}
				require.Equal(t, want, slots[i], "%s: %s, pool %s", when, d, pool)
			}
		}
	}
	clk.Set(kt.T1.Add(-2 * time.Hour))
	check("before the release", kt.Dec10)
	clk.Set(kt.T1)
	check("released", kt.Dec10)
	for acc := 1; acc <= 2; acc++ { // the walk-in pool of Dec 10 08:00 sold out
		r := kt.HoldRequest(t, acc)
		r.Pool = kt.WalkIn
		_, err := e.Hold(bg, r)
		require.NoError(t, err)
	}
	check("a pool sold out", kt.Dec10)
	slots, err := e.AppendDayIn(bg, slots[:0], kt.Office, kt.WalkIn, kt.Dec10)
	require.NoError(t, err)
	require.Equal(t, calendar.Full, slots[0].State)
	require.NoError(t, e.CloseSlot(bg, kt.Office, kt.Dec10, "09:00", "listrik padam"))
	require.NoError(t, e.CloseDay(bg, kt.Office, kt.Dec11, "rapat"))
	check("a slot closed", kt.Dec10)
	check("a day closed", kt.Dec11)

	// The holds lapse unpaid: the view expires them first, and their
	// seats are back.
	clk.Set(kt.T1.Add(HoldTTLMax + time.Hour))
	slots, err = e.AppendDayIn(bg, slots[:0], kt.Office, kt.WalkIn, kt.Dec10)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, slots[0].State)
	require.Equal(t, 2, slots[0].Left)
	check("the holds lapsed", kt.Dec10)

	clk.Set(time.Date(2026, time.December, 10, 8, 30, 0, 0, kt.WIB))
	check("on the day, slot 0 started", kt.Dec10)
	check("outside the window", calendar.NewDate(2027, time.March, 1))

	require.Zero(t, testing.AllocsPerRun(100, func() {
		slots, _ = e.AppendDayIn(bg, slots[:0], kt.Office, kt.Online, kt.Dec10)
	}))
	mark := []quota.SlotState{{Slot: 9}}
	for _, tt := range []struct {
		office, pool string
		d            calendar.Date
		want         error
	}{
		{"NOPE", kt.Online, kt.Dec10, ErrUnknownOffice},
		{kt.Office, "vip", kt.Dec10, ErrUnknownPool},
		{kt.Office, kt.Online, calendar.Date{}, calendar.ErrBadDate},
	} {
		got, err := e.AppendDayIn(bg, mark, tt.office, tt.pool, tt.d)
		require.ErrorIs(t, err, tt.want)
		require.Equal(t, mark, got)
	}
}
