package quota

import (
	"errors"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/kuota/kuota/calendar"
)

// model is a plain, single-threaded description of one office's quota,
// against which the Ledger is checked.
type model struct {
	now      time.Time
	cells    map[cellKey]*modelCell
	dayShut  map[calendar.Date]bool
	opens    map[calendar.Date]time.Time
	startsAt func(d calendar.Date, slot int) time.Time
}

type modelCell struct {
	capacity, taken int
	closed          bool
	reserved        int // all seats ever reserved, to check released <= reserved
	released        int
}

var modelDays = []calendar.Date{calendar.NewDate(2026, 12, 9), dec10, dec11}

func newModel(cfg Config) *model {
	m := &model{
		now:     t0.Add(-time.Hour),
		cells:   map[cellKey]*modelCell{},
		dayShut: map[calendar.Date]bool{},
		opens:   map[calendar.Date]time.Time{},
		startsAt: func(d calendar.Date, slot int) time.Time {
			return d.Start(wib).Add(cfg.Layout.Slots[slot].Start)
		},
	}
	for _, d := range modelDays {
		m.opens[d] = cfg.Release.ReleaseAt(d, wib)
		for s, slot := range cfg.Layout.Slots {
			for p, seats := range slot.Seats {
				m.cells[cellKey{d, s, p}] = &modelCell{capacity: seats}
			}
		}
	}
	return m
}

// reserve predicts Reserve's answer, in Reserve's documented order: the
// day-state order, in which a closed slot comes before the release, and
// a cell that offers no seat (capacity 0) before a full one.
func (m *model) reserve(k cellKey, n int) error {
	c := m.cells[k]
	switch {
	case n < 1 || n > CellSeatsMax:
		return ErrBadSeats
	case !m.now.Before(m.startsAt(k.date, k.slot)):
		return ErrPast
	case m.dayShut[k.date]:
		return ErrClosed
	case c.closed:
		return ErrClosed
	case m.now.Before(m.opens[k.date]):
		return ErrNotOpened
	case c.capacity == 0:
		return ErrNoQuota
	case c.capacity-c.taken < n:
		return ErrFull
	}
	c.taken += n
	c.reserved += n
	return nil
}

func (m *model) release(k cellKey, n int) error {
	c := m.cells[k]
	switch {
	case n < 1 || n > CellSeatsMax:
		return ErrBadSeats
	case c.taken < n:
		return ErrOverRelease
	}
	c.taken -= n
	c.released += n
	return nil
}

func (m *model) setCapacity(k cellKey, n int) error {
	c := m.cells[k]
	switch {
	case n < 0 || n > CellSeatsMax:
		return ErrBadSeats
	case n < c.taken:
		return ErrBelowTaken
	}
	c.capacity = n
	return nil
}

func TestLedgerModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cfg := testConfig(rt)
		cfg.First, cfg.Days = modelDays[0], len(modelDays)
		l := NewLedger()
		id, err := l.AddOffice(cfg)
		if err != nil {
			rt.Fatal(err)
		}
		m := newModel(cfg)

		genCell := rapid.Custom(func(t *rapid.T) cellKey {
			return cellKey{
				date: rapid.SampledFrom(modelDays).Draw(t, "day"),
				slot: rapid.IntRange(0, 1).Draw(t, "slot"),
				pool: rapid.IntRange(0, 1).Draw(t, "pool"),
			}
		})
		same := func(t *rapid.T, op string, got, want error) {
			if !errors.Is(got, want) || (want == nil && got != nil) {
				t.Fatalf("%s: ledger says %v, model says %v", op, got, want)
			}
		}

		rt.Repeat(map[string]func(*rapid.T){
			"reserve": func(t *rapid.T) {
				k, n := genCell.Draw(t, "cell"), rapid.IntRange(-1, 7).Draw(t, "seats")
				fits := l.Fits(id, k.date, k.slot, k.pool, n, m.now) // takes nothing: the model is as it was
				want := m.reserve(k, n)
				same(t, "fits", fits, want)
				same(t, "reserve", l.Reserve(id, k.date, k.slot, k.pool, n, m.now), want)
			},
			"release": func(t *rapid.T) {
				k, n := genCell.Draw(t, "cell"), rapid.IntRange(0, 7).Draw(t, "seats")
				same(t, "release", l.Release(id, k.date, k.slot, k.pool, n), m.release(k, n))
			},
			"setCapacity": func(t *rapid.T) {
				k, n := genCell.Draw(t, "cell"), rapid.IntRange(-1, 9).Draw(t, "seats")
				err := l.SetCapacity(id, k.date, k.slot, k.pool, n)
				same(t, "setCapacity", err, m.setCapacity(k, n))
			},
			"closeSlot": func(t *rapid.T) {
				k := genCell.Draw(t, "cell")
				shut := rapid.Bool().Draw(t, "shut")
				var err error
				if shut {
					err = l.CloseSlot(id, k.date, k.slot, "rapid")
				} else {
					err = l.OpenSlot(id, k.date, k.slot)
				}
				same(t, "closeSlot", err, nil)
				for p := range 2 {
					m.cells[cellKey{k.date, k.slot, p}].closed = shut
				}
			},
			"closeDay": func(t *rapid.T) {
				d := rapid.SampledFrom(modelDays).Draw(t, "day")
				shut := rapid.Bool().Draw(t, "shut")
				var err error
				if shut {
					err = l.CloseDay(id, d, "rapid")
				} else {
					err = l.OpenDay(id, d)
				}
				same(t, "closeDay", err, nil)
				m.dayShut[d] = shut
			},
			"moveRelease": func(t *rapid.T) {
				d := rapid.SampledFrom(modelDays).Draw(t, "day")
				at := m.now.Add(time.Duration(rapid.IntRange(-3, 3).Draw(t, "hours")) * time.Hour)
				same(t, "moveRelease", l.SetReleaseAt(id, d, at), nil)
				m.opens[d] = at
			},
			"advance": func(t *rapid.T) {
				steps := []time.Duration{time.Nanosecond, time.Minute, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}
				m.now = m.now.Add(rapid.SampledFrom(steps).Draw(t, "step"))
			},
			"concurrent": func(t *rapid.T) { concurrentBatch(t, l, id, m, genCell) },
			"": func(t *rapid.T) {
				// The month views' counters follow the cells.
				if err := counterDrift(l); err != nil {
					t.Fatal(err)
				}
				if err := statesMismatch(l, id, 2026, time.December, m.now); err != nil {
					t.Fatal(err)
				}
				for k, c := range m.cells {
					got, err := l.Cell(id, k.date, k.slot, k.pool)
					if err != nil {
						t.Fatal(err)
					}
					want := CellState{Capacity: c.capacity, Left: c.capacity - c.taken, Closed: c.closed}
					if got != want {
						t.Fatalf("cell %v: ledger %+v, model %+v", k, got, want)
					}
					if got.Left < 0 || got.Left > got.Capacity || c.released > c.reserved {
						t.Fatalf("cell %v oversold or over-released: %+v, reserved %d released %d", k, got, c.reserved, c.released)
					}
				}
			},
		})
	})
}

// concurrentBatch runs random reserves, releases and capacity changes from
// several goroutines at once. Outcomes depend on the interleaving, so the
// batch is checked by accounting: every cell's seats taken must equal what
// the successful calls add up to, and the last successful capacity change
// (only one goroutine changes capacity) must stick.
func concurrentBatch(t *rapid.T, l *Ledger, id OfficeID, m *model, genCell *rapid.Generator[cellKey]) {
	type op struct {
		kind string
		k    cellKey
		n    int
	}
	const workers = 4
	plans := make([][]op, workers)
	for w := range plans {
		for range rapid.IntRange(1, 20).Draw(t, "ops") {
			kind := rapid.SampledFrom([]string{"reserve", "release"}).Draw(t, "kind")
			if w == 0 {
				kind = rapid.SampledFrom([]string{"reserve", "release", "capacity"}).Draw(t, "kind")
			}
			plans[w] = append(plans[w], op{kind: kind, k: genCell.Draw(t, "cell"), n: rapid.IntRange(1, 5).Draw(t, "n")})
		}
	}
	results := make([][]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for _, o := range plans[w] {
				var err error
				switch o.kind {
				case "reserve":
					err = l.Reserve(id, o.k.date, o.k.slot, o.k.pool, o.n, m.now)
				case "release":
					err = l.Release(id, o.k.date, o.k.slot, o.k.pool, o.n)
				case "capacity":
					err = l.SetCapacity(id, o.k.date, o.k.slot, o.k.pool, o.n)
				}
				results[w] = append(results[w], err)
			}
		})
	}
	wg.Wait()
	for w, plan := range plans {
		for i, o := range plan {
			err, c := results[w][i], m.cells[o.k]
			switch {
			case err != nil && o.kind == "release" && !errors.Is(err, ErrOverRelease),
				err != nil && o.kind == "capacity" && !errors.Is(err, ErrBelowTaken):
				t.Fatalf("%s %v: unexpected %v", o.kind, o.k, err)
			case err != nil:
			case o.kind == "reserve":
				c.taken += o.n
				c.reserved += o.n
			case o.kind == "release":
				c.taken -= o.n
				c.released += o.n
			case o.kind == "capacity":
				c.capacity = o.n
			}
		}
	}
}
