package booking_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// A booking is ready for collection its office's third service day after
// the arrival date: weekends and holidays skipped, unknown while a day on
// the way is in a year without holiday data, none once it will not be
// served.
func TestReadyOn(t *testing.T) {
	dec := func(day int) calendar.Date { return calendar.NewDate(2026, time.December, day) }
	tests := []struct {
		name  string
		days  int // Options.CollectionServiceDays
		give  calendar.Date
		want  calendar.Date
		only  bool // the office's holiday data covers 2026 only
		state State
	}{
		{"Thursday: Friday, Monday, Tuesday", 0, kt.Dec10, dec(15), false, Held},
		{"over Christmas", 0, dec(22), dec(28), false, Held},
		{"one day, over a weekend", 1, kt.Dec11, dec(14), false, Held},
		{"paid", 0, kt.Dec10, dec(15), false, Paid},
		{"cancelled: not served", 0, kt.Dec10, calendar.Date{}, false, Cancelled},
		{"into a year without holiday data", 0, dec(30), calendar.Date{}, true, Held},
		{"before a year without holiday data", 1, dec(29), dec(30), true, Held},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := kt.NewClock(kt.T1)
			e := kt.NewEmptyEngine(t, clk, &Options{CollectionServiceDays: tt.days})
			cfg := kt.OfficeConfig(t)
			if tt.only {
				h, err := calendar.NewHolidays(calendar.HolidayEntry{Date: kt.Dec25, Kind: calendar.National, Name: "Hari Raya Natal"})
				require.NoError(t, err)
				cfg.Quota.Schedule.Holidays = h
			}
			require.NoError(t, e.RegisterOffice(bg, cfg))
			req := kt.HoldRequest(t, 1)
			req.Date = tt.give
			b, err := e.Hold(bg, req)
			require.NoError(t, err)
			switch tt.state {
			case Paid:
				b, err = e.Pay(bg, b.BillingCode, "REF")
			case Cancelled:
				b, err = e.Cancel(bg, b.Code, Reason{})
			}
			require.NoError(t, err)
			require.Equal(t, tt.state, b.State)
			require.Equal(t, tt.want, b.ReadyOn)
			got, err := e.Get(bg, b.Code)
			require.NoError(t, err)
			require.Equal(t, tt.want, got.ReadyOn)
		})
	}
	for _, bad := range []int{-1, CollectionServiceDaysMax + 1} {
		_, err := New(&Options{CollectionServiceDays: bad})
		require.ErrorIs(t, err, ErrBadOptions, bad)
	}
}
