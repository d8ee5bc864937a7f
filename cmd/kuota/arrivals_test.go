package main

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	kt "github.com/kuota/kuota/internal/kuotatest"
)

// bySlot returns the names of the fixture's bookings on the 10th in the
// order of the arrival list: by slot, then by queue number, those never
// paid last.
func bySlot(fixture) []string {
	return []string{"paid1", "held", "paid2", "cancelled"}
}

func TestArrivalsTable(t *testing.T) {
	f := newFixture(t)
	rows := map[string]string{
		"paid1":     "08:00–09:00  A-001  online   %s  paid       2           31**********0001 31**********0002  yes",
		"held":      "08:00–09:00  -      walk-in  %s  held       1           31**********0005                   no",
		"paid2":     "09:00–10:00  B-001  online   %s  paid       2           31**********0003 31**********0004  yes",
		"cancelled": "09:00–10:00  -      walk-in  %s  cancelled  1           31**********0006                   no",
	}
	var want strings.Builder
	want.WriteString("JKT arrivals on Thursday 2026-12-10\n\n")
	want.WriteString("SLOT         QUEUE  POOL     CODE        STATE      APPLICANTS  NIKS                               PAYMENT_REF\n")
	for _, name := range bySlot(f) {
		fmt.Fprintf(&want, rows[name]+"\n", f.bookings[name].Code)
	}
	want.WriteString("\n4 bookings; 5 applicants with a seat (held, paid or checked in)\n")

	status, out, errOut := kuota(t, "arrivals", "-db", f.path, "-office", kt.Office, "-date", "2026-12-10", "-now", at(t1))
	require.Equal(t, exitOK, status, errOut)
	require.Equal(t, want.String(), out)
}

func TestArrivalsCSV(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name     string
		giveNow  string
		wantHeld string // the state of the unpaid hold
	}{
		{"before the deadline", at(t1), "held"},
		{"after the deadline", at(t2), "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := map[string][]string{
				"paid1":     {"08:00–09:00", "A-001", "online", f.bookings["paid1"].Code, "paid", "2", "31**********0001 31**********0002", "yes"},
				"held":      {"08:00–09:00", "-", "walk-in", f.bookings["held"].Code, tt.wantHeld, "1", "31**********0005", "no"},
				"paid2":     {"09:00–10:00", "B-001", "online", f.bookings["paid2"].Code, "paid", "2", "31**********0003 31**********0004", "yes"},
				"cancelled": {"09:00–10:00", "-", "walk-in", f.bookings["cancelled"].Code, "cancelled", "1", "31**********0006", "no"},
			}
			want := [][]string{{"slot", "queue", "pool", "code", "state", "applicants", "niks", "payment_ref"}}
			for _, name := range bySlot(f) {
				want = append(want, rows[name])
			}

			status, out, errOut := kuota(t, "arrivals", "-db", f.path, "-office", kt.Office, "-date", "2026-12-10", "-now", tt.giveNow, "-format", "csv")
			require.Equal(t, exitOK, status, errOut)
			got, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

func TestArrivalsEmptyDay(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		give []string
		want string
	}{
		{
			// Without -date, today at the office as of -now.
			name: "today",
			give: []string{"-now", at(t1)},
			want: "JKT arrivals on Friday 2026-11-20\n\n" +
				"SLOT  QUEUE  POOL  CODE  STATE  APPLICANTS  NIKS  PAYMENT_REF\n\n" +
				"0 bookings; 0 applicants with a seat (held, paid or checked in)\n",
		},
		{
			name: "csv",
			give: []string{"-date", "2026-12-15", "-format", "csv"},
			want: "slot,queue,pool,code,state,applicants,niks,payment_ref\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out, errOut := kuota(t, append([]string{"arrivals", "-db", f.path, "-office", kt.Office}, tt.give...)...)
			require.Equal(t, exitOK, status, errOut)
			require.Equal(t, tt.want, out)
		})
	}
}
