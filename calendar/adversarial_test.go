package calendar

// Adversarial input for every exported function and method of package
// calendar: each must return its documented error (or, for constructors
// of a Date, the zero Date), never panic, and never change what it was
// given.
//
// Deliberately not covered:
//   - ParseHolidays(nil): a nil io.Reader is a programmer error, and like
//     io.ReadAll(nil) it panics.
//   - Methods on a nil *Schedule or *LineError: nil receivers are
//     programmer errors.
//   - Date.Weekday and Date.EpochDays of the zero Date: documented as
//     meaningless, so there is nothing to assert.
//   - DaysIn for a month outside 1..12: unspecified.

import (
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// advMiB is a one-mebibyte string, the size of input a careless or hostile
// caller might pass anywhere a short label is expected.
var advMiB = strings.Repeat("x", 1<<20)

// advBadLabels are strings no label (holiday name, closure reason) may
// be: each is empty, too long, or not printable UTF-8.
var advBadLabels = map[string]string{
	"empty":             "",
	"newline":           "Hari Raya\nNatal",
	"carriage return":   "Natal\r",
	"NUL":               "Natal\x00",
	"escape sequence":   "\x1b[31mNatal",
	"DEL":               "Natal\x7f",
	"C1 control":        "Natal\u0085",
	"invalid UTF-8":     "Natal \xff\xfe",
	"truncated UTF-8":   "Natal \xe2\x80",
	"replacement rune":  "Natal \ufffd",
	"201 bytes":         strings.Repeat("n", 201),
	"one MiB":           advMiB,
	"one MiB with a LF": advMiB[:1000] + "\n" + advMiB[:1000],
}

// requirePrintableMessage fails unless err's message is short, valid
// UTF-8 and free of control characters: error messages end up in logs,
// and input quoted raw into one could forge a log line.
func requirePrintableMessage(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	require.Less(t, len(msg), 300, "error message is bounded: %.300q", msg)
	require.True(t, utf8.ValidString(msg), "error message is valid UTF-8: %q", msg)
	for _, r := range msg {
		require.False(t, unicode.IsControl(r), "error message holds control character %U: %q", r, msg)
	}
}

func TestAdversarialNewDate(t *testing.T) {
	tests := []struct {
		name  string
		year  int
		month time.Month
		day   int
		want  string // "0000-00-00" for the zero Date
	}{
		{name: "first date", year: YearMin, month: time.January, day: 1, want: "0001-01-01"},
		{name: "last date", year: YearMax, month: time.December, day: 31, want: "9999-12-31"},
		{name: "day before the first", year: YearMin, month: time.January, day: 0, want: "0000-00-00"},
		{name: "day after the last", year: YearMax, month: time.December, day: 32, want: "0000-00-00"},
		{name: "year zero", year: 0, month: time.December, day: 31, want: "0000-00-00"},
		{name: "year 10000", year: 10000, month: time.January, day: 1, want: "0000-00-00"},
		{name: "negative year", year: -2026, month: time.December, day: 10, want: "0000-00-00"},
		{name: "month 13 of the last year", year: YearMax, month: 13, day: 1, want: "0000-00-00"},
		{name: "month 0 of the first year", year: YearMin, month: 0, day: 1, want: "0000-00-00"},
		{name: "MaxInt year", year: math.MaxInt, month: time.December, day: 10, want: "0000-00-00"},
		{name: "MinInt year", year: math.MinInt, month: time.December, day: 10, want: "0000-00-00"},
		{name: "MaxInt year, month 13", year: math.MaxInt, month: 13, day: 1, want: "0000-00-00"},
		{name: "MinInt year, month -1", year: math.MinInt, month: -1, day: 1, want: "0000-00-00"},
		{name: "MaxInt month", year: 2026, month: math.MaxInt, day: 1, want: "0000-00-00"},
		{name: "MinInt month", year: 2026, month: math.MinInt, day: 1, want: "0000-00-00"},
		{name: "MaxInt day", year: 2026, month: time.December, day: math.MaxInt, want: "0000-00-00"},
		{name: "MinInt day", year: 2026, month: time.December, day: math.MinInt, want: "0000-00-00"},
		{name: "MaxInt day of the first year", year: YearMin, month: time.January, day: math.MaxInt, want: "0000-00-00"},
		{name: "MinInt day of the last year", year: YearMax, month: time.December, day: math.MinInt, want: "0000-00-00"},
		// MaxInt-1 = 12*768614336404564650 + 6: month MaxInt of year
		// 2026-768614336404564650 is July 2026, exactly.
		{name: "MaxInt month brought back in range", year: 2026 - 768614336404564650, month: math.MaxInt, day: 1, want: "2026-07-01"},
		// MinInt-1 = 12*(-768614336404564651) + 3: month MinInt of year
		// 2026-768614336404564650 lies ~7.7e17 years before year 1.
		{name: "MinInt month of a year that wraps into range", year: 2026 - 768614336404564650, month: math.MinInt, day: 1, want: "0000-00-00"},
		// ... and month MinInt of year 2026+768614336404564651 is April 2026.
		{name: "MinInt month brought back in range", year: 2026 + 768614336404564651, month: math.MinInt, day: 1, want: "2026-04-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewDate(tt.year, tt.month, tt.day)
			require.Equal(t, tt.want, got.String())
			require.Equal(t, tt.want == "0000-00-00", got.IsZero())
		})
	}
}

