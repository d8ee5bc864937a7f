package quota

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/kuota/kuota/calendar"
)

// countersOffice is a random office for TestCountersModel: one to three
// pools, one to four slots anywhere in the day (00:00 and 23:59 included),
// capacities of 0 to 3 so that cells cross zero all the time, a zone with
// or without daylight saving time, and a release rule or none.
func countersOffice(t *rapid.T) Config {
	zones := []*time.Location{calendar.Jakarta(), calendar.Jayapura(), mustZone(t, "America/New_York")}
	loc := rapid.SampledFrom(zones).Draw(t, "zone")
	pools := rapid.IntRange(1, 3).Draw(t, "pools")
	starts := rapid.SliceOfNDistinct(rapid.IntRange(0, 24*60-1), 1, 4, rapid.ID).Draw(t, "starts")
	cfg := Config{
		Schedule: calendar.Schedule{Location: loc},
		First:    rapid.SampledFrom([]calendar.Date{calendar.NewDate(2026, 12, 1), calendar.NewDate(2027, 3, 10), calendar.NewDate(2027, 11, 5)}).Draw(t, "first"),
		Days:     rapid.IntRange(3, 40).Draw(t, "days"),
	}
	for p := range pools {
		cfg.Layout.Pools = append(cfg.Layout.Pools, []string{"online", "walk-in", "vip"}[p])
	}
	for _, m := range starts {
		start := time.Duration(m) * time.Minute
		seats := rapid.SliceOfN(rapid.IntRange(0, 3), pools, pools).Draw(t, "seats")
		cfg.Layout.Slots = append(cfg.Layout.Slots, Slot{Start: start, End: start + time.Minute, Seats: seats})
	}
	if rapid.Bool().Draw(t, "monthly release") {
		cfg.Release = ReleaseRule{Every: Monthly, Lead: 1, Day: 1, At: 8 * time.Hour}
	}
	return cfg
}

