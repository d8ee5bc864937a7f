package booking_test

// Abuse: one account flooding holds, a burst of holds at the release
// instant from many accounts, idempotency keys replayed against the
// engine's rules, and the limits' refusals, a table run on the shared
// refusal harness (refusal_test.go).

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// One account firing ten thousand holds at once, each for a different
// NIK, gets exactly its limit of unpaid holds; the rest are refused with
// ErrTooManyHolds, however the goroutines interleave.
func TestAdversarialOneAccountFlood(t *testing.T) {
	const (
		holds   = 10_000
		workers = 1_000
		account = "bot@example.com"
	)
	// Every hold's NIK is made before the flood: kt.NIK may fail the
	// test, which only the test's own goroutine may do.
	niks := make([]NIK, holds+100)
	for i := range niks {
		niks[i] = kt.NIK(t, i)
	}
	for _, max := range []int{0, 3} {
		want := max
		if want == 0 {
			want = DefaultMaxHoldsPerAccount
		}
		t.Run(fmt.Sprint("MaxHoldsPerAccount=", max), func(t *testing.T) {
			e, _ := kt.NewEngine(t, &Options{MaxHoldsPerAccount: max})
			registerOneSlotOffice(t, e, "BIG", holds)
			var ok, tooMany atomic.Int64
			var start, wg sync.WaitGroup
			start.Add(1)
			for w := range workers {
				wg.Go(func() {
					start.Wait()
					for i := w; i < holds; i += workers {
						_, err := e.Hold(bg, HoldRequest{Account: account, Office: "BIG", Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online, Applicants: []Applicant{{NIK: niks[i]}}})
						switch {
						case err == nil:
							ok.Add(1)
						case errors.Is(err, ErrTooManyHolds):
							tooMany.Add(1)
						default:
							t.Errorf("hold %d: %v", i, err)
						}
					}
				})
			}
			start.Done()
			wg.Wait()
			require.EqualValues(t, want, ok.Load())
			require.EqualValues(t, holds-want, tooMany.Load())

			list, err := e.AccountBookings(bg, account)
			require.NoError(t, err)
			for _, b := range list {
				require.Equal(t, Held, b.State)
			}
			require.Len(t, list, want)
			c, err := e.Cell("BIG", kt.Dec10, 0, 0)
			require.NoError(t, err)
			require.Equal(t, want, c.Taken(), "only the granted holds took seats")
			kt.RequireConsistent(t, e)

			// Paying one frees exactly one place for another unpaid hold.
			_, err = e.Pay(bg, list[0].BillingCode, "ref")
			require.NoError(t, err)
			ok.Store(0)
			for i := range 100 {
				if _, err := e.Hold(bg, HoldRequest{Account: account, Office: "BIG", Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online, Applicants: []Applicant{{NIK: niks[holds+i]}}}); err == nil {
					ok.Add(1)
				} else {
					require.ErrorIs(t, err, ErrTooManyHolds)
				}
			}
			require.EqualValues(t, 1, ok.Load())
			kt.RequireConsistent(t, e)
		})
	}
}

