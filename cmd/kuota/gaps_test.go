package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// gapWarning is the line stats and check print for the office of
// gapOffice.
const gapWarning = "warning: office JKT has no holiday data for 2027: its service days there stay not opened " +
	"until the year's holidays are loaded (the configuration's \"holidays\") and the office registered again\n"

// gapOffice is the fixture's office with holiday data for 2026 only,
// while its window runs to January 2027.
func gapOffice(t *testing.T) booking.OfficeConfig {
	t.Helper()
	cfg := officeConfig(t)
	only2026, err := calendar.NewHolidays(calendar.HolidayEntry{Date: kt.Dec25, Kind: calendar.National, Name: "Hari Raya Natal"})
	require.NoError(t, err)
	cfg.Quota.Schedule.Holidays = only2026
	return cfg
}

// TestHolidayGapWarnings checks that stats and check warn of an office
// whose window reaches a year without holiday data, from a file and from
// a service alike, and that check still passes: a gap sells nothing by
// omission, the days stay not opened.
func TestHolidayGapWarnings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	e := kt.OpenEngine(t, path, kt.NewClock(t0), nil)
	require.NoError(t, e.RegisterOffice(context.Background(), gapOffice(t)))
	require.NoError(t, e.Close())

	status, out, errOut := kuota(t, "stats", "-db", path, "-now", at(t1))
	require.Equal(t, exitOK, status, errOut)
	require.True(t, strings.HasSuffix(out, "monthly  2      online, walk-in\n"+gapWarning), out)
	status, out, errOut = kuota(t, "check", "-db", path, "-now", at(t1))
	require.Equal(t, exitOK, status, "a gap is a warning, not a violation: %s", errOut)
	require.Equal(t, gapWarning+"ok: 0 bookings, 1 office, no violations\n", out)

	addr := serveFile(t, path, func(s *settings) { s.offices = []booking.OfficeConfig{gapOffice(t)} })
	status, out, errOut = kuota(t, "stats", "-addr", addr, "-token", testToken)
	require.Equal(t, exitOK, status, errOut)
	require.True(t, strings.HasSuffix(out, gapWarning), out)
	status, out, errOut = kuota(t, "check", "-addr", addr, "-token", testToken)
	require.Equal(t, exitOK, status, errOut)
	require.Equal(t, gapWarning+"ok: 0 bookings, 1 office, no violations\n", out)
}