func mustZone(t *rapid.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// counterOp is one change TestCountersModel makes, drawn in full before it
// runs so that a concurrent batch can run it on another goroutine.
type counterOp struct {
	kind       string
	d          calendar.Date
	slot, pool int
	n          int  // seats; SetCapacity sets n − 1; SetRelease moves by n − 2 hours
	fail       bool // the commit fails
	change     int  // reconfigure: which change (see reconfigure)
	a, b       int  // reconfigure: its values, reduced when it runs
}

var counterKinds = []string{"reserve", "release", "restore", "capacity", "close slot", "open slot", "close day", "open day", "release at", "reconfigure"}

// drawOp draws an op of kind over the office's configuration as it is now:
// Reconfigure may have added slots and pools, or moved the window.
func drawOp(t *rapid.T, l *Ledger, id OfficeID, kind string) counterOp {
	cur, err := l.Config(id)
	if err != nil {
		t.Fatal(err)
	}
	return counterOp{
		kind:   kind,
		d:      cur.First.AddDays(rapid.IntRange(-1, cur.Days).Draw(t, "day")),
		slot:   rapid.IntRange(0, len(cur.Layout.Slots)-1).Draw(t, "slot"),
		pool:   rapid.IntRange(0, len(cur.Layout.Pools)-1).Draw(t, "pool"),
		n:      rapid.IntRange(1, 3).Draw(t, "n"),
		fail:   rapid.Bool().Draw(t, "commit fails"),
		change: rapid.IntRange(0, 3).Draw(t, "change"),
		a:      rapid.IntRange(0, 1000).Draw(t, "a"),
		b:      rapid.IntRange(0, 1000).Draw(t, "b"),
	}
}

// run makes the op as of now and returns its error. The walk the test
// compares with decides nothing about refusals: any error is as good as a
// change, but for ErrBadSeats and the like, which mean a broken op.
func (o counterOp) run(l *Ledger, id OfficeID, now time.Time) error {
	var commit func() error
	if o.fail {
		commit = func() error { return errJournal }
	}
	switch o.kind {
	case "reserve":
		return l.Reserve(id, o.d, o.slot, o.pool, o.n, now)
	case "release":
		return l.Release(id, o.d, o.slot, o.pool, o.n)
	case "restore":
		return l.Restore(id, o.d, o.slot, o.pool, o.n)
	case "capacity":
		return l.Apply(id, Override{Kind: SetCapacity, Date: o.d, Slot: o.slot, Pool: o.pool, Seats: o.n - 1}, commit)
	case "close slot":
		return l.Apply(id, Override{Kind: CloseSlot, Date: o.d, Slot: o.slot, Reason: "rapid"}, commit)
	case "open slot":
		return l.Apply(id, Override{Kind: OpenSlot, Date: o.d, Slot: o.slot}, commit)
	case "close day":
		return l.Apply(id, Override{Kind: CloseDay, Date: o.d, Reason: "rapid"}, commit)
	case "open day":
		return l.Apply(id, Override{Kind: OpenDay, Date: o.d}, commit)
	case "release at":
		return l.SetReleaseAt(id, o.d, now.Add(time.Duration(o.n-2)*time.Hour))
	}
	return o.reconfigure(l, id, commit)
}

// brokenOp reports an error no op drawn by drawOp may get.
func brokenOp(err error) bool {
	return errors.Is(err, ErrBadSeats) || errors.Is(err, ErrBadOverride) || errors.Is(err, ErrBadReason) ||
		errors.Is(err, ErrBadConfig) || errors.Is(err, ErrLayoutChange) || errors.Is(err, ErrUnknownOffice)
}

// reconfigure replaces the office's configuration with a changed one: a
// longer or shorter window (the days shared), a closure in the schedule,
// or a layout with other capacities, or a slot or pool more (fresh cells,
// counted while the old table is frozen).
func (o counterOp) reconfigure(l *Ledger, id OfficeID, commit func() error) error {
	cfg, err := l.Config(id)
	if err != nil {
		return err
	}
	slots := cfg.Layout.Slots
	switch o.change {
	case 0:
		cfg.Days = 1 + o.a%45
	case 1:
		d := cfg.First.AddDays(o.a % cfg.Days)
		if !slices.ContainsFunc(cfg.Schedule.Closures, func(c calendar.Closure) bool { return c.Date == d }) {
			cfg.Schedule.Closures = append(cfg.Schedule.Closures, calendar.Closure{Date: d, Reason: "rapid"})
		}
	case 2:
		slots[o.a%len(slots)].Seats[o.b%len(cfg.Layout.Pools)] = o.b % 5
	default:
		start := time.Duration(o.a) * 7 * time.Minute % (24*time.Hour - time.Minute)
		if _, taken := cfg.Layout.SlotAt(start); !taken && len(slots) < 6 {
			cfg.Layout.Slots = append(slots, Slot{Start: start, End: start + time.Minute, Seats: slices.Repeat([]int{1}, len(cfg.Layout.Pools))})
		}
		if len(cfg.Layout.Pools) < 4 && o.b%2 == 0 {
			cfg.Layout.Pools = append(cfg.Layout.Pools, fmt.Sprintf("extra-%d", len(cfg.Layout.Pools)))
			for s := range cfg.Layout.Slots {
				cfg.Layout.Slots[s].Seats = append(cfg.Layout.Slots[s].Seats, o.b%3)
			}
		}
	}
	return l.Reconfigure(id, cfg, commit)
}

// TestCountersModel runs random Reserve, Release, Restore, operator changes
// (with commits that fail), Reconfigure, the clock moving and concurrent
// batches of all of these against one office, and after every step checks
// the day counters against a walk of the cells, and AppendMonth and
// AppendMonthIn against Month and MonthIn — which walk the cells — for
// every month of the table, at the step's instant and around it. The walk
// is the model: the counters must never drift from it.
func TestCountersModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cfg := countersOffice(rt)
		l := NewLedger()
		id, err := l.AddOffice(cfg)
		if err != nil {
			rt.Fatal(err)
		}
		now := cfg.First.Start(cfg.Schedule.Location).Add(-36 * time.Hour)
		ops := map[string]func(*rapid.T){
			"advance": func(t *rapid.T) {
				steps := []time.Duration{time.Nanosecond, time.Minute, 17 * time.Minute, time.Hour, 9 * time.Hour, 24 * time.Hour}
				now = now.Add(rapid.SampledFrom(steps).Draw(t, "step"))
			},
			"concurrent": func(t *rapid.T) { concurrentCounters(t, l, id, now) },
			"": func(t *rapid.T) {
				if err := counterDrift(l); err != nil {
					t.Fatal(err)
				}
				if n := frozenCells(l, id); n != 0 {
					t.Fatalf("%d cells left frozen", n)
				}
				cur, _ := l.Config(id)
				for _, d := range []calendar.Date{cur.First, cur.First.AddDays(cur.Days - 1)} {
					for _, at := range []time.Time{now, now.Add(-time.Hour), now.Add(6 * time.Hour)} {
						if err := statesMismatch(l, id, d.Year(), d.Month(), at); err != nil {
							t.Fatal(err)
						}
					}
				}
			},
		}
		for _, k := range counterKinds {
			ops[k] = func(t *rapid.T) {
				if err := drawOp(t, l, id, k).run(l, id, now); brokenOp(err) {
					t.Fatalf("%s: %v", k, err)
				}
			}
		}
		rt.Repeat(ops)
	})
}

// concurrentCounters runs a batch of random ops from several goroutines at
// once — Reserve, Release and Restore from all, operator changes and
// Reconfigure from the first — while another reads the month. Outcomes
// depend on the interleaving, so the batch is judged by the invariant
// after it: counters equal to a walk of the cells, no cell frozen, and the
// views agreeing.
func concurrentCounters(t *rapid.T, l *Ledger, id OfficeID, now time.Time) {
	const workers = 4
	plans := make([][]counterOp, workers)
	for w := range plans {
		for range rapid.IntRange(1, 15).Draw(t, "ops") {
			kinds := counterKinds[:3] // reserve, release, restore
			if w == 0 {
				kinds = counterKinds
			}
			plans[w] = append(plans[w], drawOp(t, l, id, rapid.SampledFrom(kinds).Draw(t, "kind")))
		}
	}
	cur, _ := l.Config(id)
	var broken sync.Map
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		var days []DayState
		for {
			select {
			case <-done:
				return
			default:
			}
			days, _ = l.AppendMonth(days[:0], id, cur.First.Year(), cur.First.Month(), now)
			runtime.Gosched()
		}
	})
	var workWG sync.WaitGroup
	for w := range workers {
		workWG.Go(func() {
			for _, o := range plans[w] {
				if err := o.run(l, id, now); brokenOp(err) {
					broken.Store(o.kind, err)
				}
			}
		})
	}
	workWG.Wait()
	close(done)
	wg.Wait()
	broken.Range(func(k, v any) bool { t.Fatalf("%s: %v", k, v); return false })
}
