package booking_test

// Rules the engine once got wrong or could not express: calendars per
// pool, a day with no quota, slots named by their start, and rejection and
// cancellation reasons as data. (The sweeps on the engine's clock are
// expiry_test.go's.)

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// dayOf returns the view of d in a month of views.
func dayOf(t *testing.T, days []quota.DayView, d calendar.Date) quota.DayView {
	t.Helper()
	for _, v := range days {
		if v.Date == d {
			return v
		}
	}
	t.Fatalf("%s not in the month", d)
	return quota.DayView{}
}

// Walk-in seats never make a day green for an online applicant: the
// all-pools view says Available, the online view Full, the walk-in view
// Available; every entry names its pool; StateIn works on map values.
func TestCalendarsPerPool(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	for i, slot := range []string{kt.Slot0, kt.Slot1} {
		req := kt.HoldRequest(t, 1)
		req.Account, req.Slot, req.Applicants = fmt.Sprint("family-", i), slot, kt.Applicants(t, 10*i, 5)
		_, err := e.Hold(bg, req)
		require.NoError(t, err) // five online seats: the slot's online pool is full
	}
	all, err := e.Month(bg, kt.Office, 2026, time.December)
	require.NoError(t, err)
	online, err := e.MonthIn(bg, kt.Office, kt.Online, 2026, time.December)
	require.NoError(t, err)
	walkIn, err := e.MonthIn(bg, kt.Office, kt.WalkIn, 2026, time.December)
	require.NoError(t, err)

	require.Equal(t, calendar.Available, dayOf(t, all, kt.Dec10).State, "walk-in seats are left")
	require.Equal(t, calendar.Full, dayOf(t, online, kt.Dec10).State)
	require.Equal(t, calendar.Available, dayOf(t, walkIn, kt.Dec10).State)
	require.Equal(t, calendar.Available, dayOf(t, online, kt.Dec11).State)
	require.Equal(t, []quota.PoolSeats{{Pool: kt.Online, Left: 0, Capacity: 10}}, dayOf(t, online, kt.Dec10).Pools)
	require.Equal(t, 0, dayOf(t, online, kt.Dec10).Left)
	require.Equal(t, []quota.PoolSeats{{Pool: kt.Online, Left: 0, Capacity: 10}, {Pool: kt.WalkIn, Left: 4, Capacity: 4}}, dayOf(t, all, kt.Dec10).Pools)

	byDate := map[calendar.Date]quota.DayView{}
	for _, v := range all {
		byDate[v.Date] = v
	}
	require.Equal(t, calendar.Full, byDate[kt.Dec10].StateIn(kt.Online), "StateIn on a map value")
	require.Equal(t, calendar.Available, byDate[kt.Dec10].StateIn(kt.WalkIn))

	day, err := e.DayIn(bg, kt.Office, kt.Online, kt.Dec10)
	require.NoError(t, err)
	require.Len(t, day.Slots, 2)
	for _, s := range day.Slots {
		require.Equal(t, calendar.Full, s.State)
		require.Equal(t, []quota.PoolSeats{{Pool: kt.Online, Left: 0, Capacity: 5}}, s.Pools)
	}
	_, err = e.MonthIn(bg, kt.Office, "ONLINE", 2026, time.December)
	require.ErrorIs(t, err, ErrUnknownPool)
	_, err = e.DayIn(bg, kt.Office, "", kt.Dec10)
	require.ErrorIs(t, err, ErrUnknownPool)
}

// A day whose quota is zero is NoQuota (yellow), never Full (red): both
// ways it gets there, by layout and by an operator, and Hold says so.
func TestNoQuotaIsNotFull(t *testing.T) {
	t.Run("by layout", func(t *testing.T) {
		clk := kt.NewClock(kt.T1)
		e := kt.NewEmptyEngine(t, clk, nil)
		cfg := kt.OfficeConfig(t)
		cfg.Quota.Layout.Pools = append(cfg.Quota.Layout.Pools, "accelerated")
		for i := range cfg.Quota.Layout.Slots {
			cfg.Quota.Layout.Slots[i].Seats = append(cfg.Quota.Layout.Slots[i].Seats, 0)
		}
		require.NoError(t, e.RegisterOffice(bg, cfg))
		month, err := e.MonthIn(bg, kt.Office, "accelerated", 2026, time.December)
		require.NoError(t, err)
		require.Equal(t, calendar.NoQuota, dayOf(t, month, kt.Dec10).State)
		require.Equal(t, calendar.Yellow, calendar.NoQuota.Color())
		req := kt.HoldRequest(t, 1)
		req.Pool = "accelerated"
		_, err = e.Hold(bg, req)
		require.ErrorIs(t, err, quota.ErrNoQuota)
		require.NotErrorIs(t, err, quota.ErrFull)
	})
	t.Run("by the operator", func(t *testing.T) {
		e, _ := kt.NewEngine(t, nil)
		for _, slot := range []string{kt.Slot0, kt.Slot1} {
			for _, pool := range []string{kt.Online, kt.WalkIn} {
				require.NoError(t, e.SetCapacity(bg, kt.Office, kt.Dec10, slot, pool, 0))
			}
		}
		month, err := e.Month(bg, kt.Office, 2026, time.December)
		require.NoError(t, err)
		require.Equal(t, calendar.NoQuota, dayOf(t, month, kt.Dec10).State)
		require.Equal(t, calendar.Available, dayOf(t, month, kt.Dec11).State)
		_, err = e.Hold(bg, kt.HoldRequest(t, 1))
		require.ErrorIs(t, err, quota.ErrNoQuota)
	})
}

