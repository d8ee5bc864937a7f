package calendar

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseHolidaysShippedList(t *testing.T) {
	f, err := os.Open("idholiday/id-holidays-2026.csv")
	require.NoError(t, err)
	defer f.Close()

	h, err := ParseHolidays(f)
	require.NoError(t, err)
	require.Equal(t, 25, h.Len())

	natal, ok := h.Lookup(d(2026, time.December, 25))
	require.True(t, ok)
	require.Equal(t, HolidayEntry{Date: d(2026, time.December, 25), Kind: National, Name: "Hari Raya Natal"}, natal)

	cuti, ok := h.Lookup(d(2026, time.December, 24))
	require.True(t, ok)
	require.Equal(t, CollectiveLeave, cuti.Kind)

	_, ok = h.Lookup(d(2026, time.December, 23))
	require.False(t, ok)

	var prev Date
	for e := range h.All() {
		require.True(t, prev.Before(e.Date), "entries in date order")
		prev = e.Date
	}
}

func TestParseHolidaysErrors(t *testing.T) {
	const header = "date,kind,name\n"
	tests := []struct {
		name     string
		give     string
		wantErr  error
		wantLine int
	}{
		{name: "empty input", give: "", wantErr: ErrBadHolidayFile, wantLine: 1},
		{name: "wrong header", give: "tanggal,jenis,nama\n", wantErr: ErrBadHolidayFile, wantLine: 1},
		{name: "bad date", give: header + "2026-01-01,national,A\n2026-02-30,national,B\n", wantErr: ErrBadDate, wantLine: 3},
		{name: "bad kind", give: header + "2026-01-01,regional,A\n", wantErr: ErrBadHolidayKind, wantLine: 2},
		{name: "empty name", give: header + "2026-01-01,national,\n", wantErr: ErrBadHolidayName, wantLine: 2},
		{name: "control char in name", give: header + "2026-01-01,national,\"a\x01b\"\n", wantErr: ErrBadHolidayName, wantLine: 2},
		{name: "newline in name", give: header + "2026-01-01,national,\"two\nlines\"\n", wantErr: ErrBadHolidayName, wantLine: 2},
		{name: "name too long", give: header + "2026-01-01,national," + strings.Repeat("x", HolidayNameBytesMax+1) + "\n", wantErr: ErrBadHolidayName, wantLine: 2},
		{name: "duplicate", give: header + "2026-01-01,national,A\n2026-01-01,national,B\n", wantErr: ErrDuplicateHoliday, wantLine: 3},
		{name: "out of order", give: header + "2026-02-01,national,A\n2026-01-01,national,B\n", wantErr: ErrBadHolidayFile, wantLine: 3},
		{name: "too many fields", give: header + "2026-01-01,national,A,extra\n", wantErr: ErrBadHolidayFile, wantLine: 2},
		{name: "too few fields", give: header + "\n\n2026-01-01,national\n", wantErr: ErrBadHolidayFile, wantLine: 4},
		{name: "bare quote", give: header + "2026-01-01,national,a\"b\n", wantErr: ErrBadHolidayFile, wantLine: 2},
		// Found by FuzzParseHolidays: a record that fails to parse must not
		// be asked for its line (encoding/csv panics).
		{name: "unterminated quote", give: header + "0\"", wantErr: ErrBadHolidayFile, wantLine: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHolidays(strings.NewReader(tt.give))
			require.ErrorIs(t, err, tt.wantErr)
			var le *LineError
			require.True(t, errors.As(err, &le), "want a *LineError, got %T: %v", err, err)
			require.Equal(t, tt.wantLine, le.Line)
			require.Contains(t, err.Error(), "line ")
		})
	}
}

func TestParseHolidaysLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("date,kind,name\n")
	start := d(2000, time.January, 1)
	for i := 0; i <= HolidaysMax; i++ {
		b.WriteString(start.AddDays(i).String() + ",national,X\n")
	}
	_, err := ParseHolidays(strings.NewReader(b.String()))
	require.ErrorIs(t, err, ErrTooManyHolidays)

	huge := "date,kind,name\n2026-01-01,national," + strings.Repeat("x", HolidaysFileBytesMax) + "\n"
	_, err = ParseHolidays(strings.NewReader(huge))
	require.ErrorIs(t, err, ErrBadHolidayFile)
}

