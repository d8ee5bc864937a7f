package calendar

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func holidays(t *testing.T, entries ...HolidayEntry) Holidays {
	t.Helper()
	h, err := NewHolidays(entries...)
	require.NoError(t, err)
	return h
}

func national(date Date, name string) HolidayEntry {
	return HolidayEntry{Date: date, Kind: National, Name: name}
}

func TestHolidaysCovers(t *testing.T) {
	two := holidays(t, national(d(2025, 12, 25), "Natal 2025"), national(d(2026, 1, 1), "Tahun Baru 2026"))
	parsed, err := ParseHolidays(strings.NewReader("date,kind,name\n2024-12-25,national,Natal\n2026-01-01,national,Tahun Baru\n"))
	require.NoError(t, err)
	declared, err := two.WithYears(2030, 2025, 2030)
	require.NoError(t, err)

	tests := []struct {
		name string
		give Holidays
		want []int
	}{
		{name: "zero", give: Holidays{}, want: nil},
		{name: "empty", give: holidays(t), want: nil},
		{name: "years of the entries", give: two, want: []int{2025, 2026}},
		{name: "parsed, a year skipped", give: parsed, want: []int{2024, 2026}},
		{name: "declared, no entry", give: declared, want: []int{2025, 2026, 2030}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.give.Years())
			for y := 2023; y <= 2031; y++ {
				require.Equal(t, slices.Contains(tt.want, y), tt.give.Covers(y), "%d", y)
			}
		})
	}
	// WithYears adds no entry, and leaves the original as it was.
	require.Equal(t, two.Len(), declared.Len())
	require.False(t, two.Covers(2030))
	// Years is the caller's own.
	y := declared.Years()
	y[0] = 1999
	require.Equal(t, []int{2025, 2026, 2030}, declared.Years())
}

func TestWithYearsRange(t *testing.T) {
	for _, y := range []int{YearMin - 1, YearMax + 1, -2026} {
		_, err := Holidays{}.WithYears(2026, y)
		require.ErrorIs(t, err, ErrBadHolidayYear, "%d", y)
	}
	h, err := Holidays{}.WithYears(YearMin, YearMax)
	require.NoError(t, err)
	require.Equal(t, []int{YearMin, YearMax}, h.Years())
}

// MergeHolidays works a year at a time: a later list replaces the years it
// covers, whole, and adds the years it brings.
func TestMergeHolidays(t *testing.T) {
	shipped := holidays(t,
		national(d(2025, 1, 1), "Tahun Baru 2025"), national(d(2025, 12, 25), "Natal 2025"),
		national(d(2026, 1, 1), "Tahun Baru 2026"), national(d(2026, 12, 25), "Natal 2026"))
	amended2025 := holidays(t, national(d(2025, 1, 1), "Tahun Baru 2025"), national(d(2025, 8, 18), "Cuti 17an"))
	new2027 := holidays(t, national(d(2027, 1, 1), "Tahun Baru 2027"))
	empty2026, err := Holidays{}.WithYears(2026)
	require.NoError(t, err)

	tests := []struct {
		name      string
		give      []Holidays
		wantDates []string
		wantYears []int
	}{
		{name: "none", give: nil, wantDates: nil, wantYears: nil},
		{name: "one", give: []Holidays{shipped},
			wantDates: []string{"2025-01-01", "2025-12-25", "2026-01-01", "2026-12-25"}, wantYears: []int{2025, 2026}},
		{name: "newer year added", give: []Holidays{shipped, new2027},
			wantDates: []string{"2025-01-01", "2025-12-25", "2026-01-01", "2026-12-25", "2027-01-01"}, wantYears: []int{2025, 2026, 2027}},
		{name: "amended year replaced, not added to", give: []Holidays{shipped, amended2025},
			wantDates: []string{"2025-01-01", "2025-08-18", "2026-01-01", "2026-12-25"}, wantYears: []int{2025, 2026}},
		{name: "both, in either order", give: []Holidays{shipped, new2027, amended2025},
			wantDates: []string{"2025-01-01", "2025-08-18", "2026-01-01", "2026-12-25", "2027-01-01"}, wantYears: []int{2025, 2026, 2027}},
		{name: "earlier list loses", give: []Holidays{amended2025, shipped},
			wantDates: []string{"2025-01-01", "2025-12-25", "2026-01-01", "2026-12-25"}, wantYears: []int{2025, 2026}},
		{name: "a year declared empty", give: []Holidays{shipped, empty2026},
			wantDates: []string{"2025-01-01", "2025-12-25"}, wantYears: []int{2025, 2026}},
		{name: "empty list changes nothing", give: []Holidays{shipped, {}},
			wantDates: []string{"2025-01-01", "2025-12-25", "2026-01-01", "2026-12-25"}, wantYears: []int{2025, 2026}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MergeHolidays(tt.give...)
			require.NoError(t, err)
			var dates []string
			for e := range got.All() {
				dates = append(dates, e.Date.String())
			}
			require.Equal(t, tt.wantDates, dates)
			require.Equal(t, tt.wantYears, got.Years())
		})
	}
	// The name comes from the list that won the year.
	got, err := MergeHolidays(shipped, amended2025)
	require.NoError(t, err)
	e, ok := got.Lookup(d(2025, 8, 18))
	require.True(t, ok)
	require.Equal(t, "Cuti 17an", e.Name)
}

