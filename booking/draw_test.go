package booking_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

const drawWindow = time.Minute

// newDrawEngine returns an engine at T0, the instant December's quota
// opens, whose test office has an opening window of a minute and seats
// online seats in slot 08:00.
func newDrawEngine(t *testing.T, seats int) (*Engine, *kt.Clock) {
	clk := kt.NewClock(kt.T0)
	e := kt.NewEmptyEngine(t, clk, nil)
	cfg := kt.OfficeConfig(t)
	cfg.OpeningWindow = drawWindow
	cfg.Quota.Layout.Slots[0].Seats[0] = seats
	require.NoError(t, e.RegisterOffice(bg, cfg))
	return e, clk
}

type drawResult struct {
	acc int
	b   Booking
	err error
}

// enter starts a hold for each account, each waiting in the draw, and
// returns once all are in it.
func enter(t *testing.T, e *Engine, ctx context.Context, accounts []int) chan drawResult {
	t.Helper()
	before := drawEntrants(t, e)
	results := make(chan drawResult, len(accounts))
	for _, acc := range accounts {
		go func() {
			b, err := e.Hold(ctx, kt.HoldRequest(t, acc))
			results <- drawResult{acc, b, err}
		}()
	}
	require.Eventually(t, func() bool { return drawEntrants(t, e) == before+len(accounts) }, waitMax, waitTick)
	return results
}

func drawEntrants(t *testing.T, e *Engine) int {
	d, err := e.Draw(bg, kt.Office, kt.T0)
	require.NoError(t, err)
	return d.Entrants
}

// The holds that arrive in the window are admitted in the seed's order,
// which the commitment published before the window and the seed revealed
// after let anyone check; the seats go to the first places, never one
// more.
func TestOpeningDraw(t *testing.T) {
	const seats, entrants = 5, 20
	e, clk := newDrawEngine(t, seats)
	before, err := e.Draw(bg, kt.Office, kt.T0)
	require.NoError(t, err)
	require.False(t, before.Drawn)
	require.Nil(t, before.Seed, "the seed stays secret until the draw")
	require.Equal(t, kt.T0.Add(drawWindow), before.Closes)

	accounts := make([]int, entrants)
	for i := range accounts {
		accounts[i] = i + 1
	}
	clk.Add(10 * time.Second)
	results := enter(t, e, bg, accounts)
	select {
	case r := <-results:
		t.Fatalf("account %d answered before the draw: %v", r.acc, r.err)
	case <-time.After(20 * time.Millisecond):
	}

	clk.Set(kt.T0.Add(drawWindow))
	n, err := e.RunDueDraws(bg)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	d, err := e.Draw(bg, kt.Office, kt.T0)
	require.NoError(t, err)
	require.True(t, d.Drawn)
	require.Equal(t, before.Commitment, d.Commitment)
	require.NoError(t, VerifyDraw(d))
	require.Len(t, d.Order, entrants)

	won := 0
	for range entrants {
		r := <-results
		var de *DrawError
		switch {
		case r.err == nil:
			won++
			require.LessOrEqual(t, r.b.DrawPlace, seats, "account %d", r.acc)
			require.Equal(t, r.b.DrawTicket, d.Order[r.b.DrawPlace-1])
			require.Equal(t, entrants, r.b.DrawEntrants)
			require.Equal(t, kt.T0.Add(drawWindow), r.b.Created, "admitted at the draw")
		case errors.As(r.err, &de):
			require.ErrorIs(t, r.err, quota.ErrFull)
			require.Greater(t, de.Place, seats)
			require.Equal(t, entrants, de.Entrants)
			require.Equal(t, de.Ticket, d.Order[de.Place-1])
		default:
			t.Fatalf("account %d: %v", r.acc, r.err)
		}
	}
	require.Equal(t, seats, won)
	kt.RequireConsistent(t, e)

	tampered := d
	tampered.Order = append([]int{d.Order[1], d.Order[0]}, d.Order[2:]...)
	require.Error(t, VerifyDraw(tampered))
	tampered = d
	tampered.Seed = append([]byte{d.Seed[0] ^ 1}, d.Seed[1:]...)
	require.Error(t, VerifyDraw(tampered))
}

