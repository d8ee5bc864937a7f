package booking_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/internal/journal"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// feedAll reads the feed from after until it has every change up to the
// engine's latest, in as many calls as that takes.
func feedAll(t *testing.T, e *Engine, after uint64) []FeedEvent {
	t.Helper()
	var got []FeedEvent
	for after < e.LatestLSN() {
		var err error
		got, after, err = e.Feed(bg, after, got)
		require.NoError(t, err)
	}
	return got
}

// lifecycle makes one booking of each ending: paid and checked in, held
// and expired, paid and cancelled, paid and rescheduled. It returns the
// codes.
func lifecycle(t *testing.T, e *Engine, clk *kt.Clock) (checkedIn, expired, cancelled, moved string) {
	t.Helper()
	hold := func(acc int) Booking {
		b, err := e.Hold(bg, kt.HoldRequest(t, acc))
		require.NoError(t, err)
		return b
	}
	pay := func(b Booking) {
		_, err := e.Pay(bg, b.BillingCode, "REF-"+b.Code)
		require.NoError(t, err)
	}
	a, b, c, d := hold(1), hold(2), hold(3), hold(4)
	pay(a)
	pay(c)
	pay(d)
	_, err := e.Cancel(bg, c.Code, Reason{})
	require.NoError(t, err)
	_, err = e.Reschedule(bg, d.Code, kt.Dec11, kt.Slot0)
	require.NoError(t, err)
	clk.Set(b.PayBy)
	n, err := e.ExpireDue(bg)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	clk.Set(kt.T5)
	_, err = e.CheckIn(bg, a.Code)
	require.NoError(t, err)
	return a.Code, b.Code, c.Code, d.Code
}

// wantLifecycle is what the feed says of lifecycle, in order.
func wantLifecycle(a, b, c, d string) []struct {
	code     string
	from, to State
} {
	return []struct {
		code     string
		from, to State
	}{
		{a, 0, Held}, {b, 0, Held}, {c, 0, Held}, {d, 0, Held},
		{a, Held, Paid}, {c, Held, Paid}, {d, Held, Paid},
		{c, Paid, Cancelled}, {d, Paid, Paid},
		{b, Held, Expired}, {a, Paid, CheckedIn},
	}
}

func requireLifecycle(t *testing.T, got []FeedEvent, a, b, c, d string) {
	t.Helper()
	want := wantLifecycle(a, b, c, d)
	require.Len(t, got, len(want))
	for i, w := range want {
		require.Equal(t, w.code, got[i].Code, "event %d", i)
		require.Equal(t, w.from, got[i].From, "event %d of %s", i, w.code)
		require.Equal(t, w.to, got[i].To, "event %d of %s", i, w.code)
		require.Equal(t, kt.Office, got[i].Office)
		require.Equal(t, "08:00", got[i].Slot)
		if i > 0 {
			require.Greater(t, got[i].LSN, got[i-1].LSN, "commit order")
		}
	}
}

func TestFeedDeliversEveryChangeInCommitOrder(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	start := e.LatestLSN() // the office's registration: no event
	a, b, c, d := lifecycle(t, e, clk)
	got := feedAll(t, e, start)
	requireLifecycle(t, got, a, b, c, d)

	require.Equal(t, kt.Dec10, got[0].Date)
	require.Equal(t, kt.Dec11, got[8].Date, "a reschedule's event carries the new date")
	require.Equal(t, kt.T1, got[0].At)
	require.Equal(t, "Asia/Jakarta", got[0].At.Location().String())
	require.Equal(t, kt.T5, got[10].At)

	// Nothing that names a person: no NIK (not even masked), no account.
	for _, ev := range got {
		s := ev.String()
		for acc := 1; acc <= 4; acc++ {
			require.NotContains(t, s, kt.NIKDigits(acc)[12:])
			require.NotContains(t, s, kt.HoldRequest(t, acc).Account)
		}
	}
}