// A burst of 100,000 holds from 1,000 accounts at the release instant
// cannot take more seats than the quota holds, nor give an account more
// unpaid holds than its limit: afterwards the seats taken in each cell are
// exactly the seats of the live bookings in it, no more than its capacity.
func TestAdversarialBurstAtRelease(t *testing.T) {
	const (
		accounts = 1_000
		perAcct  = 100
		total    = accounts * perAcct
		workers  = 64
		capacity = 600 // per cell, two cells
		maxHolds = 3
	)
	e, clk := kt.NewEngine(t, &Options{MaxHoldsPerAccount: maxHolds})
	slots := []string{kt.Slot0, kt.Slot1} // the two cells, by index
	for _, slot := range slots {
		require.NoError(t, e.SetCapacity(bg, kt.Office, kt.Dec10, slot, kt.Online, capacity))
	}
	accountOf := func(i int) string { return fmt.Sprintf("acct-%04d@example.com", i%accounts) }

	// Request i asks for 1 to 5 seats, varying from round to round for
	// each account, in one of two slots; its NIKs are its own.
	reqs := make([]HoldRequest, total)
	next := 0
	for i := range reqs {
		round := i / accounts
		aps := make([]Applicant, 1+(round+i)%ApplicantsMax)
		for k := range aps {
			aps[k] = Applicant{NIK: kt.NIK(t, next)}
			next++
		}
		reqs[i] = HoldRequest{Account: accountOf(i), Office: kt.Office, Date: kt.Dec10, Slot: slots[round%2], Pool: kt.Online, Applicants: aps}
	}

	// A nanosecond before the release, the day is not open to anyone.
	clk.Set(kt.T0.Add(-time.Nanosecond))
	before := captureEngine(t, e, nil)
	for _, r := range reqs[:100] {
		_, err := e.Hold(bg, r)
		require.ErrorIs(t, err, quota.ErrNotOpened)
	}
	requireUnchanged(t, e, before, nil)

	clk.Set(kt.T0)
	var ok, full, tooMany atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < total; i += workers {
				_, err := e.Hold(bg, reqs[i])
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, quota.ErrFull):
					full.Add(1)
				case errors.Is(err, ErrTooManyHolds):
					tooMany.Add(1)
				default:
					t.Errorf("hold %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	require.EqualValues(t, total, ok.Load()+full.Load()+tooMany.Load())
	t.Logf("%d held, %d full, %d over the account limit", ok.Load(), full.Load(), tooMany.Load())

	list, err := e.DayBookings(bg, kt.Office, kt.Dec10)
	require.NoError(t, err)
	seats := map[string]int{}
	held := 0
	for _, b := range list {
		if b.State == Held {
			seats[b.Slot] += len(b.Applicants)
			held++
		}
	}
	require.EqualValues(t, ok.Load(), held)
	for slot, start := range slots {
		c, err := e.Cell(kt.Office, kt.Dec10, slot, 0)
		require.NoError(t, err)
		require.Equal(t, capacity, c.Capacity)
		require.Equal(t, seats[start], c.Taken(), "slot %d: seats taken are the seats of the holds", slot)
		require.LessOrEqual(t, c.Taken(), capacity)
		require.Less(t, c.Left, ApplicantsMax, "slot %d: the burst used the quota up, as far as groups fit", slot)
	}
	for a := range accounts {
		unpaid := 0
		list, err := e.AccountBookings(bg, accountOf(a))
		require.NoError(t, err)
		for _, b := range list {
			if b.State == Held {
				unpaid++
			}
		}
		require.LessOrEqual(t, unpaid, maxHolds, "account %d", a)
	}
	require.Equal(t, int(ok.Load()), e.Stats().Bookings[Held])
	kt.RequireConsistent(t, e)
}

// An idempotency key cannot be used to get around the engine's rules:
// concurrent requests under one key make one booking; a replay after the
// booking was cancelled returns it cancelled rather than booking again;
// and another account's key is only ever that account's.
func TestAdversarialIdempotencyAbuse(t *testing.T) {
	e, _ := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	a := kt.HoldRequest(t, 1)
	a.IdempotencyKey = "same-key"
	b := a
	b.Slot = kt.Slot1
	b.Applicants = kt.Applicants(t, 2, 1)

	const racers = 200
	results := make([]Booking, racers)
	errs := make([]error, racers)
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range racers {
		wg.Go(func() {
			start.Wait()
			r := a
			if i%2 == 1 {
				r = b
			}
			results[i], errs[i] = e.Hold(bg, r)
		})
	}
	start.Done()
	wg.Wait()
	var code string
	winner := -1
	for i := range racers {
		if errs[i] == nil {
			if code == "" {
				code, winner = results[i].Code, i%2
			}
			require.Equal(t, code, results[i].Code, "every success is the one booking")
			require.Equal(t, winner, i%2, "only the winning request is answered with the booking")
		} else {
			require.ErrorIs(t, errs[i], ErrIdempotencyConflict)
			require.NotEqual(t, winner, i%2)
		}
	}
	require.NotEmpty(t, code)
	require.Equal(t, 1, e.Stats().Total, "one booking, however many tries")
	kt.RequireConsistent(t, e)

	// Cancelled, then replayed: the same cancelled booking, no new seats.
	_, err := e.Cancel(bg, code, Reason{})
	require.NoError(t, err)
	before := captureEngine(t, e, []string{a.Account})
	winning := a
	if winner == 1 {
		winning = b
	}
	again, err := e.Hold(bg, winning)
	require.NoError(t, err)
	require.Equal(t, code, again.Code)
	require.Equal(t, Cancelled, again.State)
	requireUnchanged(t, e, before, []string{a.Account})

	// Another account under the same key books for itself: it never sees
	// the first account's booking.
	other := winning
	other.Account = "someone-else@example.com"
	mine, err := e.Hold(bg, other)
	require.NoError(t, err)
	require.NotEqual(t, code, mine.Code)
	require.Equal(t, other.Account, mine.Account)
	require.Equal(t, Held, mine.State)
	kt.RequireConsistent(t, e)
}

// The abuse limits' refusals run on the shared harness (refusal_test.go):
// an account's unpaid holds, counted across offices and until the instant
// a hold lapses, and Options.BookingsMax, counted over every booking the
// engine keeps whatever its state, each in Hold's documented order. The
// plain refusals of the limits are elsewhere, and not repeated here:
// Hold's table refuses a second unpaid hold, and an account ID or
// idempotency key that is not a clean label (TestHoldRefusals); the
// other labels are payment references and reasons (TestBookingRefusals)
// and office names and closure reasons (TestOfficeRefusals).
func TestAbuseRefusals(t *testing.T) { runRefusals(t, advAbuseCalls(t)) }

// advAbuseCalls are refusals of Hold at the abuse limits. The fixture's
// held@example.com has its one unpaid hold (DefaultMaxHoldsPerAccount);
// the BookingsMax cases ask a twin whose limit is the bookings the
// fixture has: the hold, the two paid bookings and the cancelled one.
func advAbuseCalls(t *testing.T) []advCall {
	atLimit := func(t *testing.T, f *advFixture) *Engine {
		return f.twin(t, Options{BookingsMax: f.e.Stats().Total})
	}
	hold := func(name string, want error, on func(*testing.T, *advFixture) *Engine, change func(f *advFixture, r *HoldRequest)) advCall {
		c := holdCall(t, name, want, -1, change)
		c.on = on
		return c
	}
	return []advCall{
		hold("a second unpaid hold, at another office", ErrTooManyHolds, nil, func(f *advFixture, r *HoldRequest) { r.Account, r.Office = f.held.Account, sby }),
		{name: "hold a second unpaid hold, a nanosecond before the first lapses", want: ErrTooManyHolds, index: -1, call: func(ctx context.Context, f *advFixture) error {
			defer advAt(f, f.held.PayBy.Add(-time.Nanosecond))()
			r := f.req(t)
			r.Account = f.held.Account
			_, err := f.e.Hold(ctx, r)
			return err
		}},
		hold("beyond BookingsMax", ErrTooManyBookings, atLimit, func(*advFixture, *HoldRequest) {}),
		hold("beyond BookingsMax, at another office", ErrTooManyBookings, atLimit, func(_ *advFixture, r *HoldRequest) { r.Office = sby }),
		hold("beyond BookingsMax, with a booked NIK", ErrTooManyBookings, atLimit, func(f *advFixture, r *HoldRequest) {
			r.Applicants = []Applicant{{NIK: f.paid.Applicants[0].NIK}}
		}),
		hold("beyond BookingsMax, an account at its hold limit", ErrTooManyHolds, atLimit, func(f *advFixture, r *HoldRequest) { r.Account = f.held.Account }),
		// The seats come before BookingsMax (see Hold): a cell that cannot
		// take the hold says so, and nothing is counted.
		hold("beyond BookingsMax, a day not opened", quota.ErrNotOpened, atLimit, func(_ *advFixture, r *HoldRequest) { r.Date = kt.Jan04 }),
		hold("beyond BookingsMax, more than is left", quota.ErrFull, atLimit, func(_ *advFixture, r *HoldRequest) { r.Applicants = kt.Applicants(t, 100, 4) }),
		hold("beyond BookingsMax, a key replayed for another slot", ErrIdempotencyConflict, atLimit, func(f *advFixture, r *HoldRequest) {
			*r = HoldRequest{Account: f.held.Account, Office: kt.Office, Date: kt.Dec10, Slot: kt.Slot1, Pool: kt.Online,
				Applicants: f.held.Applicants, IdempotencyKey: advHeldKey}
		}),
	}
}
