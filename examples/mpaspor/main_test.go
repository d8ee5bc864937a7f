package main

import (
	"bytes"
	"errors"
	"flag"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// testApplicants is enough families to sell Jakarta's December out (about
// 1,650 take every seat) with room to spare, and few enough for -race.
const testApplicants = "3000"

// runProgram runs the whole program with args and -color never, and
// returns its stdout.
func runProgram(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append([]string{"-applicants", testApplicants, "-color", "never"}, args...)
	require.NoError(t, run(t.Context(), args, &stdout, &stderr))
	require.Empty(t, stderr.String(), "stderr is not a terminal: no progress bar")
	return stdout.String()
}

// section returns the text of section n, up to the next heading.
func section(t *testing.T, out string, n int) string {
	t.Helper()
	start := regexp.MustCompile(`(?m)^` + strconv.Itoa(n) + `\. `).FindStringIndex(out)
	require.NotNil(t, start, "section %d", n)
	rest := out[start[1]:]
	if end := regexp.MustCompile(`(?m)^\d+\. `).FindStringIndex(rest); end != nil {
		rest = rest[:end[0]]
	}
	return rest
}

// Cells of a letters-style grid: the day, then its colour letter.
var (
	yellowCell = regexp.MustCompile(`\b\d{1,2}Y\b`)
	redCell    = regexp.MustCompile(`\b\d{1,2}R\b`)
	greenCell  = regexp.MustCompile(`\b\d{1,2}G\b`)
)

func TestRun(t *testing.T) {
	out := runProgram(t, "-db", filepath.Join(t.TempDir(), "kuota.db"))

	// Each office's release on its own clock, and in WIB beside it when
	// that is another (not "08:00 WIB = 08:00 WIB").
	offices := section(t, out, 2)
	require.Regexp(t, `JKT-SEL  opens Sun 1 Nov 2026 08:00 WIB +in 5 minutes`, offices)
	require.Contains(t, offices, "MKS      opens Sun 1 Nov 2026 08:00 WITA (07:00 WIB)")
	require.Contains(t, offices, "JPR      opens Sun 1 Nov 2026 08:00 WIT (06:00 WIB)")
	require.NotRegexp(t, `(\d\d:\d\d WIB) = (\d\d:\d\d WIB)`, out)

	before := section(t, out, 3)
	require.Regexp(t, yellowCell, before)
	require.Contains(t, before, "24. ", "collective leave on 24 December is grey")
	require.Contains(t, before, "25. ", "Christmas is grey")
	require.Contains(t, before, "Cuti Bersama Hari Raya Natal")
	require.Contains(t, before, "opens Sun 1 Nov 2026 08:00 WIB")

	rush := section(t, out, 4)
	require.Regexp(t, redCell, rush, "the online pool sold out")
	require.Regexp(t, greenCell, rush, "the walk-in pool untouched")
	require.NotRegexp(t, yellowCell, rush)
	require.Contains(t, rush, "3360 seats offered, 0 left")
	// January waits for its year's holiday data, and says so.
	require.Contains(t, rush, `with the reason "no holiday data for the year yet" (DayView.Reason)`)
	require.Contains(t, rush, "JKT-SEL [2027], JPR [2027], MKS [2027]")

	// The family's lifecycle, in order, on one family card (masked): a
	// queue number at payment, a new one at the move, the day the
	// passports are ready, and a proof of booking.
	famSection := section(t, out, 5)
	require.Regexp(t, `of family card 73\*{10}\d{4} \(HoldRequest.FamilyCard\)`, famSection)
	require.Contains(t, famSection, "queue number B-001: the order the office calls")
	require.Contains(t, famSection, "a new queue number in the new slot: C-001 (B-001 is never given again)")
	require.Contains(t, famSection, "passports ready for collection on Tue 2026-12-22 (Booking.ReadyOn")
	require.Regexp(t, `proof of booking \(Engine.Proof\): a token of \d+ characters`, famSection)
	// Every time of day has its zone, a rescheduled booking's note too.
	require.Contains(t, section(t, out, 8), "rescheduled from 2026-12-10 09:00–10:00 WITA")
	family := section(t, out, 5) + section(t, out, 8)
	last := -1
	for _, step := range []string{"✓ hold         held:", "✓ pay          paid:", "✓ rescheduled  paid:", "✓ check in     checked in:"} {
		i := strings.Index(family, step)
		require.Greater(t, i, last, "%q after the previous step", step)
		last = i
	}

	// The Wendas' hold lapses and its seats come back.
	lapse := section(t, out, 6)
	m := regexp.MustCompile(`online seats left in the slot: (\d+) before, (\d+) now`).FindStringSubmatch(lapse)
	require.NotNil(t, m)
	require.NotEqual(t, m[1], m[2], "the hold took seats")
	require.Contains(t, lapse, "✓ expired      expired:")
	require.Contains(t, lapse, "online seats left in the slot: "+m[1]+" again")
	// Reads show the expiry at the deadline, before the sweep records it.
	require.Less(t, strings.Index(lapse, "✓ expired"), strings.Index(lapse, "Engine.ExpireDue recorded 1 expiry"))
	require.Regexp(t, greenCell, lapse, "Jakarta's unpaid rush holds lapsed at 10:00")

	refusals := section(t, out, 7) + section(t, out, 8)
	// Each sentinel is printed with the package that owns it.
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"booking.ErrApplicantCount", booking.ErrApplicantCount},
		{"reschedule.ErrRescheduleLimit", reschedule.ErrRescheduleLimit},
		{"booking.ErrNIKBooked", booking.ErrNIKBooked},
		{"quota.ErrNotOpened", quota.ErrNotOpened},
		// A late payment is a *StateError, whose message quotes
		// ErrExpired.
		{"booking.ErrExpired", &booking.StateError{Op: "pay", State: booking.Expired}},
		{"reschedule.ErrCancelClosed", reschedule.ErrCancelClosed},
		{"reschedule.ErrCheckInEarly", reschedule.ErrCheckInEarly},
		{"booking.ErrProofRevoked", booking.ErrProofRevoked},
	} {
		require.Contains(t, refusals, tt.err.Error(), tt.name)
		require.Contains(t, refusals, "errors.Is(err, "+tt.name+")")
	}
	require.Contains(t, refusals, "booking: wrong number of applicants: 6, want 1..5")

	// The office rejects Rina's booking at the counter with a reason of
	// a known kind, which her history keeps.
	arrival := section(t, out, 8)
	// At the door: the proof verified offline, a KTP of the booking's and
	// one that is not; then the arrival list in queue order.
	require.Regexp(t, `✓ verified +booking [0-9A-Z]{10}, MKS Thu 2026-12-17 10:00, queue number C-001, 5 applicants \(key 1\)`, arrival)
	require.Regexp(t, `Andi Rahman's KTP +on the booking: true`, arrival)
	require.Regexp(t, `Hajjah Aminah's KTP +on the booking: false`, arrival)
	require.Regexp(t, `(?m)^~ +A-001 +[0-9A-Z]{10} +paid`, arrival, "Jakarta's list begins with its first number")
	require.Contains(t, section(t, out, 7), "its number A-001 is never given again")
	require.Contains(t, arrival, `✓ rejected     rejected: reason "invalid data", the birth date`)
	require.Regexp(t, `rejected +\[invalid data\] the birth date on her birth certificate differs from her KTP`, arrival)
	require.Contains(t, arrival, "her payment stays on record (BANK-VA-0003) and is not refunded")

	// The fair opening: the earliest 1% win every seat they ask for when
	// first come is first served, and about their share in the draw;
	// nothing oversold either way.
	fair := section(t, out, 9)
	require.Regexp(t, `first come, first served +500 +50 of 50 \(100%\) +10% +0\n`, fair)
	m = regexp.MustCompile(`opening window of 1 minute +500 +(\d+) of 50 \((\d+)%\) +10% +0\n`).FindStringSubmatch(fair)
	require.NotNil(t, m, fair)
	won, _ := strconv.Atoi(m[1])
	require.Less(t, won, 25, "the draw gives the earliest arrivals no head start")
	require.Contains(t, fair, "Engine.Check finds 0 violations after each")
	require.Contains(t, fair, "was published from Mon 21 Dec 2026 08:00 WIB;")

	summary := section(t, out, 10)
	require.Contains(t, summary, "Engine.Check: 0 violations")
	require.Contains(t, summary, "the one cancelled Yohanes's")
	// Every state the summary counts is explained, the no-shows first of
	// all: the story never shows one happen.
	for _, state := range []string{"expired    the holds nobody paid", "no-show    the paid ones whose slot has ended", "paid       the ones whose slot is still to come"} {
		require.Contains(t, summary, state)
	}
	require.NotRegexp(t, `\d{16}`, out, "a NIK in full")
	// One of a thing is not many.
	require.NotRegexp(t, `(^|[^\d.])1 (races|bookings|seats|holds|expiries|violations|families|people|goroutines|runs)\b`, out)
	require.NotContains(t, out, "(s)")
}

