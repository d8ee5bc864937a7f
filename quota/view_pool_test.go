package quota

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// The online calendar counts the online pool only: walk-in seats never make
// a day green there.
func TestMonthInCountsOnePool(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec11, 0, online, 3, t1))
	require.NoError(t, l.Reserve(id, dec11, 1, online, 3, t1))

	all, err := l.Month(id, 2026, time.December, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, all[10].State, "walk-in seats remain")

	tests := []struct {
		pool      int
		wantMonth string
		wantPools []PoolSeats // the 11th
		wantLeft  int
	}{
		{
			pool: online,
			//          1234567890123456789012345678901
			wantMonth: "AAAAWWAAAAFWWAAAAAWWAAAAHWWAAAA",
			wantPools: []PoolSeats{{Pool: "online", Left: 0, Capacity: 6}},
		},
		{
			pool:      walkIn,
			wantMonth: "AAAAWWAAAAAWWAAAAAWWAAAAHWWAAAA",
			wantPools: []PoolSeats{{Pool: "walk-in", Left: 4, Capacity: 4}},
			wantLeft:  4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.wantPools[0].Pool, func(t *testing.T) {
			days, err := l.MonthIn(id, tt.pool, 2026, time.December, t1)
			require.NoError(t, err)
			require.Len(t, days, 31)
			require.Equal(t, tt.wantMonth, letters(days))
			require.Equal(t, tt.wantPools, days[10].Pools)
			require.Equal(t, tt.wantLeft, days[10].Left)
			require.Equal(t, "Hari Raya Natal", days[24].Reason)
			require.True(t, days[0].Opens.Equal(t1))

			v, err := l.DayIn(id, tt.pool, dec11, t1)
			require.NoError(t, err)
			require.Equal(t, days[10].State, v.State)
			require.Equal(t, tt.wantPools, v.Pools)
			require.Len(t, v.Slots, 2)
			for _, sv := range v.Slots {
				require.Len(t, sv.Pools, 1)
				require.Equal(t, tt.wantPools[0].Pool, sv.Pools[0].Pool)
			}
		})
	}
}

// MonthIn and DayIn are Month and Day seen through one pool: for every day,
// slot and instant, the one-pool view is the all-pools view's entry for
// that pool, with the state StateIn gives it. The office has seats taken,
// a closed day, a closed slot, a capacity changed, a cell without quota and
// a moved release; the instants cover before the release, the release, and
// slots starting.
func TestViewInIsViewProjected(t *testing.T) {
	l := advLedger(t)
	require.NoError(t, l.SetCapacity(0, dec10, 1, walkIn, 0))
	require.NoError(t, l.SetReleaseAt(0, calendar.NewDate(2026, 12, 16), t1.Add(time.Hour)))
	names := []string{"online", "walk-in"}
	for _, now := range []time.Time{t0, t1, t2, t3, t4, time.Date(2026, 12, 11, 8, 30, 0, 0, wib)} {
		all, err := l.Month(0, 2026, time.December, now)
		require.NoError(t, err)
		for p, name := range names {
			in, err := l.MonthIn(0, p, 2026, time.December, now)
			require.NoError(t, err)
			require.Len(t, in, len(all))
			for i, d := range all {
				want := d
				want.State = d.StateIn(name)
				want.Pools = []PoolSeats{d.Pools[p]}
				want.Left = d.Pools[p].Left
				require.Equal(t, want, in[i], "%s in %s at %v", d.Date, name, now)
			}
		}
		for _, date := range []calendar.Date{dec10, dec11, calendar.NewDate(2026, 12, 14), dec12, dec25, jan01} {
			day, err := l.Day(0, date, now)
			require.NoError(t, err)
			for p, name := range names {
				got, err := l.DayIn(0, p, date, now)
				require.NoError(t, err)
				require.Equal(t, day.StateIn(name), got.State, "%s in %s at %v", date, name, now)
				require.Equal(t, []PoolSeats{day.Pools[p]}, got.Pools)
				require.Equal(t, day.Pools[p].Left, got.Left)
				require.Equal(t, day.Reason, got.Reason)
				require.Len(t, got.Slots, len(day.Slots))
				for s, sv := range day.Slots {
					want := sv
					want.State = sv.StateIn(name)
					want.Pools = []PoolSeats{sv.Pools[p]}
					require.Equal(t, want, got.Slots[s], "%s slot %d in %s at %v", date, s, name, now)
				}
			}
		}
	}
}

