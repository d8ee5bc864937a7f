package calendar

import (
	"testing"
)

// FuzzParseDate checks that no input panics and that every accepted input
// formats back to itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-10", "2028-02-29", "0001-01-01", "9999-12-31", "2026-02-30", "", "2026-1-1", "abcd-ef-gh"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s)
		if err != nil {
			if !got.IsZero() {
				t.Fatalf("ParseDate(%q) failed but returned %v", s, got)
			}
			return
		}
		if got.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, got.String())
		}
	})
}

// FuzzDateRoundTrip checks parse(format(d)) == d for any date in range.
func FuzzDateRoundTrip(f *testing.F) {
	for _, n := range []int64{0, -719162, 2932896, 20797, -1} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, days int64) {
		d := DateFromEpochDays(days)
		if d.IsZero() {
			return
		}
		back, err := ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %v, %v; want %v", d.String(), back, err, d)
		}
		if d.EpochDays() != days {
			t.Fatalf("EpochDays() = %d, want %d", d.EpochDays(), days)
		}
	})
}
