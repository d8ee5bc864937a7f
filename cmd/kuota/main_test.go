package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

var (
	// t0 is when the fixture's bookings are made: December's quota opened
	// on 1 November, January's opens on 1 December.
	t0 = time.Date(2026, time.November, 20, 10, 0, 0, 0, kt.WIB)
	// t1 is a few minutes later, with every hold still waiting for payment.
	t1 = t0.Add(5 * time.Minute)
	// t2 is after the holds' two-hour deadline.
	t2 = t0.Add(3 * time.Hour)

	dec14 = calendar.NewDate(2026, time.December, 14)
)

// fullDigits matches anything that could be a NIK in clear. Billing codes
// have 15 digits and kuota prints none of them anyway.
var fullDigits = regexp.MustCompile(`[0-9]{16}`)

// officeConfig is kuotatest's office made small: two seats online and one
// walk-in in each of its two one-hour slots, so that six seats fill a day.
// Like it, it has December and most of January, Christmas off, and each
// month released on the 1st of the month before at 08:00.
func officeConfig(t *testing.T) booking.OfficeConfig {
	t.Helper()
	cfg := kt.OfficeConfig(t)
	for i := range cfg.Quota.Layout.Slots {
		cfg.Quota.Layout.Slots[i].Seats = []int{2, 1}
	}
	return cfg
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
	slot  string // the slot's start: kt.Slot0 or kt.Slot1
	pool  string
	niks  []int         // serials: kuotatest's NIK n-1 ends in serial n
	state booking.State // Held, Paid or Cancelled
}

// plans are the fixture's bookings. On the 10th online is full and
// walk-in has one seat left; the 11th is full; the 14th has one hold, the
// last booking made, which the check tests copy.
func plans() []plan {
	return []plan{
		{"paid1", kt.Dec10, kt.Slot0, kt.Online, []int{1, 2}, booking.Paid},
		{"held", kt.Dec10, kt.Slot0, kt.WalkIn, []int{5}, booking.Held},
		{"paid2", kt.Dec10, kt.Slot1, kt.Online, []int{3, 4}, booking.Paid},
		{"cancelled", kt.Dec10, kt.Slot1, kt.WalkIn, []int{6}, booking.Cancelled},
		{"full1", kt.Dec11, kt.Slot0, kt.Online, []int{7, 8}, booking.Paid},
		{"full2", kt.Dec11, kt.Slot0, kt.WalkIn, []int{9}, booking.Paid},
		{"full3", kt.Dec11, kt.Slot1, kt.Online, []int{10, 11}, booking.Paid},
		{"full4", kt.Dec11, kt.Slot1, kt.WalkIn, []int{12}, booking.Paid},
		{"last", dec14, kt.Slot0, kt.Online, []int{20}, booking.Held},
	}
}

