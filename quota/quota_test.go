package quota

import (
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

func testConfig(t tb) Config {
	t.Helper()
	holidays, err := calendar.NewHolidays(calendar.HolidayEntry{Date: dec25, Kind: calendar.National, Name: "Hari Raya Natal"})
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
