package quota

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hotCellLedger returns a ledger with one office whose single cell (slot 0,
// pool 0 on dec10) offers capacity seats.
func hotCellLedger(t testing.TB, capacity int) (*Ledger, OfficeID) {
	t.Helper()
	cfg := testConfig(t)
	cfg.Layout = Layout{Pools: []string{"online"}, Slots: []Slot{{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{capacity}}}}
	l := NewLedger()
	id, err := l.AddOffice(cfg)
	require.NoError(t, err)
	return l, id
}

func TestRaceTenThousandForOneHundred(t *testing.T) {
	l, id := hotCellLedger(t, 100)
	const racers = 10_000
	var ok, full atomic.Int64
	var other sync.Map
	var start, wg sync.WaitGroup
	start.Add(1)
	for range racers {
		wg.Go(func() {
			start.Wait()
			switch err := l.Reserve(id, dec10, 0, 0, 1, t1); {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, ErrFull):
				full.Add(1)
			default:
				other.Store(err.Error(), true)
			}
		})
	}
	start.Done()
	wg.Wait()
	other.Range(func(k, _ any) bool { t.Errorf("unexpected error: %v", k); return true })
	require.EqualValues(t, 100, ok.Load())
	require.EqualValues(t, 9_900, full.Load())
	requireCell(t, l, id, dec10, 0, 0, 100, 0)
	require.NoError(t, counterDrift(l))
}

// Groups of 1 to 5 race for one cell: every seat handed out is accounted
// for, and a group never gets part of what it asked for.
func TestRaceGroups(t *testing.T) {
	const capacity = 1_000
	l, id := hotCellLedger(t, capacity)
	var handedOut atomic.Int64
	var wg sync.WaitGroup
	for g := range 2_000 {
		wg.Go(func() {
			n := 1 + g%5
			if err := l.Reserve(id, dec10, 0, 0, n, t1); err == nil {
				handedOut.Add(int64(n))
			} else {
				assert.ErrorIs(t, err, ErrFull)
			}
		})
	}
	wg.Wait()
	c, err := l.Cell(id, dec10, 0, 0)
	require.NoError(t, err)
	require.EqualValues(t, capacity, handedOut.Load()+int64(c.Left))
	// 2,000 groups asked for 6,000 seats, so the cell cannot have more
	// seats left than the smallest group that was refused could not fit.
	require.Less(t, c.Left, 5)
}

// Reservations, releases and capacity changes racing keep
// taken + left = capacity and never oversell.
func TestRaceMixed(t *testing.T) {
	l, id := hotCellLedger(t, 50)
	var taken atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			mine := 0
			for range 5_000 {
				switch rng.IntN(3) {
				case 0:
					n := 1 + rng.IntN(5)
					if l.Reserve(id, dec10, 0, 0, n, t1) == nil {
						mine += n
						taken.Add(int64(n))
					}
				case 1:
					if mine > 0 {
						n := 1 + rng.IntN(mine)
						assert.NoError(t, l.Release(id, dec10, 0, 0, n))
						mine -= n
						taken.Add(-int64(n))
					}
				case 2:
					err := l.SetCapacity(id, dec10, 0, 0, 20+rng.IntN(60))
					if err != nil {
						assert.ErrorIs(t, err, ErrBelowTaken)
					}
				}
				c, err := l.Cell(id, dec10, 0, 0)
				assert.NoError(t, err)
				assert.GreaterOrEqual(t, c.Left, 0)
				assert.LessOrEqual(t, c.Left, c.Capacity)
			}
		})
	}
	wg.Wait()
	c, err := l.Cell(id, dec10, 0, 0)
	require.NoError(t, err)
	require.EqualValues(t, taken.Load(), c.Taken())
	require.NoError(t, counterDrift(l))
}

// Capacity changes whose commit yields, and sometimes fails, race
// reservations and releases: a capacity is never stored below the seats
// taken, a failed commit leaves the capacity it found, and no seat is lost.
func TestRaceCapacityCommit(t *testing.T) {
	l, id := hotCellLedger(t, 50)
	var taken atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 2))
			mine := 0
			for !stop.Load() {
				if rng.IntN(2) == 0 {
					n := 1 + rng.IntN(5)
					if l.Reserve(id, dec10, 0, 0, n, t1) == nil {
						mine += n
						taken.Add(int64(n))
					}
				} else if mine > 0 {
					n := 1 + rng.IntN(mine)
					assert.NoError(t, l.Release(id, dec10, 0, 0, n))
					mine -= n
					taken.Add(-int64(n))
				}
			}
		})
	}
	rng := rand.New(rand.NewPCG(9, 9))
	capacity, changed, refused := 50, 0, 0
	for i := range 2_000 {
		seats := 10 + rng.IntN(60)
		fail := i%4 == 0
		err := l.Apply(id, Override{Kind: SetCapacity, Date: dec10, Seats: seats}, func() error {
			runtime.Gosched() // let the reservations try the frozen cell
			if fail {
				return errJournal
			}
			return nil
		})
		switch {
		case err == nil:
			capacity = seats
			changed++
		case errors.Is(err, errJournal):
		default:
			require.ErrorIs(t, err, ErrBelowTaken)
			refused++
		}
		c, err := l.Cell(id, dec10, 0, 0)
		require.NoError(t, err)
		require.Equal(t, capacity, c.Capacity, "only this goroutine changes the capacity")
		require.GreaterOrEqual(t, c.Left, 0)
		require.LessOrEqual(t, c.Left, c.Capacity)
	}
	stop.Store(true)
	wg.Wait()
	c, err := l.Cell(id, dec10, 0, 0)
	require.NoError(t, err)
	require.EqualValues(t, taken.Load(), c.Taken())
	require.Positive(t, changed, "some changes went through")
	t.Logf("%d capacity changes made, %d refused below the seats taken", changed, refused)
	requireNoFrozen(t, l)
	require.NoError(t, counterDrift(l))
}
