package bench

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// The steady day: ten offices with quota open for three weeks, and a day
// of ordinary traffic on a fake clock that runs from 07:00 to 17:00 WIB on
// 1 December 2026, one simulated minute at a time. Of the holds, 70% are
// paid 20 minutes later and 30% are left to expire; 5% of the paid ones
// are rescheduled a week later and 3% cancelled. Then the clock walks
// through the arrival days: 90% of paid bookings check in half an hour
// before their slot and the rest become no-shows when it ends.
var (
	steadyStart = time.Date(2026, time.December, 1, 7, 0, 0, 0, calendar.Jakarta())
	steadyDays  = 21
)

const (
	steadyMinutes  = 600
	steadyOffices  = 10
	steadyPayAfter = 20 * time.Minute
	steadyMoveAt   = 60 * time.Minute
	steadyCancelAt = 90 * time.Minute
)

// steadyPlan is what one booking will do.
type steadyPlan struct {
	ticket                 Ticket
	pays, moves, cancels   bool
	checksIn               bool
	madeAt                 time.Time
	date                   calendar.Date
	slot                   string // the slot's start
	paid, moved, cancelled atomic.Bool
}

func SteadyDay(sys System, clk *Clock, cfg Config) (Result, error) {
	var codes []string
	for i := range steadyOffices {
		o := rushOffice(fmt.Sprintf("S%02d", i), calendar.Jakarta())
		o.Quota.Release = quota.ReleaseRule{}
		o.Quota.Days = steadyDays + 10
		if err := sys.Register(o); err != nil {
			return Result{}, err
		}
		codes = append(codes, o.Code)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 3))
	people := (&crowd{rng: rng}).draw(cfg.scaled(50_000), codes)
	r := Result{Scenario: scenarioNames["steady"], System: sys.Name(), Refusals: map[string]int{}}
	var ops atomic.Int64
	var latency []time.Duration
	var plans []*steadyPlan
	var mu sync.Mutex // guards plans, latency and r.Refusals
	mem := startMemory()
	start := time.Now()
	stop := startProgress(cfg.Progress, "steady day "+sys.Name(), steadyMinutes, func() int {
		return int(clk.Now().Sub(steadyStart) / time.Minute)
	})
	clk.Set(steadyStart)
	perMinute := max(1, len(people)/steadyMinutes)
	for m := range steadyMinutes {
		now := steadyStart.Add(time.Duration(m) * time.Minute)
		clk.Set(now)
		batch := people[min(len(people), m*perMinute):min(len(people), (m+1)*perMinute)]
		parallel(cfg.Workers, len(batch), func(i int) {
			o := book(sys, &batch[i], 2026, time.December, rushPool)
			ops.Add(int64(1 + o.calls))
			mu.Lock()
			defer mu.Unlock()
			latency = append(latency, o.latencies()...)
			if !o.booked {
				r.Refusals[o.reason]++
				return
			}
			p := &steadyPlan{ticket: o.ticket, madeAt: now, date: o.date, slot: o.slot}
			p.pays = rng.IntN(100) < 70
			p.moves, p.cancels = p.pays && rng.IntN(100) < 5, p.pays && rng.IntN(100) < 3
			p.checksIn = rng.IntN(100) < 90
			plans = append(plans, p)
		})
		parallel(cfg.Workers, len(plans), func(i int) { steadyAct(sys, plans[i], now, &ops) })
		if err := sys.Sweep(); err != nil {
			return r, err
		}
		ops.Add(1)
	}
	stop()
	if err := arrivalDays(sys, clk, plans, cfg, &ops); err != nil {
		return r, err
	}
	r.Elapsed = time.Since(start)
	r.Applicants = int(ops.Load())
	r.Bookings = len(plans)
	r.BookingsPerSec = float64(r.Bookings) / r.Elapsed.Seconds()
	r.OpsPerSec = float64(r.Applicants) / r.Elapsed.Seconds()
	r.percentiles(latency)
	r.Note = fmt.Sprintf("applicants column counts operations: holds, pays, reschedules, cancels, check-ins, sweeps of %d applicants", len(people))
	mem.finish(&r, people)
	return r, audit(sys, &r)
}

// steadyAct does what is due for one booking at now.
func steadyAct(sys System, p *steadyPlan, now time.Time, ops *atomic.Int64) {
	switch {
	case p.pays && !p.paid.Load() && !now.Before(p.madeAt.Add(steadyPayAfter)):
		if sys.Pay(p.ticket, "ref-"+p.ticket.Code) == nil {
			p.paid.Store(true)
		}
		ops.Add(1)
	case p.moves && p.paid.Load() && !p.moved.Load() && !now.Before(p.madeAt.Add(steadyMoveAt)):
		p.moved.Store(true)
		d := p.date.AddDays(7)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d = d.AddDays(1)
		}
		if sys.Reschedule(p.ticket, d, p.slot) == nil {
			p.date = d
		}
		ops.Add(1)
	case p.cancels && p.paid.Load() && !p.cancelled.Load() && !now.Before(p.madeAt.Add(steadyCancelAt)):
		p.cancelled.Store(true)
		sys.Cancel(p.ticket)
		ops.Add(1)
	}
}

// arrivalDays walks the clock through each arrival day, checking in the
// applicants who come and sweeping the no-shows after each slot.
func arrivalDays(sys System, clk *Clock, plans []*steadyPlan, cfg Config, ops *atomic.Int64) error {
	bySlot := map[calendar.Date]map[string][]*steadyPlan{}
	for _, p := range plans {
		if p.paid.Load() && !p.cancelled.Load() && p.checksIn {
			if bySlot[p.date] == nil {
				bySlot[p.date] = map[string][]*steadyPlan{}
			}
			bySlot[p.date][p.slot] = append(bySlot[p.date][p.slot], p)
		}
	}
	first := calendar.DateOf(steadyStart, calendar.Jakarta())
	for i := range steadyDays + 10 {
		d := first.AddDays(i)
		slots := bySlot[d]
		for s := range rushOnlineSeats {
			start := d.Start(calendar.Jakarta()).Add(time.Duration(8+s) * time.Hour)
			clk.Set(start.Add(-30 * time.Minute))
			list := slots[rushSlot(s)]
			parallel(cfg.Workers, len(list), func(j int) {
				sys.CheckIn(list[j].ticket)
				ops.Add(1)
			})
			clk.Set(start.Add(time.Hour))
			if err := sys.Sweep(); err != nil {
				return err
			}
			ops.Add(1)
		}
	}
	return nil
}

// parallel runs fn(0..n-1) on up to workers goroutines.
func parallel(workers, n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(max(1, workers), n) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				fn(int(i))
			}
		})
	}
	wg.Wait()
}