func TestParseHolidaysAcceptsBOMAndBlankLines(t *testing.T) {
	h, err := ParseHolidays(strings.NewReader("\ufeffdate,kind,name\n\n2026-01-01,national, Tahun Baru \n\n"))
	require.NoError(t, err)
	e, ok := h.Lookup(d(2026, time.January, 1))
	require.True(t, ok)
	require.Equal(t, "Tahun Baru", e.Name)
}

func TestNewHolidays(t *testing.T) {
	h, err := NewHolidays(
		HolidayEntry{Date: d(2026, time.December, 25), Kind: National, Name: "Natal"},
		HolidayEntry{Date: d(2026, time.January, 1), Kind: National, Name: "Tahun Baru"},
	)
	require.NoError(t, err)
	var got []string
	for e := range h.All() {
		got = append(got, e.Date.String())
	}
	require.Equal(t, []string{"2026-01-01", "2026-12-25"}, got, "sorted by date")

	tests := []struct {
		name string
		give []HolidayEntry
		want error
	}{
		{name: "zero date", give: []HolidayEntry{{Kind: National, Name: "x"}}, want: ErrBadDate},
		{name: "zero kind", give: []HolidayEntry{{Date: d(2026, 1, 1), Name: "x"}}, want: ErrBadHolidayKind},
		{name: "empty name", give: []HolidayEntry{{Date: d(2026, 1, 1), Kind: National}}, want: ErrBadHolidayName},
		{name: "duplicate", give: []HolidayEntry{{Date: d(2026, 1, 1), Kind: National, Name: "a"}, {Date: d(2026, 1, 1), Kind: CollectiveLeave, Name: "b"}}, want: ErrDuplicateHoliday},
		{name: "too many", give: make([]HolidayEntry, HolidaysMax+1), want: ErrTooManyHolidays},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewHolidays(tt.give...)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestHolidayKind(t *testing.T) {
	require.Equal(t, "national", National.String())
	require.Equal(t, "collective_leave", CollectiveLeave.String())
	require.Equal(t, "HolidayKind(9)", HolidayKind(9).String())
	k, err := ParseHolidayKind("collective_leave")
	require.NoError(t, err)
	require.Equal(t, CollectiveLeave, k)
	_, err = ParseHolidayKind("HolidayKind(0)")
	require.ErrorIs(t, err, ErrBadHolidayKind)
	_, err = ParseHolidayKind("")
	require.ErrorIs(t, err, ErrBadHolidayKind)
}

// FuzzParseHolidays checks that no input panics, and that whatever parses
// holds only valid, sorted, unique entries and covers exactly their years.
func FuzzParseHolidays(f *testing.F) {
	for _, year := range []string{"2024", "2025", "2026"} {
		data, err := os.ReadFile("idholiday/id-holidays-" + year + ".csv")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("date,kind,name\n2026-12-31,national,a\n2027-01-01,national,b\n2029-06-01,collective_leave,c\n")
	f.Add("date,kind,name\n2026-01-01,national,\"quoted, name\"\n")
	f.Add("date,kind,name\n2026-01-01,collective_leave,x\n2026-01-01,national,y\n")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHolidays(strings.NewReader(s))
		if err != nil {
			return
		}
		var prev Date
		var years []int
		for e := range h.All() {
			if err := checkEntry(e); err != nil {
				t.Fatalf("accepted a bad entry %+v: %v", e, err)
			}
			if !prev.Before(e.Date) {
				t.Fatalf("entries out of order at %v", e.Date)
			}
			prev = e.Date
			years = append(years, e.Date.Year())
		}
		if want, got := slices.Compact(years), h.Years(); !slices.Equal(want, got) {
			t.Fatalf("covers %v, want the entries' years %v", got, want)
		}
	})
}
