package booking_test

// Expiry and no-shows: ExpireDue and MarkNoShows called by hand, in each
// zone of Indonesia, the background sweeper running them on time, and the
// read paths that expire lapsed holds before they show seats.

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/journal"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// ExpireDue and MarkNoShows record each deadline at its instant, in each
// zone: a hold's payment deadline, and a paid booking's slot end (09:00 on
// the 10th, office time).
func TestExpireDueAndNoShows(t *testing.T) {
	for _, z := range zoneOffices {
		t.Run(z.name, func(t *testing.T) {
			e, clk := newZoneEngine(t, z.loc, &Options{MaxHoldsPerAccount: 5})
			h1, err := e.Hold(bg, kt.HoldRequest(t, 1))
			require.NoError(t, err)
			clk.Add(time.Minute)
			h2, err := e.Hold(bg, kt.HoldRequest(t, 2))
			require.NoError(t, err)
			p := holdAndPay(t, e, 3)
			require.Equal(t, time.Date(2026, 12, 10, 9, 0, 0, 0, z.loc), p.SlotEnd)

			// The sweeps read the engine's clock: each is run a
			// nanosecond before a deadline and at it.
			sweepAt := func(sweep func(context.Context) (int, error), at time.Time, want int) {
				t.Helper()
				clk.Set(at)
				n, err := sweep(bg)
				require.NoError(t, err)
				require.Equal(t, want, n, "at %v", at)
			}
			sweepAt(e.ExpireDue, h1.PayBy.Add(-time.Nanosecond), 0)
			sweepAt(e.ExpireDue, h1.PayBy, 1)
			require.Equal(t, Expired, getBooking(t, e, h1.Code).State)
			require.Equal(t, Held, getBooking(t, e, h2.Code).State)
			sweepAt(e.ExpireDue, h2.PayBy, 1)
			sweepAt(e.MarkNoShows, p.SlotEnd.Add(-time.Nanosecond), 0)
			sweepAt(e.MarkNoShows, p.SlotEnd, 1)
			require.Equal(t, NoShow, getBooking(t, e, p.Code).State)
			require.Equal(t, 5, cellLeft(t, e, kt.Dec10, 0, 0))
			kt.RequireConsistent(t, e)
		})
	}
}

// ExpireDue and MarkNoShows read the engine's clock: a scheduler cannot
// expire a hold, or mark a no-show, before its time, however often it
// calls them; at the instant, each records its booking.
func TestSweepsReadTheEngineClock(t *testing.T) {
	for _, z := range zoneOffices {
		t.Run(z.name, func(t *testing.T) {
			e, clk := newZoneEngine(t, z.loc, nil)
			held, paid := heldAndPaid(t, e)
			require.Equal(t, time.Date(2026, 12, 10, 9, 0, 0, 0, z.loc), paid.SlotEnd, "the slot ends at 09:00 office time")
			sweep := func(expired, noShows int) {
				t.Helper()
				n, err := e.ExpireDue(bg)
				require.NoError(t, err)
				require.Equal(t, expired, n, "expired at %v", clk.Now())
				n, err = e.MarkNoShows(bg)
				require.NoError(t, err)
				require.Equal(t, noShows, n, "no-shows at %v", clk.Now())
			}
			for range 2 {
				sweep(0, 0)
			}
			clk.Set(held.PayBy.Add(-time.Nanosecond))
			sweep(0, 0)
			clk.Set(held.PayBy)
			sweep(1, 0)
			clk.Set(paid.SlotEnd.Add(-time.Nanosecond))
			sweep(0, 0)
			clk.Set(paid.SlotEnd)
			sweep(0, 1)
		})
	}
}

// The sweeps' refusals run on the shared harness (refusal_test.go): an
// engine that must not write, opened read-only or a standby, refuses
// ExpireDue and MarkNoShows when everything is due, and records nothing.
//
// The sweeps refuse nothing else of their own, so nothing else is in the
// table: with an ended or a nil context, or on a closed engine, they
// refuse as every method does (TestAdversarialEndedContext,
// TestAdversarialNilContext and TestAdversarialClosedEngine call them
// when everything is due), and a journal that refuses writes is
// TestSimFoundRefusalsOnAFailedJournal's.
func TestExpiryRefusals(t *testing.T) { runRefusals(t, advExpiryCalls()) }