// A change reaches the feed only once it is durable: a commit stopped on
// its way to the disk keeps its event back, though the change is made in
// memory.
func TestFeedWaitsForDurability(t *testing.T) {
	bolt, err := journal.OpenBolt(filepath.Join(t.TempDir(), "kuota.db"), nil)
	require.NoError(t, err)
	gate := &gateLog{Log: bolt, at: func(int) {}, entered: make(chan int, 1), release: make(chan struct{})}
	g, err := journal.NewGroup(gate)
	require.NoError(t, err)
	clk := kt.NewClock(kt.T1)
	e, err := StartWith(&Options{Now: clk.Now, NoSweeper: true}, g)
	require.NoError(t, err)
	// Every commit goes through the gate; until the scene, let each pass.
	passing, passed := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(passed)
		for {
			select {
			case <-gate.entered:
				gate.release <- struct{}{}
			case <-passing:
				return
			}
		}
	}()
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	close(passing)
	<-passed // nothing is in the gate: the office's commit returned
	closeGated(t, e, gate)
	after := e.LatestLSN()

	held := make(chan error, 1)
	go func() { _, err := e.Hold(bg, kt.HoldRequest(t, 1)); held <- err }()
	select { // the hold's record is on its way, not yet on disk
	case <-gate.entered:
	case err := <-held:
		t.Fatalf("the hold returned %v before its commit", err)
	}
	require.Eventually(t, func() bool { return e.LatestLSN() == after+1 }, waitMax, waitTick)
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	got, next, err := e.Feed(ctx, after, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Empty(t, got)
	require.Equal(t, after, next)

	gate.release <- struct{}{}
	require.NoError(t, <-held)
	got, next, err = e.Feed(bg, after, nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, Held, got[0].To)
	require.Equal(t, after+1, next)
}

// Open refills the feed from the journal: a consumer that kept its cursor
// reads on after a restart, and one that starts at 0 reads the same
// events as before the restart.
func TestFeedAfterReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	a, b, c, d := lifecycle(t, e, clk)
	before := feedAll(t, e, 0)
	requireLifecycle(t, before, a, b, c, d)
	require.NoError(t, e.Close())

	e = kt.OpenEngine(t, path, clk, nil)
	require.Equal(t, before, feedAll(t, e, 0))
	cursor := before[len(before)-1].LSN
	got, next, err := e.Feed(shortCtx(t), cursor, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded, "nothing after the last change yet")
	require.Empty(t, got)
	require.Equal(t, cursor, next)

	_, err = e.Hold(bg, kt.HoldRequest(t, 5))
	require.NoError(t, err)
	got, _, err = e.Feed(bg, cursor, nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, State(0), got[0].From)
}

func shortCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	t.Cleanup(cancel)
	return ctx
}

// A consumer further behind than the buffer loses events, is told from
// where they are kept, and goes on from there.
func TestFeedLost(t *testing.T) {
	e, _ := kt.NewEngine(t, &Options{FeedBuffered: 5, MaxHoldsPerAccount: 5}) // rounded up to 8
	registerOneSlotOffice(t, e, "BIG", 10)
	for acc := 1; acc <= 10; acc++ {
		req := kt.HoldRequest(t, acc)
		req.Office = "BIG"
		_, err := e.Hold(bg, req)
		require.NoError(t, err)
	}
	latest := e.LatestLSN()
	_, next, err := e.Feed(bg, 1, nil)
	var lost *FeedLostError
	require.ErrorAs(t, err, &lost)
	require.ErrorIs(t, err, ErrFeedLost)
	require.Equal(t, uint64(1), next)
	require.Equal(t, FeedLostError{After: 1, Resume: latest - 8}, *lost)

	got, next, err := e.Feed(bg, lost.Resume, nil)
	require.NoError(t, err)
	require.Len(t, got, 8)
	require.Equal(t, latest, next)
}

func TestFeedStopsAtCloseAndCtx(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	done := make(chan error, 1)
	go func() { _, _, err := e.Feed(bg, e.LatestLSN(), nil); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("Feed returned %v with nothing to deliver", err)
	case <-time.After(20 * time.Millisecond):
	}
	require.NoError(t, e.Close())
	select {
	case err := <-done:
		require.ErrorIs(t, err, ErrEngineClosed)
	case <-time.After(waitMax):
		t.Fatal("Close did not wake Feed")
	}
	_, _, err := e.Feed(bg, 0, nil)
	require.ErrorIs(t, err, ErrEngineClosed)
	_, _, err = e.Feed(nil, 0, nil) //nolint:staticcheck // the nil context is the point
	require.True(t, errors.Is(err, ErrNilContext) || errors.Is(err, ErrEngineClosed))
}

