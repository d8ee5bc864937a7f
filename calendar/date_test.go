package calendar

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDateMatchesTime walks every day from 1600 to 2400 and compares the
// civil arithmetic with package time, which is the reference.
func TestDateMatchesTime(t *testing.T) {
	ref := time.Date(1600, time.January, 1, 0, 0, 0, 0, time.UTC)
	dt := NewDate(1600, time.January, 1)
	for i := 0; i < 800*366; i++ {
		y, m, dd := ref.Date()
		gy, gm, gd := dt.Date()
		if y != gy || m != gm || dd != gd || ref.Weekday() != dt.Weekday() {
			t.Fatalf("day %d: Date gives %d-%d-%d %v, time gives %d-%d-%d %v", i, gy, gm, gd, dt.Weekday(), y, m, dd, ref.Weekday())
		}
		if got := dt.EpochDays(); got != ref.Unix()/86400 {
			t.Fatalf("%s: EpochDays %d, want %d", dt, got, ref.Unix()/86400)
		}
		ref = ref.AddDate(0, 0, 1)
		dt = dt.AddDays(1)
	}
}

func TestNewDateNormalizes(t *testing.T) {
	tests := []struct {
		name       string
		y          int
		m          time.Month
		dd         int
		want       string
		wantIsZero bool
	}{
		{name: "plain", y: 2026, m: time.December, dd: 10, want: "2026-12-10"},
		{name: "day overflow", y: 2026, m: time.December, dd: 32, want: "2027-01-01"},
		{name: "month overflow", y: 2026, m: 13, dd: 1, want: "2027-01-01"},
		{name: "day zero", y: 2026, m: time.March, dd: 0, want: "2026-02-28"},
		{name: "month zero", y: 2026, m: 0, dd: 15, want: "2025-12-15"},
		{name: "negative month", y: 2026, m: -11, dd: 1, want: "2025-01-01"},
		{name: "leap day", y: 2028, m: time.February, dd: 29, want: "2028-02-29"},
		{name: "first", y: YearMin, m: time.January, dd: 1, want: "0001-01-01"},
		{name: "last", y: YearMax, m: time.December, dd: 31, want: "9999-12-31"},
		{name: "year 10000 day 0", y: 10000, m: time.January, dd: 0, want: "9999-12-31"},
		{name: "before first", y: YearMin, m: time.January, dd: 0, wantIsZero: true},
		{name: "after last", y: YearMax + 1, m: time.January, dd: 1, wantIsZero: true},
		{name: "huge year", y: 1 << 40, m: time.January, dd: 1, wantIsZero: true},
		{name: "huge day", y: 2026, m: time.January, dd: 1 << 62, wantIsZero: true},
		{name: "huge negative day", y: 2026, m: time.January, dd: -1 << 62, wantIsZero: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewDate(tt.y, tt.m, tt.dd)
			require.Equal(t, tt.wantIsZero, got.IsZero())
			if !tt.wantIsZero {
				require.Equal(t, tt.want, got.String())
			}
		})
	}
}

func TestZeroDate(t *testing.T) {
	var z Date
	require.True(t, z.IsZero())
	require.Equal(t, "0000-00-00", z.String())
	y, m, dd := z.Date()
	require.Equal(t, []int{0, 0, 0}, []int{y, int(m), dd})
	require.True(t, z.AddDays(1).IsZero())
	require.True(t, z.AddMonths(1).IsZero())
	require.True(t, z.Start(wib).IsZero())
	_, err := ParseDate(z.String())
	require.ErrorIs(t, err, ErrBadDate)
}

func TestAddDaysAndSub(t *testing.T) {
	x := d(2026, time.December, 10)
	require.Equal(t, "2027-01-09", x.AddDays(30).String())
	require.Equal(t, "2026-11-30", x.AddDays(-10).String())
	require.Equal(t, 30, x.AddDays(30).Sub(x))
	require.Equal(t, -10, x.AddDays(-10).Sub(x))
	require.True(t, x.Before(x.AddDays(1)))
	require.True(t, x.After(x.AddDays(-1)))
	require.Equal(t, 0, x.Compare(d(2026, time.December, 10)))
	require.Equal(t, -1, x.Compare(x.AddDays(1)))
	require.Equal(t, 1, x.Compare(x.AddDays(-1)))
	require.True(t, d(YearMax, time.December, 31).AddDays(1).IsZero())
	require.True(t, d(YearMin, time.January, 1).AddDays(-1).IsZero())
	require.True(t, x.AddDays(1<<62).IsZero())
}

