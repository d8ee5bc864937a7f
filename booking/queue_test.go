package booking_test

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// Queue numbers are given at payment, per slot of a day, counting from 1,
// never twice in a slot (not after a cancellation either), anew at a
// reschedule; they survive a reopen, and the counting goes on from there.
func TestQueueNumbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, &Options{MaxHoldsPerAccount: 5})
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	pay := func(acc int, slot string) Booking {
		t.Helper()
		req := kt.HoldRequest(t, acc)
		req.Slot = slot
		b, err := e.Hold(bg, req)
		require.NoError(t, err)
		require.True(t, b.Queue.IsZero(), "a hold has no number")
		b, err = e.Pay(bg, b.BillingCode, "REF-"+b.Code)
		require.NoError(t, err)
		return b
	}
	a, b, c := pay(1, kt.Slot0), pay(2, kt.Slot0), pay(3, kt.Slot0)
	d := pay(4, kt.Slot1)
	require.Equal(t, []string{"A-001", "A-002", "A-003", "B-001"}, []string{a.Queue.String(), b.Queue.String(), c.Queue.String(), d.Queue.String()})
	require.Equal(t, QueueNumber{Slot: 0, Number: 2}, b.Queue)

	_, err := e.Cancel(bg, b.Code, Reason{})
	require.NoError(t, err)
	require.Equal(t, "A-004", pay(5, kt.Slot0).Queue.String(), "a cancelled booking's number is not given again")
	again, err := e.Pay(bg, a.BillingCode, "REF-"+a.Code)
	require.NoError(t, err)
	require.Equal(t, "A-001", again.Queue.String(), "paying again with the same reference changes nothing")

	moved, err := e.Reschedule(bg, a.Code, kt.Dec10, kt.Slot1)
	require.NoError(t, err)
	require.Equal(t, "B-002", moved.Queue.String(), "a reschedule takes a new number in its new slot")

	list, err := e.DayBookings(bg, kt.Office, kt.Dec10)
	require.NoError(t, err)
	var order []string
	for _, x := range list {
		order = append(order, x.Queue.String())
	}
	require.Equal(t, []string{"A-002", "A-003", "A-004", "B-001", "B-002"}, order, "the arrival list, by slot and number; the cancelled A-002 keeps its number")
	require.Equal(t, Cancelled, list[0].State)

	require.NoError(t, e.Close())
	e = kt.OpenEngine(t, path, clk, &Options{MaxHoldsPerAccount: 5})
	for _, want := range []Booking{c, d, moved} {
		got, err := e.Get(bg, want.Code)
		require.NoError(t, err)
		require.Equal(t, want.Queue, got.Queue)
	}
	require.Equal(t, "A-005", pay(6, kt.Slot0).Queue.String(), "counting goes on after a reopen")
}

// Payments racing into one slot get the numbers 1…n, one each, and a
// reopen gives every booking the number it was given live: numbers follow
// the journal's order.
func TestQueueNumbersUnderConcurrentPayments(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, &Options{MaxHoldsPerAccount: 5})
	registerOneSlotOffice(t, e, "RUSH", 200)
	const n = 200
	holds := make([]Booking, n)
	for i := range holds {
		req := kt.HoldRequest(t, 10+i)
		req.Office = "RUSH"
		var err error
		holds[i], err = e.Hold(bg, req)
		require.NoError(t, err)
	}
	paid := make([]Booking, n)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				b, err := e.Pay(bg, holds[i].BillingCode, "REF")
				if err != nil {
					t.Error(err)
					return
				}
				paid[i] = b
			}
		})
	}
	wg.Wait()
	seen := map[int]bool{}
	for _, b := range paid {
		require.False(t, seen[b.Queue.Number], "number %d given twice", b.Queue.Number)
		require.True(t, b.Queue.Number >= 1 && b.Queue.Number <= n, b.Queue.Number)
		seen[b.Queue.Number] = true
	}

	require.NoError(t, e.Close())
	e = kt.OpenEngine(t, path, clk, &Options{MaxHoldsPerAccount: 5})
	for _, want := range paid {
		got, err := e.Get(bg, want.Code)
		require.NoError(t, err)
		require.Equal(t, want.Queue, got.Queue, want.Code)
	}
}

// A standby follows the numbers the active engine gave.
func TestQueueNumbersOnStandby(t *testing.T) {
	p := newStandbyPair(t)
	var codes []string
	for acc := 1; acc <= 3; acc++ {
		b, err := p.active.Hold(bg, kt.HoldRequest(t, acc))
		require.NoError(t, err)
		b, err = p.active.Pay(bg, b.BillingCode, "REF")
		require.NoError(t, err)
		codes = append(codes, b.Code)
	}
	p.follow(p.standby)
	for i, code := range codes {
		got, err := p.standby.Get(bg, code)
		require.NoError(t, err)
		require.Equal(t, QueueNumber{Slot: 0, Number: i + 1}, got.Queue)
	}
}