func TestMergeHolidaysLimit(t *testing.T) {
	a := make([]HolidayEntry, HolidaysMax)
	b := make([]HolidayEntry, 1)
	for i := range a {
		a[i] = national(d(2000, 1, 1).AddDays(i), "x")
	}
	b[0] = national(d(2100, 1, 1), "y")
	_, err := MergeHolidays(holidays(t, a...), holidays(t, b...))
	require.ErrorIs(t, err, ErrTooManyHolidays)
	// Replacing years keeps the count down: the same lists, the second
	// covering the first's last year, fit.
	b[0] = national(a[len(a)-1].Date, "y")
	got, err := MergeHolidays(holidays(t, a...), holidays(t, b...))
	require.NoError(t, err)
	require.LessOrEqual(t, got.Len(), HolidaysMax)
}

// The coverage rule at its boundaries: a schedule whose holidays cover
// 2026 shows 31 December 2026 as the service day it is and 1 January 2027
// as not opened, for want of data; days that are closed anyway say why.
func TestScheduleCoverage(t *testing.T) {
	h2026 := holidays(t, national(d(2026, 12, 25), "Hari Raya Natal"))
	h2027, err := MergeHolidays(h2026, holidays(t, national(d(2027, 1, 1), "Tahun Baru 2027")))
	require.NoError(t, err)
	declared2027, err := h2026.WithYears(2027)
	require.NoError(t, err)
	const noData = NoHolidayDataReason

	tests := []struct {
		name       string
		holidays   Holidays
		closures   []Closure
		give       Date
		wantState  State
		wantReason string
	}{
		{name: "last covered day", holidays: h2026, give: d(2026, 12, 31), wantState: Available},
		{name: "holiday in a covered year", holidays: h2026, give: d(2026, 12, 25), wantState: Holiday, wantReason: "Hari Raya Natal"},
		{name: "first uncovered day", holidays: h2026, give: d(2027, 1, 1), wantState: NotOpened, wantReason: noData},
		{name: "uncovered year before", holidays: h2026, give: d(2025, 12, 31), wantState: NotOpened, wantReason: noData},
		{name: "day off beats no data", holidays: h2026, give: d(2027, 1, 2), wantState: DayOff, wantReason: "weekly day off"},
		{name: "closure beats no data", holidays: h2026, closures: []Closure{{Date: d(2027, 1, 4), Reason: "Renovasi"}},
			give: d(2027, 1, 4), wantState: Holiday, wantReason: "Renovasi"},
		{name: "2027 loaded: a holiday", holidays: h2027, give: d(2027, 1, 1), wantState: Holiday, wantReason: "Tahun Baru 2027"},
		{name: "2027 loaded: a service day", holidays: h2027, give: d(2027, 1, 4), wantState: Available},
		{name: "2027 declared without holidays", holidays: declared2027, give: d(2027, 1, 1), wantState: Available},
		{name: "empty list enforces nothing", holidays: Holidays{}, give: d(2027, 1, 1), wantState: Available},
		{name: "empty list, far year", holidays: Holidays{}, give: d(9999, 12, 31), wantState: Available},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Schedule{Location: wib, Holidays: tt.holidays, Closures: tt.closures}
			require.NoError(t, s.Validate())
			st, reason := s.Status(tt.give)
			require.Equal(t, tt.wantState, st)
			require.Equal(t, tt.wantReason, reason)
		})
	}
}

func TestUncoveredYears(t *testing.T) {
	h := holidays(t, national(d(2025, 1, 1), "a"), national(d(2026, 1, 1), "b"), national(d(2028, 1, 1), "c"))
	s := Schedule{Location: wib, Holidays: h}
	tests := []struct {
		name        string
		sched       Schedule
		first, last Date
		want        []int
	}{
		{name: "covered", sched: s, first: d(2025, 1, 1), last: d(2026, 12, 31), want: nil},
		{name: "one day over", sched: s, first: d(2026, 12, 1), last: d(2027, 1, 1), want: []int{2027}},
		{name: "gap and both ends", sched: s, first: d(2024, 6, 1), last: d(2029, 1, 1), want: []int{2024, 2027, 2029}},
		{name: "one day", sched: s, first: d(2027, 5, 5), last: d(2027, 5, 5), want: []int{2027}},
		{name: "reversed", sched: s, first: d(2029, 1, 1), last: d(2024, 1, 1), want: nil},
		{name: "zero first", sched: s, last: d(2027, 1, 1), want: nil},
		{name: "zero last", sched: s, first: d(2027, 1, 1), want: nil},
		{name: "empty list enforces nothing", sched: Schedule{Location: wib}, first: d(2024, 1, 1), last: d(2029, 1, 1), want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.sched.UncoveredYears(tt.first, tt.last))
		})
	}
}