func TestAddMonthsClamps(t *testing.T) {
	tests := []struct {
		give string
		n    int
		want string
	}{
		{give: "2026-01-31", n: 1, want: "2026-02-28"},
		{give: "2028-01-31", n: 1, want: "2028-02-29"},
		{give: "2026-03-31", n: 1, want: "2026-04-30"},
		{give: "2026-12-10", n: 1, want: "2027-01-10"},
		{give: "2026-12-10", n: -12, want: "2025-12-10"},
		{give: "2026-05-31", n: -3, want: "2026-02-28"},
		{give: "2026-12-31", n: 0, want: "2026-12-31"},
		{give: "9999-12-01", n: 1, want: "0000-00-00"},
		{give: "2026-12-01", n: 1 << 40, want: "0000-00-00"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			x, err := ParseDate(tt.give)
			require.NoError(t, err)
			require.Equal(t, tt.want, x.AddMonths(tt.n).String())
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		give    string
		want    string
		wantErr bool
	}{
		{give: "2026-12-10", want: "2026-12-10"},
		{give: "2028-02-29", want: "2028-02-29"},
		{give: "0001-01-01", want: "0001-01-01"},
		{give: "9999-12-31", want: "9999-12-31"},
		{give: "2026-02-29", wantErr: true},
		{give: "2026-04-31", wantErr: true},
		{give: "2026-13-01", wantErr: true},
		{give: "2026-00-10", wantErr: true},
		{give: "2026-12-00", wantErr: true},
		{give: "0000-01-01", wantErr: true},
		{give: "2026-1-10", wantErr: true},
		{give: "2026/12/10", wantErr: true},
		{give: "2026-12-10 ", wantErr: true},
		{give: " 2026-12-10", wantErr: true},
		{give: "+026-12-10", wantErr: true},
		{give: "２０２６-12-10", wantErr: true},
		{give: "", wantErr: true},
		{give: "2026-12-1\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseDate(tt.give)
			if tt.wantErr {
				require.ErrorIs(t, err, ErrBadDate)
				require.True(t, got.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got.String())
		})
	}
}

func TestParseDateErrorIsShort(t *testing.T) {
	long := make([]byte, 10_000)
	for i := range long {
		long[i] = 'x'
	}
	_, err := ParseDate(string(long))
	require.ErrorIs(t, err, ErrBadDate)
	require.Less(t, len(err.Error()), 100)
}

func TestDateOfAndStart(t *testing.T) {
	// 17:00 UTC on the 9th is midnight of the 10th in Jakarta (UTC+7),
	// 01:00 of the 10th in Makassar and 02:00 in Jayapura.
	t0 := time.Date(2026, time.December, 9, 17, 0, 0, 0, time.UTC)
	require.Equal(t, "2026-12-10", DateOf(t0, wib).String())
	require.Equal(t, "2026-12-09", DateOf(t0.Add(-time.Nanosecond), wib).String())
	require.Equal(t, "2026-12-10", DateOf(t0, wita).String())
	require.Equal(t, "2026-12-10", DateOf(t0, wit).String())
	require.Equal(t, "2026-12-09", DateOf(t0, time.UTC).String())
	require.Equal(t, "2026-12-09", DateOf(t0, nil).String())

	x := d(2026, time.December, 10)
	require.True(t, x.Start(wib).Equal(t0))
	require.True(t, x.Start(wit).Equal(t0.Add(-2*time.Hour)))
	require.True(t, x.Start(nil).Equal(time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)))
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Arrival Date `json:"arrival"`
	}
	b, err := json.Marshal(doc{Arrival: d(2026, time.December, 10)})
	require.NoError(t, err)
	require.JSONEq(t, `{"arrival":"2026-12-10"}`, string(b))

	var got doc
	require.NoError(t, json.Unmarshal(b, &got))
	require.Equal(t, d(2026, time.December, 10), got.Arrival)
	require.ErrorIs(t, json.Unmarshal([]byte(`{"arrival":"2026-02-30"}`), &got), ErrBadDate)
}

