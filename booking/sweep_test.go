package booking

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// The background sweeper expires holds and marks no-shows on time, on
// synctest's virtual clock (which starts at 2000-01-01 00:00 UTC).
func TestSweeperRunsOnTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Deadlines off the sweeper's minute beat, so only waking at
		// the exact deadline passes.
		const ttl = 90 * time.Second
		e, err := New(&Options{HoldTTL: ttl, MaxHoldsPerAccount: 5})
		require.NoError(t, err)
		defer e.Close()
		start := time.Now()
		tomorrow := calendar.DateOf(start, wib).AddDays(1)
		cfg := officeConfig(t)
		cfg.Quota.Schedule.Week = calendar.WeekdaysOf(0, 1, 2, 3, 4, 5, 6)
		cfg.Quota.Release = quota.ReleaseRule{}
		cfg.Quota.First, cfg.Quota.Days = tomorrow, 10
		require.NoError(t, e.RegisterOffice(bg, cfg))
		time.Sleep(17 * time.Second)

		req := holdReq(t, 1)
		req.Date = tomorrow
		held, err := e.Hold(bg, req)
		require.NoError(t, err)
		req = holdReq(t, 2)
		req.Date = tomorrow
		paid, err := e.Hold(bg, req)
		require.NoError(t, err)
		_, err = e.Pay(bg, paid.BillingCode, "ref")
		require.NoError(t, err)

		time.Sleep(ttl - time.Nanosecond)
		synctest.Wait()
		require.Equal(t, Held, mustGet(t, e, held.Code).State, "not before its deadline")
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		require.Equal(t, Expired, mustGet(t, e, held.Code).State, "at its deadline, with nobody asking")

		// The paid booking becomes a no-show when its 08:00–09:00 slot
		// ends, tomorrow in Jakarta.
		end := tomorrow.Start(wib).Add(9 * time.Hour)
		time.Sleep(time.Until(end) - time.Nanosecond)
		synctest.Wait()
		require.Equal(t, Paid, mustGet(t, e, paid.Code).State)
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		require.Equal(t, NoShow, mustGet(t, e, paid.Code).State)
		requireConsistent(t, e)
	})
}
