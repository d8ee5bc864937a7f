package quota

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// The coverage rule as the ledger shows it: the test office with holiday
// data for 2026 only and a table from 1 December 2026 to 31 January 2027,
// released at once, so that the rule alone keeps January shut.
var (
	dec31 = calendar.NewDate(2026, time.December, 31) // Thursday, the last covered day
	jan02 = calendar.NewDate(2027, time.January, 2)   // Saturday
	jan04 = calendar.NewDate(2027, time.January, 4)   // Monday
	jan05 = calendar.NewDate(2027, time.January, 5)
	jan06 = calendar.NewDate(2027, time.January, 6)
	jan29 = calendar.NewDate(2027, time.January, 29) // Friday, the table's last service day (the 31st its last day)
	feb01 = calendar.NewDate(2027, time.February, 1) // Monday, outside the table
)

func coverageConfig(t testing.TB, extra ...calendar.HolidayEntry) Config {
	t.Helper()
	cfg := testConfig(t)
	entries := append([]calendar.HolidayEntry{{Date: dec25, Kind: calendar.National, Name: "Hari Raya Natal"}}, extra...)
	h, err := calendar.NewHolidays(entries...)
	require.NoError(t, err)
	cfg.Schedule.Holidays = h
	cfg.Release = ReleaseRule{}
	cfg.Days = 62
	return cfg
}

func coverageLedger(t testing.TB) (*Ledger, OfficeID) {
	t.Helper()
	l := NewLedger()
	id, err := l.AddOffice(coverageConfig(t))
	require.NoError(t, err)
	return l, id
}

var newYear2027 = calendar.HolidayEntry{Date: jan01, Kind: calendar.National, Name: "Tahun Baru 2027 Masehi"}

// Day and Reserve at the boundary of the data: 31 December is bookable,
// 1 January is not opened for want of data, whatever else would decide.
func TestCoverageDay(t *testing.T) {
	l, id := coverageLedger(t)
	tests := []struct {
		name       string
		date       calendar.Date
		now        time.Time
		wantState  calendar.State
		wantReason string
		wantErr    error
	}{
		{name: "last covered day", date: dec31, now: t1, wantState: calendar.Available},
		{name: "covered holiday", date: dec25, now: t1, wantState: calendar.Holiday, wantReason: "Hari Raya Natal", wantErr: ErrClosed},
		{name: "first uncovered day", date: jan01, now: t1, wantState: calendar.NotOpened, wantReason: calendar.NoHolidayDataReason, wantErr: ErrNotOpened},
		{name: "uncovered Monday", date: jan04, now: t1, wantState: calendar.NotOpened, wantReason: calendar.NoHolidayDataReason, wantErr: ErrNotOpened},
		{name: "uncovered last day", date: jan29, now: t1, wantState: calendar.NotOpened, wantReason: calendar.NoHolidayDataReason, wantErr: ErrNotOpened},
		{name: "day off beats no data", date: jan02, now: t1, wantState: calendar.DayOff, wantReason: "weekly day off", wantErr: ErrClosed},
		{name: "past beats no data", date: jan04, now: jan05.Start(wib), wantState: calendar.Past, wantErr: ErrPast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := l.Day(id, tt.date, tt.now)
			require.NoError(t, err)
			require.Equal(t, tt.wantState, v.State)
			require.Equal(t, tt.wantReason, v.Reason)
			for _, s := range v.Slots {
				if tt.wantState == calendar.NotOpened {
					require.Equal(t, calendar.NotOpened, s.State, "slot %d", s.Slot)
					require.Equal(t, calendar.NoHolidayDataReason, s.Reason, "slot %d", s.Slot)
				}
			}
			if tt.wantState == calendar.NotOpened {
				require.True(t, v.Opens.IsZero(), "a day waiting for data has no release instant")
			}
			require.ErrorIs(t, l.Fits(id, tt.date, 0, online, 1, tt.now), tt.wantErr)
			err = l.Reserve(id, tt.date, 0, online, 1, tt.now)
			if tt.wantErr == nil {
				require.NoError(t, err)
				require.NoError(t, l.Release(id, tt.date, 0, online, 1))
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			requireCell(t, l, id, tt.date, 0, online, 3, 3)
		})
	}
}

// Every month view, the counters' fast path and the cells' walk alike,
// shows a day waiting for data as NotOpened with the reason; a service day
// outside the table stays OutsideHorizon. The views read no more than
// before: nothing allocated.
func TestCoverageMonths(t *testing.T) {
	l, id := coverageLedger(t)
	for _, m := range []time.Month{time.December, time.January, time.February} {
		year := 2027
		if m == time.December {
			year = 2026
		}
		for _, now := range []time.Time{t1, jan04.Start(wib).Add(8*time.Hour + 30*time.Minute)} {
			require.NoError(t, statesMismatch(l, id, year, m, now), "%v %v", m, now)
		}
	}

	dec, err := l.AppendMonth(nil, id, 2026, time.December, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, dec[30].State, "31 December")
	jan, err := l.AppendMonthIn(nil, id, online, 2027, time.January, t1)
	require.NoError(t, err)
	for _, d := range jan {
		want, reason := calendar.NotOpened, calendar.NoHolidayDataReason
		if wd := d.Date.Weekday(); wd == time.Saturday || wd == time.Sunday {
			want, reason = calendar.DayOff, "weekly day off"
		}
		require.Equal(t, want, d.State, "%s", d.Date)
		require.Equal(t, reason, d.Reason, "%s", d.Date)
	}
	feb, err := l.Month(id, 2027, time.February, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.OutsideHorizon, feb[0].State, "%s", feb01)
	require.Empty(t, feb[0].Reason)

	buf := make([]DayState, 0, 31)
	require.Zero(t, testing.AllocsPerRun(100, func() { buf, _ = l.AppendMonth(buf[:0], id, 2027, time.January, t1) }))
	require.Zero(t, testing.AllocsPerRun(100, func() { buf, _ = l.AppendMonthIn(buf[:0], id, online, 2027, time.February, t1) }))
}

