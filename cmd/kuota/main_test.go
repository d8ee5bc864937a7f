package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

const jkt = "JKT"

var (
	wib = calendar.Jakarta()
	// t0 is when the fixture's bookings are made: December's quota opened
	// on 1 November, January's opens on 1 December.
	t0 = time.Date(2026, time.November, 20, 10, 0, 0, 0, wib)
	// t1 is a few minutes later, with every hold still waiting for payment.
	t1 = t0.Add(5 * time.Minute)
	// t2 is after the holds' two-hour deadline.
	t2 = t0.Add(3 * time.Hour)

	dec10 = calendar.NewDate(2026, time.December, 10)
	dec11 = calendar.NewDate(2026, time.December, 11)
	dec14 = calendar.NewDate(2026, time.December, 14)
	dec25 = calendar.NewDate(2026, time.December, 25)
)

// fullDigits matches anything that could be a NIK in clear. Billing codes
// have 15 digits and kuota prints none of them anyway.
var fullDigits = regexp.MustCompile(`[0-9]{16}`)

// officeConfig is a small office: two one-hour slots a day, two seats online
// and one walk-in in each, so that six seats fill a day; December and most
// of January; Christmas off; each month released on the 1st of the month
// before at 08:00.
func officeConfig(t *testing.T) booking.OfficeConfig {
	t.Helper()
	holidays, err := calendar.NewHolidays(calendar.HolidayEntry{Date: dec25, Kind: calendar.National, Name: "Hari Raya Natal"})
	require.NoError(t, err)
	return booking.OfficeConfig{
		Code: jkt,
		Name: "Kantor Imigrasi Jakarta Selatan",
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: wib, Holidays: holidays},
			Layout: quota.Layout{
				Pools: []string{"online", "walk-in"},
				Slots: []quota.Slot{
					{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{2, 1}},
					{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{2, 1}},
				},
			},
			Release: quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
			First:   calendar.NewDate(2026, time.December, 1),
			Days:    60,
		},
	}
}

// nik returns the i-th test NIK: province 31, born 1 January 1990, serial i.
func nik(t *testing.T, i int) booking.NIK {
	t.Helper()
	n, err := booking.ParseNIK(fmt.Sprintf("3171010101%02d%04d", 90, i))
	require.NoError(t, err)
	return n
}

// fixture is a closed booking file and the bookings made in it.
type fixture struct {
	path     string
	bookings map[string]booking.Booking // by the name the test gives each
}

// plan is one booking of the fixture.
type plan struct {
	name  string
	date  calendar.Date
	slot  int
	pool  string
	niks  []int
	state booking.State // Held, Paid or Cancelled
}

// plans are the fixture's bookings. On the 10th online is full and
// walk-in has one seat left; the 11th is full; the 14th has one hold, the
// last booking made, which the check tests copy.
func plans() []plan {
	return []plan{
		{"paid1", dec10, 0, "online", []int{1, 2}, booking.Paid},
		{"held", dec10, 0, "walk-in", []int{5}, booking.Held},
		{"paid2", dec10, 1, "online", []int{3, 4}, booking.Paid},
		{"cancelled", dec10, 1, "walk-in", []int{6}, booking.Cancelled},
		{"full1", dec11, 0, "online", []int{7, 8}, booking.Paid},
		{"full2", dec11, 0, "walk-in", []int{9}, booking.Paid},
		{"full3", dec11, 1, "online", []int{10, 11}, booking.Paid},
		{"full4", dec11, 1, "walk-in", []int{12}, booking.Paid},
		{"last", dec14, 0, "online", []int{20}, booking.Held},
	}
}

// newFixture writes the plans into a new file at t0 and closes it, so that
// kuota can open it.
func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{path: filepath.Join(t.TempDir(), "kuota.db"), bookings: map[string]booking.Booking{}}
	e, err := booking.Open(f.path, &booking.Options{Now: func() time.Time { return t0 }, NoSweeper: true, Durability: booking.NoSync})
	require.NoError(t, err)
	require.NoError(t, e.RegisterOffice(ctx, officeConfig(t)))
	for i, p := range plans() {
		req := booking.HoldRequest{Account: fmt.Sprintf("acct-%d", i), Office: jkt, Date: p.date, Slot: p.slot, Pool: p.pool}
		for _, n := range p.niks {
			req.Applicants = append(req.Applicants, booking.Applicant{NIK: nik(t, n), Meta: []byte(`{"name":"secret name"}`)})
		}
		b, err := e.Hold(ctx, req)
		require.NoError(t, err, p.name)
		switch p.state {
		case booking.Paid:
			b, err = e.Pay(ctx, b.BillingCode, "PAYREF-"+p.name)
		case booking.Cancelled:
			b, err = e.Cancel(ctx, b.Code)
		}
		require.NoError(t, err, p.name)
		require.Equal(t, p.state, b.State, p.name)
		f.bookings[p.name] = b
	}
	require.NoError(t, e.Close())
	return f
}

// copyLastBooking stores the file's last hold again under the next
// sequence numbers, copies times: a fault no engine makes, which only a
// damaged or hand-edited file has.
func copyLastBooking(t *testing.T, path string, copies int) {
	kuotatest.DuplicateLastHold(t, path, copies)
}

// kuota runs the program and returns its exit status and outputs. Every
// output of every test passes through here, so here it is checked that no
// NIK and no applicant metadata ever leaks.
func kuota(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	status = run(args, &out, &errOut)
	for _, s := range []string{out.String(), errOut.String()} {
		require.NotRegexp(t, fullDigits, s, "a NIK in clear")
		require.NotContains(t, s, "secret name", "applicant metadata")
		require.NotContains(t, s, "PAYREF-", "a payment reference")
	}
	return status, out.String(), errOut.String()
}