// One account, and one NIK, enters a draw once; a hold before the release
// is refused as ever, and one for a day released earlier is served at
// once.
func TestOpeningDrawEntries(t *testing.T) {
	e, clk := newDrawEngine(t, 5)
	clk.Set(kt.T0.Add(-time.Nanosecond))
	_, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.ErrorIs(t, err, quota.ErrNotOpened, "before the release")
	clk.Set(kt.T0) // the release instant opens the window

	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	enter(t, e, ctx, []int{1})
	_, err = e.Hold(bg, kt.HoldRequest(t, 1))
	require.ErrorIs(t, err, ErrInDraw, "the same account again")
	other := kt.HoldRequest(t, 2)
	other.Applicants = kt.Applicants(t, 1, 1) // account 1's NIK
	_, err = e.Hold(bg, other)
	var ae *ApplicantError
	require.ErrorAs(t, err, &ae)
	require.ErrorIs(t, err, ErrInDraw, "the same NIK under another account")

	clk.Set(kt.T0.Add(drawWindow))
	_, err = e.RunDueDraws(bg)
	require.NoError(t, err)
	b, err := e.Hold(bg, kt.HoldRequest(t, 3))
	require.NoError(t, err, "after the window, first come first served")
	require.Zero(t, b.DrawTicket)

	_, err = e.Draw(bg, "NOPE", kt.T0)
	require.ErrorIs(t, err, ErrUnknownOffice)
	_, err = e.Draw(bg, kt.Office, kt.T0.Add(time.Minute))
	require.ErrorIs(t, err, ErrNoDraw, "no day is released at that instant")
	plain, _ := kt.NewEngine(t, nil)
	_, err = plain.Draw(bg, kt.Office, kt.T0)
	require.ErrorIs(t, err, ErrNoDraw)
}

// A hold arriving after the window, before anything ran the draw, runs it
// first: it never goes ahead of the entrants.
func TestLateHoldRunsTheDrawFirst(t *testing.T) {
	e, clk := newDrawEngine(t, 3)
	results := enter(t, e, bg, []int{1, 2, 3})
	clk.Set(kt.T0.Add(drawWindow + time.Second))
	_, err := e.Hold(bg, kt.HoldRequest(t, 4))
	require.ErrorIs(t, err, quota.ErrFull)
	for range 3 {
		r := <-results
		require.NoError(t, r.err)
	}
}

// TestLateHoldIsMadeAfterTheDraw: a hold that comes once the window has
// closed runs the draw first and is made after it — on a clock that moves
// on at every reading, its instant comes after every admission's.
func TestLateHoldIsMadeAfterTheDraw(t *testing.T) {
	var mu sync.Mutex
	now, step := kt.T0, time.Duration(0)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		at := now
		now = now.Add(step)
		return at
	}
	e, err := New(&Options{Now: clock, NoSweeper: true})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	cfg := kt.OfficeConfig(t)
	cfg.OpeningWindow = drawWindow
	cfg.Quota.Layout.Slots[0].Seats[0] = 4
	require.NoError(t, e.RegisterOffice(bg, cfg))
	results := enter(t, e, bg, []int{1, 2, 3})
	mu.Lock()
	now, step = kt.T0.Add(drawWindow+time.Second), time.Second
	mu.Unlock()
	late, err := e.Hold(bg, kt.HoldRequest(t, 4))
	require.NoError(t, err)
	for range 3 {
		r := <-results
		require.NoError(t, r.err)
		require.True(t, r.b.Created.Before(late.Created), "account %d admitted at %v, the late hold made at %v", r.acc, r.b.Created, late.Created)
	}
}

// An entrant whose caller leaves before the draw keeps its place, which
// the draw skips: no booking is made for it.
func TestOpeningDrawWithdrawn(t *testing.T) {
	e, clk := newDrawEngine(t, 5)
	ctx, cancel := context.WithCancel(bg)
	left := enter(t, e, ctx, []int{1})
	stay := enter(t, e, bg, []int{2})
	cancel()
	require.ErrorIs(t, (<-left).err, context.Canceled)
	clk.Set(kt.T0.Add(drawWindow))
	_, err := e.RunDueDraws(bg)
	require.NoError(t, err)
	require.NoError(t, (<-stay).err)
	got, err := e.AccountBookings(bg, kt.HoldRequest(t, 1).Account)
	require.NoError(t, err)
	require.Empty(t, got)
	d, err := e.Draw(bg, kt.Office, kt.T0)
	require.NoError(t, err)
	require.Equal(t, 2, d.Entrants)
	require.NoError(t, VerifyDraw(d))
}

// Close ends the entrants' waits.
func TestOpeningDrawClose(t *testing.T) {
	e, _ := newDrawEngine(t, 5)
	results := enter(t, e, bg, []int{1})
	require.NoError(t, e.Close())
	require.ErrorIs(t, (<-results).err, ErrEngineClosed)
}

func TestOpeningWindowConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T0)
	e := kt.OpenEngine(t, path, clk, nil)
	cfg := kt.OfficeConfig(t)
	for _, bad := range []time.Duration{-time.Second, OpeningWindowMax + time.Second} {
		cfg.OpeningWindow = bad
		require.ErrorIs(t, e.RegisterOffice(bg, cfg), ErrBadOffice, bad)
	}
	cfg.OpeningWindow = 90 * time.Second
	require.NoError(t, e.RegisterOffice(bg, cfg))
	require.NoError(t, e.Close())
	e = kt.OpenEngine(t, path, clk, nil)
	got, err := e.Office(bg, kt.Office)
	require.NoError(t, err)
	require.Equal(t, 90*time.Second, got.OpeningWindow)
}