// advExpiryCalls are refusals of ExpireDue and MarkNoShows, each asked of
// a twin of the fixture's engine at an instant when the fixture's hold has
// lapsed and both its paid bookings' slots (on the 10th and the 11th)
// have ended.
func advExpiryCalls() []advCall {
	due := time.Date(2026, time.December, 12, 0, 0, 0, 0, kt.WIB)
	readOnly := func(t *testing.T, f *advFixture) *Engine { return f.twin(t, Options{ReadOnly: true}) }
	standby := func(t *testing.T, f *advFixture) *Engine { return f.standby(t) }
	sweeps := []struct {
		name  string
		sweep func(e *Engine, ctx context.Context) (int, error)
	}{
		{"expire due", (*Engine).ExpireDue},
		{"mark no-shows", (*Engine).MarkNoShows},
	}
	var calls []advCall
	for _, s := range sweeps {
		call := func(ctx context.Context, f *advFixture) error {
			defer advAt(f, due)()
			n, err := s.sweep(f.e, ctx)
			if n != 0 {
				return fmt.Errorf("refused (%v), yet reported %d recorded", err, n)
			}
			return err
		}
		calls = append(calls,
			// Only a file is opened read-only.
			advCall{name: s.name + " on a read-only engine", want: ErrReadOnly, index: -1, only: "durable", on: readOnly, call: call},
			advCall{name: s.name + " on a standby", want: ErrStandby, index: -1, on: standby, call: call},
		)
	}
	return calls
}

// A rescheduled booking is a no-show at the end of its new slot, not its
// old one.
func TestNoShowFollowsReschedule(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	b := holdAndPay(t, e, 1)
	clk.Set(kt.T2)
	_, err := e.Reschedule(bg, b.Code, kt.Dec11, kt.Slot1)
	require.NoError(t, err)
	clk.Set(kt.T6)
	n, err := e.MarkNoShows(bg)
	require.NoError(t, err)
	require.Zero(t, n)
	clk.Set(time.Date(2026, 12, 11, 10, 0, 0, 0, kt.WIB))
	n, err = e.MarkNoShows(bg)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

// The calendar views expire lapsed holds before they count seats, so a
// hold past its deadline shows as free even before any sweep.
func TestMonthCountsExpiredHoldsAsFree(t *testing.T) {
	e, clk := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	req := kt.HoldRequest(t, 1)
	req.Applicants = kt.Applicants(t, 1, 5)
	b, err := e.Hold(bg, req)
	require.NoError(t, err)
	req = kt.HoldRequest(t, 2)
	req.Slot, req.Applicants = kt.Slot1, kt.Applicants(t, 10, 5)
	_, err = e.Hold(bg, req)
	require.NoError(t, err)
	days, err := e.Month(bg, kt.Office, 2026, time.December)
	require.NoError(t, err)
	require.Equal(t, calendar.Full, days[9].StateIn(kt.Online))

	clk.Set(b.PayBy)
	days, err = e.Month(bg, kt.Office, 2026, time.December)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, days[9].StateIn(kt.Online), "lapsed holds are free again")
	day, err := e.Day(bg, kt.Office, kt.Dec10)
	require.NoError(t, err)
	require.Equal(t, 5, day.Slots[0].Pools[0].Left)

	_, err = e.Month(bg, "nope", 2026, time.December)
	require.ErrorIs(t, err, ErrUnknownOffice)
	_, err = e.Day(bg, kt.Office, calendar.Date{})
	require.ErrorIs(t, err, calendar.ErrBadDate)
}

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
		tomorrow := calendar.DateOf(start, kt.WIB).AddDays(1)
		cfg := kt.OfficeConfig(t)
		cfg.Quota.Schedule.Week = calendar.WeekdaysOf(0, 1, 2, 3, 4, 5, 6)
		// The fixture's holiday data covers 2026 and 2027, and days of
		// 2000 would not open; an empty list enforces no coverage.
		cfg.Quota.Schedule.Holidays = calendar.Holidays{}
		cfg.Quota.Release = quota.ReleaseRule{}
		cfg.Quota.First, cfg.Quota.Days = tomorrow, 10
		require.NoError(t, e.RegisterOffice(bg, cfg))
		time.Sleep(17 * time.Second)

		req := kt.HoldRequest(t, 1)
		req.Date = tomorrow
		held, err := e.Hold(bg, req)
		require.NoError(t, err)
		req = kt.HoldRequest(t, 2)
		req.Date = tomorrow
		paid, err := e.Hold(bg, req)
		require.NoError(t, err)
		_, err = e.Pay(bg, paid.BillingCode, "ref")
		require.NoError(t, err)

		// Reads show a deadline at its instant whether or not a sweep
		// has run, so what the sweeper recorded is read from Stats.
		time.Sleep(ttl - time.Nanosecond)
		synctest.Wait()
		require.Equal(t, Held, getBooking(t, e, held.Code).State, "not before its deadline")
		require.Zero(t, e.Stats().Bookings[Expired], "not recorded before its deadline")
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		require.Equal(t, Expired, getBooking(t, e, held.Code).State, "at its deadline, with nobody asking")
		require.Equal(t, 1, e.Stats().Bookings[Expired], "recorded by the sweeper at its deadline")

		// The paid booking becomes a no-show when its 08:00–09:00 slot
		// ends, tomorrow in Jakarta.
		end := tomorrow.Start(kt.WIB).Add(9 * time.Hour)
		time.Sleep(time.Until(end) - time.Nanosecond)
		synctest.Wait()
		require.Equal(t, Paid, getBooking(t, e, paid.Code).State)
		require.Zero(t, e.Stats().Bookings[NoShow], "not recorded before the slot ends")
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		noShow := getBooking(t, e, paid.Code)
		require.Equal(t, NoShow, noShow.State)
		require.True(t, noShow.History[len(noShow.History)-1].At.Equal(end), "a no-show at its slot's end")
		require.Equal(t, 1, e.Stats().Bookings[NoShow], "recorded by the sweeper when the slot ends")
		kt.RequireConsistent(t, e)
	})
}