func TestAdversarialParseDate(t *testing.T) {
	tests := map[string]string{
		"empty":                    "",
		"short":                    "2026-12-1",
		"long":                     "2026-12-100",
		"slashes":                  "2026/12/10",
		"fullwidth digits":         "２０２６-１２-１０",
		"Arabic-Indic digit":       "2026-12-٣",
		"Devanagari digits":        "२०२६-12-10",
		"month 13":                 "2026-13-01",
		"month 00":                 "2026-00-10",
		"day 00":                   "2026-12-00",
		"day 32":                   "2026-12-32",
		"29 February, not leap":    "2026-02-29",
		"31 April":                 "2026-04-31",
		"year 0000":                "0000-01-01",
		"negative year":            "-001-01-01",
		"plus sign":                "+026-12-10",
		"leading space":            " 026-12-10",
		"trailing newline":         "2026-12-1\n",
		"newline inside":           "2026\n12-10",
		"NUL inside":               "2026-12\x0010",
		"invalid UTF-8":            "\xff\xff\xff\xff-12-10",
		"one MiB of digits":        strings.Repeat("9", 1<<20),
		"one MiB with newlines":    strings.Repeat("2026-12-10\n", 1<<16),
		"ISO with time":            "2026-12-10T00:00:00Z",
		"two-digit year":           "26-12-10xx",
		"hex":                      "0x7E-12-10",
		"underscore in the digits": "2_26-12-10",
	}
	for name, give := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseDate(give)
			require.ErrorIs(t, err, ErrBadDate)
			require.True(t, got.IsZero())
			requirePrintableMessage(t, err)

			d := NewDate(2026, time.December, 10)
			require.ErrorIs(t, d.UnmarshalText([]byte(give)), ErrBadDate)
			require.Equal(t, "2026-12-10", d.String(), "a refused UnmarshalText leaves the date alone")
		})
	}

	for _, s := range []string{"0001-01-01", "9999-12-31", "2000-02-29"} {
		got, err := ParseDate(s)
		require.NoError(t, err, s)
		require.Equal(t, s, got.String())
		text, err := got.MarshalText()
		require.NoError(t, err)
		require.Equal(t, s, string(text))
	}
	var z Date
	require.ErrorIs(t, z.UnmarshalText(nil), ErrBadDate)
	require.True(t, z.IsZero())
	text, err := z.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "0000-00-00", string(text), "the zero Date marshals as String says")
}