// A request names its slot by its start; one that never set it is refused
// rather than booking the day's first slot.
func TestSlotsAreNamedByTheirStart(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	for _, slot := range []string{"", "8:00", "08:00:00", "0800", "08:30", "10:00", "24:00", "٠٨:٠٠"} {
		req := kt.HoldRequest(t, 1)
		req.Slot = slot
		_, err := e.Hold(bg, req)
		require.ErrorIs(t, err, ErrUnknownSlot, "slot %q", slot)
	}
	req := kt.HoldRequest(t, 1)
	req.Slot = kt.Slot1
	b, err := e.Hold(bg, req)
	require.NoError(t, err)
	require.Equal(t, kt.Slot1, b.Slot)
	require.Equal(t, time.Date(2026, 12, 10, 9, 0, 0, 0, kt.WIB), b.SlotStart)
	_, err = e.Reschedule(bg, b.Code, kt.Dec11, "")
	require.ErrorIs(t, err, ErrUnknownSlot)
	require.ErrorIs(t, e.CloseSlot(bg, kt.Office, kt.Dec11, "", "rapat"), ErrUnknownSlot)
}

// A rejection keeps its kind and words in the history, and the payment on
// record; a cancellation may give a reason or none; bad reasons are
// refused; all of it survives a reopen.
func TestReasonsAreData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	paid := func(acc int) Booking {
		b, err := e.Hold(bg, kt.HoldRequest(t, acc))
		require.NoError(t, err)
		b, err = e.Pay(bg, b.BillingCode, "ref")
		require.NoError(t, err)
		return b
	}
	r := paid(1)
	for _, bad := range []Reason{{}, {Kind: ReasonKind(9)}, {Text: "words without a kind"}, {Kind: ReasonOther, Text: "\n"}, {Kind: ReasonOther, Text: advMiB}} {
		_, err := e.Reject(bg, r.Code, bad)
		require.ErrorIs(t, err, ErrBadReason, "%+v", bad)
	}
	rejected, err := e.Reject(bg, r.Code, Reason{Kind: ReasonPreventionList, Text: "daftar cegah"})
	require.NoError(t, err)
	require.Equal(t, Rejected, rejected.State)
	require.Equal(t, "ref", rejected.PaymentRef, "the payment stays on record")
	last := rejected.History[len(rejected.History)-1]
	require.Equal(t, Reason{Kind: ReasonPreventionList, Text: "daftar cegah"}, last.Reason)
	require.Equal(t, "daftar cegah", last.Note)
	require.Equal(t, "non-procedural migrant worker", ReasonMigrantWorker.String())

	quiet, err := e.Cancel(bg, paid(2).Code, Reason{})
	require.NoError(t, err)
	require.Zero(t, quiet.History[len(quiet.History)-1].Reason)
	_, err = e.Cancel(bg, paid(3).Code, Reason{Kind: ReasonPreventionList, Text: "\x1b[2J"})
	require.ErrorIs(t, err, ErrBadReason)
	said, err := e.Cancel(bg, paid(4).Code, Reason{Kind: ReasonOther, Text: "sakit"})
	require.NoError(t, err)
	require.Equal(t, Reason{Kind: ReasonOther, Text: "sakit"}, said.History[len(said.History)-1].Reason)

	require.NoError(t, e.Close())
	e2 := kt.OpenEngine(t, path, clk, nil)
	for _, b := range []Booking{rejected, quiet, said} {
		got, err := e2.Get(bg, b.Code)
		require.NoError(t, err)
		require.Equal(t, b, got)
	}
}