// newFixture writes the plans into a new file at t0 and closes it, so that
// kuota can open it.
func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{path: filepath.Join(t.TempDir(), "kuota.db"), bookings: map[string]booking.Booking{}}
	e := kt.OpenEngine(t, f.path, kt.NewClock(t0), &booking.Options{Durability: booking.NoSync})
	require.NoError(t, e.RegisterOffice(ctx, officeConfig(t)))
	for i, p := range plans() {
		req := booking.HoldRequest{Account: fmt.Sprintf("acct-%d", i), Office: kt.Office, Date: p.date, Slot: p.slot, Pool: p.pool}
		for _, n := range p.niks {
			req.Applicants = append(req.Applicants, booking.Applicant{NIK: kt.NIK(t, n-1), Meta: []byte(`{"name":"secret name"}`)})
		}
		b, err := e.Hold(ctx, req)
		require.NoError(t, err, p.name)
		switch p.state {
		case booking.Paid:
			b, err = e.Pay(ctx, b.BillingCode, "PAYREF-"+p.name)
		case booking.Cancelled:
			b, err = e.Cancel(ctx, b.Code, booking.Reason{})
		}
		require.NoError(t, err, p.name)
		require.Equal(t, p.state, b.State, p.name)
		f.bookings[p.name] = b
	}
	require.NoError(t, e.Close())
	return f
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
		{"help", []string{"help"}, exitOK, "commands:\n  serve", ""},
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
		{"bad -month", []string{"calendar", "-db", "f", "-office", kt.Office, "-month", "12-2026"}, exitTrouble, "", "flag -month: want YYYY-MM"},
		{"bad -color", []string{"calendar", "-db", "f", "-office", kt.Office, "-color", "red"}, exitTrouble, "", `invalid value "red" for flag -color`},
		{"bad -date", []string{"arrivals", "-db", "f", "-office", kt.Office, "-date", "2026-02-30"}, exitTrouble, "", "flag -date: want YYYY-MM-DD"},
		{"bad -format", []string{"arrivals", "-db", "f", "-office", kt.Office, "-format", "json"}, exitTrouble, "", `invalid value "json" for flag -format`},
		{"-db and -addr", []string{"stats", "-db", "f", "-addr", "http://127.0.0.1:1"}, exitTrouble, "", "-db and -addr both given"},
		{"-addr not a URL", []string{"stats", "-addr", "127.0.0.1:8080", "-token", "t"}, exitTrouble, "", `invalid value "127.0.0.1:8080" for flag -addr: want an http:// or https:// URL`},
		{"-addr with a query", []string{"stats", "-addr", "http://127.0.0.1:1/?x=1", "-token", "t"}, exitTrouble, "", "without a query"},
		{"-addr without a token", []string{"check", "-addr", "http://127.0.0.1:1"}, exitTrouble, "", "missing -token: the service's operator token, or set $KUOTA_OPERATOR_TOKEN"},
		{"-now with -addr", []string{"check", "-addr", "http://127.0.0.1:1", "-token", "t", "-now", "2026-12-01T08:00:00+07:00"}, exitTrouble, "", "-now is for -db"},
		{"-token with -db", []string{"check", "-db", "f", "-token", "t"}, exitTrouble, "", "-token is for -addr"},
		{"backup without -out", []string{"backup", "-db", "f"}, exitTrouble, "", "kuota backup: missing -out"},
		{"serve without -config", []string{"serve"}, exitTrouble, "", "kuota serve: missing -config"},
		{"serve with two stores", []string{"serve", "-config", "k.json", "-db", "f", "-postgres", "postgres://x"}, exitTrouble, "", "-db and -postgres both given"},
		{"serve with a missing config", []string{"serve", "-config", "/nonexistent/kuota.json"}, exitTrouble, "", "kuota serve: /nonexistent/kuota.json: no such file or directory"},
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
	for _, cmd := range [][]string{{"stats"}, {"check"}, {"calendar", "-office", kt.Office}, {"arrivals", "-office", kt.Office}} {
		t.Run(cmd[0], func(t *testing.T) {
			status, out, errOut := kuota(t, append(cmd, "-db", missing)...)
			require.Equal(t, exitTrouble, status)
			require.Empty(t, out)
			require.Equal(t, fmt.Sprintf("kuota %s: %s does not exist (kuota only reads a file; the service creates it)\n", cmd[0], missing), errOut)
		})
	}
	t.Run("readable by others", func(t *testing.T) {
		g := newFixture(t)
		require.NoError(t, os.Chmod(g.path, 0o644))
		status, out, errOut := kuota(t, "stats", "-db", g.path)
		require.Equal(t, exitTrouble, status)
		require.Empty(t, out)
		require.Equal(t, "kuota stats: "+g.path+" may be read or written by group or others, who could read the applicants' data "+
			"or forge bookings: chmod 600 it, then try again\n", errOut)
	})
	t.Run("unknown office", func(t *testing.T) {
		status, _, errOut := kuota(t, "arrivals", "-db", f.path, "-office", "MKS")
		require.Equal(t, exitTrouble, status)
		require.Contains(t, errOut, `no office "MKS" in `+f.path+"; it has: JKT")
	})
	t.Run("unknown pool", func(t *testing.T) {
		status, _, errOut := kuota(t, "calendar", "-db", f.path, "-office", kt.Office, "-pool", "vip")
		require.Equal(t, exitTrouble, status)
		require.Contains(t, errOut, `office JKT has no pool "vip"; it has: online, walk-in`)
	})
}

// TestLocked runs kuota while a service has the file open for writing.
// bbolt locks per open file, so one process can play both parts.
func TestLocked(t *testing.T) {
	f := newFixture(t)
	e := kt.OpenEngine(t, f.path, kt.NewClock(t1), nil)

	for _, cmd := range [][]string{{"stats"}, {"check"}, {"calendar", "-office", kt.Office}, {"arrivals", "-office", kt.Office}} {
		t.Run(cmd[0], func(t *testing.T) {
			status, out, errOut := kuota(t, append(cmd, "-db", f.path, "-timeout", "50ms")...)
			require.Equal(t, exitTrouble, status, "in use is trouble, not a failed check")
			require.Empty(t, out)
			require.Equal(t, fmt.Sprintf("kuota %s: %s is held by a running process (kuota serve?); use -addr URL to ask the service, "+
				"or stop it, then try again (waited 50ms)\n", cmd[0], f.path), errOut)
		})
	}
	require.NoError(t, e.Close())
	status, _, errOut := kuota(t, "stats", "-db", f.path, "-timeout", "50ms")
	require.Equal(t, exitOK, status, "free again once the service closes: %s", errOut)
}
