package quota

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// counterDrift compares the counters of every day of every office's current
// table with a walk of its cells ([table.tally]), and says where they
// differ. Call it at rest, with no Reserve, Release or change under way:
// a change still announced is drift too, since nothing would ever publish
// it.
func counterDrift(l *Ledger) error {
	for id := range OfficeID(l.Offices()) {
		t := l.table(id)
		for i := range t.days {
			dy := &t.days[i]
			seats, offered, open, ok := dy.ctr.read()
			if !ok {
				return fmt.Errorf("office %d %s: a change left under way (crossing %#x)", id, dy.date, dy.ctr.crossing.Load())
			}
			ws, wo, wn := t.tally(dy)
			if seats != ws || offered != wo || open != wn {
				return fmt.Errorf("office %d %s: counters seats %#x offered %#x open %d, cells %#x %#x %d",
					id, dy.date, seats, offered, open, ws, wo, wn)
			}
		}
	}
	return nil
}

// statesOf narrows month views to what AppendMonth shows of them.
func statesOf(days []DayView) []DayState {
	out := make([]DayState, len(days))
	for i, d := range days {
		out[i] = DayState{Date: d.Date, State: d.State, Reason: d.Reason, Opens: d.Opens}
	}
	return out
}

// statesMismatch compares AppendMonth with Month, and AppendMonthIn with
// MonthIn for every pool, for one month at one instant; at rest they must
// agree day for day. It compares AppendDayIn with DayIn too, for every
// day of the month and every pool, slot for slot.
func statesMismatch(l *Ledger, id OfficeID, year int, month time.Month, now time.Time) error {
	all, err := l.Month(id, year, month, now)
	if err != nil {
		return err
	}
	got, err := l.AppendMonth(nil, id, year, month, now)
	if err != nil {
		return err
	}
	if err := sameStates(statesOf(all), got); err != nil {
		return fmt.Errorf("all pools at %v: %w", now, err)
	}
	pools := len(all[0].Pools)
	for p := range pools {
		in, err := l.MonthIn(id, p, year, month, now)
		if err != nil {
			return err
		}
		got, err := l.AppendMonthIn(nil, id, p, year, month, now)
		if err != nil {
			return err
		}
		if err := sameStates(statesOf(in), got); err != nil {
			return fmt.Errorf("pool %d at %v: %w", p, now, err)
		}
		for _, d := range in {
			if err := slotsMismatch(l, id, p, d.Date, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// slotsMismatch compares AppendDayIn with DayIn for one day and pool at
// one instant.
func slotsMismatch(l *Ledger, id OfficeID, pool int, d calendar.Date, now time.Time) error {
	view, err := l.DayIn(id, pool, d, now)
	if err != nil {
		return err
	}
	got, err := l.AppendDayIn(nil, id, pool, d, now)
	if err != nil {
		return err
	}
	if len(got) != len(view.Slots) {
		return fmt.Errorf("%s pool %d at %v: %d slots, want %d", d, pool, now, len(got), len(view.Slots))
	}
	for i, w := range view.Slots {
		want := SlotState{Slot: w.Slot, Start: w.Start, End: w.End, State: w.State, Reason: w.Reason, Left: w.Pools[0].Left}
		if got[i] != want {
			return fmt.Errorf("%s pool %d at %v: slot %d is %+v, want %+v", d, pool, now, i, got[i], want)
		}
	}
	return nil
}

func sameStates(want, got []DayState) error {
	if len(want) != len(got) {
		return fmt.Errorf("%d days, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.Date != g.Date || w.State != g.State || w.Reason != g.Reason || !w.Opens.Equal(g.Opens) || w.Opens.Location() != g.Opens.Location() {
			return fmt.Errorf("%s: got %v %q opens %v, want %v %q opens %v", w.Date, g.State, g.Reason, g.Opens, w.State, w.Reason, w.Opens)
		}
	}
	return nil
}

// A view never acts on counters that a change under way has left behind
// its cells: with a change announced on dec10 and its counters wrong, the
// day is still shown as its cells are; once published, the counters are
// what the view reads.
func TestMonthStatesNeverTrustAChangeUnderWay(t *testing.T) {
	l, id := newTestLedger(t)
	dy := l.table(id).at(dec10)
	k := dy.ctr
	month := func() calendar.State {
		t.Helper()
		days, err := l.AppendMonthIn(nil, id, online, 2026, time.December, t1)
		require.NoError(t, err)
		return days[9].State
	}
	require.Equal(t, calendar.Available, month())

	seats := k.seats.Load()
	k.crossing.Add(1) // a writer has announced and not yet published
	k.seats.Store(0)  // and its counts say no seat is left
	require.Equal(t, calendar.Available, month(), "a count under way is never trusted: the cells answer")
	k.crossing.Add(crossingDone)
	require.Equal(t, calendar.Full, month(), "published, the counts answer (wrongly, as this test set them)")
	k.seats.Store(seats)
	require.Equal(t, calendar.Available, month())
	require.NoError(t, counterDrift(l))
}

// published sums the changes published on every day of an office's
// table: the generations of their crossing words.
func published(l *Ledger, id OfficeID) uint64 {
	var n uint64
	t := l.table(id)
	for i := range t.days {
		n += t.days[i].ctr.crossing.Load() >> 32
	}
	return n
}

// Every way a cell crosses zero moves its day's counters, and nothing
// else does: each step is checked against a walk of the cells, and counts
// the changes it published. A Reserve that leaves seats and a Release onto
// seats publish none: the reservation path touches no counter.
func TestCountersFollowTheCells(t *testing.T) {
	l, id := newTestLedger(t)
	tests := []struct {
		name string
		do   func() error
		want uint64 // changes published
	}{
		{"reserve leaving seats", func() error { return l.Reserve(id, dec10, 0, online, 2, t1) }, 0},
		{"reserve the last seat", func() error { return l.Reserve(id, dec10, 0, online, 1, t1) }, 1},
		{"refused: full", func() error { return noErr(l.Reserve(id, dec10, 0, online, 1, t1), ErrFull) }, 0},
		{"release the first seat", func() error { return l.Release(id, dec10, 0, online, 1) }, 1},
		{"release onto seats", func() error { return l.Release(id, dec10, 0, online, 2) }, 0},
		{"restore leaving seats", func() error { return l.Restore(id, dec10, 1, walkIn, 1) }, 0},
		{"restore the last seat", func() error { return l.Restore(id, dec10, 1, walkIn, 1) }, 1},
		{"close a slot with a full cell", func() error { return l.CloseSlot(id, dec10, 1, "rapat") }, 1},
		{"release in a closed slot", func() error { return l.Release(id, dec10, 1, walkIn, 1) }, 0},
		{"restore in a closed slot", func() error { return l.Restore(id, dec10, 1, walkIn, 1) }, 0},
		{"capacity 0 in a closed slot", func() error { return l.SetCapacity(id, dec10, 1, online, 0) }, 0},
		{"open the slot", func() error { return l.OpenSlot(id, dec10, 1) }, 1},
		{"capacity 0", func() error { return l.SetCapacity(id, dec10, 0, online, 0) }, 1},
		{"capacity back", func() error { return l.SetCapacity(id, dec10, 0, online, 4) }, 1},
		{"capacity up, seats left", func() error { return l.SetCapacity(id, dec10, 0, online, 5) }, 0},
		{"capacity to the seats taken", func() error { return l.SetCapacity(id, dec10, 1, walkIn, 2) }, 0},
		{"close the day", func() error { return l.CloseDay(id, dec10, "banjir") }, 0},
		{"open the day", func() error { return l.OpenDay(id, dec10) }, 0},
		{"close a slot twice", func() error { _ = l.CloseSlot(id, dec11, 0, "a"); return l.CloseSlot(id, dec11, 0, "b") }, 1},
		{"open a slot twice", func() error { _ = l.OpenSlot(id, dec11, 0); return l.OpenSlot(id, dec11, 0) }, 1},
		{"a failed commit", func() error {
			return noErr(l.Apply(id, Override{Kind: SetCapacity, Date: dec11, Pool: walkIn}, func() error { return errJournal }), errJournal)
		}, 0},
	}
	for _, tt := range tests {
		before := published(l, id)
		require.NoError(t, tt.do(), tt.name)
		require.Equal(t, tt.want, published(l, id)-before, "%s: changes published", tt.name)
		require.NoError(t, counterDrift(l), tt.name)
		for _, now := range []time.Time{t0, t1, t3} {
			require.NoError(t, statesMismatch(l, id, 2026, time.December, now), tt.name)
		}
	}
}

// noErr turns the expected error want into nil, and any other into itself.
func noErr(err, want error) error {
	if errors.Is(err, want) {
		return nil
	}
	if err == nil {
		return fmt.Errorf("no error, want %v", want)
	}
	return err
}

// Many goroutines take and give back the last seats of cells while others
// read the month, and an operator closes slots and changes capacities. The
// days are built so that their state never depends on the race, whatever
// the interleaving: a reader that ever acted on counters lagging their
// cells, or on a byte that borrowed from its neighbour, would see one of
// them in the wrong state.
//
//   - dec1: online slot 0 is never reserved, so online always has a seat:
//     Available, for online and for all pools.
//   - dec2: walk-in is sold out and vip offers nothing, while online
//     (byte 0, below them) churns: walk-in Full, vip NoQuota.
//   - dec3: as dec1, and an operator closes and opens slot 2 and moves the
//     capacity of slot 3 online between 0 and 2, with commits that yield
//     and sometimes fail.
func TestMonthStatesUnderChurn(t *testing.T) {
	cfg := testConfig(t)
	cfg.Layout = Layout{Pools: []string{"online", "walk-in", "vip"}}
	for s := range 4 {
		start := time.Duration(8+s) * time.Hour
		cfg.Layout.Slots = append(cfg.Layout.Slots, Slot{Start: start, End: start + time.Hour, Seats: []int{1, 1, 0}})
	}
	l := NewLedger()
	id, err := l.AddOffice(cfg)
	require.NoError(t, err)
	dec1, dec2, dec3 := calendar.NewDate(2026, 12, 1), calendar.NewDate(2026, 12, 2), calendar.NewDate(2026, 12, 3)
	for s := range 4 {
		require.NoError(t, l.Reserve(id, dec2, s, walkIn, 1, t1))
	}
	// The cells the workers churn: every cell with a seat but the anchors.
	type cellAt struct {
		d          calendar.Date
		slot, pool int
	}
	var churn []cellAt
	for s := range 4 {
		churn = append(churn, cellAt{dec2, s, online})
		for _, d := range []calendar.Date{dec1, dec3} {
			churn = append(churn, cellAt{d, s, walkIn})
			if s > 0 {
				churn = append(churn, cellAt{d, s, online})
			}
		}
	}

	const workers, opsPerWorker, readers = 32, 400, 4
	// The churn must happen for the test to test anything: a worker goes
	// on past its operations until the workers together took
	// minTaken seats, which on a loaded machine (a seat held, a cell
	// frozen by the operator) can take more tries; churnMax bounds it.
	const minTaken, churnMax = workers * opsPerWorker / 10, 20 * time.Second
	deadline := time.Now().Add(churnMax)
	var taken, reads atomic.Int64
	var done atomic.Bool
	var workWG, otherWG sync.WaitGroup
	for w := range workers {
		workWG.Go(func() {
			for i := 0; i < opsPerWorker || (taken.Load() < minTaken && time.Now().Before(deadline)); i++ {
				c := churn[(w*7+i*13)%len(churn)]
				err := l.Reserve(id, c.d, c.slot, c.pool, 1, t1)
				if err != nil {
					if !errors.Is(err, ErrFull) && !errors.Is(err, ErrClosed) && !errors.Is(err, ErrNoQuota) {
						assert.NoError(t, err)
					}
					continue
				}
				taken.Add(1)
				if i%3 == 0 {
					runtime.Gosched() // hold the seat a while
				}
				assert.NoError(t, l.Release(id, c.d, c.slot, c.pool, 1))
			}
		})
	}
	otherWG.Go(func() { // the operator
		for i := 0; !done.Load(); i++ {
			commit := func() error {
				runtime.Gosched()
				if i%4 == 0 {
					return errJournal
				}
				return nil
			}
			kind := CloseSlot
			if i%2 == 1 {
				kind = OpenSlot
			}
			ov := Override{Kind: kind, Date: dec3, Slot: 2}
			if kind == CloseSlot {
				ov.Reason = "rapat"
			}
			if err := l.Apply(id, ov, commit); !errors.Is(err, errJournal) {
				assert.NoError(t, err)
			}
			err := l.Apply(id, Override{Kind: SetCapacity, Date: dec3, Slot: 3, Seats: i % 3}, commit)
			if err != nil && !errors.Is(err, errJournal) {
				assert.ErrorIs(t, err, ErrBelowTaken)
			}
		}
	})
	for range readers {
		otherWG.Go(func() {
			var all, on, walk, vip []DayState
			for n := 0; !done.Load() || n < 100; n++ {
				var errs [4]error
				all, errs[0] = l.AppendMonth(all[:0], id, 2026, time.December, t1)
				on, errs[1] = l.AppendMonthIn(on[:0], id, online, 2026, time.December, t1)
				walk, errs[2] = l.AppendMonthIn(walk[:0], id, walkIn, 2026, time.December, t1)
				vip, errs[3] = l.AppendMonthIn(vip[:0], id, 2, 2026, time.December, t1)
				for _, err := range errs {
					if !assert.NoError(t, err) {
						return
					}
				}
				for _, d := range []int{0, 2} {
					assert.Equal(t, calendar.Available, all[d].State, "all pools, %s", all[d].Date)
					assert.Equal(t, calendar.Available, on[d].State, "online, %s", on[d].Date)
				}
				assert.Equal(t, calendar.Full, walk[1].State, "walk-in, dec2")
				assert.Equal(t, calendar.NoQuota, vip[1].State, "vip, dec2")
				reads.Add(1)
				if t.Failed() {
					return
				}
			}
		})
	}
	// The workers finish, then the operator and the readers.
	workWG.Wait()
	done.Store(true)
	otherWG.Wait()

	t.Logf("%d seats taken and given back, %d month reads of four views", taken.Load(), reads.Load())
	require.GreaterOrEqual(t, taken.Load(), int64(minTaken), "the workers got seats within %v", churnMax)
	require.GreaterOrEqual(t, reads.Load(), int64(readers*100))
	require.NoError(t, counterDrift(l))
	requireNoFrozen(t, l)
	require.NoError(t, statesMismatch(l, id, 2026, time.December, t1))
}