// normalize drops what may change between two runs with the same seed:
// the lines marked ~, the database path, and the booking and billing
// codes, which follow the order of the rush's bookings, set by its races.
func normalize(out, dbPath string) string {
	var b strings.Builder
	for line := range strings.Lines(out) {
		if !strings.HasPrefix(line, "~ ") {
			b.WriteString(line)
		}
	}
	s := strings.ReplaceAll(b.String(), dbPath, "DB")
	s = regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{10}\b`).ReplaceAllString(s, "CODE")
	return regexp.MustCompile(`\b\d{15}\b`).ReplaceAllString(s, "BILLING")
}

func TestRunSameSeedSameStory(t *testing.T) {
	outs := make([]string, 3)
	for i, seed := range []string{"7", "7", "8"} {
		db := filepath.Join(t.TempDir(), "kuota.db")
		outs[i] = normalize(runProgram(t, "-seed", seed, "-db", db), db)
	}
	require.Equal(t, outs[0], outs[1])
	require.NotEqual(t, outs[0], outs[2], "another seed, other applicants")
}

// TestRunOneFamily runs the rush with one family, which sells nothing
// out: the story says so, in the singular.
func TestRunOneFamily(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-applicants", "1", "-color", "never"}, &stdout, &stderr))
	rush := section(t, stdout.String(), 4)
	require.Contains(t, rush, "opens the app at 08:00 WIB for Jakarta Selatan. 1 goroutine plays them")
	require.Contains(t, rush, "every family got one")
	require.Contains(t, rush, "December still has seats: 1 family was too few to sell it out.")
	require.NotContains(t, rush, "December is red")
}

func TestRunDefaultDatabase(t *testing.T) {
	out := runProgram(t)
	require.Contains(t, out, "fresh temporary directory, removed at exit")
}

func TestRunReopensDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kuota.db")
	first := runProgram(t, "-db", db)
	require.NotContains(t, first, "The file already")
	second := runProgram(t, "-db", db)
	require.Contains(t, second, "The file already holds")
	require.Contains(t, second, "from 1 earlier run.")
	require.Contains(t, second, "The file already knew [JKT-SEL JPR MKS]")
	require.Contains(t, second, "✓ check in     checked in:")
	require.Contains(t, second, "Engine.Check: 0 violations")
	require.Contains(t, second, "The database is kept at "+db)
}

func TestRunFlags(t *testing.T) {
	tests := []struct {
		give []string
		want error
	}{
		{give: []string{"-h"}, want: flag.ErrHelp},
		{give: []string{"-color", "sometimes"}, want: errUsage},
		{give: []string{"-applicants", "0"}, want: errUsage},
		{give: []string{"-seed", "x"}, want: errUsage},
		{give: []string{"extra"}, want: errUsage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.give, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.give, &stdout, &stderr)
			require.True(t, errors.Is(err, tt.want), "got %v", err)
			require.Empty(t, stdout.String())
			require.Contains(t, stderr.String(), "Usage of mpaspor")
		})
	}
}