func TestViewInErrors(t *testing.T) {
	l, id := newTestLedger(t)
	type test struct {
		name string
		call func() error
		want error
	}
	month := func(id OfficeID, pool, year int, m time.Month) func() error {
		return func() error { _, err := l.MonthIn(id, pool, year, m, t1); return err }
	}
	day := func(id OfficeID, pool int, d calendar.Date) func() error {
		return func() error { _, err := l.DayIn(id, pool, d, t1); return err }
	}
	tests := []test{
		{name: "month, unknown office", call: month(id+1, 0, 2026, 12), want: ErrUnknownOffice},
		{name: "month, office OfficesMax", call: month(OfficesMax, 0, 2026, 12), want: ErrUnknownOffice},
		{name: "month, unknown office before a bad pool", call: month(id+1, -1, 0, 13), want: ErrUnknownOffice},
		{name: "month, pool -1", call: month(id, -1, 2026, 12), want: ErrUnknownPool},
		{name: "month, pool 2", call: month(id, 2, 2026, 12), want: ErrUnknownPool},
		{name: "month, pool MaxInt", call: month(id, math.MaxInt, 2026, 12), want: ErrUnknownPool},
		{name: "month, pool MinInt", call: month(id, math.MinInt, 2026, 12), want: ErrUnknownPool},
		{name: "month, bad pool before a bad month", call: month(id, 2, 2026, 13), want: ErrUnknownPool},
		{name: "month 0", call: month(id, 0, 2026, 0), want: calendar.ErrBadDate},
		{name: "month 13", call: month(id, 1, 2026, 13), want: calendar.ErrBadDate},
		{name: "year 0", call: month(id, 0, 0, 1), want: calendar.ErrBadDate},
		{name: "year 10000", call: month(id, 0, 10000, 1), want: calendar.ErrBadDate},
		{name: "day, unknown office", call: day(id+1, 0, dec10), want: ErrUnknownOffice},
		{name: "day, pool -1", call: day(id, -1, dec10), want: ErrUnknownPool},
		{name: "day, pool 2", call: day(id, 2, dec10), want: ErrUnknownPool},
		{name: "day, bad pool before the zero date", call: day(id, 2, calendar.Date{}), want: ErrUnknownPool},
		{name: "day, zero date", call: day(id, 0, calendar.Date{}), want: calendar.ErrBadDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.call(), tt.want)
		})
	}
	var zero Ledger
	_, err := zero.MonthIn(0, 0, 2026, 12, t1)
	require.ErrorIs(t, err, ErrUnknownOffice)
	_, err = zero.DayIn(0, 0, dec10, t1)
	require.ErrorIs(t, err, ErrUnknownOffice)
}

// StateIn has a value receiver, so it works on a map's values, which are
// not addressable; and it asks by name.
func TestStateInOnMapValues(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec11, 0, online, 3, t1))
	require.NoError(t, l.Reserve(id, dec11, 1, online, 3, t1))
	days, err := l.Month(id, 2026, time.December, t1)
	require.NoError(t, err)
	byDate := map[calendar.Date]DayView{}
	for _, d := range days {
		byDate[d.Date] = d
	}
	tests := []struct {
		date calendar.Date
		give string
		want calendar.State
	}{
		{date: dec11, give: "online", want: calendar.Full},
		{date: dec11, give: "walk-in", want: calendar.Available},
		{date: dec11, give: "vip", want: calendar.Available},
		{date: dec10, give: "online", want: calendar.Available},
		{date: dec12, give: "online", want: calendar.DayOff},
		{date: dec25, give: "walk-in", want: calendar.Holiday},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, byDate[tt.date].StateIn(tt.give), "%s in %s", tt.date, tt.give)
	}

	v, err := l.Day(id, dec11, t1)
	require.NoError(t, err)
	slots := map[string]SlotView{}
	for _, sv := range v.Slots {
		slots[sv.Span()] = sv
	}
	require.Equal(t, calendar.Full, slots["08:00–09:00"].StateIn("online"))
	require.Equal(t, calendar.Available, slots["09:00–10:00"].StateIn("walk-in"))
}

// The views name their pools from the table's own strings: how many times
// a view allocates does not depend on its days, pools or names.
func TestViewAllocations(t *testing.T) {
	l, id := newTestLedger(t)
	tests := []struct {
		name string
		call func()
		want float64
	}{
		// The days and one backing array of pools.
		{name: "Month", call: func() { _, _ = l.Month(id, 2026, time.December, t1) }, want: 2},
		{name: "MonthIn", call: func() { _, _ = l.MonthIn(id, walkIn, 2026, time.December, t1) }, want: 2},
		// The day's pools, the slots, and one backing array of their pools.
		{name: "Day", call: func() { _, _ = l.Day(id, dec10, t1) }, want: 3},
		{name: "DayIn", call: func() { _, _ = l.DayIn(id, online, dec10, t1) }, want: 3},
		// A day outside the table has no slots.
		{name: "Day outside", call: func() { _, _ = l.Day(id, jan01, t1) }, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, testing.AllocsPerRun(100, tt.call))
		})
	}
	v, err := l.Day(id, dec10, t1)
	require.NoError(t, err)
	require.Zero(t, testing.AllocsPerRun(100, func() {
		_ = v.StateIn("walk-in")
		_ = v.Slots[1].StateIn("vip")
	}))
}