func TestAdversarialDateArithmetic(t *testing.T) {
	first, last, dec10 := NewDate(YearMin, time.January, 1), NewDate(YearMax, time.December, 31), NewDate(2026, time.December, 10)
	var zero Date
	tests := []struct {
		name string
		give Date
		want string
	}{
		{"zero plus 0 days", zero.AddDays(0), "0000-00-00"},
		{"zero plus 1 day", zero.AddDays(1), "0000-00-00"},
		{"zero plus 0 months", zero.AddMonths(0), "0000-00-00"},
		{"first minus 1 day", first.AddDays(-1), "0000-00-00"},
		{"last plus 1 day", last.AddDays(1), "0000-00-00"},
		{"first plus the whole range", first.AddDays(last.Sub(first)), "9999-12-31"},
		{"last minus the whole range", last.AddDays(-last.Sub(first)), "0001-01-01"},
		{"first minus 1 month", first.AddMonths(-1), "0000-00-00"},
		{"last plus 1 month", last.AddMonths(1), "0000-00-00"},
		{"MaxInt days", dec10.AddDays(math.MaxInt), "0000-00-00"},
		{"MinInt days", dec10.AddDays(math.MinInt), "0000-00-00"},
		{"MaxInt days from the first", first.AddDays(math.MaxInt), "0000-00-00"},
		{"MinInt days from the first", first.AddDays(math.MinInt), "0000-00-00"},
		{"MaxInt days from the last", last.AddDays(math.MaxInt), "0000-00-00"},
		{"MinInt days from the last", last.AddDays(math.MinInt), "0000-00-00"},
		{"MaxInt months", dec10.AddMonths(math.MaxInt), "0000-00-00"},
		{"MinInt months", dec10.AddMonths(math.MinInt), "0000-00-00"},
		{"MaxInt months from January", first.AddMonths(math.MaxInt), "0000-00-00"},
		{"MinInt months from December", last.AddMonths(math.MinInt), "0000-00-00"},
		{"epoch days MaxInt64", DateFromEpochDays(math.MaxInt64), "0000-00-00"},
		{"epoch days MinInt64", DateFromEpochDays(math.MinInt64), "0000-00-00"},
		{"epoch days of the first", DateFromEpochDays(first.EpochDays()), "0001-01-01"},
		{"epoch days before the first", DateFromEpochDays(first.EpochDays() - 1), "0000-00-00"},
		{"epoch days after the last", DateFromEpochDays(last.EpochDays() + 1), "0000-00-00"},
		{"zero instant in Jakarta", DateOf(time.Time{}, wib), "0001-01-01"},
		{"zero instant west of Greenwich", DateOf(time.Time{}, time.FixedZone("-05", -5*3600)), "0000-00-00"},
		{"zero instant, nil zone", DateOf(time.Time{}, nil), "0001-01-01"},
		{"year 10000 instant", DateOf(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), nil), "0000-00-00"},
		{"instant at MaxInt64 seconds", DateOf(time.Unix(math.MaxInt64, 0), wib), "0000-00-00"},
		{"instant at MinInt64 seconds", DateOf(time.Unix(math.MinInt64, 0), wib), "0000-00-00"},
		{"last instant of 9999 in Jayapura", DateOf(time.Date(9999, 12, 31, 14, 59, 59, 0, time.UTC), wit), "9999-12-31"},
		{"first instant of 10000 in Jayapura", DateOf(time.Date(9999, 12, 31, 15, 0, 0, 0, time.UTC), wit), "0000-00-00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.give.String())
		})
	}

	require.True(t, zero.Start(wib).IsZero(), "the zero Date starts at the zero instant")
	require.True(t, zero.Start(nil).IsZero())
	require.Equal(t, time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), dec10.Start(nil), "a nil zone means UTC")
	require.Equal(t, time.Date(YearMin, 1, 1, 0, 0, 0, 0, wit), first.Start(wit))
	west := time.FixedZone("-12", -12*3600)
	require.Equal(t, time.Date(YearMax, 12, 31, 0, 0, 0, 0, west), last.Start(west))

	require.Equal(t, time.Date(YearMin, 1, 1, 0, 0, 0, 0, time.UTC).Weekday(), first.Weekday())
	require.Equal(t, time.Date(YearMax, 12, 31, 0, 0, 0, 0, time.UTC).Weekday(), last.Weekday())
	y, m, dd := zero.Date()
	require.Equal(t, []int{0, 0, 0}, []int{y, int(m), dd})
	require.Equal(t, []int{0, 0, 0}, []int{zero.Year(), int(zero.Month()), zero.Day()})
	require.True(t, zero.Before(first) && first.After(zero) && zero.Compare(first) == -1 && first.Compare(zero) == 1)
	require.Equal(t, 0, zero.Compare(Date{}))
	require.Equal(t, 1, first.Sub(zero), "the zero Date sorts just before the first date")
	require.Equal(t, last.Sub(first), -first.Sub(last))
}

