package booking_test

// Races: a payment against the expiry of the same hold, many holds for a
// few seats, one idempotency key from many goroutines, and a mixed load;
// each ends with the invariants intact. Run them with -race.

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// A payment and an expiry racing for the same hold end with exactly one
// winner, a thousand times over.
func TestRacePayVersusExpiry(t *testing.T) {
	const holds = 1000
	e, clk := kt.NewEngine(t, nil)
	registerOneSlotOffice(t, e, "BIG", holds)
	list := make([]Booking, holds)
	for i := range list {
		b, err := e.Hold(bg, HoldRequest{Account: fmt.Sprint("acc", i), Office: "BIG", Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online, Applicants: kt.Applicants(t, i, 1)})
		require.NoError(t, err)
		list[i] = b
	}
	// Pay reads the clock, a nanosecond before the deadline; the expiry
	// is told it is the deadline (ExpireAt, the sweeper's step for one
	// hold). Both have a claim; only one may win.
	deadline := list[0].PayBy
	clk.Set(deadline.Add(-time.Nanosecond))

	var paid, expired atomic.Int64
	payOK := make([]bool, holds)
	var wg sync.WaitGroup
	for i, b := range list {
		// Each hold gets its own pair of racers, released together: the
		// payment, and the expiry the sweeper would run for that hold.
		var start sync.WaitGroup
		start.Add(1)
		wg.Go(func() {
			start.Wait()
			_, err := e.Pay(bg, b.BillingCode, "ref")
			if err == nil {
				paid.Add(1)
				payOK[i] = true
			} else {
				assert.ErrorIs(t, err, ErrExpired)
			}
		})
		wg.Go(func() {
			start.Wait()
			if e.ExpireAt(b.Code, deadline.UnixNano()) {
				expired.Add(1)
			}
		})
		start.Done()
	}
	wg.Wait()
	clk.Set(deadline)
	n, err := e.ExpireDue(bg) // nothing left for a sweep
	require.NoError(t, err)
	require.Zero(t, n)

	require.EqualValues(t, holds, paid.Load()+expired.Load(), "one winner each")
	for i, b := range list {
		want := Expired
		if payOK[i] {
			want = Paid
		}
		require.Equal(t, want, getBooking(t, e, b.Code).State)
	}
	t.Logf("%d paid, %d expired", paid.Load(), expired.Load())
	kt.RequireConsistent(t, e)
}

func TestRaceTenThousandHoldsForOneHundredSeats(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	registerOneSlotOffice(t, e, "BIG", 100)
	const racers = 10_000
	reqs := make([]HoldRequest, racers)
	for i := range reqs {
		reqs[i] = HoldRequest{Account: fmt.Sprint("acc", i), Office: "BIG", Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online, Applicants: kt.Applicants(t, i, 1)}
	}
	var ok, full atomic.Int64
	var start, wg sync.WaitGroup
	start.Add(1)
	for _, req := range reqs {
		wg.Go(func() {
			start.Wait()
			_, err := e.Hold(bg, req)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, quota.ErrFull):
				full.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	start.Done()
	wg.Wait()
	require.EqualValues(t, 100, ok.Load())
	require.EqualValues(t, racers-100, full.Load())
	require.EqualValues(t, 100, e.Counts().States[Held])
	c, err := e.Cell("BIG", kt.Dec10, 0, 0)
	require.NoError(t, err)
	require.Equal(t, 0, c.Left)
	kt.RequireConsistent(t, e)
}

func TestRaceSameIdempotencyKey(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	req := kt.HoldRequest(t, 1)
	req.IdempotencyKey = "retry-me"
	codes := make([]string, 100)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Go(func() {
			b, err := e.Hold(bg, req)
			assert.NoError(t, err)
			codes[i] = b.Code
		})
	}
	wg.Wait()
	for _, c := range codes {
		require.Equal(t, codes[0], c)
	}
	require.Equal(t, 4, cellLeft(t, e, kt.Dec10, 0, 0))
	kt.RequireConsistent(t, e)
}

// Holds, payments, cancellations, reschedules and views from many
// goroutines at once leave every invariant intact.
func TestRaceMixedLifecycle(t *testing.T) {
	e, clk := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 3})
	clk.Set(kt.T2.Add(-time.Hour))
	slots := []string{kt.Slot0, kt.Slot1}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 200 {
				req := HoldRequest{
					Account: fmt.Sprint("w", w, "-", i%5), Office: kt.Office, Date: calendar.NewDate(2026, 12, 14+i%5),
					Slot: slots[i%2], Pool: kt.Online, Applicants: kt.Applicants(t, w*1000+i, 1+i%3),
				}
				b, err := e.Hold(bg, req)
				if err != nil {
					continue
				}
				switch i % 4 {
				case 0:
					e.Cancel(bg, b.Code, Reason{})
				case 1, 2:
					if _, err := e.Pay(bg, b.BillingCode, "r"); err == nil && i%4 == 2 {
						e.Reschedule(bg, b.Code, calendar.NewDate(2026, 12, 21), slots[i%2])
					}
				}
				e.Month(bg, kt.Office, 2026, time.December)
			}
		})
	}
	wg.Wait()
	kt.RequireConsistent(t, e)
}
