package idholiday_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/calendar/idholiday"
)

func d(y, m, dd int) calendar.Date { return calendar.NewDate(y, time.Month(m), dd) }

// Each shipped year parses, covers itself only, holds as many entries as
// its file has lines, and names its decree.
func TestYears(t *testing.T) {
	tests := []struct {
		year         int
		wantEntries  int // lines of the file, less the header
		wantNational int
		wantDecree   string // a part of it
	}{
		{year: 2024, wantEntries: 27, wantNational: 17, wantDecree: "SKB No. 855 Tahun 2023"},
		{year: 2025, wantEntries: 28, wantNational: 17, wantDecree: "amended by No. 933 Tahun 2025"},
		{year: 2026, wantEntries: 25, wantNational: 17, wantDecree: "SKB No. 1497 Tahun 2025"},
	}
	require.Equal(t, []int{2024, 2025, 2026}, idholiday.Years())
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.year), func(t *testing.T) {
			h, err := idholiday.Year(tt.year)
			require.NoError(t, err)
			require.Equal(t, tt.wantEntries, h.Len())
			require.Equal(t, []int{tt.year}, h.Years())
			national := 0
			for e := range h.All() {
				require.Equal(t, tt.year, e.Date.Year())
				if e.Kind == calendar.National {
					national++
				}
			}
			require.Equal(t, tt.wantNational, national)
			decree, ok := idholiday.Decree(tt.year)
			require.True(t, ok)
			require.Contains(t, decree, tt.wantDecree)
			// Every year has a New Year's Day and an Independence Day.
			for _, day := range []calendar.Date{d(tt.year, 1, 1), d(tt.year, 8, 17)} {
				e, ok := h.Lookup(day)
				require.True(t, ok, "%s", day)
				require.Equal(t, calendar.National, e.Kind)
			}
		})
	}
}

func TestUnknownYear(t *testing.T) {
	for _, year := range []int{2023, 2027, 0, -1} {
		_, err := idholiday.Year(year)
		require.ErrorIs(t, err, idholiday.ErrUnknownYear)
		_, ok := idholiday.Decree(year)
		require.False(t, ok)
	}
}

// The 2025 list is the amended one: it has 18 August 2025, the collective
// leave the amendment added.
func TestAmended2025(t *testing.T) {
	h, err := idholiday.Year(2025)
	require.NoError(t, err)
	e, ok := h.Lookup(d(2025, 8, 18))
	require.True(t, ok)
	require.Equal(t, calendar.CollectiveLeave, e.Kind)
	decree, _ := idholiday.Decree(2025)
	require.Contains(t, decree, "adds 18 August 2025")
}

func TestAll(t *testing.T) {
	all := idholiday.All()
	require.Equal(t, 27+28+25, all.Len())
	require.Equal(t, []int{2024, 2025, 2026}, all.Years())
	require.False(t, all.Covers(2023))
	require.False(t, all.Covers(2027))
	_, ok := all.Lookup(d(2025, 8, 18))
	require.True(t, ok)
}

const file2027 = `date,kind,name
2027-01-01,national,Tahun Baru 2027 Masehi
2027-08-17,national,Proklamasi Kemerdekaan Republik Indonesia
2027-12-25,national,Hari Raya Natal
`

// An operator's file for a year decreed after the release makes that year
// covered; the shipped years stay as they are.
func TestLoadNewerYear(t *testing.T) {
	h, err := idholiday.Load(strings.NewReader(file2027))
	require.NoError(t, err)
	require.Equal(t, []int{2024, 2025, 2026, 2027}, h.Years())
	require.Equal(t, 27+28+25+3, h.Len())
	e, ok := h.Lookup(d(2027, 1, 1))
	require.True(t, ok)
	require.Equal(t, "Tahun Baru 2027 Masehi", e.Name)
	_, ok = h.Lookup(d(2026, 12, 25))
	require.True(t, ok)
}

// An amended year replaces the shipped one entirely: a day the amendment
// leaves out is no longer a holiday, and the other years are untouched.
func TestLoadAmendedYear(t *testing.T) {
	amended := `date,kind,name
2025-01-01,national,Tahun Baru 2025 Masehi
2025-08-17,national,Proklamasi Kemerdekaan Republik Indonesia
2025-08-18,collective_leave,Cuti Bersama Proklamasi Kemerdekaan
2025-12-25,national,Hari Raya Natal
`
	h, err := idholiday.Load(strings.NewReader(amended))
	require.NoError(t, err)
	require.Equal(t, []int{2024, 2025, 2026}, h.Years())
	require.Equal(t, 27+4+25, h.Len())
	var got2025 []string
	for e := range h.All() {
		if e.Date.Year() == 2025 {
			got2025 = append(got2025, e.Date.String())
		}
	}
	require.Equal(t, []string{"2025-01-01", "2025-08-17", "2025-08-18", "2025-12-25"}, got2025)
	_, ok := h.Lookup(d(2025, 12, 26)) // in the shipped 2025, not in the amendment
	require.False(t, ok)
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		give string
		want error
	}{
		{name: "empty", give: "", want: calendar.ErrBadHolidayFile},
		{name: "wrong header", give: "day,kind,name\n", want: calendar.ErrBadHolidayFile},
		{name: "bad kind", give: "date,kind,name\n2027-01-01,regional,x\n", want: calendar.ErrBadHolidayKind},
		{name: "bad date", give: "date,kind,name\n2027-02-30,national,x\n", want: calendar.ErrBadDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := idholiday.Load(strings.NewReader(tt.give))
			require.ErrorIs(t, err, tt.want)
			var le *calendar.LineError
			require.ErrorAs(t, err, &le)
		})
	}
}

// A file whose year lacks New Year's Day or Independence Day as a
// national holiday is only part of a year, and would replace the whole:
// Load refuses it, and the shipped data stays as it was.
func TestLoadPartialYear(t *testing.T) {
	tests := []struct {
		name string
		give string
	}{
		{name: "the amendment's new day alone", give: "date,kind,name\n2025-08-18,collective_leave,Cuti Bersama Proklamasi Kemerdekaan\n"},
		{name: "no 17 August", give: "date,kind,name\n2027-01-01,national,Tahun Baru 2027 Masehi\n"},
		{name: "no 1 January", give: "date,kind,name\n2027-08-17,national,Proklamasi Kemerdekaan Republik Indonesia\n"},
		{name: "1 January not national", give: "date,kind,name\n2027-01-01,collective_leave,x\n2027-08-17,national,y\n"},
		{name: "one whole year, one partial", give: file2027[:len(file2027)-1] + "\n2028-01-01,national,Tahun Baru 2028 Masehi\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := idholiday.Load(strings.NewReader(tt.give))
			require.ErrorIs(t, err, idholiday.ErrPartialYear)
		})
	}
}
