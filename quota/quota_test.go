package quota

import (
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zone database

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// The test office is in Jakarta. Its quota table covers December 2026 and
// the whole month is released on 2026-11-01 at 08:00 WIB.
var (
	wib = calendar.Jakarta()

	t0 = time.Date(2026, time.November, 1, 7, 59, 59, 999_999_999, wib)  // a nanosecond before the release
	t1 = time.Date(2026, time.November, 1, 8, 0, 0, 0, wib)              // the release
	t2 = time.Date(2026, time.December, 10, 7, 59, 59, 999_999_999, wib) // a nanosecond before slot 0 of the 10th
	t3 = time.Date(2026, time.December, 10, 8, 0, 0, 0, wib)             // slot 0 of the 10th starts
	t4 = time.Date(2026, time.December, 10, 9, 0, 0, 0, wib)             // slot 1 of the 10th starts

	dec10 = calendar.NewDate(2026, time.December, 10) // Thursday
	dec11 = calendar.NewDate(2026, time.December, 11) // Friday
	dec12 = calendar.NewDate(2026, time.December, 12) // Saturday
	dec25 = calendar.NewDate(2026, time.December, 25) // Christmas, Friday
	nov30 = calendar.NewDate(2026, time.November, 30)
	jan01 = calendar.NewDate(2027, time.January, 1)
)

const (
	online = 0
	walkIn = 1
)

// tb is what the fixtures need of *testing.T, *testing.B and *rapid.T.
type tb interface {
	Helper()
	require.TestingT
}

// testConfig is the test office: Monday to Friday, Christmas 2026 off, two
// slots, December 2026. Its holiday data covers 2026 and, declared without
// a holiday, 2027, so that the tests that move its window into January
// find service days there; coverage_test.go tests what a year without
// data does.
func testConfig(t tb) Config {
	t.Helper()
	holidays, err := calendar.NewHolidays(calendar.HolidayEntry{Date: dec25, Kind: calendar.National, Name: "Hari Raya Natal"})
	require.NoError(t, err)
	holidays, err = holidays.WithYears(2027)
	require.NoError(t, err)
	return Config{
		Schedule: calendar.Schedule{Location: wib, Holidays: holidays},
		Layout: Layout{
			Pools: []string{"online", "walk-in"},
			Slots: []Slot{
				{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{3, 2}},
				{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{3, 2}},
			},
		},
		Release: ReleaseRule{Every: Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
		First:   calendar.NewDate(2026, time.December, 1),
		Days:    31,
	}
}

func newTestLedger(t testing.TB) (*Ledger, OfficeID) {
	t.Helper()
	l := NewLedger()
	id, err := l.AddOffice(testConfig(t))
	require.NoError(t, err)
	return l, id
}

func requireCell(t testing.TB, l *Ledger, id OfficeID, d calendar.Date, slot, pool, wantCap, wantLeft int) {
	t.Helper()
	c, err := l.Cell(id, d, slot, pool)
	require.NoError(t, err)
	require.Equal(t, CellState{Capacity: wantCap, Left: wantLeft, Closed: c.Closed}, c)
}

// frozenCells counts the cells of an office's current table whose frozen
// bit is set: outside a change in progress it must be none, or Reserve and
// Release on them would spin for ever.
func frozenCells(l *Ledger, id OfficeID) int {
	n := 0
	days := l.table(id).days
	for d := range days {
		dy := &days[d]
		for i := range dy.cells {
			if dy.cells[i].w.Load()&frozenBit != 0 {
				n++
			}
		}
	}
	return n
}

func requireNoFrozen(t testing.TB, l *Ledger) {
	t.Helper()
	for id := range OfficeID(l.Offices()) {
		require.Zero(t, frozenCells(l, id), "office %d has frozen cells", id)
	}
}

// advLedger returns the test office (ID 0) with seats taken and operator
// changes in place, and a second office (ID 1), so that a refusal has
// something to disturb.
func advLedger(t *testing.T) *Ledger {
	t.Helper()
	l, id := newTestLedger(t)
	other := testConfig(t)
	other.Schedule.Location = calendar.Jayapura()
	_, err := l.AddOffice(other)
	require.NoError(t, err)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 2, t1))
	require.NoError(t, l.Reserve(id, dec11, 1, walkIn, 1, t1))
	require.NoError(t, l.CloseDay(id, calendar.NewDate(2026, 12, 14), "renovasi"))
	require.NoError(t, l.CloseSlot(id, dec11, 0, "listrik padam"))
	require.NoError(t, l.SetCapacity(id, calendar.NewDate(2026, 12, 15), 1, online, 9))
	return l
}

// advLedgerState is everything observable about a Ledger.
type advLedgerState struct {
	Offices   int
	Configs   []Config
	Overrides [][]Override
	Cells     []CellState
	Days      []DayView
}

func captureLedger(t *testing.T, l *Ledger) advLedgerState {
	t.Helper()
	var st advLedgerState
	st.Offices = l.Offices()
	for id := range OfficeID(st.Offices) {
		cfg, err := l.Config(id)
		require.NoError(t, err)
		st.Configs = append(st.Configs, cfg)
		st.Overrides = append(st.Overrides, slices.Collect(l.Overrides(id)))
		for i := range cfg.Days {
			date := cfg.First.AddDays(i)
			for s := range cfg.Layout.Slots {
				for p := range cfg.Layout.Pools {
					c, err := l.Cell(id, date, s, p)
					require.NoError(t, err)
					st.Cells = append(st.Cells, c)
				}
			}
			v, err := l.Day(id, date, t1)
			require.NoError(t, err)
			st.Days = append(st.Days, v)
		}
	}
	requireNoFrozen(t, l)
	return st
}
