package booking_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// An office whose window reaches into a year its holiday data does not
// cover is reported, its days there show NotOpened with the reason, and
// registering it again with the year's data closes the gap — for good: a
// year declared with no holiday in it survives a reopen.
func TestHolidayGaps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, nil)
	cfg := kt.OfficeConfig(t)
	only2026, err := calendar.NewHolidays(calendar.HolidayEntry{Date: kt.Dec25, Kind: calendar.National, Name: "Hari Raya Natal"})
	require.NoError(t, err)
	cfg.Quota.Schedule.Holidays = only2026
	cfg.Quota.Release = quota.ReleaseRule{}
	require.NoError(t, e.RegisterOffice(bg, cfg))

	jan4 := calendar.NewDate(2027, time.January, 4) // a Monday in the window
	require.Equal(t, []HolidayGap{{Office: kt.Office, Years: []int{2027}}}, holidayGaps(t, e))
	day, err := e.Day(bg, kt.Office, jan4)
	require.NoError(t, err)
	require.Equal(t, calendar.NotOpened, day.State)
	require.Equal(t, calendar.NoHolidayDataReason, day.Reason)
	req := kt.HoldRequest(t, 1)
	req.Date = jan4
	_, err = e.Hold(bg, req)
	require.ErrorIs(t, err, quota.ErrNotOpened)

	// 2027 declared, though without a holiday in the window's part of it.
	cfg.Quota.Schedule.Holidays, err = only2026.WithYears(2027)
	require.NoError(t, err)
	require.NoError(t, e.RegisterOffice(bg, cfg))
	require.Empty(t, holidayGaps(t, e))
	_, err = e.Hold(bg, req)
	require.NoError(t, err)

	require.NoError(t, e.Close())
	e = kt.OpenEngine(t, path, clk, nil)
	require.Empty(t, holidayGaps(t, e), "the declared year is kept in the office's record")
	got, err := e.Office(bg, kt.Office)
	require.NoError(t, err)
	require.Equal(t, []int{2026, 2027}, got.Quota.Schedule.Holidays.Years())
	day, err = e.Day(bg, kt.Office, jan4)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, day.State)
}

// holidayGaps is e.HolidayGaps with a live context, which must succeed.
func holidayGaps(t *testing.T, e *Engine) []HolidayGap {
	t.Helper()
	gaps, err := e.HolidayGaps(bg)
	require.NoError(t, err)
	return gaps
}