func TestAdversarialDaysIn(t *testing.T) {
	for _, year := range []int{math.MinInt, -1, 0, 1, 1900, 2000, 9999, 10000, math.MaxInt} {
		require.Equal(t, 31, DaysIn(year, time.January), year)
		require.Contains(t, []int{28, 29}, DaysIn(year, time.February), year)
		require.Equal(t, 30, DaysIn(year, time.April), year)
	}
}

func TestAdversarialScheduleValidate(t *testing.T) {
	dec10 := NewDate(2026, time.December, 10)
	closures := func(cs ...Closure) Schedule { return Schedule{Location: wib, Closures: cs} }
	type test struct {
		name string
		give Schedule
		want error
	}
	tests := []test{
		{name: "zero", give: Schedule{}, want: ErrNoLocation},
		{name: "time.Local", give: Schedule{Location: time.Local}, want: ErrNoLocation},
		{name: "week with bit 7", give: Schedule{Location: wib, Week: 1 << 7}, want: ErrNoServiceDays},
		{name: "week all bits", give: Schedule{Location: wib, Week: 0xFF}, want: ErrNoServiceDays},
		{name: "closure with the zero date", give: closures(Closure{Reason: "renovasi"}), want: ErrBadClosure},
		{name: "closure twice", give: closures(Closure{dec10, "a"}, Closure{dec10, "b"}), want: ErrBadClosure},
		{name: "too many closures", give: Schedule{Location: wib, Closures: make([]Closure, ClosuresMax+1)}, want: ErrTooManyClosures},
		{name: "reason with a line separator", give: closures(Closure{dec10, "renovasi\u2028forged line"}), want: ErrBadClosure},
		{name: "reason with a bidi override", give: closures(Closure{dec10, "renovasi\u202egnol"}), want: ErrBadClosure},
	}
	for name, reason := range advBadLabels {
		tests = append(tests, test{name: "reason " + name, give: closures(Closure{dec10, reason}), want: ErrBadClosure})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.give.Closures)
			err := tt.give.Validate()
			require.ErrorIs(t, err, tt.want)
			require.Equal(t, before, tt.give.Closures, "Validate changes nothing")
			// Status must still answer without panicking, whatever it
			// was given.
			for _, d := range []Date{{}, NewDate(YearMin, 1, 1), dec10, NewDate(YearMax, 12, 31)} {
				st, _ := tt.give.Status(d)
				require.Contains(t, []State{Available, Holiday, DayOff}, st)
			}
		})
	}
	require.Equal(t, MondayToFriday, (&Schedule{}).ServiceWeek())
}

func TestAdversarialHolidays(t *testing.T) {
	dec25 := NewDate(2026, time.December, 25)
	type test struct {
		name string
		give []HolidayEntry
		want error
	}
	tests := []test{
		{name: "zero entry", give: []HolidayEntry{{}}, want: ErrBadDate},
		{name: "zero date", give: []HolidayEntry{{Kind: National, Name: "Natal"}}, want: ErrBadDate},
		{name: "kind 0", give: []HolidayEntry{{Date: dec25, Name: "Natal"}}, want: ErrBadHolidayKind},
		{name: "kind 255", give: []HolidayEntry{{Date: dec25, Kind: 255, Name: "Natal"}}, want: ErrBadHolidayKind},
		{name: "duplicate date", give: []HolidayEntry{{dec25, National, "A"}, {dec25, CollectiveLeave, "B"}}, want: ErrDuplicateHoliday},
		{name: "too many", give: make([]HolidayEntry, HolidaysMax+1), want: ErrTooManyHolidays},
	}
	for name, label := range advBadLabels {
		tests = append(tests, test{name: "name " + name, give: []HolidayEntry{{dec25, National, label}}, want: ErrBadHolidayName})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.give)
			h, err := NewHolidays(tt.give...)
			require.ErrorIs(t, err, tt.want)
			require.Zero(t, h.Len())
			require.Equal(t, before, tt.give, "NewHolidays leaves its input alone")
		})
	}

	// A valid list given out of order is sorted in a copy: the caller's
	// slice keeps its order.
	give := []HolidayEntry{{dec25, National, "Natal"}, {NewDate(2026, 1, 1), National, "Tahun Baru"}}
	before := slices.Clone(give)
	h, err := NewHolidays(give...)
	require.NoError(t, err)
	require.Equal(t, before, give)
	give[0].Name = "changed"
	got, ok := h.Lookup(dec25)
	require.True(t, ok)
	require.Equal(t, "Natal", got.Name, "the list does not share the caller's array")

	var none Holidays
	_, ok = none.Lookup(Date{})
	require.False(t, ok)
	_, ok = none.Lookup(dec25)
	require.False(t, ok)
	require.Zero(t, none.Len())
	for range none.All() {
		t.Fatal("the zero Holidays yields nothing")
	}
}