// The shuffle is uniform: over many seeds, each order of four tickets
// comes up about equally often.
func TestDrawOrderIsUniform(t *testing.T) {
	counts := map[string]int{}
	const runs = 24_000
	for i := range runs {
		var seed [32]byte
		seed[0], seed[1], seed[2] = byte(i), byte(i>>8), byte(i>>16)
		counts[fmt.Sprint(DrawOrder(seed, 4))]++
	}
	require.Len(t, counts, 24)
	for order, n := range counts {
		// 1,000 expected; 6 standard deviations is about ±190.
		require.InDelta(t, runs/24, n, 190, order)
	}
}

// With the real clock and the sweeper, the draw runs when its window
// closes, and no seat is sold twice.
func TestOpeningDrawWithTheSweeper(t *testing.T) {
	e, err := New(&Options{MaxHoldsPerAccount: 1})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	// A week from tomorrow, released in a moment: whatever today is.
	now := time.Now()
	cfg := kt.OfficeConfig(t)
	cfg.OpeningWindow = 300 * time.Millisecond
	cfg.Quota.Schedule.Holidays = calendar.Holidays{}
	cfg.Quota.Schedule.Week = calendar.WeekdaysOf(time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday)
	cfg.Quota.Release = quota.ReleaseRule{}
	cfg.Quota.First = calendar.DateOf(now, kt.WIB).AddDays(1)
	cfg.Quota.Days = 7
	require.NoError(t, e.RegisterOffice(bg, cfg))
	day := cfg.Quota.First.AddDays(1)
	opens := now.Add(50 * time.Millisecond)
	require.NoError(t, e.SetReleaseAt(bg, kt.Office, day, opens))

	const entrants = 12
	results := make(chan error, entrants)
	time.Sleep(time.Until(opens))
	for acc := 1; acc <= entrants; acc++ {
		go func() {
			req := kt.HoldRequest(t, acc)
			req.Date = day
			b, err := e.Hold(bg, req)
			if err == nil && b.DrawPlace == 0 {
				err = fmt.Errorf("account %d admitted outside the draw", acc)
			}
			results <- err
		}()
	}
	won := 0
	deadline := time.After(10 * time.Second)
	for range entrants {
		select {
		case err := <-results:
			if err == nil {
				won++
			} else {
				require.ErrorIs(t, err, quota.ErrFull)
			}
		case <-deadline:
			t.Fatal("the sweeper did not run the draw")
		}
	}
	require.Equal(t, 5, won, "the online seats of slot 08:00")
	d, err := e.Draw(bg, kt.Office, opens)
	require.NoError(t, err)
	require.NoError(t, VerifyDraw(d))
	require.Equal(t, entrants, d.Entrants)
	kt.RequireConsistent(t, e)
}

// A reschedule may not move into a day whose opening draw has not run:
// the entrants come first.
func TestRescheduleWaitsForTheDraw(t *testing.T) {
	e, clk := newDrawEngine(t, 5)
	clk.Set(time.Date(2026, time.December, 1, 7, 0, 0, 0, kt.WIB)) // December long open; January opens at 08:00
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	_, err = e.Pay(bg, b.BillingCode, "REF")
	require.NoError(t, err)
	jan4 := calendar.NewDate(2027, time.January, 4)
	janOpens := time.Date(2026, time.December, 1, 8, 0, 0, 0, kt.WIB)

	clk.Set(janOpens.Add(10 * time.Second))
	_, err = e.Reschedule(bg, b.Code, jan4, kt.Slot0)
	require.ErrorIs(t, err, ErrDrawPending)

	clk.Set(janOpens.Add(drawWindow))
	_, err = e.RunDueDraws(bg)
	require.NoError(t, err)
	moved, err := e.Reschedule(bg, b.Code, jan4, kt.Slot0)
	require.NoError(t, err)
	require.Equal(t, jan4, moved.Date)
}

func TestVerifyDrawRefusesBadInput(t *testing.T) {
	e, clk := newDrawEngine(t, 5)
	enter(t, e, bg, []int{1, 2, 3})
	clk.Set(kt.T0.Add(drawWindow))
	_, err := e.RunDueDraws(bg)
	require.NoError(t, err)
	d, err := e.Draw(bg, kt.Office, kt.T0)
	require.NoError(t, err)
	require.NoError(t, VerifyDraw(d))
	for _, tt := range []struct {
		name string
		edit func(*Draw)
	}{
		{"negative entrants", func(d *Draw) { d.Entrants = -1 }},
		{"too many entrants", func(d *Draw) { d.Entrants = DrawEntrantsMax + 1 }},
		{"an order without entrants", func(d *Draw) { d.Entrants = 0 }},
		{"a ticket missing", func(d *Draw) { d.Order = d.Order[:2] }},
		{"not drawn", func(d *Draw) { d.Drawn = false }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := d
			bad.Order = slices.Clone(d.Order)
			tt.edit(&bad)
			require.Error(t, VerifyDraw(bad))
		})
	}
}
