package config_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/config"
	"github.com/kuota/kuota/internal/kuotatest"
)

// TestOfficesOpenAnEngine opens a durable engine with the policy of
// testdata/kuota.json, registers its offices and holds a seat at each,
// then reopens the file: what a server does with a File.
func TestOfficesOpenAnEngine(t *testing.T) {
	f, err := config.Load("testdata/kuota.json")
	require.NoError(t, err)
	ctx := context.Background()
	dec10 := calendar.NewDate(2026, time.December, 10) // a Thursday
	// Friday 4 December, 16:00 WIB: December and January are open in
	// Jakarta (released a month ahead on the 1st), the week of the 7th in
	// Denpasar (on Friday at 16:00 WITA, 15:00 WIB), and the 10th in
	// Jayapura (30 days ahead).
	clk := kuotatest.NewClock(time.Date(2026, time.December, 4, 16, 0, 0, 0, calendar.Jakarta()))
	path := filepath.Join(t.TempDir(), "kuota.db")
	open := func() *booking.Engine {
		opts := f.Policy.Options()
		opts.Now, opts.NoSweeper = clk.Now, true
		e, err := booking.Open(path, &opts)
		require.NoError(t, err)
		return e
	}

	e := open()
	for _, o := range f.Offices {
		require.NoError(t, e.RegisterOffice(ctx, o), o.Code)
	}
	require.Equal(t, []string{"KANIM-DPS", "KANIM-JAP", "KANIM-JKT-SEL"}, e.Offices())
	codes := make(map[string]string)
	for i, o := range f.Offices {
		b, err := e.Hold(ctx, booking.HoldRequest{
			Account:    "account-" + o.Code,
			Office:     o.Code,
			Date:       dec10,
			Slot:       "08:00",
			Pool:       "online",
			Applicants: kuotatest.Applicants(t, i, 1),
		})
		require.NoError(t, err, o.Code)
		require.Equal(t, booking.Held, b.State)
		require.True(t, clk.Now().Add(f.Policy.HoldTTL).Equal(b.PayBy), "the file's hold_ttl")
		require.Equal(t, o.Quota.Schedule.Location, b.SlotStart.Location())
		codes[o.Code] = b.Code
	}
	require.Equal(t, f.Policy.Windows, e.Policy())

	// The operator's 2027 file closes New Year's Day in Jakarta.
	day, err := e.Day(ctx, "KANIM-JKT-SEL", calendar.NewDate(2027, time.January, 1))
	require.NoError(t, err)
	require.Equal(t, calendar.Holiday, day.State)
	require.Equal(t, "Tahun Baru 2027 Masehi", day.Reason)
	// The office's own closure.
	day, err = e.Day(ctx, "KANIM-JKT-SEL", calendar.NewDate(2026, time.December, 24))
	require.NoError(t, err)
	require.Equal(t, calendar.Holiday, day.State)
	require.Equal(t, "Penataan ruang layanan", day.Reason)
	// Jayapura names "id" only, which does not cover 2027: its New
	// Year's Day, released on 2 December, waits for the year's data.
	day, err = e.Day(ctx, "KANIM-JAP", calendar.NewDate(2027, time.January, 1))
	require.NoError(t, err)
	require.Equal(t, calendar.NotOpened, day.State)
	require.Equal(t, calendar.NoHolidayDataReason, day.Reason)
	require.NoError(t, e.Close())

	// Reopened, the engine knows the offices (their zones by name) and
	// the holds.
	e = open()
	defer e.Close()
	for code, bc := range codes {
		b, err := e.Get(ctx, bc)
		require.NoError(t, err, code)
		require.Equal(t, booking.Held, b.State)
	}
	kuotatest.RequireConsistent(t, e)
}