func TestAdversarialParseHolidays(t *testing.T) {
	const header = "date,kind,name\n"
	var many strings.Builder
	many.WriteString(header)
	for i := range HolidaysMax + 1 {
		many.WriteString(NewDate(2000, 1, 1).AddDays(i).String() + ",national,Libur\n")
	}
	errBoom := errors.New("disk on fire")
	tests := []struct {
		name string
		give io.Reader
		want error
	}{
		{name: "reader fails at once", give: iotest.ErrReader(errBoom), want: errBoom},
		{name: "reader fails after the header", give: io.MultiReader(strings.NewReader(header), iotest.ErrReader(errBoom)), want: errBoom},
		{name: "only a BOM", give: strings.NewReader("\ufeff"), want: ErrBadHolidayFile},
		{name: "header without newline then garbage", give: strings.NewReader("date,kind,name" + "\x00\x00"), want: ErrBadHolidayFile},
		{name: "NUL bytes", give: strings.NewReader(strings.Repeat("\x00", 100)), want: ErrBadHolidayFile},
		{name: "invalid UTF-8 header", give: strings.NewReader("\xff\xfe,kind,name\n"), want: ErrBadHolidayFile},
		{name: "one MiB plus one byte", give: strings.NewReader(header + strings.Repeat("#", HolidaysFileBytesMax)), want: ErrBadHolidayFile},
		{name: "one MiB line of one field", give: strings.NewReader(header + "2026-12-25,national,\"" + advMiB + "\"\n"), want: ErrBadHolidayFile},
		{name: "a name of 300 KiB", give: strings.NewReader(header + "2026-12-25,national," + advMiB[:300<<10] + "\n"), want: ErrBadHolidayName},
		{name: "too many entries", give: strings.NewReader(many.String()), want: ErrTooManyHolidays},
		{name: "fullwidth date", give: strings.NewReader(header + "２０２６-１２-２５,national,Natal\n"), want: ErrBadDate},
		{name: "year 0", give: strings.NewReader(header + "0000-12-25,national,Natal\n"), want: ErrBadDate},
		{name: "kind with a newline", give: strings.NewReader(header + "2026-12-25,\"national\n\",Natal\n"), want: ErrBadHolidayKind},
		{name: "name with an escape sequence", give: strings.NewReader(header + "2026-12-25,national,\x1b[2JNatal\n"), want: ErrBadHolidayName},
		{name: "name with invalid UTF-8", give: strings.NewReader(header + "2026-12-25,national,Nat\xffal\n"), want: ErrBadHolidayName},
		{name: "name of only spaces", give: strings.NewReader(header + "2026-12-25,national,   \n"), want: ErrBadHolidayName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseHolidays(tt.give)
			require.ErrorIs(t, err, tt.want)
			require.Zero(t, h.Len())
			var le *LineError
			require.ErrorAs(t, err, &le, "every error names its line")
			require.GreaterOrEqual(t, le.Line, 1)
			require.Less(t, len(err.Error()), 1000, "the message does not quote a whole line back")
		})
	}

	// A slow or chunked reader changes nothing about the result.
	const file = header + "2026-12-24,collective_leave,Cuti Bersama Natal\n2026-12-25,national,Hari Raya Natal\n"
	for name, r := range map[string]io.Reader{
		"one byte at a time": iotest.OneByteReader(strings.NewReader(file)),
		"half reads":         iotest.HalfReader(strings.NewReader(file)),
		"EOF with the data":  iotest.DataErrReader(strings.NewReader(file)),
	} {
		h, err := ParseHolidays(r)
		require.NoError(t, err, name)
		require.Equal(t, 2, h.Len(), name)
	}

	// LineError with nothing in it still prints.
	require.Equal(t, "line 0: <nil>", (&LineError{}).Error())
	require.NoError(t, (&LineError{}).Unwrap())
}