func TestDaysIn(t *testing.T) {
	for y := 1900; y <= 2100; y++ {
		for m := time.January; m <= time.December; m++ {
			want := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
			require.Equal(t, want, DaysIn(y, m), "%d-%02d", y, m)
		}
	}
}

// TestStartIsTimeDate holds Start, which computes a local midnight from
// the day number, equal to time.Date(y, m, d, 0, 0, 0, 0, loc), which it
// replaces: every day from 1900 to 2040, and every 97th day of the whole
// range, in zones whose offset changes at or near midnight (São Paulo,
// Havana, Beirut, Santiago), that skipped a whole day (Apia, 2011-12-30),
// that shift by half an hour (Lord Howe), that never change (UTC, fixed
// zones at the extremes), and Indonesia's three.
func TestStartIsTimeDate(t *testing.T) {
	names := []string{"America/Sao_Paulo", "America/Havana", "Asia/Beirut", "America/Santiago",
		"Pacific/Apia", "Australia/Lord_Howe", "America/New_York", "Europe/London",
		"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "UTC"}
	zones := []*time.Location{time.FixedZone("-12", -12*3600), time.FixedZone("+14", 14*3600)}
	for _, name := range names {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		zones = append(zones, loc)
	}
	check := func(loc *time.Location, x Date) {
		y, m, dd := x.Date()
		if got, want := x.Start(loc), time.Date(y, m, dd, 0, 0, 0, 0, loc); got != want {
			t.Fatalf("%s in %s: Start %v, time.Date %v", x, loc, got, want)
		}
	}
	first, last := NewDate(YearMin, 1, 1), NewDate(YearMax, 12, 31)
	for _, loc := range zones {
		for x := NewDate(1900, 1, 1); x.Before(NewDate(2041, 1, 1)); x = x.AddDays(1) {
			check(loc, x)
		}
		for n := first.EpochDays(); n <= last.EpochDays(); n += 97 {
			check(loc, DateFromEpochDays(n))
		}
		check(loc, last)
	}
}

// BenchmarkStart compares Start with the time.Date call it replaces, over
// 300 days in Jakarta.
func BenchmarkStart(b *testing.B) {
	x := d(2026, time.December, 10)
	var sink time.Time
	b.Run("Start", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sink = x.AddDays(i % 300).Start(wib)
		}
	})
	b.Run("time.Date", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			y, m, dd := x.AddDays(i % 300).Date()
			sink = time.Date(y, m, dd, 0, 0, 0, 0, wib)
		}
	})
	_ = sink
}

// Start keeps the tail of a zone past its last transition — Jakarta's
// +07:00 since 1964 — and of a fixed zone, and none of a zone that still
// changes (New York's daylight saving time). Each is looked at right after
// its own Start: two locations may share a slot of the cache.
func TestStartKeepsZoneTails(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	tailOf := func(loc *time.Location) *zoneTail {
		d(2026, time.December, 10).Start(loc)
		if z := zoneTails[zoneTailSlot(loc)].Load(); z != nil && z.loc == loc {
			return z
		}
		return nil
	}
	jkt := tailOf(wib)
	require.NotNil(t, jkt, "Jakarta's tail")
	require.Equal(t, int64(7*3600), jkt.offset)
	lastTransition := time.Date(1963, 12, 31, 16, 30, 0, 0, time.UTC) // 1964-01-01 00:00 at +07:30, Jakarta's offset before
	require.Equal(t, lastTransition.Unix()+24*3600, jkt.from, "a day past Jakarta's last transition")
	fixed := tailOf(time.FixedZone("+05:30", 5*3600+1800))
	require.NotNil(t, fixed, "a fixed zone's tail")
	require.Equal(t, int64(5*3600+1800), fixed.offset)
	require.Nil(t, tailOf(ny), "New York changes twice a year")
}