// An operator's changes do not open a day waiting for data: a release
// brought forward leaves it not opened, a slot closure is told after the
// missing data, and only a closure of the whole day, the office's own
// word, is shown instead.
func TestCoverageOverrides(t *testing.T) {
	l, id := coverageLedger(t)
	require.NoError(t, l.SetReleaseAt(id, jan04, time.Time{}))
	require.NoError(t, l.CloseDay(id, jan05, "Banjir"))
	require.NoError(t, l.CloseSlot(id, jan06, 0, "Rapat"))
	require.NoError(t, l.CloseSlot(id, jan06, 1, "Rapat"))

	tests := []struct {
		date       calendar.Date
		wantState  calendar.State
		wantReason string
		wantErr    error
	}{
		{date: jan04, wantState: calendar.NotOpened, wantReason: calendar.NoHolidayDataReason, wantErr: ErrNotOpened},
		{date: jan05, wantState: calendar.Holiday, wantReason: "Banjir", wantErr: ErrClosed},
		{date: jan06, wantState: calendar.NotOpened, wantReason: calendar.NoHolidayDataReason, wantErr: ErrNotOpened},
	}
	for _, tt := range tests {
		t.Run(tt.date.String(), func(t *testing.T) {
			v, err := l.Day(id, tt.date, t1)
			require.NoError(t, err)
			require.Equal(t, tt.wantState, v.State)
			require.Equal(t, tt.wantReason, v.Reason)
			require.ErrorIs(t, l.Reserve(id, tt.date, 0, online, 1, t1), tt.wantErr)
		})
	}
	require.NoError(t, statesMismatch(l, id, 2027, time.January, t1))
}

// Loading the year's data with Reconfigure opens its days at once: New
// Year's Day becomes the holiday it is, the Monday after it bookable, and
// the seats taken in December stay taken. Taking the year away again
// shuts its days, but keeps what was booked in them.
func TestCoverageLoadYear(t *testing.T) {
	l, id := coverageLedger(t)
	require.NoError(t, l.Reserve(id, dec31, 0, online, 2, t1))
	cfg, err := l.Config(id)
	require.NoError(t, err)
	require.Equal(t, []int{2027}, cfg.UncoveredYears())

	withData := coverageConfig(t, newYear2027)
	require.Empty(t, withData.UncoveredYears())
	require.NoError(t, l.Reconfigure(id, withData, nil))
	v, err := l.Day(id, jan01, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Holiday, v.State)
	require.Equal(t, "Tahun Baru 2027 Masehi", v.Reason)
	require.NoError(t, l.Reserve(id, jan04, 0, online, 1, t1))
	requireCell(t, l, id, dec31, 0, online, 3, 1)
	jan, err := l.AppendMonth(nil, id, 2027, time.January, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Holiday, jan[0].State)
	require.Equal(t, calendar.Available, jan[3].State)
	require.NoError(t, statesMismatch(l, id, 2027, time.January, t1))

	require.NoError(t, l.Reconfigure(id, coverageConfig(t), nil))
	require.ErrorIs(t, l.Reserve(id, jan04, 0, online, 1, t1), ErrNotOpened)
	requireCell(t, l, id, jan04, 0, online, 3, 2)
	require.NoError(t, l.Release(id, jan04, 0, online, 1), "a booking made before still gives its seat back")
}

// An office whose holiday list is empty keeps no holidays and enforces
// nothing: January is as bookable as December.
func TestCoverageEmptyListEnforcesNothing(t *testing.T) {
	cfg := coverageConfig(t)
	cfg.Schedule.Holidays = calendar.Holidays{}
	require.Empty(t, cfg.UncoveredYears())
	l := NewLedger()
	id, err := l.AddOffice(cfg)
	require.NoError(t, err)
	for _, d := range []calendar.Date{dec25, jan01, jan04} {
		v, err := l.Day(id, d, t1)
		require.NoError(t, err)
		require.Equal(t, calendar.Available, v.State, "%s", d)
		require.NoError(t, l.Reserve(id, d, 0, online, 1, t1))
	}
}

func TestConfigUncoveredYears(t *testing.T) {
	cfg := coverageConfig(t)
	tests := []struct {
		name  string
		first calendar.Date
		days  int
		want  []int
	}{
		{name: "December only", first: calendar.NewDate(2026, 12, 1), days: 31, want: nil},
		{name: "one day into 2027", first: calendar.NewDate(2026, 12, 1), days: 32, want: []int{2027}},
		{name: "from 2025", first: calendar.NewDate(2025, 12, 31), days: 2, want: []int{2025}},
		{name: "the longest horizon", first: calendar.NewDate(2026, 12, 1), days: HorizonDaysMax, want: []int{2027, 2028}},
		{name: "no days", first: calendar.NewDate(2026, 12, 1), days: 0, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg.First, cfg.Days = tt.first, tt.days
			require.Equal(t, tt.want, cfg.UncoveredYears())
		})
	}
}
