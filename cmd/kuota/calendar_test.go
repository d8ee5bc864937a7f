package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/internal/term"
)

const legend = "G available  R full  Y quota not opened yet, or none offered  . holiday, day off, closed or past\n"

func TestCalendar(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		give []string
		want string
	}{
		{
			// The 10th still has a walk-in seat; the 11th is full.
			name: "every pool",
			give: []string{"-month", "2026-12"},
			want: `December 2026 — JKT
 Mon  Tue  Wed  Thu  Fri  Sat  Sun
       1G   2G   3G   4G   5.   6.
  7G   8G   9G  10G  11R  12.  13.
 14G  15G  16G  17G  18G  19.  20.
 21G  22G  23G  24G  25.  26.  27.
 28G  29G  30G  31G
` + legend + `
120 seats left on 21 available days
2026-12-25 closed: Hari Raya Natal
`,
		},
		{
			// Online, the 10th is full too.
			name: "one pool",
			give: []string{"-month", "2026-12", "-pool", "online"},
			want: `December 2026 — JKT, pool online
 Mon  Tue  Wed  Thu  Fri  Sat  Sun
       1G   2G   3G   4G   5.   6.
  7G   8G   9G  10R  11R  12.  13.
 14G  15G  16G  17G  18G  19.  20.
 21G  22G  23G  24G  25.  26.  27.
 28G  29G  30G  31G
` + legend + `
79 seats left on 20 available days
2026-12-25 closed: Hari Raya Natal
`,
		},
		{
			// January opens on 1 December; the office's window ends on
			// the 29th.
			name: "not opened",
			give: []string{"-month", "2027-01"},
			want: `January 2027 — JKT
 Mon  Tue  Wed  Thu  Fri  Sat  Sun
                      1Y   2.   3.
  4Y   5Y   6Y   7Y   8Y   9.  10.
 11Y  12Y  13Y  14Y  15Y  16.  17.
 18Y  19Y  20Y  21Y  22Y  23.  24.
 25Y  26Y  27Y  28Y  29Y  30.  31.
` + legend + `
0 seats left on 0 available days
next release: 2026-12-01 08:00 ` + t0.Format("MST") + `
`,
		},
		{
			// Without -month, the month of -now at the office: before the
			// office's first day, so grey throughout.
			name: "this month",
			give: nil,
			want: `November 2026 — JKT
 Mon  Tue  Wed  Thu  Fri  Sat  Sun
                                1.
  2.   3.   4.   5.   6.   7.   8.
  9.  10.  11.  12.  13.  14.  15.
 16.  17.  18.  19.  20.  21.  22.
 23.  24.  25.  26.  27.  28.  29.
 30.
` + legend + `
0 seats left on 0 available days
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"calendar", "-db", f.path, "-office", kt.Office, "-now", at(t1)}, tt.give...)
			status, out, errOut := kuota(t, args...)
			require.Equal(t, exitOK, status, errOut)
			require.Equal(t, tt.want, out)
			require.Empty(t, errOut)
		})
	}
}

func TestCalendarColor(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		give       string
		wantEscape bool
	}{
		// A strings.Builder is no terminal: auto means letters.
		{term.ColorAuto, false},
		{term.ColorNever, false},
		{term.ColorAlways, true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			status, out, errOut := kuota(t, "calendar", "-db", f.path, "-office", kt.Office, "-month", "2026-12", "-now", at(t1), "-color", tt.give)
			require.Equal(t, exitOK, status, errOut)
			if tt.wantEscape {
				require.Contains(t, out, "\x1b[30;41m 11 \x1b[0m", "the full 11th in red")
				require.NotContains(t, out, "11R")
			} else {
				require.Contains(t, out, " 11R")
				require.NotContains(t, out, "\x1b[")
			}
		})
	}
}

// TestCalendarNoQuota shows the days an operator offers no seats on: the
// 15th in every pool, the 16th online only. A day without quota is
// yellow, like a day not opened yet (nothing was used up, so not red), and
// the notes under the grid say which yellow days will not open by
// themselves.
func TestCalendarNoQuota(t *testing.T) {
	f := newFixture(t)
	dec15, dec16 := calendar.NewDate(2026, time.December, 15), calendar.NewDate(2026, time.December, 16)
	e := kt.OpenEngine(t, f.path, kt.NewClock(t1), &booking.Options{Durability: booking.NoSync})
	for _, slot := range []string{kt.Slot0, kt.Slot1} {
		for _, pool := range []string{kt.Online, kt.WalkIn} {
			require.NoError(t, e.SetCapacity(context.Background(), kt.Office, dec15, slot, pool, 0))
		}
		require.NoError(t, e.SetCapacity(context.Background(), kt.Office, dec16, slot, kt.Online, 0))
	}
	require.NoError(t, e.Close())

	tests := []struct {
		name string
		give []string
		want string
	}{
		{
			// The 16th keeps its walk-in seats: green over every pool.
			name: "every pool",
			give: []string{"-month", "2026-12"},
			want: `December 2026 — JKT
 Mon  Tue  Wed  Thu  Fri  Sat  Sun
       1G   2G   3G   4G   5.   6.
  7G   8G   9G  10G  11R  12.  13.
 14G  15Y  16G  17G  18G  19.  20.
 21G  22G  23G  24G  25.  26.  27.
 28G  29G  30G  31G
` + legend + `
110 seats left on 20 available days
2026-12-15 no quota: no seat offered
2026-12-25 closed: Hari Raya Natal
`,
		},
		{
			name: "one pool",
			give: []string{"-month", "2026-12", "-pool", "online"},
			want: `December 2026 — JKT, pool online
 Mon  Tue  Wed  Thu  Fri  Sat  Sun
       1G   2G   3G   4G   5.   6.
  7G   8G   9G  10R  11R  12.  13.
 14G  15Y  16Y  17G  18G  19.  20.
 21G  22G  23G  24G  25.  26.  27.
 28G  29G  30G  31G
` + legend + `
71 seats left on 18 available days
2026-12-15 no quota: no seat offered
2026-12-16 no quota: no seat offered
2026-12-25 closed: Hari Raya Natal
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"calendar", "-db", f.path, "-office", kt.Office, "-now", at(t1)}, tt.give...)
			status, out, errOut := kuota(t, args...)
			require.Equal(t, exitOK, status, errOut)
			require.Equal(t, tt.want, out)
			require.Empty(t, errOut)
		})
	}
}