// at formats an instant for -now.
func at(t time.Time) string { return t.Format(time.RFC3339) }

func TestUsage(t *testing.T) {
	tests := []struct {
		name       string
		give       []string
		wantStatus int
		wantOut    string // in stdout
		wantErr    string // in stderr
	}{
		{"no args", nil, exitTrouble, "", "usage: kuota <command>"},
		{"help", []string{"help"}, exitOK, "commands:\n  calendar", ""},
		{"-h", []string{"-h"}, exitOK, "arrivals", ""},
		{"help command", []string{"help", "arrivals"}, exitOK, "-format", ""},
		{"help unknown", []string{"help", "nope"}, exitTrouble, "", `unknown command "nope"`},
		{"unknown command", []string{"book"}, exitTrouble, "", `kuota: unknown command "book"`},
		{"command -h", []string{"stats", "-h"}, exitOK, "", "usage: kuota stats -db FILE"},
		{"no -db", []string{"stats"}, exitTrouble, "", "kuota stats: missing -db"},
		{"unknown flag", []string{"stats", "-dbx", "f"}, exitTrouble, "", "-dbx"},
		{"stray argument", []string{"check", "-db", "f", "now"}, exitTrouble, "", `unexpected argument "now"`},
		{"bad -timeout", []string{"check", "-db", "f", "-timeout", "0s"}, exitTrouble, "", "-timeout 0s out of range"},
		{"long -timeout", []string{"check", "-db", "f", "-timeout", "1h"}, exitTrouble, "", "-timeout 1h0m0s out of range"},
		{"bad -now", []string{"check", "-db", "f", "-now", "2026-12-01"}, exitTrouble, "", "flag -now: want an RFC 3339 instant"},
		{"no -office", []string{"calendar", "-db", "f"}, exitTrouble, "", "kuota calendar: missing -office"},
		{"bad -month", []string{"calendar", "-db", "f", "-office", jkt, "-month", "12-2026"}, exitTrouble, "", "flag -month: want YYYY-MM"},
		{"bad -color", []string{"calendar", "-db", "f", "-office", jkt, "-color", "red"}, exitTrouble, "", `invalid value "red" for flag -color`},
		{"bad -date", []string{"arrivals", "-db", "f", "-office", jkt, "-date", "2026-02-30"}, exitTrouble, "", "flag -date: want YYYY-MM-DD"},
		{"bad -format", []string{"arrivals", "-db", "f", "-office", jkt, "-format", "json"}, exitTrouble, "", `invalid value "json" for flag -format`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out, errOut := kuota(t, tt.give...)
			require.Equal(t, tt.wantStatus, status, "stderr: %s", errOut)
			require.Contains(t, out, tt.wantOut)
			require.Contains(t, errOut, tt.wantErr)
		})
	}
}

func TestFileProblems(t *testing.T) {
	f := newFixture(t)
	missing := filepath.Join(t.TempDir(), "nope.db")
	for _, cmd := range [][]string{{"stats"}, {"check"}, {"calendar", "-office", jkt}, {"arrivals", "-office", jkt}} {
		t.Run(cmd[0], func(t *testing.T) {
			status, out, errOut := kuota(t, append(cmd, "-db", missing)...)
			require.Equal(t, exitTrouble, status)
			require.Empty(t, out)
			require.Equal(t, fmt.Sprintf("kuota %s: %s does not exist (kuota only reads a file; the service creates it)\n", cmd[0], missing), errOut)
		})
	}
	t.Run("unknown office", func(t *testing.T) {
		status, _, errOut := kuota(t, "arrivals", "-db", f.path, "-office", "MKS")
		require.Equal(t, exitTrouble, status)
		require.Contains(t, errOut, `no office "MKS" in `+f.path+"; it has: JKT")
	})
	t.Run("unknown pool", func(t *testing.T) {
		status, _, errOut := kuota(t, "calendar", "-db", f.path, "-office", jkt, "-pool", "vip")
		require.Equal(t, exitTrouble, status)
		require.Contains(t, errOut, `office JKT has no pool "vip"; it has: online, walk-in`)
	})
}

// TestLocked runs kuota while a service has the file open for writing.
// bbolt locks per open file, so one process can play both parts.
func TestLocked(t *testing.T) {
	f := newFixture(t)
	e, err := booking.Open(f.path, &booking.Options{Now: func() time.Time { return t1 }, NoSweeper: true})
	require.NoError(t, err)
	defer e.Close()

	for _, cmd := range [][]string{{"stats"}, {"check"}, {"calendar", "-office", jkt}, {"arrivals", "-office", jkt}} {
		t.Run(cmd[0], func(t *testing.T) {
			status, out, errOut := kuota(t, append(cmd, "-db", f.path, "-timeout", "50ms")...)
			require.Equal(t, exitTrouble, status, "in use is trouble, not a failed check")
			require.Empty(t, out)
			require.Equal(t, fmt.Sprintf("kuota %s: %s is in use by another process (a running service?): "+
				"stop it, or use a copy taken while it was stopped, then try again (waited 50ms)\n", cmd[0], f.path), errOut)
		})
	}
	require.NoError(t, e.Close())
	status, _, errOut := kuota(t, "stats", "-db", f.path, "-timeout", "50ms")
	require.Equal(t, exitOK, status, "free again once the service closes: %s", errOut)
}