func TestAdversarialParseHolidayKind(t *testing.T) {
	for _, give := range []string{"", "National", "NATIONAL", "national ", " national", "national\n", "collective leave",
		"collective_leave\x00", "\xff", "nasional", advMiB} {
		k, err := ParseHolidayKind(give)
		require.ErrorIs(t, err, ErrBadHolidayKind, "%.40q", give)
		require.Zero(t, k)
		requirePrintableMessage(t, err)
	}
	require.Equal(t, "HolidayKind(0)", HolidayKind(0).String())
	require.Equal(t, "HolidayKind(255)", HolidayKind(255).String())
}

func TestAdversarialLoadZone(t *testing.T) {
	for name, give := range map[string]string{
		"empty":            "",
		"Local":            "Local",
		"unknown":          "Asia/Atlantis",
		"path traversal":   "../../../../etc/passwd",
		"absolute path":    "/etc/localtime",
		"trailing newline": "Asia/Jakarta\n",
		"NUL":              "Asia/Jakarta\x00",
		"invalid UTF-8":    "Asia/\xff",
		"one MiB":          advMiB,
		"one MiB in Asia":  "Asia/" + advMiB,
	} {
		t.Run(name, func(t *testing.T) {
			loc, err := LoadZone(give)
			require.ErrorIs(t, err, ErrUnknownZone)
			require.Nil(t, loc)
			require.Less(t, len(err.Error()), 300, "the message does not quote a long name back")
		})
	}
	for _, name := range []string{ZoneJakarta, ZonePontianak, ZoneMakassar, ZoneJayapura, "UTC"} {
		loc, err := LoadZone(name)
		require.NoError(t, err)
		require.Equal(t, name, loc.String())
	}
	for _, loc := range []*time.Location{Jakarta(), Pontianak(), Makassar(), Jayapura()} {
		require.NotNil(t, loc)
	}
}

func TestAdversarialLoadZoneMessageIsPrintable(t *testing.T) {
	for _, give := range []string{"Asia/Jakarta\nlevel=ERROR msg=forged", "Asia/\xff", "\x1b[2J"} {
		_, err := LoadZone(give)
		require.ErrorIs(t, err, ErrUnknownZone)
		requirePrintableMessage(t, err)
	}
}

func TestAdversarialEnums(t *testing.T) {
	for _, s := range []State{0, NoQuota + 1, 255} {
		require.False(t, s.Bookable())
		require.Equal(t, Grey, s.Color())
		require.True(t, strings.HasPrefix(s.String(), "State("), s.String())
	}
	require.Equal(t, "Color(255)", Color(255).String())

	require.Equal(t, Weekdays(0), WeekdaysOf(-1, 7, 100, math.MinInt, math.MaxInt))
	require.Equal(t, WeekdaysOf(time.Monday), WeekdaysOf(time.Monday, time.Monday, 8))
	for _, d := range []time.Weekday{-1, 7, math.MaxInt, math.MinInt} {
		require.False(t, Weekdays(0xFF).Has(d), "Has(%d)", d)
	}
	require.Equal(t, "none", Weekdays(0).String())
	require.Equal(t, "none", Weekdays(1<<7).String(), "bit 7 is no weekday")
	require.Equal(t, "Mon,Tue,Wed,Thu,Fri,Sat,Sun", Weekdays(0xFF).String())
}