func TestFeedBatches(t *testing.T) {
	e, _ := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	registerOneSlotOffice(t, e, "BIG", 2*FeedBatchMax)
	after := e.LatestLSN()
	for i := range FeedBatchMax + 10 {
		req := kt.HoldRequest(t, 10+i)
		req.Office = "BIG"
		_, err := e.Hold(bg, req)
		require.NoError(t, err)
	}
	got, next, err := e.Feed(bg, after, nil)
	require.NoError(t, err)
	require.Len(t, got, FeedBatchMax)
	require.Equal(t, after+FeedBatchMax, next)
	got, next, err = e.Feed(bg, next, got[:0])
	require.NoError(t, err)
	require.Len(t, got, 10)
	require.Equal(t, e.LatestLSN(), next)
}

// A standby delivers the events of the records it follows, as the active
// engine did.
func TestFeedOnStandby(t *testing.T) {
	p := newStandbyPair(t)
	a, b, c, d := lifecycle(t, p.active, p.clk)
	p.follow(p.standby)
	requireLifecycle(t, feedAll(t, p.standby, 0), a, b, c, d)
	require.Equal(t, feedAll(t, p.active, 0), feedAll(t, p.standby, 0))
}

// Under concurrent writers, a consumer reading all along sees every
// change once, in LSN order, and the same as a reader after the fact.
func TestFeedUnderConcurrentWriters(t *testing.T) {
	e, _ := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	registerOneSlotOffice(t, e, "RUSH", 10_000)
	start := e.LatestLSN()
	const writers, holds = 8, 200
	ctx, cancel := context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	var live []FeedEvent
	consumed := make(chan error, 1)
	go func() {
		after := start
		for len(live) < writers*holds*2 {
			var err error
			if live, after, err = e.Feed(ctx, after, live); err != nil {
				consumed <- err
				return
			}
		}
		consumed <- nil
	}()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range holds {
				req := kt.HoldRequest(t, 1+w*holds+i)
				req.Office = "RUSH"
				b, err := e.Hold(bg, req)
				if err == nil {
					_, err = e.Pay(bg, b.BillingCode, "REF")
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, <-consumed)
	require.Equal(t, feedAll(t, e, start), live)
	paid := map[string]bool{}
	for _, ev := range live {
		if ev.To == Paid {
			require.False(t, paid[ev.Code], "paid twice: %s", ev.Code)
			paid[ev.Code] = true
		} else {
			require.Equal(t, Held, ev.To)
			require.False(t, paid[ev.Code], "%s paid before its hold", ev.Code)
		}
	}
	require.Len(t, paid, writers*holds)
}

// Writers that share a slot of a small ring may get there in either
// order: the later record keeps the slot, and a reader of the earlier one
// learns it is lost rather than waiting for it, or reading a torn event.
func TestFeedSmallRingUnderConcurrentWriters(t *testing.T) {
	e, _ := kt.NewEngine(t, &Options{FeedBuffered: 1, MaxHoldsPerAccount: 5})
	registerOneSlotOffice(t, e, "RUSH", 10_000)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 200 {
				req := kt.HoldRequest(t, 1+w*200+i)
				req.Office = "RUSH"
				if _, err := e.Hold(bg, req); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	latest := e.LatestLSN()
	for after := uint64(0); after < latest; after++ {
		ctx, cancel := context.WithTimeout(bg, 5*time.Second)
		got, next, err := e.Feed(ctx, after, nil)
		cancel()
		var lost *FeedLostError
		switch {
		case errors.As(err, &lost):
			require.Equal(t, latest-1, lost.Resume)
		case err != nil:
			t.Fatalf("cursor %d: %v", after, err)
		default:
			require.Equal(t, latest, next)
			if len(got) == 1 {
				require.Equal(t, latest, got[0].LSN)
				require.Equal(t, "RUSH", got[0].Office, "not a torn event")
			}
		}
	}
}