// gatedJournal is an in-memory journal whose next Append, once armed,
// stops until the test lets it go: a commit caught on its way.
type gatedJournal struct {
	journal.Memory
	armed   atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func (j *gatedJournal) Append(rec []byte) (uint64, error) {
	if j.armed.CompareAndSwap(true, false) {
		j.entered <- struct{}{}
		<-j.release
	}
	return j.Memory.Append(rec)
}

// A view asked while another view's sweep is recording a lapsed hold's
// expiry shows the hold's seats back, as the booking reads: it does not
// take "nothing is due" from an index the other sweep has just emptied.
// (The calendar page read a day one seat short after a lapse: the month
// and day views ran together, and the day's found nothing due.)
func TestViewDuringAnotherViewsExpiry(t *testing.T) {
	j := &gatedJournal{entered: make(chan struct{}), release: make(chan struct{})}
	clk := kt.NewClock(kt.T1)
	e, err := StartWith(&Options{Now: clk.Now, NoSweeper: true}, j)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	seats := func(v quota.DayView) int {
		return v.Slots[0].Pools[0].Left // Slot0, Online
	}
	h, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	clk.Set(h.PayBy)

	j.armed.Store(true) // the expiry's record will wait in Append
	first := make(chan error, 1)
	go func() { _, err := e.Month(bg, kt.Office, 2026, time.December); first <- err }()
	<-j.entered // the first view's sweep has popped the hold, not released it

	second := make(chan quota.DayView, 1)
	go func() {
		v, err := e.Day(bg, kt.Office, kt.Dec10)
		assert.NoError(t, err)
		second <- v
	}()
	var v quota.DayView
	select {
	case v = <-second: // fails below unless the seat was back
	case <-time.After(200 * time.Millisecond): // it waits, as it should
	}
	close(j.release)
	require.NoError(t, <-first)
	if v.Slots == nil {
		v = <-second
	}
	require.Equal(t, 5, seats(v), "the lapsed hold's seat is back in the second view")
	require.Equal(t, Expired, getBooking(t, e, h.Code).State)
	kt.RequireConsistent(t, e)
}

// While another sweep records a lapsed hold's expiry, a hold for a full
// cell elsewhere answers at once, and a hold for the lapsed hold's own
// cell waits for it and takes the seat it gives back: each waits only for
// the seats it asks about.
func TestHoldsWaitOnlyForTheirCellsExpiries(t *testing.T) {
	j := &gatedJournal{entered: make(chan struct{}), release: make(chan struct{})}
	clk := kt.NewClock(kt.T1)
	e, err := StartWith(&Options{Now: clk.Now, NoSweeper: true, MaxHoldsPerAccount: 5}, j)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	fill := func(d calendar.Date, first int) Booking {
		var last Booking
		for acc := first; acc < first+5; acc++ { // Slot0 online has 5 seats
			r := kt.HoldRequest(t, acc)
			r.Date = d
			last, err = e.Hold(bg, r)
			require.NoError(t, err)
		}
		return last
	}
	lapsing := fill(kt.Dec10, 1)
	fill(kt.Dec11, 10)
	// Every hold of Dec11 is paid; of Dec10, all but the last.
	for _, d := range []calendar.Date{kt.Dec10, kt.Dec11} {
		list, err := e.DayBookings(bg, kt.Office, d)
		require.NoError(t, err)
		for _, b := range list {
			if b.Code != lapsing.Code {
				_, err := e.Pay(bg, b.BillingCode, "ref-"+b.Code)
				require.NoError(t, err)
			}
		}
	}
	clk.Set(lapsing.PayBy)

	j.armed.Store(true) // the lapsed hold's expiry will wait in Append
	swept := make(chan error, 1)
	go func() { _, err := e.ExpireDue(bg); swept <- err }()
	<-j.entered

	r := kt.HoldRequest(t, 20)
	r.Date = kt.Dec11
	_, err = e.Hold(bg, r)
	require.ErrorIs(t, err, quota.ErrFull, "Dec11 is full, and nothing of it is in flight")
	require.Zero(t, HoldExpiryWaitsGivenUp(e), "it did not wait for Dec10's expiry")

	held := make(chan error, 1)
	go func() {
		_, err := e.Hold(bg, kt.HoldRequest(t, 21)) // Dec10 Slot0: the lapsed hold's cell
		held <- err
	}()
	select {
	case err := <-held:
		t.Fatalf("the hold for the lapsed hold's cell answered (%v) before its expiry was recorded", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(j.release)
	require.NoError(t, <-swept)
	require.NoError(t, <-held, "it waited, and took the seat the expiry gave back")
	require.Zero(t, HoldExpiryWaitsGivenUp(e))
	kt.RequireConsistent(t, e)
}
